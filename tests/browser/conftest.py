import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import pass_second_factor
from tests.conftest import PASSWORD


@pytest.fixture
def login(page, live_server):
    """login(user) logs in through the real login form and returns the page."""

    def _login(user, password: str = PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=login]", user.email)
        page.fill("input[name=password]", password)
        page.click("form[action$='/accounts/login/'] button[type=submit]")
        page.wait_for_load_state("networkidle")
        if password == PASSWORD:
            pass_second_factor(page, user)
        return page

    return _login


@pytest.fixture(autouse=True)
def _patient_expect():
    """The machine is shared: give slow moments 15 s before calling a step failed."""
    expect.set_options(timeout=15_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def today(make_user):
    """(trainer user, session): a certified trainer leading a session that started 20 minutes ago."""
    from tests.factories import PartnerFactory, TrainerFactory, TrainingSessionFactory
    from users.models import Role

    partner = PartnerFactory()
    user = make_user(Role.TRAINER, partner=partner)
    trainer = TrainerFactory(partner=partner, user=user)
    now = timezone.now()
    session = TrainingSessionFactory(
        partner=partner, lead_trainer=trainer, starts_at=now - dt.timedelta(minutes=20), ends_at=now + dt.timedelta(hours=3)
    )
    return user, session


@pytest.fixture
def phone(page):
    """The page on a 390×844 phone screen."""
    page.set_viewport_size({"width": 390, "height": 844})
    return page
