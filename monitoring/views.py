"""KSP monitoring view, its PDF report, the policy dashboards, exports and drill-down lists.

Aggregate pages read roll-ups only (see selectors.py); pages with personal data
(the drill-down lists) are refused with 403 to anyone users/scoping.py says may
not see personal data, which always includes KSP monitors.
"""

import datetime as dt
import logging
import zoneinfo

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise, SimpleLazyObject, cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic import TemplateView, View

from audit.services import audit_bulk_export
from surveys.selectors import survey_results, survey_results_cached, survey_results_version
from umkm_program.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from users.areas import Area, may_open
from users.mixins import RoleRequiredMixin
from users.scoping import cities_for, partners_for, sees_every_session

from . import charts
from .forms import DashboardFilterForm
from .fragments import cached_fragment
from .selectors import (
    SESSION_STATUSES,
    dashboard_aggregates,
    dashboard_sessions,
    ksp_overview,
    listed_session_totals,
    listed_sessions,
    map_cities,
    programme_choices,
    programme_for,
    rollup_session_count,
    session_rates,
    session_rollup_computed_at,
    trained_participants,
)
from .tables import dashboard_tables, overview_tables, table_csv, tables_named, tables_xlsx

# The monitoring figures are programme-wide; shown in WIB, the zone of the ministries in Jakarta.
REPORT_ZONE = zoneinfo.ZoneInfo("Asia/Jakarta")
SESSIONS_PER_PAGE = 25
# WeasyPrint narrates every layout step at INFO; one report should not write a dozen log lines.
logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)


def _today() -> dt.date:
    return timezone.localdate(timezone=REPORT_ZONE)


class CountedPaginator(Paginator):
    """A paginator told how many items there are (from a roll-up) instead of counting them with COUNT(*)."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


class NoProgrammeMixin:
    """With no programme yet, the role's home page says so instead of failing."""

    title: "str | Promise" = ""

    def get(self, request, *args, **kwargs):
        self.programme = programme_for(user=request.user, programme_id=request.GET.get("programme"))
        if self.programme is None:
            ctx = {"title": self.title, "role_label": request.user.get_role_display()}
            return self.response_class(
                request, ["monitoring/no_programme.html"], ctx, status=200 if not request.GET.get("programme") else 404
            )
        return super().get(request, *args, **kwargs)


class ProgressOverviewView(RoleRequiredMixin, NoProgrammeMixin, TemplateView):
    """The KSP monitoring view: aggregates only."""

    template_name = "monitoring/ksp_overview.html"
    area = Area.AGGREGATES
    title = _lazy("KSP monitoring")

    def overview(self):
        programme = getattr(self, "programme", None) or programme_for(
            user=self.request.user, programme_id=self.request.GET.get("programme")
        )
        if programme is None:
            raise Http404(_("No programme to show."))
        return ksp_overview(user=self.request.user, programme=programme, today=_today())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ov = self.overview()
        tables = overview_tables(ov)
        version = survey_results_version(programme=ov.programme)
        results = SimpleLazyObject(lambda: survey_results_cached(programme=ov.programme, version=version))

        def results_html():  # called by the template: on a cache hit the results are not even read
            return cached_fragment(
                "ksp-results",
                user=self.request.user,
                parts=(ov.programme.pk, version.key),
                render=lambda: render_to_string("surveys/_results.html", {"results": results}),
            )

        ctx.update(
            ov=ov,
            tables=tables,
            tables_named=tables_named(tables),
            trend_svg=charts.trend_lines(ov.trend, ov.target),
            map_svg=charts.city_map(ov.cities),
            drill=may_open(self.request.user, Area.DRILL_DOWN),
            session_drill=may_open(self.request.user, Area.SESSION_FIGURES),
            programmes=programme_choices(user=self.request.user),
            report_zone="WIB",
            computed_local=ov.computed_at.astimezone(REPORT_ZONE) if ov.computed_at else None,
            results=results,
            results_html=results_html,
        )
        return ctx


class ProgressReportPdfView(ProgressOverviewView):
    """The same figures as a PDF in Indonesian, for a ministry meeting."""

    template_name = "monitoring/ksp_report.html"

    def get(self, request, *args, **kwargs):
        from weasyprint import HTML

        with translation.override("id"):
            ctx = self.get_context_data(**kwargs)
            scale = ctx["tables_named"]["scale_mix"]
            ctx["scale_svg"] = charts.share_bars(list(zip(scale.column("scale"), scale.column("umkm_trained"), strict=True)))
            ctx["city_svg"] = charts.city_bars(ctx["ov"].cities)
            html = render_to_string(self.template_name, ctx, request=request)
            pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
        ov = ctx["ov"]
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="laporan-kemajuan-{ov.programme.slug}-{ov.today:%Y-%m-%d}.pdf"'
        return response


