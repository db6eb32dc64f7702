"""Reads about programmes and cities that every higher app may share."""

from django.db.models import QuerySet
from django.utils import timezone

from .models import Programme


def programme_main(*, programmes: QuerySet[Programme]) -> Programme | None:
    """The main programme among `programmes` (already scoped to the user by the caller).

    The largest by UMKM target among those that have started (the flagship roadshow
    rather than a small follow-up or demo series that happens to be newer), else the
    most recent. The KSP view, the dashboards, the API and the admin's overview all
    open on this one.
    """
    started = programmes.filter(starts_on__lte=timezone.localdate())
    return started.order_by("-umkm_target", "-starts_on", "pk").first() or programmes.order_by("-starts_on", "pk").first()
