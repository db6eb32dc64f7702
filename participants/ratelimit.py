"""Limits on the public forms (no login): per client address and per link, counted in the cache.

The approach allauth takes for its own limits: a counter per key and time window in the shared cache
(Redis in production), so every web process sees the same count. Over a limit the view answers 429
with a page in the visitor's language, before anything is written. Limits are in settings
(PUBLIC_FORM_RATE_LIMITS: {"address": (count, seconds), "link": (count, seconds)}).
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render

from audit.context import client_ip_of

TEMPLATE = "participants/rate_limited.html"


def _consume(*, key: str, limit: int, period: int) -> bool:
    """Count one attempt in the current window; True while the count is within the limit."""
    window = int(time.time() // period)
    cache_key = f"public-form-limit:{key}:{window}"
    cache.add(cache_key, 0, timeout=period)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the window's key expired between add and incr
        cache.set(cache_key, 1, timeout=period)
        count = 1
    return count <= limit


def public_form_limited(request, *, form: str, link: str) -> HttpResponse | None:
    """The 429 page when this POST is over the limit for its address or its link, else None (and counted).

    A link's count only takes attempts from addresses still within their own limit, so one address
    flooding a link cannot use up the whole room's allowance.
    """
    limits = settings.PUBLIC_FORM_RATE_LIMITS
    address = client_ip_of(request) or "unknown"
    link_key = hashlib.sha256(link.encode()).hexdigest()[:32]  # tokens are secrets: not kept in the cache in clear
    count, period = limits["address"]
    allowed = _consume(key=f"{form}:address:{address}", limit=count, period=period)
    if allowed:
        count, period = limits["link"]
        allowed = _consume(key=f"{form}:link:{link_key}", limit=count, period=period)
    if allowed:
        return None
    response = render(request, TEMPLATE, status=429)
    response["Retry-After"] = str(period)
    return response
