"""Recognising a person who comes back: same phone, same NIB, or a similar name with a similar business in the same city."""

from dataclasses import dataclass

from django.db.models import Q
from rapidfuzz import fuzz, utils

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
            name_score = fuzz.token_sort_ratio(full_name, p.full_name, processor=utils.default_process)
            if name_score < NAME_SIMILARITY:
                continue
            theirs = p.business_name or p.agency
            if business_name and theirs:
                business_score = fuzz.token_set_ratio(business_name, theirs, processor=utils.default_process)
                if business_score < BUSINESS_SIMILARITY:
                    continue
                score = int((name_score + business_score) / 2)
            else:
                score = int(name_score) - 10  # a name alone is weaker evidence
            found[p.pk] = Match(p, "name", score)
    return sorted(found.values(), key=lambda m: -m.score)[:limit]


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
