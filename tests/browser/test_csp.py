"""The browser policy (Content-Security-Policy) holds on every page people use: Chromium reports no violation.

Every role's menu pages with demo data (charts, tables, progress bars), the pages behind them that htmx
and our scripts drive (check-in with a search and a tap, the sign-up sheet, an import's progress), the
Django admin, the second-factor pages, and the public pages: login, self-registration link, opt-out.
A violation is caught twice: the page's `securitypolicyviolation` events (recorded from before any
script of the page runs) and Chromium's console errors ("Refused to ...").
"""

import re
import time

import pytest
from playwright.sync_api import expect

from notifications.services.messages import opt_out_token, participant_key
from tests.browser.helpers import htmx_ready, pass_second_factor
from tests.browser.test_every_page import ROLES, demo, menu_pages  # noqa: F401 (demo is a fixture)
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`));
"""


class PolicyWatch:
    """Collects violations on a page across navigations: read each document's record before leaving it."""

    def __init__(self, page):
        self.page = page
        self.found: dict[str, list[str]] = {}
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message):
        if message.type == "error" and ("Refused to" in message.text or "Content Security Policy" in message.text):
            self.found.setdefault(self.page.url, []).append(message.text)

    def collect(self):
        events = self.page.evaluate("() => window.__csp || []")
        if events:
            self.found.setdefault(self.page.url, []).extend(events)

    def visit(self, url: str):
        self.collect()
        response = self.page.goto(url, wait_until="load")
        assert response.status == 200, (url, response.status)
        header = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in header and "frame-ancestors 'none'" in header, (url, header)
        if self.page.locator("canvas[data-chart]").count():
            expect(self.page.locator("body")).to_have_attribute("data-charts-ready", "1")
        return response


@pytest.fixture
def watch(page):
    return PolicyWatch(page)


def log_in(watch, base: str, role: str):
    from users.models import User

    page = watch.page
    watch.visit(f"{base}/accounts/login/")
    page.fill("input[name=login]", f"{role}@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_load_state("load")
    watch.collect()  # the second-factor page, for the admin
    pass_second_factor(page, User.objects.get(email=f"{role}@example.org"))
    assert "/accounts/" not in page.url, f"{role} could not log in"


def _quiet(page) -> None:
    """Close the browser's pages and let the server finish what they sent (the check-in page syncs in the
    background, its service worker fetches), so the test database is not emptied under a running request."""
    page.context.close()
    time.sleep(1)


@pytest.mark.parametrize("role", ROLES)
def test_no_page_of_a_role_breaks_the_browser_policy(page, live_server, demo, watch, role):  # noqa: F811
    base = live_server.url
    log_in(watch, base, role)
    pages = menu_pages(page)
    assert len(pages) >= 2, pages
    for path in pages:
        watch.visit(base + path)
        page.wait_for_load_state("networkidle")

    if role == "trainer":
        watch.visit(f"{base}/trainer/sessions/")
        watch.visit(base + page.locator("a.list-group-item[data-testid^='session-']").first.get_attribute("href"))
        htmx_ready(page)
        page.fill("input[name=q]", "a")
        expect(page.locator("#search-results")).to_be_visible()
        page.wait_for_load_state("networkidle")
        checkin = page.locator("#search-results button[data-participant], #roster button[data-participant]").first
        if checkin.count():
            checkin.click()
            page.wait_for_load_state("networkidle")
        here = page.url
        for link in ("a[data-testid=walk-in]", "a[href$='/sign-up-sheet/']"):
            if page.locator(link).count():
                watch.visit(base + page.locator(link).first.get_attribute("href"))
                page.wait_for_load_state("networkidle")
                watch.visit(here)
    if role == "admin":
        for path in (
            "/admin/",
            "/admin/users/user/",
            "/admin/participants/participant/",
            "/accounts/2fa/",
            "/accounts/2fa/recovery-codes/",
        ):
            watch.visit(base + path)
        watch.visit(base + "/admin/participants/participant/")
        page.locator("#result_list tbody a").first.click()  # a change form, with the admin's widgets
        page.wait_for_load_state("load")

    watch.collect()
    _quiet(page)
    assert watch.found == {}


def test_the_public_pages_keep_the_browser_policy(page, live_server, demo, watch):  # noqa: F811
    from participants.models import Participant
    from sessions_app.models import TrainingSession

    session = TrainingSession.objects.filter(registration_link_closed_at__isnull=True).order_by("starts_at").last()
    person = Participant.objects.order_by("pk").first()
    base = live_server.url

    watch.visit(f"{base}/accounts/login/")
    watch.visit(f"{base}/r/{session.registration_token}/")
    page.click("form button[type=submit]")  # an empty form: the errors are shown on the page
    page.wait_for_load_state("load")
    watch.visit(f"{base}/notifications/opt-out/{opt_out_token(participant_key(person.pk))}/")
    watch.visit(f"{base}/admin/login/?next=/admin/")  # hands over to the login page

    watch.collect()
    assert re.search(r"/accounts/login/\?next=%2Fadmin%2F$", page.url)
    assert watch.found == {}


def test_an_admin_setting_up_their_authenticator_keeps_the_browser_policy(page, live_server, make_user, watch):
    from users.models import Role

    admin = make_user(Role.PROGRAMME_ADMIN)
    admin.authenticator_set.all().delete()  # a new admin: no authenticator app yet
    base = live_server.url
    watch.visit(f"{base}/accounts/login/")
    page.fill("input[name=login]", admin.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    expect(page.locator("img[src^='data:image/svg+xml']")).to_be_visible()  # the QR code for the app

    watch.collect()
    assert watch.found == {}


def test_the_watch_sees_an_inline_script(page, live_server, demo, watch):  # noqa: F811
    """The check above can fail: an inline script added to a page is blocked and reported."""
    watch.visit(f"{live_server.url}/accounts/login/")

    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1'; document.body.append(s); }"
    )
    page.wait_for_timeout(200)

    watch.collect()
    assert page.evaluate("() => window.ran") is None
    assert any("script-src" in v for v in sum(watch.found.values(), []))
