"""The service worker, the web app manifest, the offline fallback page and the sync endpoint."""

import hashlib
import json
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from participants.checkin_access import session_roster_payload
from participants.views.common import PersonalDataMixin, device_of
from users.areas import Area
from users.scoping import sessions_for

from .services import offline_actions_apply

# Limits of one batch: a phone sends its queue in batches of at most this many actions.
MAX_ACTIONS = 100
MAX_BODY_BYTES = 256 * 1024

# What the service worker keeps at install: the app shell of the trainer's pages.
SHELL_ASSETS = (
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js",
    "vendor/idb/idb.umd.js",
    "css/app.css",
    "pwa/pwa.js",
    "participants/checkin.js",
    "pwa/icon-192.png",
)


@lru_cache(maxsize=1)
def _shell_version() -> str:
    """Changes whenever a shell file changes, so the service worker installs afresh and drops stale copies."""
    digest = hashlib.sha256()
    for name in SHELL_ASSETS:
        path = finders.find(name)
        if path:
            with open(path, "rb") as handle:
                digest.update(handle.read())
    with open(finders.find("pwa/sw.js"), "rb") as handle:  # type: ignore[arg-type]
        digest.update(handle.read())
    return digest.hexdigest()[:12]


class ServiceWorkerView(View):
    """/sw.js from the site root, so its scope is the whole site."""

    def get(self, request):
        with open(finders.find("pwa/sw.js"), encoding="utf-8") as handle:
            code = handle.read()
        config = {
            "version": _shell_version(),
            "shell": [static(name) for name in SHELL_ASSETS],
            "fallback": reverse("offline:fallback"),
            "staticPrefix": static(""),
        }
        body = f"self.LAJU_SW = {json.dumps(config)};\n{code}"
        response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
        response["Service-Worker-Allowed"] = "/"
        response["Cache-Control"] = "no-cache"
        return response


class ManifestView(View):
    def get(self, request):
        manifest = {
            "name": "LAJU DIGITAL",
            "short_name": "LAJU",
            "description": _("Check-in for the trainers of the LAJU DIGITAL programme, also without a connection."),
            "lang": getattr(request, "LANGUAGE_CODE", "id"),
            "start_url": reverse("participants:trainer-sessions"),
            "scope": "/",
            "display": "standalone",
            "background_color": "#f8f9fa",
            "theme_color": "#0b5ed7",
            "icons": [
                {"src": static("pwa/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("pwa/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {"src": static("pwa/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
            ],
        }
        return JsonResponse(manifest, content_type="application/manifest+json")


class OfflineFallbackView(TemplateView):
    """What the service worker shows for a page it has no copy of. No personal data: it is kept on the phone."""

    template_name = "offline/fallback.html"


class OfflineSyncView(PersonalDataMixin, View):
    """GET: who is logged in, and a fresh CSRF token (the queue sends only its own user's actions).
    POST: a batch of queued actions as JSON; one receipt per action, and the fresh rosters of the sessions touched."""

    area = Area.CHECK_IN

    def get(self, request):
        return JsonResponse({"user": request.user.pk, "csrf": get_token(request)})

    def post(self, request):
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES or len(request.body) > MAX_BODY_BYTES:
            return self._error(_("Too much at once: send at most %(count)s actions in one batch.") % {"count": MAX_ACTIONS}, 413)
        try:
            batch = json.loads(request.body or b"")
        except (ValueError, UnicodeDecodeError):
            return self._error(_("The batch could not be read: it is not JSON."))
        actions = batch.get("actions") if isinstance(batch, dict) else None
        if not isinstance(actions, list) or not actions:
            return self._error(_("The batch could not be read: it has no list of actions."))
        if len(actions) > MAX_ACTIONS:
            return self._error(_("Too much at once: send at most %(count)s actions in one batch.") % {"count": MAX_ACTIONS}, 413)
        receipts = offline_actions_apply(
            user=request.user, actions=actions, device=device_of(request), language=getattr(request, "LANGUAGE_CODE", "")
        )
        touched = {r.session for r in receipts if r.session is not None}
        rosters = {
            str(s.pk): session_roster_payload(user=request.user, session=s)
            for s in sessions_for(request.user).select_related("city").filter(pk__in=touched)
        }
        return JsonResponse({"receipts": [r.as_dict() for r in receipts], "rosters": rosters})

    def _error(self, message: str, status: int = 400):
        return JsonResponse({"error": message}, status=status)
