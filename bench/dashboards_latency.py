"""Latency and SQL queries of every dashboard page under gunicorn, beside the floor (issue 16, item 5).

Rerunnable, one command per database (seed it with bench/seed_demo.sh N <db>, which also runs the roll-ups):

    DATABASE_URL=postgres:///umkm_dashboards_1m REDIS_URL=redis://127.0.0.1:6379/15 \\
        .venv/bin/python bench/dashboards_latency.py --requests 200 --port 8460

Pages, each fetched as the role that uses it (see `pages()`):
  floor                 /bench/floor/?programme=<main>, one SELECT of the snapshot row, no session (bench/urls.py)
  KSP view              /monitoring/ksp/ as the demo KSP monitor (ksp@example.org)
  progress API (token)  /api/v1/progress/ with `Authorization: Bearer <key>` issued to the KSP monitor
                        (monitoring.services.api_token_create, what `manage.py api_token_create` runs; revoked at the end)
  dashboard ...         /monitoring/dashboard/ as the demo policy viewer (policy@example.org): no filter, then one
                        city, one partner, audience pemda, a 31-day date range, and all of those together (umkm).

What it does:
  1. SQL queries per page, counted in-process with the Django test client (same users, same headers);
  2. collectstatic into a temp dir, then gunicorn (2 sync workers, DEBUG off, bench.settings = production + the floor);
  3. warm-up rounds, then --requests rounds, each round fetching every page once, one at a time, a new TCP
     connection per request (alternating, so drift on a noisy machine hits every page alike);
  4. one table row per page: p50 / p95 / p99 ms, server CPU ms per request (gunicorn processes' user+system time),
     SQL queries, response size; and the load average before and after.
The target (issue 16): p95 < 100 ms for every page at 10,000, 100,000 and 1,000,000 participants.
"""

import argparse
import datetime as dt
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import percentile, process_tree_cpu, wait_ready  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("DJANGO_STATIC_ROOT", str(Path(tempfile.gettempdir()) / "umkm-bench-static-dashboards"))

KSP_EMAIL = "ksp@example.org"
POLICY_EMAIL = "policy@example.org"


@dataclass
class Page:
    name: str
    path: str
    who: str  # "ksp", "policy", "token" or "" (no login)
    filters: dict = field(default_factory=dict)  # the dashboard's filters in the query string (city, partner, ...)


def pages(*, programme=None) -> list[Page]:
    """The pages measured, with filter values read from the database."""
    from urllib.parse import urlencode

    from cities.models import Programme
    from cities.selectors import programme_main
    from sessions_app.models import TrainingSession

    programme = programme or programme_main(programmes=Programme.objects.all())
    # The earliest UMKM session: its city, its partner and the 31 days from its date (so every filter selects data).
    first = (
        TrainingSession.objects.filter(programme=programme, audience="umkm")
        .order_by("starts_at", "pk")
        .values("city_id", "partner_id", "starts_at")
        .first()
    )
    city, partner = (first["city_id"], first["partner_id"]) if first else (None, None)
    date_from = first["starts_at"].date() - dt.timedelta(days=1) if first else programme.starts_on
    dates = {"date_from": date_from, "date_to": date_from + dt.timedelta(days=30)}
    variants: list[tuple[str, dict]] = [
        ("dashboard", {}),
        ("dashboard city", {"city": city}),
        ("dashboard partner", {"partner": partner}),
        ("dashboard pemda", {"audience": "pemda"}),
        ("dashboard dates", dates),
        ("dashboard all filters", {"city": city, "partner": partner, "audience": "umkm", **dates}),
    ]
    dashboards = [
        Page(name, "/monitoring/dashboard/" + (f"?{urlencode(filters)}" if filters else ""), "policy", filters)
        for name, filters in variants
    ]
    return [
        Page("floor", f"/bench/floor/?programme={programme.pk}", ""),
        Page("KSP view", "/monitoring/ksp/", "ksp"),
        Page("progress API (token)", "/api/v1/progress/", "token"),
        *dashboards,
    ]


def fetch(port: int, path: str, headers: dict) -> tuple[float, int, int]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Host": "127.0.0.1", **headers})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return time.perf_counter() - started, response.status, len(body)


