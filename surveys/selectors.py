"""Reads of the survey roll-up for the monitoring pages, exports and API: aggregates only.

Nothing here names a person or returns free text; `survey_results` reads SurveyIndicator rows
(plus wave, question and label lookups), so its cost does not grow with the number of responses.
Free-text answers are read only through `free_text_answers_for`, scoped to the user.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Model, QuerySet, Sum, Value
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cities.models import City, Programme
from participants.models import Gender
from partners.models import Partner
from sessions_app.models import TrainingSession
from users.models import Role, User
from users.roles import role_of
from users.scoping import may_see_personal_data, sessions_for

from .models import QuestionKind, SurveyAnswer, SurveyIndicator, SurveyQuestion, SurveyResponse, SurveyWave, WaveKind
from .services.indicators import BASELINE_PREFIX, RESPONSES

SMALL_N = 10
# Cached results are keyed by survey_results_version, so they never go stale; the timeout only frees the memory of old ones.
RESULTS_CACHE_SECONDS = 24 * 60 * 60
# This module's source in the key: a release that changes the shape of Results never unpickles the previous one's.
_CODE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


@dataclass
class ResultTable:
    """Same shape as monitoring's Table (slug, title, headers, rows), so it is shown and exported the same way."""

    slug: str
    title: str
    headers: list[str]
    rows: list[list]
    links: dict = field(default_factory=dict)

    @property
    def cells(self) -> list[list[tuple]]:
        return [[(v, self.links.get((i, j))) for j, v in enumerate(row)] for i, row in enumerate(self.rows)]

    def column(self, index: int) -> list:
        return [row[index] for row in self.rows]


@dataclass
class Figure:
    code: str
    label: str
    kind: str  # "share" (% yes or % of a choice), "mean" (1-5 or number)
    value: float | None
    n: int
    baseline: float | None = None
    baseline_n: int = 0
    by: dict = field(default_factory=dict)  # dimension -> [(group label, value, n)]

    @property
    def small(self) -> bool:
        return self.n < SMALL_N


@dataclass
class WaveResult:
    wave: SurveyWave
    invited: int
    responded: int
    figures: list[Figure]
    rates_by: dict  # dimension -> [(group label, invited, responded, rate)]

    @property
    def rate(self) -> float | None:
        return _pct(self.responded, self.invited)


@dataclass
class Results:
    waves: list[WaveResult]
    computed_at: object
    tables: list[ResultTable]

    @property
    def any_responses(self) -> bool:
        return any(w.responded for w in self.waves)

    def table(self, slug: str) -> ResultTable:
        return next(t for t in self.tables if t.slug == slug)

    @property
    def rates(self) -> ResultTable:
        return self.table("survey-response-rates")

    @property
    def rates_by_group(self) -> ResultTable:
        return self.table("survey-response-rates-by-group")

    @property
    def indicators(self) -> ResultTable:
        return self.table("survey-indicators")

    @property
    def by_group(self) -> ResultTable:
        return self.table("survey-results-by-group")

    @property
    def chart(self) -> ResultTable:
        return self.table("survey-follow-up-chart")

    @property
    def partner_feedback(self) -> ResultTable:
        return self.table("survey-feedback-by-partner")


def _pct(num: int, den: int) -> float | None:
    return round(100 * num / den, 1) if den else None


def _mean(total: int, n: int) -> float | None:
    return round(total / n, 2) if n else None


def figure_labels() -> dict[str, str]:
    return {
        "satisfaction": _("Satisfaction (1–5)"),
        "usefulness": _("Usefulness (1–5)"),
        "skill_before": _("Self-rated skill before (1–5)"),
        "skill_after": _("Self-rated skill after (1–5)"),
        "facebook_page": _("Has a Facebook Page (%)"),
        "instagram_business": _("Has an Instagram business account (%)"),
        "whatsapp_business": _("Uses WhatsApp Business (%)"),
        "sells_online": _("Sells online (%)"),
        "recommend": _("Would recommend (1–5)"),
        "sales_change": _("Monthly sales since the training"),
    }


def dimension_labels() -> dict[str, str]:
    return {
        "gender": _("Gender"),
        "scale": _("Business scale"),
        "city": _("City"),
        "partner": _("Partner"),
        "cohort": _("Month of first attendance"),
    }


