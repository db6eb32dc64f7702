"""The access matrix for the pages Django's admin and allauth bring: every one of their URL patterns,
every identity (see test_access_matrix.py for the table). In its own file so that xdist runs it
beside the project's own patterns."""

import pytest

from tests.access.test_access_matrix import FRAMEWORK_PATTERNS, _check, row_for

pytestmark = pytest.mark.django_db


# The framework's pages treat every non-staff role alike, so one identity of each kind is enough here.
FRAMEWORK_IDENTITIES = ("anon", "norole", "admin", "coord_a", "trainer_b", "policy_pd", "ksp")


def test_admin_site_and_account_pages(world):
    problems = []
    for name, route in FRAMEWORK_PATTERNS:
        problems += _check(world, name, route, row_for(name), identities=FRAMEWORK_IDENTITIES)
    assert not problems, "\n".join(problems[:40])


def test_programme_admin_can_read_and_filter_the_audit_log_but_not_change_it(world):
    from audit.models import AuditAction
    from tests.access.matrix import fetch

    fetch(world.users["coord_a"], "GET", "/")  # any request; the login below is audited
    admin = world.users["admin"]
    response, body = fetch(admin, "GET", "/admin/audit/auditevent/", {"action__exact": AuditAction.LOGGED_IN})
    assert response.status_code == 200
    assert world.users["coord_a"].email in body
    response, _ = fetch(admin, "GET", "/admin/audit/auditevent/add/")
    assert response.status_code == 403
