"""Recognising a person who comes back: same phone, same NIB, or a similar name with a similar business in the same city."""

from collections.abc import Collection
from dataclasses import dataclass
from operator import itemgetter

from django.db import connection, transaction
from django.db.models import Q, QuerySet
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


# Looking people up by phone in bulk, PostgreSQL's planner is drawn to the phone's trigram index
# (participant_phone_trgm, for search): it supports `=`, its cost for a looked-up value is estimated as
# tiny, and its posting lists for "+62", "628"... hold most of the table, so each phone costs ~10-20 ms:
# 4-20 s for 2,000 phones at 100,000 people, 240 s for 11,000 phones at 1,000,000. A GIN index can only
# be read through a bitmap scan, so bitmap scans are switched off for this one statement: the btree on
# the phone then answers each phone in microseconds (or one hash join), 18-84 ms for 2,000 phones.
_PEOPLE_WITH_PHONES_SQL = """
SELECT p.id, p.phone FROM participants_participant p
JOIN unnest(%s::text[]) AS wanted(phone) ON p.phone = wanted.phone
WHERE {active} ORDER BY p.id
"""


def participants_with_phones(*, phones: Collection[str], active_only: bool = True) -> list[tuple[int, str]]:
    """(id, phone) of the people with any of these E.164 phones, oldest first; only active records
    (not merged away, not erased) unless `active_only` is False. One indexed query however many phones."""
    wanted = sorted({phone for phone in phones if phone})
    if not wanted:
        return []
    if connection.vendor != "postgresql":
        people = Participant.objects.filter(phone__in=wanted)
        if active_only:
            people = people.filter(merged_into__isnull=True, erased_at__isnull=True)
        return list(people.order_by("pk").values_list("pk", "phone"))
    active = "p.merged_into_id IS NULL AND p.erased_at IS NULL" if active_only else "TRUE"
    with transaction.atomic(), connection.cursor() as cursor:  # SET LOCAL needs a transaction; set back right after
        cursor.execute("SELECT current_setting('enable_bitmapscan'), set_config('enable_bitmapscan', 'off', true)")
        (previous, _off) = cursor.fetchone()
        try:
            cursor.execute(_PEOPLE_WITH_PHONES_SQL.format(active=active), [wanted])
            return [(int(pk), str(phone)) for pk, phone in cursor.fetchall()]
        finally:
            cursor.execute("SELECT set_config('enable_bitmapscan', %s, true)", [previous])


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


_ASKED_KEPT = 10_000
_CONTAINING_KEPT = 1_000_000  # name ids (8 MiB of references to ints the index already holds)
_CONTAINING_WORTH = 5  # a token in fewer names than this (a long, rare one) is gathered again when asked