def _group_labels(inputs: "_Inputs") -> dict[str, dict[str, str]]:
    scales = {"mikro": _("Micro"), "kecil": _("Small"), "menengah": _("Medium"), "unknown": _("Not recorded")}
    return {
        "gender": {k: str(v) for k, v in Gender.choices},
        "scale": scales,
        "city": dict(inputs.city_names),
        "partner": {**inputs.partner_names, "unknown": _("Not recorded")},
        "cohort": {"unknown": _("Not recorded")},
    }


@dataclass
class _Inputs:
    """What survey_results reads besides the indicator cells: waves, current questions, the names that label groups."""

    waves: list[SurveyWave]
    questions: list[SurveyQuestion]
    city_names: dict[str, str]
    partner_names: dict[str, str]


def _inputs(programme: Programme) -> _Inputs:
    """Three small queries (nothing here grows with the participants)."""
    waves = list(SurveyWave.objects.filter(programme=programme).order_by("position", "pk"))
    if not waves:
        return _Inputs(waves=[], questions=[], city_names={}, partner_names={})
    questions = list(SurveyQuestion.objects.filter(wave__programme=programme, retired_at__isnull=True).order_by("position", "pk"))
    names: dict[str, dict[str, str]] = {"city": {}, "partner": {}}
    cities = City.objects.order_by().values_list(Value("city"), "pk", "name")
    partners = Partner.objects.order_by().values_list(Value("partner"), "pk", "name")
    for kind, pk, name in cities.union(partners, all=True):  # one query; SQLite allows no ORDER BY in either part
        names[kind][str(pk)] = name
    return _Inputs(waves=waves, questions=questions, city_names=names["city"], partner_names=names["partner"])


@dataclass
class ResultsVersion:
    """A fingerprint (`key`) of every row `survey_results` reads, for cache keys, and the rows themselves but the cells.

    The programme's indicator cells enter by when they were last computed, how many there are and
    their sums (a recompute always moves the time); waves, current questions, city and partner names
    by every column. The language is not in it: callers add it to their keys.
    """

    key: str
    inputs: _Inputs


def _row(instance: Model) -> tuple:
    return tuple(getattr(instance, f.attname) for f in instance._meta.concrete_fields)


def survey_results_version(*, programme: Programme) -> ResultsVersion:
    """Four small queries, none over the responses; `survey_results(version=...)` then reads only the cells."""
    inputs = _inputs(programme)
    cells = SurveyIndicator.objects.filter(programme=programme).aggregate(
        computed_at=Max("computed_at"), rows=Count("pk"), numerators=Sum("numerator"), denominators=Sum("denominator")
    )
    fingerprint = repr(
        (
            programme.pk,
            sorted(cells.items()),
            [_row(w) for w in inputs.waves],
            [_row(q) for q in inputs.questions],
            sorted(inputs.city_names.items()),
            sorted(inputs.partner_names.items()),
        )
    )
    return ResultsVersion(key=hashlib.sha256(fingerprint.encode()).hexdigest()[:32], inputs=inputs)


def survey_results_cached(*, programme: Programme, version: ResultsVersion) -> Results:
    """`survey_results` in the active language, kept in the cache under `version` (survey_results_version)."""
    key = f"surveys:results:{programme.pk}:{get_language()}:{_CODE}:{version.key}"
    results: Results | None = cache.get(key)
    if results is None:
        results = survey_results(programme=programme, version=version)
        cache.set(key, results, RESULTS_CACHE_SECONDS)
    return results


