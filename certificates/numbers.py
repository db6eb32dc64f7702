"""Certificate numbers: random, not sequential, with a check character that catches a mistyped one.

"LD-7K3M9-QXP4R-Z": ten random symbols of Crockford's base32 (no I, L, O, U: nothing to confuse
with 1 or 0), 50 bits, so neighbouring numbers cannot be guessed; the last symbol is a mod-37
check character over the ten (37 is prime), which catches every single typo and every swap of
two neighbouring symbols before the database is asked.
"""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
CHECK_ALPHABET = ALPHABET + "*~$=U"  # Crockford's 37 check symbols
PREFIX = "LD"
RANDOM_SYMBOLS = 10
# Letters people type for the symbols they mean.
_TYPED = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _check_symbol(symbols: str) -> str:
    total = 0
    for char in symbols:
        total = (total * 32 + ALPHABET.index(char)) % 37
    return CHECK_ALPHABET[-total % 37]


def number_new() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
    return f"{PREFIX}-{body[:5]}-{body[5:]}-{_check_symbol(body)}"


def number_normalise(typed: str) -> str | None:
    """The stored form of a number as someone typed it, or None if it cannot be one (wrong check character)."""
    compact = "".join(ch for ch in (typed or "").upper() if ch.isalnum() or ch in "*~$=")
    if compact.startswith(PREFIX):
        compact = compact[len(PREFIX) :]
    if len(compact) != RANDOM_SYMBOLS + 1:
        return None
    body, check = compact[:-1].translate(_TYPED), compact[-1]
    if any(ch not in ALPHABET for ch in body) or _check_symbol(body) != check:
        return None
    return f"{PREFIX}-{body[:5]}-{body[5:]}-{check}"
