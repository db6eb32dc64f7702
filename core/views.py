from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from users.models import Role
from users.roles import role_of

from .health import broker_ok, database_ok

ROLE_HOME = {
    Role.PROGRAMME_ADMIN: "sessions_app:programme-overview",
    Role.PARTNER_COORDINATOR: "sessions_app:session-list",
    Role.TRAINER: "participants:trainer-sessions",
    Role.POLICY_VIEWER: "monitoring-dashboard",
    Role.KSP_MONITOR: "monitoring-ksp",
}


def home(request):
    """Send each user to their role's home page."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    name = ROLE_HOME.get(role_of(request.user))
    if name is None:
        return redirect("home-no-role")
    return redirect(name)


class NoRoleView(TemplateView):
    template_name = "core/no_role.html"


@never_cache
def healthz(request):
    db_up, db_detail = database_ok()
    broker_up, broker_detail = broker_ok()
    healthy = db_up and broker_up
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": db_detail,
        "broker": broker_detail,
    }
    return JsonResponse(body, status=200 if healthy else 503)
