"""The platform's URLs plus the floor: the same stack doing the least a dashboard can do."""

from django.http import JsonResponse
from django.urls import path

from bench.checkin_floor import checkin_floor
from progress.models import ProgressSnapshot
from umkm_program.urls import urlpatterns as platform_urls


def floor(request):
    """One SELECT of the programme's total snapshot row (?programme=<id>, else any), no session, no template."""
    rows = ProgressSnapshot.objects.filter(city=None, partner=None, audience="", day=None)
    if request.GET.get("programme", "").isdigit():
        rows = rows.filter(programme_id=int(request.GET["programme"]))
    row = rows.values("umkm_trained", "computed_at").first()
    return JsonResponse({"umkm_trained": row["umkm_trained"] if row else 0})


urlpatterns = [path("bench/floor/", floor), path("bench/checkin-floor/", checkin_floor), *platform_urls]
