"""phone_normalise's fast path for Indonesian mobiles gives exactly what phonenumbers' full parse gives.

The fast path answers only for inputs it recognises and leaves everything else to the parse, so the
property is: for every input, phone_normalise (fast path first) and _phone_normalise_parsed (the
parse alone) return the same number or raise the same error.
"""

import random

import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given, settings
from hypothesis import strategies as st

from participants import phones
from participants.phones import _indonesian_mobile_fast, _phone_normalise_parsed, phone_normalise

PREFIXES = [
    "",
    "0",
    "+62",
    "62",
    "+62 ",
    "+62-",
    "(+62)",
    "(+62) ",
    "(0",
    "+620",
    "620",
    "0062",
    "00",
    "62 0",
    "+",
    "6",
    "+1",
    "+65",
]
SEPARATORS = ["", "", "", " ", "-", ".", "(", ")", "  ", " - ", "/", "\u00a0"]
JUNK = ["", "", "", "", "x", "a", "#", "+", "*", "\u0660", "٢", "ext 12", ";", ",", "  ", "\t", "ke", "tel:"]


def _outcome(function, raw: str) -> tuple[str, str]:
    try:
        return ("ok", function(raw))
    except ValidationError as error:
        return (error.code or "", str(error.messages))


def _same_as_the_parse(raw: str) -> None:
    assert _outcome(phone_normalise, raw) == _outcome(_phone_normalise_parsed, raw), raw


def _written(rng: random.Random) -> str:
    """A phone as people might type it: a prefix, digits (mostly a mobile-like national number) split
    by separators, sometimes with junk at either end or inside."""
    if rng.random() < 0.6:  # a real mobile's shape (8, then 1-3 or 5-9, 9 to 12 digits in all)
        national = "8" + rng.choice("1235789") + "".join(rng.choice("0123456789") for _ in range(rng.randint(7, 10)))
    else:
        national = rng.choice("8888123456790") + "".join(rng.choice("0123456789") for _ in range(rng.randint(5, 13)))
    groups, i = [], 0
    while i < len(national):
        step = rng.randint(1, 5)
        groups.append(national[i : i + step])
        i += step
    prefix = rng.choice(["0", "+62", "62", "+62 "]) if rng.random() < 0.5 else rng.choice(PREFIXES)
    text = prefix + "".join(g + rng.choice(SEPARATORS) for g in groups).rstrip(rng.choice(["", " -.()"]))
    if rng.random() < 0.2:
        at = rng.randint(0, len(text))
        text = text[:at] + rng.choice(JUNK) + text[at:]
    if rng.random() < 0.1:
        text = rng.choice(JUNK) + text + rng.choice(JUNK)
    if rng.random() < 0.02:
        text = text.replace(" ", " " * rng.randint(20, 140))  # longer than parse accepts (250 characters)
    return text


@pytest.mark.parametrize(
    "raw",
    [
        "0812-3456-7890",
        "+62 812 3456 7890",
        "6281234567890",
        "(0812) 34567890",
        "0812.3456.789",
        "+62 (0) 812 3456 7890",
        "(+62) 812-3456-7890",
        "62 0812 3456 7890",
        "0062 812 3456 7890",
        "08123456",  # too short for a mobile
        "0812345678901234",  # too long
        "0212345678",  # a Jakarta landline: the parse's business
        "+6521234567",  # not Indonesian
        "62812345",  # "62" and too few digits: read as a national number
        "0812-3456-7890-",
        "0812" + " " * 250 + "34567890",
        "٠٨١٢٣٤٥٦٧٨٩٠",  # Arabic-Indic digits
        "0812 3456 7890 ext 12",
        "12345",
        "",
        "   ",
    ],
)
def test_known_writings_match_the_full_parse(raw):
    _same_as_the_parse(raw)


def test_the_common_writings_take_the_fast_path():
    for raw in ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "(0812) 34567890", "0857.1234.5678", "628561234567"]:
        assert _indonesian_mobile_fast(raw) == phone_normalise(raw) == _phone_normalise_parsed(raw)


def test_fifty_thousand_generated_writings_match_the_full_parse():
    rng = random.Random(2018)
    fast = 0
    for _ in range(50_000):
        raw = _written(rng)
        _same_as_the_parse(raw)
        fast += _indonesian_mobile_fast(raw.strip()) is not None
    assert fast > 5_000  # the generator does exercise the fast path, not only the fallback


@settings(max_examples=3000, deadline=None)
@given(
    st.sampled_from(PREFIXES),
    st.lists(st.tuples(st.text(alphabet="0123456789", min_size=1, max_size=5), st.sampled_from(SEPARATORS)), max_size=6),
    st.sampled_from(JUNK),
)
@example("+62", [("812", " "), ("3456", "-"), ("7890", "")], "")
def test_any_writing_matches_the_full_parse(prefix, groups, junk):
    text = prefix + "".join(digits + separator for digits, separator in groups)
    _same_as_the_parse(text)
    _same_as_the_parse(junk + text)
    _same_as_the_parse(text + junk)


def test_the_slow_path_is_still_used_for_other_numbers(monkeypatch):
    calls = []
    parsed = phones._phone_normalise_parsed
    monkeypatch.setattr(phones, "_phone_normalise_parsed", lambda raw: calls.append(raw) or parsed(raw))

    assert phone_normalise("0812 3456 7890") == "+6281234567890"
    assert phone_normalise("021 2345 678") == "+62212345678"
    assert calls == ["021 2345 678"]
