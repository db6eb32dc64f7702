"""Text that goes to logs or error fields, stripped of phone numbers and of names we know.

A provider's error body often echoes the request (the phone, the template's parameters, which hold
the person's name); the log provider would print the whole message. What is stored or logged goes
through `redact` first, so an erasure never has to find the person in free text afterwards.

In the project package because the notifications and participants apps both use it and it
imports neither.
"""

import re
from collections.abc import Iterable

# Eight or more digits, possibly with +, spaces, dots, dashes or brackets between them: every way a
# phone number is written (+62 812-3456-7890, 0812 3456 7890, 6281234567890).
_PHONE_LIKE = re.compile(r"\+?\d(?:[\s().\-]{0,2}\d){7,}")
MASK = "***"


def mask_phone(phone: str) -> str:
    """A phone number with all but its last two digits hidden: "+62***90"; empty stays empty."""
    digits = re.sub(r"\D", "", phone or "")
    if not digits:
        return ""
    prefix = "+" + digits[:2] if (phone or "").lstrip().startswith("+") else ""
    return f"{prefix}{MASK}{digits[-2:]}"


def redact(text: str, *, known: Iterable[str] = ()) -> str:
    """`text` without phone-like numbers and without the `known` personal values (names, addresses)."""
    text = str(text or "")
    for value in sorted({str(v).strip() for v in known if v and len(str(v).strip()) >= 3}, key=len, reverse=True):
        text = re.sub(re.escape(value), MASK, text, flags=re.IGNORECASE)
    return _PHONE_LIKE.sub(MASK, text)
