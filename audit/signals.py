"""Logins, logouts and failed logins go to the audit log.

Django's auth signals are the decoupled way to hear about them (allauth's login goes through
django.contrib.auth.login/authenticate too). A failed login records which account was tried only
when that account exists; whatever else was typed into the e-mail field is never stored.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .context import client_ip_of
from .models import AuditAction
from .services import audit_record


def _ip(request) -> str | None:
    return client_ip_of(request) if request is not None else None


@receiver(user_logged_in, dispatch_uid="audit_logged_in")
def _logged_in(sender, request, user, **kwargs):
    audit_record(actor=user, action=AuditAction.LOGGED_IN, obj=user, ip=_ip(request))


@receiver(user_logged_out, dispatch_uid="audit_logged_out")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action=AuditAction.LOGGED_OUT, obj=user, ip=_ip(request))


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    tried = (credentials.get("email") or credentials.get("username") or "").strip().lower()
    account = get_user_model().objects.filter(email__iexact=tried).first() if tried else None
    audit_record(actor=account, action=AuditAction.LOGIN_FAILED, obj=account, ip=_ip(request))
