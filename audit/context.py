"""Where the current request comes from, so services can audit "from where" without taking a request.

`AuditContextMiddleware` sets it for each request; Celery tasks and commands leave it empty.
"""

from contextvars import ContextVar

_client_ip: ContextVar[str | None] = ContextVar("audit_client_ip", default=None)


def client_ip_of(request) -> str | None:
    """The client's address as the web server saw it (REMOTE_ADDR; a proxy must set it, not a header)."""
    return request.META.get("REMOTE_ADDR") or None


def current_client_ip() -> str | None:
    return _client_ip.get()


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_ip.set(client_ip_of(request))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)
