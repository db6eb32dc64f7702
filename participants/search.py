"""What a trainer types into the check-in search, as database filters in tiers and a ranking.

A phone number typed from its start in any format ("0812 34", "+62812-34", "62812") is the start of
the stored E.164 number (a btree prefix scan); other digits ("81234") are looked for anywhere in it; anything else is words, each of which must appear in the name, the business or the
agency (so "siti rah" finds "Siti Nur Rahmawati"). Words of three letters or more match anywhere
(PostgreSQL serves that from the trigram indexes of migration 0012); shorter ones match the start
of a word, so "siti r" narrows to the Siti whose next name starts with R.

Results rank as a trainer expects, in tiers: names that start with what was typed (the exact name
first, as it sorts before every longer name that starts with it), then a later name that starts with
it, then business or agency starting with it, then the rest; within a tier, by name. A number: those
that start with it (the whole number first; digits typed without the 0, "812 34", find Indonesian numbers
before foreign ones), then those containing it; within a tier, by number.

Each tier is its own query, ordered the way an index of migration 0014 is read (`(city_id,
UPPER(full_name))` and `(city_id, phone)`, both in byte order), so the database stops after the first
15 in scope instead of ranking every match in the city; the next tier is asked only when the earlier
ones found fewer than 15 (participants.selectors.participant_search).
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Collate, Upper

from .phones import phone_search_digits

MIN_QUERY_LENGTH = 2
MAX_WORDS = 4  # more words than that narrow nothing a trainer needs, and each costs an index scan
WHOLE_WORD_LENGTH = 3  # pg_trgm finds fragments of three letters or more; shorter ones are word starts
_SPACES = re.compile(r"\s+")
_TEXT_FIELDS = ("full_name", "business_name", "agency")


@dataclass(frozen=True)
class SearchTerms:
    text: str  # what was typed, spaces collapsed
    digits: str  # phone digits to look for; "" when the query is not a phone
    words: tuple[str, ...]


def search_terms(query: str) -> SearchTerms | None:
    """None when there is too little to search for."""
    text = _SPACES.sub(" ", (query or "").strip())
    if len(text) < MIN_QUERY_LENGTH:
        return None
    words = tuple(dict.fromkeys(w for w in text.split(" ")))[:MAX_WORDS]
    return SearchTerms(text=text, digits=phone_search_digits(text), words=words)


def _word_filter(word: str) -> Q:
    match = Q()
    for field in _TEXT_FIELDS:
        if len(word) >= WHOLE_WORD_LENGTH:
            match |= Q(**{f"{field}__icontains": word})
        else:
            match |= Q(**{f"{field}__istartswith": word}) | Q(**{f"{field}__icontains": f" {word}"})
    return match


def search_filter(terms: SearchTerms) -> Q:
    """Everyone the query finds, whatever their rank."""
    if terms.digits.startswith("62"):  # typed from the start: "0812 34", "+62812-34", "62812..."
        return Q(phone__startswith="+" + terms.digits)
    if terms.digits:  # a fragment from anywhere: "81234"
        return Q(phone__contains=terms.digits)
    match = Q()
    for word in terms.words:
        match &= _word_filter(word)
    return match


def _phone_starts(digits: str) -> list[str]:
    """The stored number starts with what was typed: "62812..." and "0812..." (already 62...) or "812..."."""
    return ["+" + digits] if digits.startswith("62") else ["+" + digits, "+62" + digits]


def _tier_conditions(terms: SearchTerms) -> list[Q]:
    """What puts a match in each tier, best first; a match belongs to the first tier whose condition it meets.

    Every condition implies search_filter(terms) (a name that starts with "siti ra" contains "siti" and a word
    starting with "ra"), except the last, which is search_filter itself.
    """
    if terms.digits:
        # one prefix per tier (an Indonesian number typed without its 0 before a foreign one): each a single range
        # of the (city_id, phone) index, where two ORed ranges made the database read every match of both and sort
        starts = [Q(phone__startswith=start) for start in reversed(_phone_starts(terms.digits))]
        return starts if terms.digits.startswith("62") else [*starts, search_filter(terms)]
    text = terms.text
    return [
        Q(full_name__istartswith=text),
        Q(full_name__icontains=f" {text}"),
        Q(business_name__istartswith=text) | Q(agency__istartswith=text),
        search_filter(terms),
    ]


def search_tiers(terms: SearchTerms) -> list[Q]:
    """The filter of each tier, best first, each excluding the earlier ones: together exactly search_filter(terms)."""
    conditions = _tier_conditions(terms)
    tiers, earlier = [], Q()
    for condition in conditions:
        tiers.append(condition & ~earlier if earlier else condition)
        earlier |= condition
    return tiers


def search_tier(terms: SearchTerms) -> Case:
    """The tier of a row that search_filter(terms) finds, as a number (0 is the best): for rows not read tier by tier."""
    *better, _rest = _tier_conditions(terms)
    whens = [When(condition, then=Value(i)) for i, condition in enumerate(better)]
    return Case(*whens, default=Value(len(better)), output_field=IntegerField())


def _byte_order(expression, *, index_order: bool = True):
    """The expression compared byte by byte, as migration 0014's indexes are ordered (SQLite's default order).

    With "C", the collation of those indexes, the database may read a tier in their order and stop at the first
    15 in scope. "POSIX" sorts exactly the same, but no index has it, so the database must find the tier's matches
    first (from the trigram index) and sort them: the safe plan for digits typed from the middle of a number, whose
    matches may all lie far along the city's numbers ("58009" is in +62858009...) and whose trigrams the planner
    cannot count well (it walked 80,000 numbers in order for 15 of them: 315 ms).
    """
    if connection.vendor != "postgresql":
        return expression
    return Collate(expression, "C" if index_order else "POSIX")


def search_sort_key(terms: SearchTerms, *, tier: int = 0):
    """What orders the rows within a tier: the number for a phone, the name (case-insensitive) otherwise."""
    if terms.digits:
        digits_inside = tier == len(_tier_conditions(terms)) - 1 and not terms.digits.startswith("62")
        return _byte_order(F("phone"), index_order=not digits_inside)
    return _byte_order(Upper("full_name"))


SEARCH_ORDER = ("search_key", "full_name", "pk")  # within a tier, search_sort_key annotated as search_key first
