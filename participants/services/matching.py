"""Recognising a person who comes back: same phone, same NIB, or a similar name with a similar business in the same city."""

from dataclasses import dataclass

from django.db.models import Q
from rapidfuzz import fuzz, process, utils

from ..models import DuplicateCandidate, Participant

NAME_SIMILARITY = 85  # token_sort_ratio, 0-100
BUSINESS_SIMILARITY = 80
FUZZY_CANDIDATES_MAX = 500


@dataclass(frozen=True)
class Match:
    participant: Participant
    reason: str  # "phone", "nib" or "name"
    score: int  # 100 for exact phone/NIB


def _name_tokens(name: str) -> list[str]:
    return [t for t in utils.default_process(name or "").split() if len(t) >= 3]


def participant_find_matches(
    *, city_id: int | None, phone: str = "", nib: str = "", full_name: str = "", business_name: str = "", limit: int = 5
) -> list[Match]:
    """Likely existing records for the person being entered, best first. Merged-away records are never offered."""
    base = Participant.objects.filter(merged_into__isnull=True, erased_at__isnull=True).select_related("city")
    found: dict[int, Match] = {}
    exact = Q()
    if phone:
        exact |= Q(phone=phone)
    if nib:
        exact |= Q(nib=nib)
    if exact:
        for p in base.filter(exact)[:limit]:
            found[p.pk] = Match(p, "phone" if phone and p.phone == phone else "nib", 100)
    tokens = _name_tokens(full_name)
    if tokens and city_id:
        prefilter = Q()
        for token in tokens:
            prefilter |= Q(full_name__icontains=token)
        candidates = base.filter(prefilter, city_id=city_id).exclude(pk__in=found)[:FUZZY_CANDIDATES_MAX]
        for p in candidates:
            score = _name_score(full_name, business_name, p)
            if score is not None:
                found[p.pk] = Match(p, "name", score)
    return sorted(found.values(), key=lambda m: -m.score)[:limit]


def _name_score(full_name: str, business_name: str, p: Participant) -> int | None:
    """The fuzzy rule: a similar name, and a similar business (or agency) when both are known."""
    name_score = fuzz.token_sort_ratio(full_name, p.full_name, processor=utils.default_process)
    if name_score < NAME_SIMILARITY:
        return None
    theirs = p.business_name or p.agency
    if business_name and theirs:
        business_score = fuzz.token_set_ratio(business_name, theirs, processor=utils.default_process)
        if business_score < BUSINESS_SIMILARITY:
            return None
        return int((name_score + business_score) / 2)
    return int(name_score) - 10  # a name alone is weaker evidence


@dataclass(frozen=True)
class Person:
    """Someone being entered in bulk (an import row), to be recognised without a query per person."""

    city_id: int | None
    full_name: str
    business_name: str = ""
    nib: str = ""


def _sorted_name(name: str) -> str:
    """token_sort_ratio(a, b) == ratio(_sorted_name(a), _sorted_name(b)): sort once, compare many times."""
    return " ".join(sorted(utils.default_process(name or "").split()))


def participants_find_matches_many(*, people: list[Person], limit: int = 5) -> list[list[Match]]:
    """participant_find_matches (NIB + fuzzy name/business in the same city) for many people at once.

    Two queries whatever the number of people: the active records with any of the NIBs, and the
    active records of the cities involved. Names are compared in rapidfuzz's C loop (process.extract
    with the same name threshold); the survivors must share a name token with the person, as the
    single lookup's database prefilter requires, and then pass the same _name_score rule. Phone
    matches are not looked for here: the caller has already matched those.
    """
    nibs = {p.nib for p in people if p.nib}
    fields = ("pk", "full_name", "business_name", "agency", "city_id", "nib", "phone")
    base = Participant.objects.filter(merged_into__isnull=True, erased_at__isnull=True).only(*fields).order_by("pk")
    by_nib: dict[str, list[Participant]] = {}
    if nibs:
        for p in base.filter(nib__in=nibs):
            by_nib.setdefault(p.nib, []).append(p)
    cities = {p.city_id for p in people if p.city_id and _name_tokens(p.full_name)}
    known: dict[int, list[Participant]] = {}
    keys: dict[int, list[str]] = {}
    if cities:
        for p in base.filter(city_id__in=cities).iterator(chunk_size=2000):
            known.setdefault(p.city_id, []).append(p)
            keys.setdefault(p.city_id, []).append(_sorted_name(p.full_name))
    results = []
    for person in people:
        found: dict[int, Match] = {}
        for p in by_nib.get(person.nib, [])[:limit] if person.nib else []:
            found[p.pk] = Match(p, "nib", 100)
        tokens = _name_tokens(person.full_name)
        if tokens and person.city_id in keys:
            hits = process.extract(
                _sorted_name(person.full_name),
                keys[person.city_id],
                scorer=fuzz.ratio,
                processor=None,
                score_cutoff=NAME_SIMILARITY,
                limit=None,
            )
            for _key, _score, index in hits:
                p = known[person.city_id][index]
                if p.pk in found or not any(t in p.full_name.lower() for t in tokens):
                    continue
                score = _name_score(person.full_name, person.business_name, p)
                if score is not None:
                    found[p.pk] = Match(p, "name", score)
        results.append(sorted(found.values(), key=lambda m: -m.score)[:limit])
    return results


def duplicate_candidates_record(*, participant: Participant, matches: list[Match]) -> int:
    """Queue a record created despite likely matches for an admin to merge or dismiss. Idempotent."""
    created = 0
    for match in matches:
        if match.participant.pk == participant.pk:
            continue
        _, was_created = DuplicateCandidate.objects.get_or_create(
            participant=participant,
            existing=match.participant,
            defaults={"reason": match.reason, "score": match.score},
        )
        created += was_created
    return created