def survey_results(*, programme: Programme, version: ResultsVersion | None = None) -> Results:
    """Every wave's response rates and indicators for the programme, from the roll-up.

    With `version` (survey_results_version, just read), its waves, questions and names are used rather than read again.
    """
    inputs = version.inputs if version else _inputs(programme)
    waves = inputs.waves
    if not waves:
        return Results(waves=[], computed_at=None, tables=_tables([]))
    questions = defaultdict(list)
    for q in inputs.questions:
        questions[q.wave_id].append(q)
    cells = {}
    computed_at = None
    # Plain tuples, not model instances: building ~1,000 instances was most of this function's time.
    for wave_id, metric, choice, dim, value, num, den, at in SurveyIndicator.objects.filter(programme=programme).values_list(
        "wave_id", "metric", "choice", "dimension", "value", "numerator", "denominator", "computed_at"
    ):
        cells[(wave_id, metric, choice, dim, value)] = (num, den)
        computed_at = max(computed_at, at) if computed_at else at
    labels, names = (_group_labels(inputs) if cells else {}), figure_labels()

    by_slice = defaultdict(list)
    for (w, m, c, d, v), nd in cells.items():
        by_slice[(w, m, c, d)].append((v, nd))

    def groups(wave_id: int, metric: str, choice: str, dim: str) -> list[tuple[Any, tuple[int, int]]]:
        found = by_slice.get((wave_id, metric, choice, dim), [])
        return sorted(found, key=lambda item: str(labels.get(dim, {}).get(item[0], item[0])))

    results = []
    for wave in waves:
        responded, invited = cells.get((wave.pk, RESPONSES, "", "all", ""), (0, 0))
        rates_by = {
            dim: [(labels[dim].get(v, v), den, num, _pct(num, den)) for v, (num, den) in groups(wave.pk, RESPONSES, "", dim)]
            for dim in ("city", "partner", "cohort")
        }
        figures = []
        for q in questions[wave.pk]:
            if q.kind == QuestionKind.TEXT:
                continue
            targets = (
                [(c["value"], f"{names.get(q.code, q.text)}: {q.choice_label(c['value'])} (%)") for c in q.choices]
                if q.kind == QuestionKind.CHOICE
                else [("", names.get(q.code, q.text))]
            )
            for choice, label in targets:
                figures.append(_figure(cells, groups, labels, wave=wave, question=q, choice=choice, label=label))
        results.append(WaveResult(wave=wave, invited=invited, responded=responded, figures=figures, rates_by=rates_by))
    return Results(waves=results, computed_at=computed_at, tables=_tables(results))


def _figure(cells: Any, groups: Any, labels: Any, *, wave: Any, question: Any, choice: Any, label: str) -> Figure:
    share = question.kind in (QuestionKind.YES_NO, QuestionKind.CHOICE)

    def value(num: int, den: int) -> float | None:
        return _pct(num, den) if share else _mean(num, den)

    def answered(dim: str, v: Any) -> int:  # everyone who answered the question in the group (a choice's denominator too)
        return int(cells.get((wave.pk, question.code, "", dim, v), (0, 0))[1])

    num = cells.get((wave.pk, question.code, choice, "all", ""), (0, 0))[0]
    n = answered("all", "")
    base_num, base_n = cells.get((wave.pk, BASELINE_PREFIX + question.code, "", "all", ""), (0, 0))
    by = {
        dim: [
            (labels[dim].get(v, v), value(gnum, answered(dim, v)), answered(dim, v))
            for v, (gnum, _gden) in groups(wave.pk, question.code, choice, dim)
        ]
        for dim in ("gender", "scale", "city", "partner")
    }
    return Figure(
        code=f"{question.code}:{choice}" if choice else question.code,
        label=label,
        kind="share" if share else "mean",
        value=value(num, n),
        n=n,
        baseline=_pct(base_num, base_n) if question.baseline_values else None,
        baseline_n=base_n,
        by=by,
    )


def _note(n: int) -> str:
    return _("fewer than 10 answered") if n < SMALL_N else ""


