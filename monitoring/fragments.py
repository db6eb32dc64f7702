"""Rendered parts of the monitoring pages kept in the cache (issue 16: the survey tables were most of a page's CPU).

A fragment's key holds everything its HTML depends on: the caller passes the data's version (for the
survey results, surveys.selectors.survey_results_version, which moves whenever the indicators are
recomputed) and what the request changes (programme, filters, language, role). The role is in every
key even where the HTML does not depend on it today, so a fragment rendered for one role can never be
served to another if that changes. Fragments are rendered from their own data only, never from the
request or the user.
"""

import functools
import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from users.roles import role_of

# Keys carry the data's version, so a fragment never goes stale; the timeout only frees the memory of old ones
# (and of rarely used filter combinations).
FRAGMENT_CACHE_SECONDS = 60 * 60


@functools.cache
def code_fingerprint() -> str:
    """A hash of the code that shapes the cached parts: the monitoring and survey templates, the figure-table
    tags and the modules that build what they show. A release that changes any of them never serves what the
    previous one cached."""
    root = Path(__file__).resolve().parent.parent
    files = sorted(
        [
            *root.glob("monitoring/templates/**/*.html"),
            *root.glob("surveys/templates/**/*.html"),
            *root.glob("monitoring/templatetags/*.py"),
            root / "monitoring/api.py",
            root / "surveys/selectors.py",
        ]
    )
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def fragment_key(name: str, *, user, parts: Iterable) -> str:
    """The cache key of fragment `name` for this user's role, the active language, the code and `parts`."""
    varies = repr((role_of(user), get_language(), code_fingerprint(), *parts))
    return f"monitoring:fragment:{name}:{hashlib.sha256(varies.encode()).hexdigest()[:32]}"


def cached_fragment(name: str, *, user, parts: Iterable, render: Callable[[], str]) -> SafeString:
    """The HTML `render()` returns, from the cache when a request with the same key rendered it before."""
    key = fragment_key(name, user=user, parts=parts)
    html = cache.get(key)
    if html is None:
        html = str(render())
        cache.set(key, html, FRAGMENT_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308  the HTML of a Django template, escaped when it was rendered
