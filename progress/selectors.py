"""Reads of the roll-ups: what the dashboards and the API show."""

from typing import Any

from django.db.models import Max, QuerySet, Sum

from .figures import METRICS
from .models import ProgressSnapshot


def snapshots_for(*, programme_id: int) -> QuerySet[ProgressSnapshot]:
    return ProgressSnapshot.objects.filter(programme_id=programme_id)


def progress_total(*, programme_id: int) -> ProgressSnapshot | None:
    """The programme-wide totals row (all cities, partners, audiences and days)."""
    return snapshots_for(programme_id=programme_id).filter(city=None, partner=None, audience="", day=None).first()


def progress_by_city(*, programme_id: int) -> QuerySet[ProgressSnapshot]:
    return (
        snapshots_for(programme_id=programme_id)
        .filter(city__isnull=False, partner=None, audience="", day=None)
        .select_related("city")
    )


def progress_sum(*, programme_id: int, **filters: Any) -> dict[str, Any]:
    """Sum of metrics over the finest slices matching filters (city_id, partner_id, audience, day range)."""
    qs = snapshots_for(programme_id=programme_id).filter(**filters)
    agg = qs.aggregate(**{m: Sum(m) for m in METRICS}, computed_at=Max("computed_at"))
    return {k: (v or 0) if k != "computed_at" else v for k, v in agg.items()}