def _tables(results: list[WaveResult]) -> list[ResultTable]:
    dims = dimension_labels()
    rates = ResultTable(
        "survey-response-rates",
        _("Survey response rates"),
        [_("Survey"), _("Invited"), _("Responded"), _("Response rate (%)")],
        [[w.wave.name, w.invited, w.responded, w.rate] for w in results],
    )
    rates_by = ResultTable(
        "survey-response-rates-by-group",
        _("Survey response rates by city, partner and month of first attendance"),
        [_("Survey"), _("Breakdown"), _("Group"), _("Invited"), _("Responded"), _("Response rate (%)")],
        [
            [w.wave.name, dims[dim], label, invited, responded, rate]
            for w in results
            for dim, rows in w.rates_by.items()
            for label, invited, responded, rate in rows
        ],
    )
    indicators = ResultTable(
        "survey-indicators",
        _("Survey results"),
        [
            _("Survey"),
            _("Indicator"),
            _("Result"),
            _("Respondents (n)"),
            _("At registration (%)"),
            _("n at registration"),
            _("Note"),
        ],
        [
            [w.wave.name, f.label, f.value, f.n, f.baseline, f.baseline_n if f.baseline is not None else None, _note(f.n)]
            for w in results
            for f in w.figures
        ],
    )
    by_group = ResultTable(
        "survey-results-by-group",
        _("Survey results by gender, business scale and city"),
        [_("Survey"), _("Indicator"), _("Breakdown"), _("Group"), _("Result"), _("Respondents (n)"), _("Note")],
        [
            [w.wave.name, f.label, dims[dim], label, value, n, _note(n)]
            for w in results
            for f in w.figures
            for dim, rows in f.by.items()
            if dim != "partner"
            for label, value, n in rows
        ],
    )
    chart = ResultTable(
        "survey-follow-up-chart",
        _("Follow-up results against the baseline at registration"),
        [_("Indicator"), _("After training (%)"), _("At registration (%)")],
        [
            [f"{f.label.removesuffix(' (%)')} – {w.wave.name}", f.value, f.baseline]
            for w in results
            if w.wave.kind == WaveKind.FOLLOW_UP
            for f in w.figures
            if f.kind == "share" and ":" not in f.code
        ],
    )
    return [rates, rates_by, indicators, by_group, chart, _partner_feedback(results)]


def _partner_feedback(results: list[WaveResult]) -> ResultTable:
    """Per partner: how many attendees answered the feedback survey and how satisfied they were."""
    headers = [_("Partner"), _("Invited"), _("Responded"), _("Response rate (%)"), _("Satisfaction (1–5)"), _("n"), _("Note")]
    feedback = next((w for w in results if w.wave.kind == WaveKind.FEEDBACK), None)
    if feedback is None:
        return ResultTable("survey-feedback-by-partner", _("Participant feedback per partner"), headers, [])
    satisfaction = next((f for f in feedback.figures if f.code == "satisfaction"), None)
    scores = {label: (value, n) for label, value, n in (satisfaction.by["partner"] if satisfaction else [])}
    rows = []
    for label, invited, responded, rate in feedback.rates_by["partner"]:
        value, n = scores.get(label, (None, 0))
        rows.append([label, invited, responded, rate, value, n, _note(n)])
    return ResultTable("survey-feedback-by-partner", _("Participant feedback per partner"), headers, rows)


def free_text_answers_for(user: User, *, session: TrainingSession) -> QuerySet[SurveyAnswer]:
    """Free-text feedback on a session: admins and the session's partner staff (sessions_for), never KSP or policy."""
    if not may_see_personal_data(user) or role_of(user) not in (Role.PROGRAMME_ADMIN, Role.PARTNER_COORDINATOR, Role.TRAINER):
        return SurveyAnswer.objects.none()
    if not sessions_for(user).filter(pk=session.pk).exists():
        return SurveyAnswer.objects.none()
    return (
        SurveyAnswer.objects.filter(response__invitation__session=session, question__kind=QuestionKind.TEXT)
        .exclude(text="")
        .select_related("question", "response__invitation__participant")
        .order_by("-response__updated_at")
    )


def survey_answers_of(*, participant_ids: Iterable[int]) -> list[dict]:
    """Everything a person answered, for their data-export request (UU 27/2022): their own data only."""
    responses = (
        SurveyResponse.objects.filter(invitation__participant_id__in=list(participant_ids))
        .select_related("invitation__wave", "invitation__session")
        .prefetch_related("answers__question")
        .order_by("submitted_at", "pk")
    )
    return [
        {
            "survey": r.invitation.wave.code,
            "session_id": r.invitation.session_id,
            "source": r.source,
            "submitted_at": r.submitted_at.isoformat(),
            "updated_at": r.updated_at.isoformat(),
            "answers": {
                f"{a.question.code}@v{a.question.version}": a.number if a.number is not None else (a.choice or a.text)
                for a in r.answers.all()
            },
        }
        for r in responses
    ]