class DashboardMixin(RoleRequiredMixin):
    area = Area.DASHBOARDS

    def filter_form_and_filters(self):
        form = DashboardFilterForm(self.request.GET or None, user=self.request.user)
        default = programme_for(user=self.request.user)
        if form.is_bound:
            form.is_valid()
        filters = form.filters(default_programme=default)
        if filters is None:
            raise Http404(_("No programme to show."))
        return form, filters


class ProgressDashboardView(DashboardMixin, NoProgrammeMixin, TemplateView):
    template_name = "monitoring/dashboard.html"
    title = _lazy("Policy dashboards")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form, filters = self.filter_form_and_filters()
        agg = dashboard_aggregates(filters=filters)
        results = survey_results_cached(programme=filters.programme, version=survey_results_version(programme=filters.programme))
        figure_tables = dashboard_tables(agg)
        tables = figure_tables + results.tables
        sessions = dashboard_sessions(user=self.request.user, filters=filters)
        if sees_every_session(self.request.user):  # the roll-up just read counts the same sessions: no COUNT(*) over them
            paginator: Paginator = CountedPaginator(sessions, SESSIONS_PER_PAGE, count=rollup_session_count(agg))
        else:
            paginator = Paginator(sessions, SESSIONS_PER_PAGE)
        page = paginator.get_page(self.request.GET.get("page"))
        rows = [(s, session_rates(s)) for s in page.object_list]
        query = self.request.GET.copy()
        query.pop("page", None)
        cities = map_cities(user=self.request.user, filters=filters, by_city=agg.by_city)
        link_query = query.copy()
        link_query["programme"] = str(filters.programme.pk)
        if may_open(self.request.user, Area.SESSION_FIGURES):
            _link_session_figures(tables, agg, link_query)
        ctx.update(
            form=form,
            filters=filters,
            agg=agg,
            tables=tables,
            results=results,
            # The tables a chart is drawn from: the survey tables by group (hundreds of rows) have no chart.
            charts_data={
                t.slug: {"labels": [str(row[0]) for row in t.rows], "headers": t.headers, "rows": t.rows}
                for t in [*figure_tables, results.chart, results.rates]
            },
            tables_named=tables_named(tables),
            page=page,
            session_rows=rows,
            querystring=query.urlencode(),
            map_svg=charts.city_map(cities, pemda=filters.audience == "pemda"),
            map_cities=cities,
            map_pemda=filters.audience == "pemda",
            held_url=session_list_url(link_query, status="held"),
            planned_url=session_list_url(link_query, status="planned"),
            all_sessions_url=session_list_url(link_query),
            sessions_computed_at=session_rollup_computed_at(programme=filters.programme),
            drill=may_open(self.request.user, Area.DRILL_DOWN),
            session_drill=may_open(self.request.user, Area.SESSION_FIGURES),
            report_zone="WIB",
            zone=REPORT_ZONE,
        )
        return ctx


# The session list's filter (monitoring/selectors.py SESSION_STATUSES): the figures' words, not SessionStatus values.
SESSION_STATUS_LABELS = {
    "held": gettext_lazy("Held"),
    "planned": gettext_lazy("Planned"),
    "cancelled": gettext_lazy("Cancelled"),
}


def session_list_url(query: QueryDict, **extra) -> str:
    """The session list with the dashboard's filters, narrowed by extra filters (status, city, partner)."""
    q = query.copy()
    for key in ("page", "status"):
        q.pop(key, None)
    for key, value in extra.items():
        q[key] = str(value)
    return f"{reverse('monitoring-sessions')}?{q.urlencode()}"