def query_counts(page_list: list[Page], clients: dict) -> dict[str, tuple[int, int]]:
    """name -> (status, SQL queries) of one in-process request per page; `clients` maps who -> (Client, extra headers)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for page in page_list:
        client, extra = clients[page.who]
        client.get(page.path, **extra)  # warm: first request of a client may fill caches (programme, site)
        with CaptureQueriesContext(connection) as ctx:
            status = client.get(page.path, **extra).status_code
        counts[page.name] = (status, len(ctx.captured_queries))
    return counts


def in_process_clients(*, ksp, policy, token_key: str) -> dict:
    from django.test import Client

    clients = {
        "": (Client(HTTP_HOST="127.0.0.1"), {}),
        "token": (Client(HTTP_HOST="127.0.0.1"), {"HTTP_AUTHORIZATION": f"Bearer {token_key}"}),
    }
    for who, user in (("ksp", ksp), ("policy", policy)):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        clients[who] = (client, {})
    return clients


def session_cookie(user) -> tuple[str, Any]:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}", session


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="measured requests per page")
    parser.add_argument("--warmup", type=int, default=10, help="warm-up rounds (every page once per round)")
    parser.add_argument("--port", type=int, default=8460)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from monitoring.models import ApiToken
    from monitoring.services import api_token_create, api_token_revoke
    from participants.models import Participant
    from users.models import User

    ksp, policy = User.objects.get(email=KSP_EMAIL), User.objects.get(email=POLICY_EMAIL)
    token, key = api_token_create(user=ksp, name="bench dashboards_latency")
    ksp_cookie, ksp_session = session_cookie(ksp)
    policy_cookie, policy_session = session_cookie(policy)
    headers = {
        "": {},
        "ksp": {"Cookie": ksp_cookie},
        "policy": {"Cookie": policy_cookie},
        "token": {"Authorization": f"Bearer {key}"},
    }
    page_list = pages()
    participants = Participant.objects.count()
    try:
        queries = query_counts(page_list, in_process_clients(ksp=ksp, policy=policy, token_key=key))
        bad = {name: status for name, (status, _q) in queries.items() if status != 200}
        if bad:
            raise SystemExit(f"pages not 200 in-process: {bad}")
        connection.close()
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True)
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "umkm_program.wsgi", "--workers", str(args.workers),
             "--bind", f"127.0.0.1:{args.port}", "--log-level", "warning"],
            cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"},
        )  # fmt: skip
        try:
            wait_ready(args.port, timeout=300.0)
            for _ in range(args.warmup):
                for page in page_list:
                    _t, status, _size = fetch(args.port, page.path, headers[page.who])
                    assert status == 200, (page.path, status)
            load_before = load()
            times: dict[str, list[float]] = {p.name: [] for p in page_list}
            cpu = dict.fromkeys(times, 0.0)
            size = dict.fromkeys(times, 0)
            for _ in range(args.requests):
                for page in page_list:
                    before = process_tree_cpu(server.pid)
                    elapsed, status, size[page.name] = fetch(args.port, page.path, headers[page.who])
                    cpu[page.name] += process_tree_cpu(server.pid) - before
                    assert status == 200, (page.path, status)
                    times[page.name].append(elapsed)
            load_after = load()
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    finally:
        ksp_session.delete()
        policy_session.delete()
        api_token_revoke(token=token)
        ApiToken.objects.filter(pk=token.pk).delete()

    print(
        f"database {connection.settings_dict['NAME']}: {participants:,} participants; {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    )
    print(f"gunicorn {args.workers} sync workers, DEBUG off; {args.requests} requests per page, sequential, new connection each")
    print(f"load average before: {load_before}; after: {load_after}")
    print("| page | path | p50 ms | p95 ms | p99 ms | CPU ms/req | SQL queries | KB |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for page in page_list:
        values = times[page.name]
        print(
            f"| {page.name} | `{page.path}` | {statistics.median(values) * 1000:.1f} | {percentile(values, 95) * 1000:.1f} | "
            f"{percentile(values, 99) * 1000:.1f} | {cpu[page.name] / len(values) * 1000:.1f} | {queries[page.name][1]} | "
            f"{size[page.name] / 1024:.0f} |"
        )


if __name__ == "__main__":
    main()
