"""users/scoping.py is the interface; the rules are access/scoping.py, registered by access's AppConfig (issue 11)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

import access.scoping
from users import scoping


def test_the_rules_registered_are_the_access_apps():
    assert scoping.rules() is access.scoping


def test_without_registered_rules_every_call_fails_instead_of_guessing(monkeypatch):
    monkeypatch.setattr(scoping, "_rules", None)

    with pytest.raises(ImproperlyConfigured, match="access"):
        scoping.participants_for(None)
    with pytest.raises(ImproperlyConfigured):
        scoping.may_see_personal_data(None)


def test_the_interface_offers_every_rule_the_access_app_defines():
    public = {name for name in dir(access.scoping) if name.endswith("_for") or name.startswith(("may_", "sees_"))}
    assert public | {"scoped", "attendance_participant_visible"} <= set(dir(scoping))