class NameIndex:
    """The distinct names of the active people of each city, loaded once per city, for matching many people.

    At 1,000,000 participants the records of a city do not fit in memory, their distinct names do
    (people share names): a person's similar names are found among those, then only the records
    bearing one of them are read. The rule's token condition (a record's name contains one of the
    person's name tokens) is necessary, so it is used first, through an index of the names' words:
    the similarity is then computed for those names only, not for every name of the city.
    """

    def __init__(self) -> None:
        self._names: dict[int, list[str]] = {}
        self._keys: dict[int, list[str]] = {}
        self._words: dict[int, list[tuple[str, list[int]]]] = {}
        self._grams: dict[int, dict[str, list[int]]] = {}
        self._asked: dict[tuple[int, str], list[str]] = {}
        self._containing: dict[tuple[int, str], tuple[int, ...]] = {}
        self._containing_held = 0

    def load(self, city_ids: set[int]) -> None:
        missing = city_ids - self._names.keys()
        if not missing:
            return
        words: dict[int, dict[str, list[int]]] = {}
        for city_id in missing:
            self._names[city_id], self._keys[city_id], words[city_id] = [], [], {}
        rows = (
            Participant.objects.filter(merged_into__isnull=True, erased_at__isnull=True, city_id__in=missing)
            .values_list("city_id", "full_name")
            .distinct()
            .order_by()
        )
        for city_id, name in rows.iterator(chunk_size=5000):
            index = len(self._names[city_id])
            self._names[city_id].append(name)
            self._keys[city_id].append(_sorted_name(name))
            for word in set(name.lower().split()):
                words[city_id].setdefault(word, []).append(index)
        for city_id in missing:
            # each word's trigrams: a token (3 characters or more) can only be inside a word holding all of its own
            self._words[city_id] = list(words[city_id].items())
            grams: dict[str, list[int]] = {}
            for position, (word, _ids) in enumerate(self._words[city_id]):
                for gram in {word[i : i + 3] for i in range(len(word) - 2)}:
                    grams.setdefault(gram, []).append(position)
            self._grams[city_id] = grams

    def _names_containing(self, city_id: int, token: str) -> Collection[int]:
        """The names in which `token` occurs (tokens hold no space, so within one of their words), each once.

        Not a scan of the city's words per token (48 of 57 s of a 40,000-row preview did that): the
        words holding every trigram of the token, then the containment itself on those few.
        """
        found = self._containing.get((city_id, token))
        if found is not None:
            return found
        grams = self._grams.get(city_id, {})
        postings = sorted((grams.get(token[i : i + 3], []) for i in range(len(token) - 2)), key=len)
        if not postings or not postings[0]:
            return ()
        positions = set(postings[0]).intersection(*postings[1:])
        words = self._words[city_id]
        found = tuple(set().union(*(words[position][1] for position in positions if token in words[position][0])))
        # Tokens come back row after row: a short one is in thousands of names (0.5 ms to gather at 170,000
        # names), a middling one in tens but its trigrams' postings are long (0.17 ms). What was gathered is
        # kept, as tuples (8 bytes a name), up to _CONTAINING_KEPT names in all, then forgotten at once.
        if len(found) >= _CONTAINING_WORTH:
            if self._containing_held + len(found) > _CONTAINING_KEPT:
                self._containing.clear()
                self._containing_held = 0
            self._containing[(city_id, token)] = found
            self._containing_held += len(found)
        return found

    def similar(self, city_id: int, full_name: str) -> list[str]:
        """Known names in the city sharing a name token and whose sorted tokens are within NAME_SIMILARITY."""
        key = _sorted_name(full_name)
        found = self._asked.get((city_id, key))
        if found is None:
            candidates = list(set().union(*(self._names_containing(city_id, t) for t in _name_tokens(full_name))))
            keys = self._keys.get(city_id, [])
            # the candidates' keys picked in C (itemgetter), not a Python loop: thousands per name for a common token
            choices = [keys[i] for i in candidates] if len(candidates) < 2 else itemgetter(*candidates)(keys)
            hits = process.extract(key, choices, scorer=fuzz.ratio, processor=None, score_cutoff=NAME_SIMILARITY, limit=None)
            if len(self._asked) >= _ASKED_KEPT:  # most names in a list are asked once: a bounded memo, not one per row
                self._asked.clear()
            found = self._asked[(city_id, key)] = [self._names[city_id][candidates[index]] for _key, _score, index in hits]
        return found


