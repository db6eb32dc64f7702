"""Phone numbers as people type them (0812..., +62 812..., 62812...) to E.164 (+62812...)."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_REGION = "ID"
_NOT_DIGITS = re.compile(r"\D")

# The fast path: an Indonesian mobile number in one of the ways people write it (0812..., +62 812...,
# 62812..., with spaces, dashes, dots or parentheses between the digits). phonenumbers' parse and
# validation cost about 0.4 ms a number, the bulk of a 100,000-row import; this costs a few µs and
# gives the same answer (tests/participants/test_phones.py compares both on generated writings).
# ASCII only (`\d` would take Arabic-Indic digits), bounded in length (parse refuses over 250
# characters), starting with a digit, "+" or "(" and ending with a digit (parse strips other ends).
_FAST_SHAPE = re.compile(r"\(?\+?[0-9][0-9 ().-]{6,30}[0-9]")
_ASCII_NOT_DIGITS = re.compile(r"[^0-9]")
_ID_METADATA = phonenumbers.PhoneMetadata.metadata_for_region(DEFAULT_REGION)
if _ID_METADATA is None or _ID_METADATA.mobile is None or _ID_METADATA.general_desc is None:  # pragma: no cover
    raise ImportError("phonenumbers has no metadata for Indonesian mobiles")


def _desc_matcher(desc: phonenumbers.PhoneNumberDesc) -> tuple[re.Pattern[str], frozenset[int]]:
    return re.compile(desc.national_number_pattern or "(?!)"), frozenset(desc.possible_length or ())


# phonenumbers' own rule for a valid Indonesian mobile: the country's general pattern and the mobile one,
# each with its possible lengths (phonenumberutil._is_number_matching_desc).
_ID_GENERAL = _desc_matcher(_ID_METADATA.general_desc)
_ID_MOBILE = _desc_matcher(_ID_METADATA.mobile)


def _matches(national: str, matcher: tuple[re.Pattern[str], frozenset[int]]) -> bool:
    pattern, lengths = matcher
    return (not lengths or len(national) in lengths) and pattern.fullmatch(national) is not None


def _indonesian_mobile_fast(raw: str) -> str | None:
    """E.164 of a plainly written Indonesian mobile number; None to leave it to phonenumbers (anything else)."""
    if _FAST_SHAPE.fullmatch(raw) is None:
        return None
    digits = _ASCII_NOT_DIGITS.sub("", raw)
    plus = "+" in raw
    if digits.startswith("62") and (plus or len(digits) >= 10):
        national = digits[2:]  # +62 812..., or 62812... which phone_normalise reads as +62812...
    elif not plus and digits.startswith("0"):
        national = digits[1:]  # 0812...: the national prefix
    else:
        return None
    if national.startswith("0") or not _matches(national, _ID_MOBILE) or not _matches(national, _ID_GENERAL):
        return None
    return "+62" + national


def phone_normalise(raw: str) -> str:
    """E.164 for a valid Indonesian or international number; ValidationError otherwise. Empty stays empty."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    fast = _indonesian_mobile_fast(raw)
    if fast is not None:
        return fast
    return _phone_normalise_parsed(raw)


def _phone_normalise_parsed(raw: str) -> str:
    """phone_normalise through phonenumbers' full parse and validation: every number, at 40-400 µs each."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    candidate = raw
    digits = _NOT_DIGITS.sub("", raw)
    if not raw.startswith("+") and digits.startswith("62") and len(digits) >= 10:
        candidate = "+" + digits  # written without the plus: 62812...
    try:
        number = phonenumbers.parse(candidate, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(_("“%(phone)s” is not a phone number."), code="invalid_phone", params={"phone": raw}) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(phone)s” is not a valid Indonesian or international phone number."),
            code="invalid_phone",
            params={"phone": raw},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_search_digits(query: str) -> str:
    """Digits to look for inside stored E.164 numbers, from a partly typed phone; '' if it is not a phone."""
    digits = _NOT_DIGITS.sub("", query or "")
    if len(digits) < 4 or len(digits) < len(re.sub(r"[\s\-+().]", "", query or "")):
        return ""  # letters in it: a name, not a phone
    if digits.startswith("0"):
        return "62" + digits[1:]
    return digits


def phone_display(e164: str) -> str:
    """+6281234567890 -> 0812-3456-7890 for Indonesian numbers, international format for others."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 62:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_masked(e164: str) -> str:
    """Enough to recognise a number one already knows, not enough to learn it: 0812-****-890."""
    shown = phone_display(e164)
    if len(shown) < 7:
        return shown
    return shown[:4] + re.sub(r"\d", "•", shown[4:-3]) + shown[-3:]
