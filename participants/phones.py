"""Phone numbers as people type them (0812..., +62 812..., 62812...) to E.164 (+62812...)."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_REGION = "ID"
_NOT_DIGITS = re.compile(r"\D")


def phone_normalise(raw: str) -> str:
    """E.164 for a valid Indonesian or international number; ValidationError otherwise. Empty stays empty."""
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
