"""Read-only JSON API for other government systems: /api/v1/progress/.

Auth: the browser session, or `Authorization: Bearer <key>` with a key from
an ApiToken (see models.ApiToken). A token acts as its user, so the API is
scoped exactly like the pages (users/scoping.py). DRF is not used: one
read-only endpoint does not justify the dependency.
"""

from django.core.cache import cache
from django.http import JsonResponse
from django.utils.translation import get_language
from django.views import View

from surveys.selectors import RESULTS_CACHE_SECONDS, survey_results, survey_results_version
from users.roles import role_of
from users.scoping import may_see_programme_aggregates

from .fragments import code_fingerprint
from .selectors import ksp_overview, programme_for
from .services import api_token_user
from .views import _today


def _request_user(request):
    header = request.headers.get("Authorization", "")
    if header.startswith(("Bearer ", "Token ")):
        return api_token_user(key=header.split(" ", 1)[1].strip())
    return request.user if request.user.is_authenticated else None


class ProgressApiView(View):
    http_method_names = ["get", "head", "options"]

    def get(self, request):
        user = _request_user(request)
        if user is None:
            response = JsonResponse({"detail": "Authentication required."}, status=401)
            response["WWW-Authenticate"] = 'Bearer realm="api"'
            return response
        if not may_see_programme_aggregates(user):
            return JsonResponse({"detail": "Not allowed for this role."}, status=403)
        programme = programme_for(user=user, programme_id=request.GET.get("programme"))
        if programme is None:
            return JsonResponse({"detail": "No such programme."}, status=404)
        ov = ksp_overview(user=user, programme=programme, today=_today())
        t = ov.totals
        body = {
            "programme": {
                "id": programme.pk,
                "slug": programme.slug,
                "name": programme.name,
                "starts_on": programme.starts_on.isoformat(),
                "ends_on": programme.ends_on.isoformat(),
            },
            "computed_at": ov.computed_at.isoformat() if ov.computed_at else None,
            "headline": {
                "umkm_trained": t["umkm_trained"],
                "umkm_target": ov.target,
                "umkm_progress_pct": ov.pct,
                "pemda_trained": t["pemda_trained"],
                "pemda_target": ov.pemda_target,
                "trainers_certified": ov.trainers_certified,
                "sessions_held": t["sessions_held"],
                "sessions_planned": t["sessions_planned"],
                "women_pct": ov.women_pct,
                "umkm_mikro": t["umkm_mikro"],
                "umkm_kecil": t["umkm_kecil"],
                "umkm_menengah": t["umkm_menengah"],
                "target_reached_on": ov.reached_on.isoformat() if ov.reached_on else None,
                "projected_target_date": ov.projected_on.isoformat() if ov.projected_on else None,
            },
            "cities": [
                {
                    "id": c.city_id,
                    "name": c.name,
                    "province": c.province,
                    "umkm_trained": c.trained,
                    "umkm_target": c.target,
                    "umkm_progress_pct": c.pct,
                    "pemda_trained": c.pemda_trained,
                }
                for c in ov.cities
            ],
            "results": _results_cached(programme=programme, user=user),
        }
        return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def _results_cached(*, programme, user) -> dict:
    """The survey part of the reply, kept in the cache under the indicators' version (survey_results_version).

    Its group labels are translated, so the language is in the key; the role too, so that one role's
    reply is never served to another should it ever differ.
    """
    version = survey_results_version(programme=programme)
    key = f"monitoring:api-results:{programme.pk}:{get_language()}:{role_of(user)}:{code_fingerprint()}:{version.key}"
    body = cache.get(key)
    if body is None:
        body = _results(survey_results(programme=programme, version=version))
        cache.set(key, body, RESULTS_CACHE_SECONDS)
    return body


def _results(results) -> dict:
    """Survey figures, aggregates only: n beside every value, and a flag where fewer than 10 answered."""
    return {
        "computed_at": results.computed_at.isoformat() if results.computed_at else None,
        "waves": [
            {
                "code": w.wave.code,
                "kind": w.wave.kind,
                "days_after": w.wave.days_after,
                "invited": w.invited,
                "responded": w.responded,
                "response_rate_pct": w.rate,
                "indicators": [
                    {
                        "code": f.code,
                        "kind": f.kind,
                        "value": f.value,
                        "n": f.n,
                        "fewer_than_10": f.small,
                        "baseline_pct": f.baseline,
                        "baseline_n": f.baseline_n if f.baseline is not None else None,
                        "by": {
                            dim: [{"group": str(label), "value": value, "n": n} for label, value, n in rows]
                            for dim, rows in f.by.items()
                        },
                    }
                    for f in w.figures
                ],
            }
            for w in results.waves
        ],
    }
