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


@dataclass(frozen=True)
class Column:
    key: str  # what code picks the column by (links, charts, the PDF); never its position
    label: str


@dataclass
class Table:
    slug: str
    title: str
    columns: list[Column]
    rows: list[list]
    # For tables of figures (one figure a row): the figure each row holds, in order.
    row_keys: list[str] = field(default_factory=list)
    # (row index, column index) -> URL of the list the number counts (drill-down); set through link()
    links: dict[tuple[int, int], str] = field(default_factory=dict)

    @property
    def headers(self) -> list[str]:
        return [column.label for column in self.columns]

    @property
    def cells(self) -> list[list[tuple]]:
        """Rows as (value, link or None) pairs, for the HTML table."""
        return [[(v, self.links.get((i, j))) for j, v in enumerate(row)] for i, row in enumerate(self.rows)]

    def index(self, key: str) -> int:
        """The position of the column `key`; KeyError for a column the table does not have."""
        for position, column in enumerate(self.columns):
            if column.key == key:
                return position
        raise KeyError(f"{self.slug} has no column {key!r}")

    def column(self, key: str) -> list:
        position = self.index(key)
        return [row[position] for row in self.rows]

    @property
    def labels(self) -> list:
        """The first column: what each row is (a city, a day, a figure)."""
        return [row[0] for row in self.rows]

    def row_index(self, row_key: str) -> int:
        return self.row_keys.index(row_key)

    def link(self, row: int | str, key: str, url: str) -> None:
        """Make the number in `row` (an index, or a row key) and column `key` a link to `url`."""
        index = self.row_index(row) if isinstance(row, str) else row
        self.links[(index, self.index(key))] = url


def tables_named(tables: list) -> dict:
    """Tables by slug with "_" for "-", for templates: `tables_named.by_city`."""
    return {table.slug.replace("-", "_"): table for table in tables}


def figure_table(slug: str, title: str, figures: list[tuple[str, str, object]]) -> Table:
    """A table of (key, label, value) figures, one a row, keyed by figure."""
    return Table(
        slug,
        title,
        [Column("figure", _("Figure")), Column("value", _("Value"))],
        [[figure_label, value] for _key, figure_label, value in figures],
        row_keys=[key for key, _label, _value in figures],
    )


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
    people = [Column("trained", _("People trained")), Column("attended", _("Attendances"))]
    tables = [
        figure_table(
            "totals",
            _("Totals"),
            [
                ("umkm_trained", _("Unique UMKM trained"), t["umkm_trained"]),
                ("pemda_trained", _("Pemda officers trained"), t["pemda_trained"]),
                ("registrations", _("Registrations"), t["registrations"]),
                ("attendances", _("Attendances"), t["attendances"]),
                ("no_shows", _("No-shows"), t["no_shows"]),
                ("sessions_held", _("Sessions held"), t["sessions_held"]),
                ("sessions_planned", _("Sessions planned"), t["sessions_planned"]),
                ("sessions_cancelled", _("Sessions cancelled"), t["sessions_cancelled"]),
            ],
        ),
        Table(
            "attendance-over-time",
            _("Attendance over time"),
            [
                Column("day", _("Day")),
                Column("attendances", _("Attendances")),
                Column("umkm_trained", _("UMKM trained")),
                Column("pemda_trained", _("Pemda officers trained")),
            ],
            [[r["day"], r["attendances"], r["umkm_trained"], r["pemda_trained"]] for r in agg.by_day],
        ),
        Table(
            "by-city",
            _("By city"),
            [
                Column("city", _("City")),
                Column("province", _("Province")),
                Column("attendances", _("Attendances")),
                Column("umkm_trained", _("UMKM trained")),
                Column("pemda_trained", _("Pemda officers trained")),
                Column("sessions_held", _("Sessions held")),
            ],
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
                Column("partner", _("Partner")),
                Column("sessions_held", _("Sessions held")),
                Column("sessions_planned", _("Sessions planned")),
                Column("sessions_cancelled", _("Sessions cancelled")),
                Column("registrations", _("Registrations")),
                Column("attendances", _("Attendances")),
                Column("no_shows", _("No-shows")),
                Column("no_show_rate", _("No-show rate (%)")),
                Column("umkm_trained", _("UMKM trained")),
                Column("pemda_trained", _("Pemda officers trained")),
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
            [Column("scale", _("Scale")), Column("umkm_trained", _("UMKM trained"))],
            [
                [scale_label("mikro"), t["umkm_mikro"]],
                [scale_label("kecil"), t["umkm_kecil"]],
                [scale_label("menengah"), t["umkm_menengah"]],
                [scale_label("unknown"), unknown_scale],
            ],
            row_keys=["mikro", "kecil", "menengah", "unknown"],
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
                [Column("value", str(Dimension(dim).label)), *people],
                [[str(labels.get(r["value"], _("Not recorded"))), r["trained"], r["attended"]] for r in agg.dimensions[dim]],
            )
        )
    return tables


def overview_tables(ov: Overview) -> list[Table]:
    t = ov.totals
    return [
        figure_table(
            "headline",
            _("Headline"),
            [
                ("umkm_trained", _("Unique UMKM trained"), t["umkm_trained"]),
                ("target", _("UMKM target"), ov.target),
                ("pct", _("Progress (%)"), ov.pct),
                ("pemda_trained", _("Pemda officers trained"), t["pemda_trained"]),
                ("trainers_certified", _("Trainers certified through ToT"), ov.trainers_certified),
                ("sessions_held", _("Sessions held"), t["sessions_held"]),
                ("sessions_planned", _("Sessions planned"), t["sessions_planned"]),
                ("women_pct", _("Women among people trained (%)"), ov.women_pct),
            ],
        ),
        Table(
            "city-progress",
            _("Progress per city"),
            [
                Column("city", _("City")),
                Column("province", _("Province")),
                Column("umkm_trained", _("UMKM trained")),
                Column("target", _("City target")),
                Column("pct", _("Progress (%)")),
                Column("pemda_trained", _("Pemda officers trained")),
            ],
            [[c.name, c.province, c.trained, c.target, c.pct, c.pemda_trained] for c in ov.cities],
        ),
        Table(
            "trend",
            _("Trend against the required pace"),
            [
                Column("day", _("Date")),
                Column("trained", _("UMKM trained (cumulative)")),
                Column("required", _("Required pace (cumulative)")),
            ],
            [[p.day, p.trained, p.required] for p in ov.trend],
        ),
        Table(
            "scale-mix",
            _("UMKM trained by business scale"),
            [Column("scale", _("Scale")), Column("umkm_trained", _("UMKM trained")), Column("share", _("Share (%)"))],
            [[scale_label(k), n, pct] for k, n, pct in ov.scale_mix],
            row_keys=[k for k, _n, _share in ov.scale_mix],
        ),
    ]


def table_csv(table: Table) -> str:
    return csv_text(table.headers, table.rows)


def tables_xlsx(tables: list[Table]) -> bytes:
    return xlsx_bytes([(table.title, table.headers, table.rows) for table in tables])
