"""The admin's programme overview page (/schedule/overview/, named sessions_app:programme-overview).

The page moved here from sessions_app because it shows progress's roll-up; its URL, name and
template (sessions_app/programme_overview.html) stay, see monitoring/schedule_urls.py.
"""

from django.views.generic import TemplateView

from cities.models import Programme
from cities.selectors import programme_main
from progress.selectors import progress_by_city, progress_total
from users.areas import Area
from users.mixins import RoleRequiredMixin
from users.scoping import scoped

from . import overview


class ProgrammeOverviewView(RoleRequiredMixin, TemplateView):
    """The admin's landing page: every city of a programme, in roadshow order, against its target.

    Opens on the main programme (cities.selectors.programme_main, as the KSP view does). Sessions
    planned/held/cancelled and UMKM trained come from the progress roll-up the KSP view, dashboards and
    API read, so the figures agree; registered and people attended per city are this page's own counts.
    """

    area = Area.PROGRAMME_OVERVIEW
    template_name = "sessions_app/programme_overview.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        visible = scoped(self.request.user, Programme)
        programmes = list(visible)
        chosen = self.request.GET.get("programme")
        programme = next((p for p in programmes if str(p.pk) == chosen), None) or programme_main(programmes=visible)
        rows = overview.programme_overview(user=self.request.user, programme=programme) if programme else []
        total = progress_total(programme_id=programme.pk) if programme else None
        if programme:
            _add_rollup(rows, progress_by_city(programme_id=programme.pk))
        for row in rows:
            row.first_day, row.last_day = overview.roadshow_span(row.roadshows)
        totals = {key: sum(getattr(r, key) for r in rows) for key in ("umkm_target", "registered")}
        totals.update(
            trained=total.umkm_trained if total else 0,
            held=total.sessions_held if total else 0,
            planned=total.sessions_planned if total else 0,
            cancelled=total.sessions_cancelled if total else 0,
        )
        ctx.update(
            programmes=programmes,
            programme=programme,
            rows=rows,
            totals=totals,
            computed_at=total.computed_at if total else None,
        )
        return ctx


def _add_rollup(rows: list, by_city) -> None:
    """Copy each city's roll-up figures onto its row; a city with sessions but no target or roadshow gets a row
    at the end, so the rows add up to the total."""
    index = {row.city.pk: row for row in rows}
    for snap in by_city:
        row = index.get(snap.city_id)
        if row is None:
            row = index[snap.city_id] = overview.OverviewRow(city=snap.city, order=10_000, umkm_target=0)
            rows.append(row)
        row.planned, row.held, row.cancelled = snap.sessions_planned, snap.sessions_held, snap.sessions_cancelled
        row.trained = snap.umkm_trained
    rows.sort(key=lambda r: (r.order, r.city.name))
