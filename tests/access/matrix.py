"""Running one URL as one identity, and saying what they got.

An outcome is one of:
- "ok": the page or action was served (2xx, a redirect that is not to a login page, or for a
  POST a validation answer: 400, 409, 422);
- "login": sent to log in (a redirect to a login page, or 401 from the API);
- "deny": refused (403 or 404).
Anything else (a 500, an unexpected 405) is reported as the raw status so the test names it.
"""

import re
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

OK, LOGIN, DENY = "ok", "login", "deny"
LOGIN_PATHS = ("/accounts/login/", "/admin/login/")


def url_patterns():
    """(name, route) for every named URL pattern, namespaces included, from the resolver."""

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = ":".join(filter(None, [namespace, pattern.namespace]))
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or f"<unnamed {prefix}{pattern.pattern}>"
                yield (f"{namespace}:{name}" if namespace else name), prefix + str(pattern.pattern)

    seen = {}
    for name, route in walk(get_resolver().url_patterns, "", ""):
        seen.setdefault(name, route)
    return sorted(seen.items())


_GENERIC = {"int": "999999", "str": "x", "slug": "x", "path": "x", "uuid": str(uuid.UUID(int=1))}


def generic_kwargs(route: str) -> dict:
    """Placeholder values for a route's converters (for pages where any id will do, e.g. the Django admin)."""
    kwargs = {}
    for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", route):
        kwargs[name] = _GENERIC.get(converter or "str", "x")
    if "app_label" in kwargs:
        kwargs["app_label"] = "participants"
    return kwargs


def classify(response, method: str) -> str:
    status = response.status_code
    if status in (401,):
        return LOGIN
    if status in (301, 302, 303):
        location = response.headers.get("Location", "")
        return LOGIN if any(p in location for p in LOGIN_PATHS) else OK
    if 200 <= status < 300:
        return OK
    if status in (403, 404):
        return DENY
    if method == "POST" and status in (400, 409, 422):
        return OK
    return str(status)


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


_clients: dict = {}


def _client_for(user) -> Client:
    """One logged-in client per user for the whole test (a login is the costly part of a request)."""
    key = getattr(user, "pk", None)
    if key not in _clients:
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        _clients[key] = client
    return _clients[key]


def forget_clients() -> None:
    _clients.clear()


def fetch(user, method: str, path: str, query: dict | None = None, headers: dict | None = None, data: dict | None = None):
    """One request as `user` (None: anonymous), rolled back afterwards so no request changes the next."""
    client = _client_for(user)
    url = path + ("?" + urlencode(query) if query else "")
    with transaction.atomic():
        response = (
            client.get(url, headers=headers or {}) if method == "GET" else client.post(url, data or {}, headers=headers or {})
        )
        body = body_of(response)
        transaction.set_rollback(True)
    if user is not None and not client.cookies.get(settings.SESSION_COOKIE_NAME, None):
        _clients.pop(user.pk, None)  # the request logged them out: log in afresh next time
    elif user is not None and not client.cookies[settings.SESSION_COOKIE_NAME].value:
        _clients.pop(user.pk, None)
    return response, body


def path_for(name: str, kwargs: dict, route: str = "") -> str:
    """The URL of a named pattern; an unnamed one (the admin's catch-all) by filling its route."""
    if "<unnamed" in name:
        return "/" + re.sub(r"\(\?P<\w+>[^)]*\)", "no-such-page/", route).rstrip("$").lstrip("^")
    return reverse(name, kwargs=kwargs)
