"""The query mix of the search benchmark, drawn from real rows, and the check of what comes back.

Shared by bench/search_latency.py (1,000,000 participants, over HTTP) and its smoke test
tests/bench/test_search_bench.py (a small world, in-process). Each query carries what a trainer
expects of its results, so a wrong answer is an error in both, whatever the speed.
"""

import random
import re
from dataclasses import dataclass

from django.db.models import Q

from participants.models import Attendance, Participant
from participants.search import WHOLE_WORD_LENGTH
from users.scoping import participants_for

KINDS = (
    "name fragment",
    "full name",
    "name prefix",
    "phone national",
    "phone +62",
    "phone digits",
    "full phone",
    "business",
    "miss",
)
MISSES = ("zqxv", "Qwzx Jjkq", "0899 0000 1", "+62 899-00")  # no demo name has these letters; no demo number is 0899...


@dataclass(frozen=True)
class SearchCase:
    kind: str
    query: str
    source_id: int | None  # the row the query was drawn from (None for misses)


def scope_ids(*, user, session) -> set[int]:
    """Who the trainer may find from this session: the rule of participant_search, restated for checking."""
    visible = participants_for(user).filter(merged_into__isnull=True, erased_at__isnull=True)
    on_roster = Attendance.objects.filter(session=session).values("participant_id")
    qs = Participant.objects.filter(pk__in=visible.values("pk")).filter(Q(city_id=session.city_id) | Q(pk__in=on_roster))
    return set(qs.values_list("pk", flat=True))


def _national(phone: str) -> str:
    return "0" + phone[3:]  # +6281234567890 -> 081234567890


def query_mix(*, people: list[Participant], n: int, seed: int = 16) -> list[SearchCase]:
    """n queries, the kinds in turn, each drawn from one of `people` (misses from nowhere)."""
    rng = random.Random(seed)  # noqa: S311  a reproducible mix, not a secret
    with_phone = [p for p in people if p.phone.startswith("+62") and len(p.phone) >= 12]
    with_business = [p for p in people if p.business_name]
    cases = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        p = rng.choice(
            with_phone if kind.startswith(("phone", "full phone")) else with_business if kind == "business" else people
        )
        national = _national(p.phone) if p.phone else ""
        if kind == "name fragment":
            word = max(p.full_name.split(), key=len)
            length = min(len(word), rng.randint(3, 5))
            start = rng.randint(0, len(word) - length)
            query = word[start : start + length].lower()
        elif kind == "full name":
            query = p.full_name
        elif kind == "name prefix":
            query = p.full_name.split()[0][: rng.randint(WHOLE_WORD_LENGTH, 5)]
        elif kind == "phone national":  # "0812 3456"
            query = f"{national[:4]} {national[4 : 4 + rng.randint(2, 4)]}"
        elif kind == "phone +62":  # "+62812-34"
            query = f"+62{national[1:4]}-{national[4 : 4 + rng.randint(2, 4)]}"
        elif kind == "phone digits":  # "81234", from anywhere in the number
            length = rng.randint(5, 7)
            # a fragment typed with a leading 0 means the national prefix ("0812" is +62812), so start elsewhere
            # and one starting "62" is the country code ("62812" is +62812), so not those either
            starts = [s for s in range(1, len(national) - length + 1) if national[s] != "0" and national[s : s + 2] != "62"]
            start = rng.choice(starts)
            query = national[start : start + length]
        elif kind == "full phone":  # "0812-3456-7890"
            query = f"{national[:4]}-{national[4:8]}-{national[8:]}"
        elif kind == "business":
            query = p.business_name
        else:
            cases.append(SearchCase(kind, MISSES[(i // len(KINDS)) % len(MISSES)], None))
            continue
        cases.append(SearchCase(kind, query, p.pk))
    return cases


def _digits(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    return "62" + digits[1:] if digits.startswith("0") else digits


def _matches(case: SearchCase, person: Participant) -> bool:
    if case.kind.startswith(("phone", "full phone")):
        return _digits(case.query) in person.phone
    haystack = " ".join((person.full_name, person.business_name, person.agency)).lower()
    return all(word.lower() in haystack for word in case.query.split())


def check_results(case: SearchCase, result_ids: list[int], allowed: set[int]) -> list[str]:
    """What is wrong with these results for this query, as a trainer would see it; [] when all is well."""
    errors = []
    people = Participant.objects.in_bulk(result_ids)
    if case.kind == "miss":
        return [f"{case.query!r}: found {len(result_ids)} for a query nobody matches"] if result_ids else []
    if not result_ids:
        return [f"{case.kind} {case.query!r}: nobody found, but it was drawn from participant {case.source_id}"]
    if len(result_ids) != len(set(result_ids)):
        errors.append(f"{case.kind} {case.query!r}: a person listed twice")
    outside = [pk for pk in result_ids if pk not in allowed]
    if outside:
        errors.append(f"{case.kind} {case.query!r}: people outside the trainer's scope: {outside}")
    wrong = [pk for pk in result_ids if pk in people and not _matches(case, people[pk])]
    if wrong:
        errors.append(f"{case.kind} {case.query!r}: results that do not contain what was typed: {wrong}")
    first = people.get(result_ids[0])
    if case.kind == "full name" and first and first.full_name.lower() != case.query.lower():
        errors.append(f"{case.kind} {case.query!r}: the exact name is not first ({first.full_name!r} is)")
    if case.kind == "full phone" and result_ids[0] != case.source_id:
        errors.append(f"{case.kind} {case.query!r}: the person with that number is not first")
    if case.kind == "name prefix":
        starts = [people[pk].full_name.lower().startswith(case.query.lower()) for pk in result_ids if pk in people]
        if starts != sorted(starts, reverse=True):
            errors.append(f"{case.kind} {case.query!r}: a name that only contains it comes before one that starts with it")
    return errors
