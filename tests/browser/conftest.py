import pytest

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
        return page

    return _login
