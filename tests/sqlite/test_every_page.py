"""Every role's pages answer without a server error on SQLite, the database of `make run`, with demo data.

For each demo login: the home page, every link of its menu and the links those pages offer
(detail pages, filters, exports), a few of each kind. Plus the public pages. A 500 anywhere fails.
"""

import io
import re
from collections import Counter
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from core.demo import DEMO_LOGINS
from sessions_app.models import TrainingSession
from users.models import User

pytestmark = pytest.mark.django_db

SKIP = re.compile(r"^/(static|media|i18n|accounts/logout|admin/.+)|^/accounts/(password|email)")
PER_KIND = 2  # visits per URL shape (digits folded), so 60 sessions cost 2 requests
MAX_PER_ROLE = 80


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        quiet = io.StringIO()
        call_command("setup_roles", verbosity=0)
        call_command("seed_programme", stdout=quiet)
        call_command("seed_demo", "--participants", "150", "--no-logins", stdout=quiet)
        call_command("rebuild_progress", stdout=quiet)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def links(html: str) -> list[str]:
    found = []
    for href in re.findall(r'href="([^"]+)"', html):
        href = urldefrag(href.replace("&amp;", "&"))[0]
        if href.startswith("/") and not href.startswith("//") and not SKIP.search(href):
            found.append(href)
    return found


def shape(url: str) -> str:
    parts = urlsplit(url)
    return re.sub(r"\d+", "N", parts.path) + (
        "?" + ",".join(sorted(re.findall(r"([\w-]+)=", parts.query))) if parts.query else ""
    )


def crawl(c: Client, start: str) -> dict[str, int]:
    """url -> status for the start page, its links and their links (two levels), a few per URL shape."""
    seen: dict[str, int] = {}
    kinds: Counter = Counter()
    level = [start]
    for _depth in range(3):
        following = []
        for url in level:
            if url in seen or kinds[shape(url)] >= PER_KIND or len(seen) >= MAX_PER_ROLE:
                continue
            kinds[shape(url)] += 1
            response = c.get(url, follow=True)
            seen[url] = response.status_code
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                following.extend(links(response.content.decode()))
        level = following
    return seen


@pytest.mark.parametrize("email", [email for email, _name, _role in DEMO_LOGINS])
def test_every_page_of_each_role_answers_on_sqlite(demo, email):
    c = Client(raise_request_exception=False)
    c.force_login(User.objects.get(email=email))
    visited = crawl(c, "/")
    errors = {url: status for url, status in visited.items() if status >= 500}
    assert len(visited) >= 3, visited  # the KSP monitor has the fewest: home, the KSP view, its PDF
    print(email, len(visited), "pages")
    assert errors == {}, errors


def test_public_pages_answer_on_sqlite(demo):
    c = Client(raise_request_exception=False)
    session = TrainingSession.objects.filter(registration_token__isnull=False).order_by("-starts_at").first()
    for url in (
        "/",
        "/accounts/login/",
        "/healthz",
        f"/r/{session.registration_token}/",
        f"/r/{session.registration_token}/done/",
    ):
        response = c.get(url, follow=True)
        assert response.status_code < 500, url
