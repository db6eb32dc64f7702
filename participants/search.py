"""What a trainer types into the check-in search, as a database filter and a ranking.

A phone number typed from its start in any format ("0812 34", "+62812-34", "62812") is the start of
the stored E.164 number (a btree prefix scan); other digits ("81234") are looked for anywhere in it; anything else is words, each of which must appear in the name, the business or the
agency (so "siti rah" finds "Siti Nur Rahmawati"). Words of three letters or more match anywhere
(PostgreSQL serves that from the trigram indexes of migration 0012); shorter ones match the start
of a word, so "siti r" narrows to the Siti whose next name starts with R.

Results rank as a trainer expects: the exact name (or number) first, then names that start with
what was typed, then a later name that starts with it, then business or agency starting with it,
then the rest; alphabetical within each rank.
"""

import re
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, Value, When

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


def search_rank(terms: SearchTerms) -> Case:
    if terms.digits:
        starts = Q()
        for start in _phone_starts(terms.digits):
            starts |= Q(phone__startswith=start)
        return Case(
            When(phone__in=_phone_starts(terms.digits), then=Value(0)),
            When(starts, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    text = terms.text
    return Case(
        When(full_name__iexact=text, then=Value(0)),
        When(full_name__istartswith=text, then=Value(1)),
        When(full_name__icontains=f" {text}", then=Value(2)),
        When(Q(business_name__istartswith=text) | Q(agency__istartswith=text), then=Value(3)),
        default=Value(4),
        output_field=IntegerField(),
    )
