"""Certificate numbers: random, not sequential, with a check character that catches a mistyped one.

"LD-7K3M9-QXP4R-F": ten random symbols of Crockford's base32 (no I, L, O, U: nothing to confuse
with 1 or 0), 50 bits, so neighbouring numbers cannot be guessed; the last symbol is a Luhn mod 32
check character from the same alphabet (no punctuation to type or to escape in an address), which
catches every single mistyped symbol and nearly every swap of two neighbours before the database
is asked.
"""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
PREFIX = "LD"
RANDOM_SYMBOLS = 10
# Letters people type for the symbols they mean.
_TYPED = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _check_symbol(symbols: str) -> str:
    """Luhn mod N (N = 32) over the symbols."""
    base, total, factor = len(ALPHABET), 0, 2
    for char in reversed(symbols):
        addend = factor * ALPHABET.index(char)
        total += addend // base + addend % base
        factor = 3 - factor
    return ALPHABET[-total % base]


def number_new() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
    return f"{PREFIX}-{body[:5]}-{body[5:]}-{_check_symbol(body)}"


def number_normalise(typed: str) -> str | None:
    """The stored form of a number as someone typed it, or None if it cannot be one (wrong check character)."""
    compact = "".join(ch for ch in (typed or "").upper() if ch.isalnum())
    if compact.startswith(PREFIX):
        compact = compact[len(PREFIX) :]
    if len(compact) != RANDOM_SYMBOLS + 1:
        return None
    body, check = compact[:-1].translate(_TYPED), compact[-1:].translate(_TYPED)
    if any(ch not in ALPHABET for ch in body) or _check_symbol(body) != check:
        return None
    return f"{PREFIX}-{body[:5]}-{body[5:]}-{check}"
