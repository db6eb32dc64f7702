"""The numbers behind every chart, as tables: shown under the charts, exported as CSV and XLSX.

Charts are drawn from these same tables, so a chart, its table and its export
can never disagree.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from participants.models import Gender, Sector, SocialMediaUse
from progress.models import Dimension
from umkm_program.spreadsheets import csv_text, xlsx_bytes

from .selectors import Aggregates, Overview, _pct


@dataclass
class Table:
    slug: str
    title: str
    headers: list[str]
    rows: list[list]
    # (row index, column index) -> URL of the list the number counts (drill-down), set by the view
    links: dict = field(default_factory=dict)

    @property
    def cells(self) -> list[list[tuple]]:
        """Rows as (value, link or None) pairs, for the HTML table."""
        return [[(v, self.links.get((i, j))) for j, v in enumerate(row)] for i, row in enumerate(self.rows)]

    def column(self, index: int) -> list:
        return [row[index] for row in self.rows]


DIMENSION_LABELS = {
    Dimension.GENDER: dict(Gender.choices),
    Dimension.SECTOR: dict(Sector.choices),
    Dimension.SOCIAL_MEDIA: dict(SocialMediaUse.choices),
}


def scale_label(key: str) -> str:
    return {
        "mikro": _("Micro"),
        "kecil": _("Small"),
        "menengah": _("Medium"),
        "unknown": _("Not recorded"),
    }.get(key, key)


def dashboard_tables(agg: Aggregates) -> list[Table]:
    t = agg.totals
    unknown_scale = max(0, t["umkm_trained"] - t["umkm_mikro"] - t["umkm_kecil"] - t["umkm_menengah"])
    people = [_("People trained"), _("Attendances")]
    tables = [
        Table(
            "totals",
            _("Totals"),
            [_("Figure"), _("Value")],
            [
                [_("Unique UMKM trained"), t["umkm_trained"]],
                [_("Pemda officers trained"), t["pemda_trained"]],
                [_("Registrations"), t["registrations"]],
                [_("Attendances"), t["attendances"]],
                [_("No-shows"), t["no_shows"]],
                [_("Sessions held"), t["sessions_held"]],
                [_("Sessions planned"), t["sessions_planned"]],
                [_("Sessions cancelled"), t["sessions_cancelled"]],
            ],
        ),
        Table(
            "attendance-over-time",
            _("Attendance over time"),
            [_("Day"), _("Attendances"), _("UMKM trained"), _("Pemda officers trained")],
            [[r["day"], r["attendances"], r["umkm_trained"], r["pemda_trained"]] for r in agg.by_day],
        ),
        Table(
            "by-city",
            _("By city"),
            [_("City"), _("Province"), _("Attendances"), _("UMKM trained"), _("Pemda officers trained"), _("Sessions held")],
            [
                [
                    r["city__name"],
                    r["city__province"],
                    r["attendances"],
                    r["umkm_trained"],
                    r["pemda_trained"],
                    r["sessions_held"],
                ]
                for r in agg.by_city
            ],
        ),
        Table(
            "partner-performance",
            _("Partner performance"),
            [
                _("Partner"),
                _("Sessions held"),
                _("Sessions planned"),
                _("Sessions cancelled"),
                _("Registrations"),
                _("Attendances"),
                _("No-shows"),
                _("No-show rate (%)"),
                _("UMKM trained"),
                _("Pemda officers trained"),
            ],
            [
                [
                    r["partner__name"],
                    r["sessions_held"],
                    r["sessions_planned"],
                    r["sessions_cancelled"],
                    r["registrations"],
                    r["attendances"],
                    r["no_shows"],
                    _pct(r["no_shows"], r["attendances"] + r["no_shows"]),
                    r["umkm_trained"],
                    r["pemda_trained"],
                ]
                for r in agg.by_partner
            ],
        ),
        Table(
            "by-scale",
            _("UMKM trained by business scale"),
            [_("Scale"), _("UMKM trained")],
            [
                [scale_label("mikro"), t["umkm_mikro"]],
                [scale_label("kecil"), t["umkm_kecil"]],
                [scale_label("menengah"), t["umkm_menengah"]],
                [scale_label("unknown"), unknown_scale],
            ],
        ),
    ]
    titles = {
        Dimension.GENDER: _("By gender"),
        Dimension.SECTOR: _("By sector"),
        Dimension.SOCIAL_MEDIA: _("By social-media use at baseline"),
    }
    slugs = {Dimension.GENDER: "by-gender", Dimension.SECTOR: "by-sector", Dimension.SOCIAL_MEDIA: "by-social-media"}
    for dim in Dimension.values:
        labels = DIMENSION_LABELS[dim]  # type: ignore[index]
        tables.append(
            Table(
                slugs[dim],  # type: ignore[index]
                titles[dim],  # type: ignore[index]
                [str(Dimension(dim).label), *people],
                [[str(labels.get(r["value"], _("Not recorded"))), r["trained"], r["attended"]] for r in agg.dimensions[dim]],
            )
        )
    return tables


def overview_tables(ov: Overview) -> list[Table]:
    t = ov.totals
    return [
        Table(
            "headline",
            _("Headline"),
            [_("Figure"), _("Value")],
            [
                [_("Unique UMKM trained"), t["umkm_trained"]],
                [_("UMKM target"), ov.target],
                [_("Progress (%)"), ov.pct],
                [_("Pemda officers trained"), t["pemda_trained"]],
                [_("Trainers certified through ToT"), ov.trainers_certified],
                [_("Sessions held"), t["sessions_held"]],
                [_("Sessions planned"), t["sessions_planned"]],
                [_("Women among people trained (%)"), ov.women_pct],
            ],
        ),
        Table(
            "city-progress",
            _("Progress per city"),
            [_("City"), _("Province"), _("UMKM trained"), _("City target"), _("Progress (%)"), _("Pemda officers trained")],
            [[c.name, c.province, c.trained, c.target, c.pct, c.pemda_trained] for c in ov.cities],
        ),
        Table(
            "trend",
            _("Trend against the required pace"),
            [_("Date"), _("UMKM trained (cumulative)"), _("Required pace (cumulative)")],
            [[p.day, p.trained, p.required] for p in ov.trend],
        ),
        Table(
            "scale-mix",
            _("UMKM trained by business scale"),
            [_("Scale"), _("UMKM trained"), _("Share (%)")],
            [[scale_label(k), n, pct] for k, n, pct in ov.scale_mix],
        ),
    ]


def table_csv(table: Table) -> str:
    return csv_text(table.headers, table.rows)


def tables_xlsx(tables: list[Table]) -> bytes:
    return xlsx_bytes([(table.title, table.headers, table.rows) for table in tables])