def participants_find_matches_many(*, people: list[Person], limit: int = 5, names: NameIndex | None = None) -> list[list[Match]]:
    """participant_find_matches (NIB + fuzzy name/business in the same city) for many people at once.

    Three queries whatever the number of people: the active records with any of the NIBs, the
    distinct names of the cities involved (NameIndex; none when `names` already holds them), and the
    active records bearing a similar name. Names are compared in rapidfuzz's C loop (process.extract
    with the same name threshold); the survivors must share a name token with the person, as the
    single lookup's database prefilter requires, and then pass the same _name_score rule. Phone
    matches are not looked for here: the caller has already matched those.
    """
    names = names or NameIndex()
    nibs = {p.nib for p in people if p.nib}
    fields = ("pk", "full_name", "business_name", "agency", "city_id", "nib", "phone")
    base = Participant.objects.filter(merged_into__isnull=True, erased_at__isnull=True).only(*fields).order_by("pk")
    by_nib: dict[str, list[Participant]] = {}
    if nibs:
        for p in base.filter(nib__in=nibs):
            by_nib.setdefault(p.nib, []).append(p)
    names.load({p.city_id for p in people if p.city_id and _name_tokens(p.full_name)})
    similar: list[list[str]] = []
    wanted: dict[int, set[str]] = {}
    for person in people:
        found_names = names.similar(person.city_id, person.full_name) if person.city_id and _name_tokens(person.full_name) else []
        similar.append(found_names)
        if found_names:
            wanted.setdefault(person.city_id, set()).update(found_names)  # type: ignore[arg-type]
    bearing: dict[tuple[int, str], list[Participant]] = {}
    for p in _bearing_names(base, wanted, fields):
        bearing.setdefault((p.city_id, p.full_name), []).append(p)
    results = []
    for person, found_names in zip(people, similar, strict=True):
        found: dict[int, Match] = {}
        for p in by_nib.get(person.nib, [])[:limit] if person.nib else []:
            found[p.pk] = Match(p, "nib", 100)
        tokens = _name_tokens(person.full_name)
        candidates = sorted(
            (p for name in found_names for p in bearing.get((person.city_id, name), [])),  # type: ignore[arg-type]
            key=lambda p: p.pk,
        )
        for p in candidates:
            if p.pk in found or not any(t in p.full_name.lower() for t in tokens):
                continue
            score = _name_score(person.full_name, person.business_name, p)
            if score is not None:
                found[p.pk] = Match(p, "name", score)
        results.append(sorted(found.values(), key=lambda m: -m.score)[:limit])
    return results


# The active records bearing one of the names, per city, as one join PostgreSQL answers from the
# (city_id, UPPER(full_name) COLLATE "C") btree of participants.0014 (one probe per name). Asked as
# `city_id = … AND full_name IN (…)` instead, the database read the whole city (no index has the plain
# name after the city): 2.1 s per 1,500 names in a city of 340,000 at 1,000,000 participants, against
# 0.09 s here; the import asks this once per 2,000-row chunk, in the preview and again in the job.
# UPPER on both sides is PostgreSQL's own, and the plain names must be equal too, so it finds exactly
# what the IN form finds.
_BEARING_SQL = """
SELECT {columns} FROM participants_participant p
JOIN unnest(%s::bigint[], %s::text[]) AS w(city_id, full_name)
  ON p.city_id = w.city_id
 AND (UPPER(p.full_name::text) COLLATE "C") = (UPPER(w.full_name) COLLATE "C")
 AND p.full_name = w.full_name
WHERE p.merged_into_id IS NULL AND p.erased_at IS NULL
ORDER BY p.id
"""


def _bearing_names(base: QuerySet[Participant], wanted: dict[int, set[str]], fields: tuple[str, ...]) -> list[Participant]:
    """The active records (only `fields`) bearing one of `wanted[city]`'s names in that city, by id."""
    if not wanted:
        return []
    if connection.vendor != "postgresql":  # SQLite (make run): no such index, and small data
        condition = Q()
        for city_id, city_names in wanted.items():
            condition |= Q(city_id=city_id, full_name__in=city_names)
        return list(base.filter(condition))
    pairs = [(city_id, name) for city_id, names in wanted.items() for name in names]
    column_of = {f.attname: f.column for f in Participant._meta.concrete_fields}
    columns = ", ".join(f"p.{column_of[f]}" for f in fields if f != "pk")
    sql = _BEARING_SQL.format(columns=f"p.id, {columns}")  # noqa: S608  column names from the model; values are parameters
    return list(Participant.objects.raw(sql, [[c for c, _ in pairs], [n for _, n in pairs]]))


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
