from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from users.mixins import RoleRequiredMixin
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


class RoleHomeView(RoleRequiredMixin, TemplateView):
    template_name = "core/home.html"
    role: str = ""
    title = ""
    abilities: tuple = ()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(role_label=Role(self.role).label, title=self.title, abilities=self.abilities)
        return ctx


class AdminHomeView(RoleHomeView):
    role = Role.PROGRAMME_ADMIN
    allowed_roles = (role,)
    title = _("Programme administration")
    abilities = (
        _("Manage programmes, cities and their targets."),
        _("Plan the roadshow: roadshows, sessions and trainers."),
        _("Manage NGO partners and invite coordinators and trainers."),
        _("See every participant and export data."),
    )


class CoordinatorHomeView(RoleHomeView):
    role = Role.PARTNER_COORDINATOR
    allowed_roles = (role,)
    title = _("Partner coordination")
    abilities = (
        _("Manage your NGO's trainers and their sessions."),
        _("See the participants of your NGO's sessions."),
    )


class TrainerHomeView(RoleHomeView):
    role = Role.TRAINER
    allowed_roles = (role,)
    title = _("My training sessions")
    abilities = (
        _("Run the sessions you are assigned to."),
        _("Register participants, check them in and close attendance."),
    )


class PolicyHomeView(RoleHomeView):
    role = Role.POLICY_VIEWER
    allowed_roles = (role,)
    title = _("Policy dashboards")
    abilities = (
        _("See progress and results across cities and partners."),
        _("Drill down and export aggregate figures."),
    )


class KspHomeView(RoleHomeView):
    role = Role.KSP_MONITOR
    allowed_roles = (role,)
    title = _("KSP monitoring")
    abilities = (
        _("Follow progress toward the 10,000 UMKM target."),
        _("See results and impact as aggregate figures only."),
    )


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


def home_url_for(user) -> str:
    return reverse(ROLE_HOME.get(role_of(user), "home-no-role"))
