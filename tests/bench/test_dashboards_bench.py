"""Smoke test of bench/dashboards_latency.py (issue 16, item 5) on a small demo world, inside the normal suite.

Every page the benchmark measures, fetched in-process as the benchmark's users fetch it (the demo KSP monitor,
the demo policy viewer, an API token of the KSP monitor; the floor with no login): each answers 200, shows the
figures a direct count over raw rows gives (tests/counting.py) for its filters, and costs the pinned number of
SQL queries, the same with four times the data. No timings: those are measured by the script itself.
"""

import io
import re

import pytest
from django.core.management import call_command

from bench.dashboards_latency import KSP_EMAIL, POLICY_EMAIL, in_process_clients, pages, query_counts
from cities.models import Programme
from cities.selectors import programme_main
from monitoring.services import api_token_create
from progress.models import ALL
from progress.services import progress_rebuild
from tests.counting import direct_slices
from users.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]

# SQL queries per page, whatever the data size (the page reads roll-ups only).
PINNED_QUERIES = {  # the logged-in pages read their session from the cache (cached_db): no query for it
    # warm: the survey results come from the cache (one query fewer than a first read, tests/monitoring/test_page_cache.py)
    # and the dashboard's sessions are paged by the roll-up's count (no COUNT(*))
    "floor": 1,
    "KSP view": 12,
    "progress API (token)": 11,
    "dashboard": 20,
    "dashboard city": 21,
    "dashboard partner": 21,
    "dashboard pemda": 20,
    "dashboard dates": 20,
    "dashboard all filters": 22,
}


def seed(participants: int) -> Programme:
    call_command("seed_demo", "--participants", str(participants), "--no-logins", stdout=io.StringIO())
    for programme in Programme.objects.all():
        progress_rebuild(programme_id=programme.pk)
    return programme_main(programmes=Programme.objects.all())


def clients():
    ksp, policy = User.objects.get(email=KSP_EMAIL), User.objects.get(email=POLICY_EMAIL)
    _token, key = api_token_create(user=ksp, name="smoke")
    return in_process_clients(ksp=ksp, policy=policy, token_key=key)


def expected(slices: dict, filters: dict) -> dict[str, int]:
    """umkm_trained, pemda_trained and sessions_held over the finest direct slices the filters select."""
    totals = dict.fromkeys(("umkm_trained", "pemda_trained", "sessions_held"), 0)
    for key, metrics in slices.items():
        city, partner, audience, day = key.split("|")
        if ALL in (city, partner, audience, day):
            continue
        if filters.get("city") and city != f"c{filters['city']}":
            continue
        if filters.get("partner") and partner != f"p{filters['partner']}":
            continue
        if filters.get("audience") and audience != filters["audience"]:
            continue
        if filters.get("date_from") and day < filters["date_from"].isoformat():
            continue
        if filters.get("date_to") and day > filters["date_to"].isoformat():
            continue
        for name in totals:
            totals[name] += metrics[name]
    return totals


def _numbers(html: str, testid: str) -> list[int]:
    match = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</(?:div|td|p)>', html, flags=re.S)
    assert match, f"no element {testid!r} on the page"
    return [int(n.replace(",", "").replace(".", "")) for n in re.findall(r"\d[\d.,]*", re.sub(r"<[^>]+>", "", match.group(1)))]


def shown(page, response) -> dict[str, int]:
    """The three figures as the page shows them."""
    if page.name == "floor":
        return {"umkm_trained": response.json()["umkm_trained"]}
    if page.who == "token":
        headline = response.json()["headline"]
        return {k: headline[k] for k in ("umkm_trained", "pemda_trained", "sessions_held")}
    html = response.content.decode()
    if page.who == "ksp":
        ids = {"umkm_trained": "headline", "pemda_trained": "pemda-trained", "sessions_held": "sessions"}
    else:
        ids = {"umkm_trained": "total-umkm", "pemda_trained": "total-pemda", "sessions_held": "total-sessions"}
    return {name: _numbers(html, testid)[0] for name, testid in ids.items()}


@pytest.mark.parametrize("participants", [2000, 4000])
def test_every_benchmarked_page_shows_the_direct_count_for_its_filters_at_pinned_queries(participants):
    programme = seed(participants)
    by_who = clients()
    page_list = pages()
    slices = direct_slices(programme)
    filtered_with_people = 0
    for page in page_list:
        client, extra = by_who[page.who]
        response = client.get(page.path, HTTP_ACCEPT_LANGUAGE="en", **extra)
        assert response.status_code == 200, page.path
        want = expected(slices, page.filters)
        got = shown(page, response)
        assert got == {k: want[k] for k in got}, (page.name, page.path)
        filtered_with_people += bool(page.filters) and want["umkm_trained"] + want["pemda_trained"] > 0
    # the filters select something, so the comparison above says more than 0 == 0
    assert filtered_with_people >= 4
    # the same number of queries at both sizes: the pages read roll-ups only
    counted = {name: q for name, (_status, q) in query_counts(page_list, by_who).items()}
    assert counted == PINNED_QUERIES