def _link_session_figures(tables, agg, query: QueryDict) -> None:
    """Session figures (and attendances / no-shows, which the session list sums) link to the sessions they count."""
    by_slug = {t.slug: t for t in tables}
    totals = by_slug["totals"]
    for figure, extra in {
        "registrations": {},
        "attendances": {},
        "no_shows": {},
        "sessions_held": {"status": "held"},
        "sessions_planned": {"status": "planned"},
        "sessions_cancelled": {"status": "cancelled"},
    }.items():
        totals.link(figure, "value", session_list_url(query, **extra))
    by_city = by_slug["by-city"]
    for i, r in enumerate(agg.by_city):
        by_city.link(i, "attendances", session_list_url(query, city=r["city_id"]))
        by_city.link(i, "sessions_held", session_list_url(query, city=r["city_id"], status="held"))
    partners = by_slug["partner-performance"]
    for i, r in enumerate(agg.by_partner):
        p = r["partner_id"]
        for status in ("held", "planned", "cancelled"):
            partners.link(i, f"sessions_{status}", session_list_url(query, partner=p, status=status))
        for key in ("registrations", "attendances", "no_shows"):
            partners.link(i, key, session_list_url(query, partner=p))


class ProgressExportView(DashboardMixin, View):
    """CSV of one aggregate table, or every aggregate table as one XLSX workbook, with the dashboard's filters."""

    def get(self, request, slug=None, fmt="csv"):
        _form, filters = self.filter_form_and_filters()
        tables = dashboard_tables(dashboard_aggregates(filters=filters)) + survey_results(programme=filters.programme).tables
        stamp = f"{filters.programme.slug}-{_today():%Y%m%d}"
        if fmt == "xlsx":
            audit_bulk_export(actor=request.user, what="dashboard", fmt="xlsx", rows=sum(len(t.rows) for t in tables))
            response = HttpResponse(tables_xlsx(tables), content_type=XLSX_CONTENT_TYPE)
            response["Content-Disposition"] = f'attachment; filename="dashboard-{stamp}.xlsx"'
            return response
        table = next((t for t in tables if t.slug == slug), None)
        if table is None:
            raise Http404
        audit_bulk_export(actor=request.user, what=f"dashboard:{slug}", fmt="csv", rows=len(table.rows))
        response = HttpResponse(table_csv(table), content_type=CSV_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{slug}-{stamp}.csv"'
        return response


class ParticipantTrainedListView(RoleRequiredMixin, TemplateView):
    """The people a 'trained' number counts: personal data, so only for admins and granted policy viewers."""

    template_name = "monitoring/trained_list.html"
    area = Area.DRILL_DOWN

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        get = self.request.GET
        programme = programme_for(user=self.request.user, programme_id=get.get("programme"))
        if programme is None:
            raise Http404
        audience = get.get("audience") if get.get("audience") in ("umkm", "pemda") else "umkm"
        city = cities_for(self.request.user).filter(pk=get.get("city")).first() if get.get("city", "").isdigit() else None
        partner = (
            partners_for(self.request.user).filter(pk=get.get("partner")).first() if get.get("partner", "").isdigit() else None
        )
        women = get.get("women") == "1"
        qs = trained_participants(
            user=self.request.user,
            programme=programme,
            audience=audience,
            city_id=city.pk if city else None,
            partner_id=partner.pk if partner else None,
            women=women,
        )
        page = Paginator(qs, 50).get_page(get.get("page"))
        query = get.copy()
        query.pop("page", None)
        ctx.update(
            programme=programme,
            audience=audience,
            city=city,
            partner=partner,
            women=women,
            page=page,
            querystring=query.urlencode(),
        )
        return ctx


class TrainingSessionListView(DashboardMixin, TemplateView):
    """The sessions a session figure counts (held, planned, cancelled; or all, for attendances and no-shows).

    Sessions are not personal data, but the list is a drill-down: admins and policy
    viewers only (users/scoping.py may_list_sessions), never KSP monitors.
    """

    template_name = "monitoring/session_list.html"
    paginate_by = 50
    area = Area.SESSION_FIGURES

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form, filters = self.filter_form_and_filters()
        status = self.request.GET.get("status", "")
        status = status if status in SESSION_STATUSES else ""
        qs = listed_sessions(user=self.request.user, filters=filters, status=status)
        page = Paginator(qs, self.paginate_by).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        back = query.copy()
        back.pop("status", None)
        ctx.update(
            form=form,
            filters=filters,
            status=status,
            status_options=[(value, SESSION_STATUS_LABELS[value]) for value in SESSION_STATUSES],
            status_label={"held": _("Sessions held"), "planned": _("Sessions planned"), "cancelled": _("Sessions cancelled")}.get(
                status, _("All sessions")
            ),
            totals=listed_session_totals(qs),
            page=page,
            session_rows=[(s, session_rates(s)) for s in page.object_list],
            querystring=query.urlencode(),
            dashboard_query=back.urlencode(),
            zone=REPORT_ZONE,
        )
        return ctx
