"""The trainer's search-as-you-type (GET /trainer/sessions/<pk>/search/?q=...) under gunicorn, at scale.

Rerunnable, one command, against the database in DATABASE_URL (e.g. a copy of the 1,000,000-participant
demo: `createdb -T umkm_bench1m umkm_search_1m`, then `manage.py migrate` with this branch's code):

    DATABASE_URL=postgres:///umkm_search_1m REDIS_URL=redis://127.0.0.1:6379/14 \\
        .venv/bin/python bench/search_latency.py --queries 450 --clients 4 --seconds 20

What it measures:
  1. picks the demo trainer with the most sessions and, of theirs, the session in the city with the most
     people (or --email / --session), and logs in as them by creating a session in the session store;
  2. draws a query mix from real rows the trainer may find (bench/search_mix.py): name fragments of 3-5
     letters, whole names, name prefixes, phone fragments as people type them ("0812 34", "+62812-34",
     "81234", "0812-3456-7890"), business names, and misses;
  3. SQL queries per search for each kind, in-process, and EXPLAIN (ANALYZE, BUFFERS) of every query of the
     people (one per tier read) of each kind, written to --report (default var/bench/search_explain.txt);
     the CPU of participant_search itself per kind, in-process (time.process_time);
  4. starts gunicorn (2 sync workers, DEBUG off, bench.settings = production settings), sends every query
     once and checks the results (bench/search_mix.check_results: in scope, containing what was typed,
     exact and prefix matches first, misses empty): any wrong result fails the run;
  5. one client, one search at a time (new TCP connection each): p50 / p95 / p99 per kind and overall,
     and the server's CPU time per search;
  6. closed loop, --clients clients for --seconds: searches/s, p50 / p95 / p99, errors.
Target (issue 16): p95 < 50 ms.

With --explain-only it stops after step 3 and instead runs every search of the mix in-process under EXPLAIN
(ANALYZE, BUFFERS): the database's time and pages per search, by kind (what a busy machine disturbs least):

    DATABASE_URL=postgres:///umkm_bench .venv/bin/python bench/search_latency.py --explain-only --queries 180
"""

import argparse
import http.client
import importlib
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import percentile, process_tree_cpu, wait_ready  # noqa: E402

RESULT_ID = re.compile(r'id="search-person-(\d+)"')


def get(port: int, path: str, cookie: str) -> tuple[float, int, str]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1", "HX-Request": "true"})
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    return time.perf_counter() - started, response.status, body


def pick_trainer_and_session(email, session_pk):
    """The busiest trainer (most sessions led) and their session in the city with the most people."""
    from django.db.models import Count

    from participants.models import Participant
    from users.models import Role, User
    from users.scoping import sessions_for

    if email:
        user = User.objects.get(email=email)
    else:
        user = (
            User.objects.filter(role=Role.TRAINER, trainer__isnull=False)
            .annotate(n=Count("trainer__led_sessions"))
            .order_by("-n", "pk")
            .first()
        )
    if session_pk:
        return user, sessions_for(user).select_related("city").get(pk=session_pk)
    people_by_city = dict(Participant.objects.values_list("city_id").annotate(n=Count("pk")))
    sessions = list(sessions_for(user).select_related("city").order_by("-starts_at")[:200])
    return user, max(sessions, key=lambda s: people_by_city.get(s.city_id, 0))


def logged_in_cookie(user) -> tuple[str, object]:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = importlib.import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}", store


def queries_and_explain(user, session, cases, report: Path) -> dict[str, int]:
    """SQL queries per search by kind, and EXPLAIN ANALYZE of every query of each kind's search into the report.

    The search reads tier by tier (participants/search.py), so a search is one or more queries of the people:
    each is explained, in the order the search sent them.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    counts, explains = {}, []
    for kind in dict.fromkeys(c.kind for c in cases):
        case = next(c for c in cases if c.kind == kind)
        path = f"/trainer/sessions/{session.pk}/search/?" + urllib.parse.urlencode({"q": case.query})
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path, HTTP_HX_REQUEST="true").status_code == 200, path
        counts[kind] = len(ctx.captured_queries)
        searches = [q["sql"] for q in ctx.captured_queries if "LIKE" in q["sql"] and "LIMIT" in q["sql"]]
        for n, sql in enumerate(searches, 1):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            explains.append(f"### {kind}: q={case.query!r}, query {n} of {len(searches)}\n\n{sql}\n\n{plan}\n")
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("\n".join(explains))
    return counts


def database_times(user, session, cases) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of every query of every search in the mix, summed per search: the database's own
    time and pages per kind (median, p95, max) and overall. Read on a busy machine, the pages say more than the ms."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from participants.selectors import participant_search

    per_kind: dict[str, list[tuple[float, int, int]]] = {}
    for case in cases:
        with CaptureQueriesContext(connection) as ctx:
            participant_search(user=user, session=session, query=case.query)
        ms = pages = 0
        for query in ctx.captured_queries:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + query["sql"])
                plan = cursor.fetchone()[0][0]
            ms += plan["Execution Time"]
            pages += plan["Plan"]["Shared Hit Blocks"] + plan["Plan"]["Shared Read Blocks"]
        per_kind.setdefault(case.kind, []).append((ms, pages, len(ctx.captured_queries)))
    lines = [f"{'kind':<16} {'n':>4} {'db ms p50':>10} {'p95':>8} {'max':>8} {'pages p50':>10} {'max':>8} {'queries':>8}"]
    every = [v for values in per_kind.values() for v in values]
    for kind, values in [*per_kind.items(), ("all", every)]:
        ms_, pages_ = sorted(v[0] for v in values), sorted(v[1] for v in values)
        lines.append(
            f"{kind:<16} {len(values):4d} {statistics.median(ms_):10.2f} {percentile(ms_, 95):8.2f} {ms_[-1]:8.2f} "
            f"{statistics.median(pages_):10.0f} {pages_[-1]:8d} {max(v[2] for v in values):8d}"
        )
    return lines


def search_cpu(user, session, cases, repeat: int = 3) -> dict[str, float]:
    """CPU seconds of this process per call of participant_search, by kind (the median of `repeat` calls each):
    the Python side of a search (building, compiling and reading its queries), without the database's time."""
    from participants.selectors import participant_search

    per_kind: dict[str, list[float]] = {}
    for case in cases:
        for _ in range(repeat):
            started = time.process_time()
            participant_search(user=user, session=session, query=case.query)
            per_kind.setdefault(case.kind, []).append(time.process_time() - started)
    return {kind: statistics.median(values) for kind, values in per_kind.items()}


def row(label, values, cpu=None, queries=None):
    ms = [v * 1000 for v in values]
    extra = f" {cpu * 1000:10.1f}" if cpu is not None else f" {'':>10}"
    extra += f" {queries:8d}" if queries is not None else ""
    return f"{label:<16} {len(ms):6d} {statistics.median(ms):8.1f} {percentile(ms, 95):8.1f} {percentile(ms, 99):8.1f}{extra}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=450, help="queries in the mix (the kinds in turn)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients for the closed-loop run")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the closed-loop run")
    parser.add_argument("--port", type=int, default=8450)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--email", default="", help="the trainer (default: the one with the most sessions)")
    parser.add_argument("--session", type=int, default=0, help="the session searched from (default: picked)")
    parser.add_argument("--report", type=Path, default=ROOT / "var/bench/search_explain.txt")
    parser.add_argument(
        "--explain-only",
        action="store_true",
        help="steps 1-3 only, no server: plans, CPU in-process, and the database time and pages of every search in the mix",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from bench.search_mix import check_results, query_mix, scope_ids
    from participants.models import Participant

    user, session = pick_trainer_and_session(args.email, args.session)
    allowed = scope_ids(user=user, session=session)
    sample = random.Random(16).sample(sorted(allowed), min(len(allowed), 400))  # noqa: S311  reproducible sample
    cases = query_mix(people=list(Participant.objects.filter(pk__in=sample).order_by("pk")), n=args.queries)
    participants = Participant.objects.count()
    print(f"participants in database: {participants:,}; trainer {user.email}, session {session.pk} in {session.city.name}; "
          f"{len(allowed):,} people the trainer may find from it; {len(cases)} queries")  # fmt: skip
    queries = queries_and_explain(user, session, cases, args.report)
    in_process = search_cpu(user, session, cases[: 3 * len({c.kind for c in cases})])
    print("participant_search in-process CPU ms (median), by kind: "
          + ", ".join(f"{kind} {seconds * 1000:.1f}" for kind, seconds in in_process.items()))  # fmt: skip
    print("SQL queries per search (the whole request), by kind: " + ", ".join(f"{k} {n}" for k, n in queries.items()))
    print(f"EXPLAIN (ANALYZE, BUFFERS) of every query of the people, by kind: {args.report}")
    if args.explain_only:
        print("\ndatabase time of every search in the mix (EXPLAIN ANALYZE of each of its queries, summed):")
        print("\n".join(database_times(user, session, cases)))
        return
    connection.close()  # gunicorn's workers open their own
    cookie, store = logged_in_cookie(user)
    paths = [(c, f"/trainer/sessions/{session.pk}/search/?" + urllib.parse.urlencode({"q": c.query})) for c in cases]

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "umkm_program.wsgi", "--workers", str(args.workers),
         "--bind", f"127.0.0.1:{args.port}", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    try:
        wait_ready(args.port, timeout=60.0)
        # Warm-up and correctness: every query once, its results checked against what a trainer expects.
        errors = []
        for case, path in paths:
            _elapsed, status, body = get(args.port, path, cookie)
            if status != 200:
                errors.append(f"{case.kind} {case.query!r}: HTTP {status}")
                continue
            errors.extend(check_results(case, [int(i) for i in RESULT_ID.findall(body)], allowed))
        for error in errors[:20]:
            print("WRONG:", error)
        if errors:
            raise SystemExit(f"{len(errors)} wrong results")
        print(f"results checked: {len(paths)} queries, all in scope, matching, exact and prefix matches first")

        # One client, one search at a time.
        times: dict[str, list[float]] = {}
        cpu: dict[str, float] = {}
        for case, path in paths:
            before = process_tree_cpu(server.pid)
            elapsed, status, _body = get(args.port, path, cookie)
            cpu[case.kind] = cpu.get(case.kind, 0.0) + process_tree_cpu(server.pid) - before
            assert status == 200, (path, status)
            times.setdefault(case.kind, []).append(elapsed)
        every = [t for values in times.values() for t in values]
        print(f"\none client, {len(every)} searches, new connection each, gunicorn {args.workers} sync workers, DEBUG off")
        print(f"{'kind':<16} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'CPU ms/req':>10} {'queries':>8}")
        for kind, values in times.items():
            print(row(kind, values, cpu[kind] / len(values), queries[kind]))
        print(row("all", every, sum(cpu.values()) / len(every)))

        # Closed loop: N clients, each sends its next search when the last returns.
        done, lock, stop = [], threading.Lock(), time.monotonic() + args.seconds

        def client_loop(offset):
            i = offset
            while time.monotonic() < stop:
                elapsed, status, _body = get(args.port, paths[i % len(paths)][1], cookie)
                i += args.clients
                with lock:
                    done.append((elapsed, status))

        cpu_before = process_tree_cpu(server.pid)
        threads = [threading.Thread(target=client_loop, args=(n * 7,)) for n in range(args.clients)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - started
        ok = [e for e, s in done if s == 200]
        cpu_per = (process_tree_cpu(server.pid) - cpu_before) / max(1, len(done))
        print(
            f"\nclosed loop, {args.clients} clients for {wall:.0f} s: {len(ok) / wall:.1f} searches/s, errors {len(done) - len(ok)}"
        )
        print(row(f"{args.clients} clients", ok, cpu_per))
        print(f"\nEXPLAIN ANALYZE of each kind's queries: {args.report}")
        print(f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    finally:
        server.terminate()
        server.wait(timeout=10)
        store.delete()


if __name__ == "__main__":
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"  # here, so the smoke test can import the helpers above
    os.environ.setdefault("NOTIFY_PUBLIC_BASE_URL", "https://laju.example.org")  # production settings insist; no message
    os.environ.setdefault("NOTIFY_PROVIDER_BACKEND", "notifications.providers.LogProvider")  # is sent by a search
    main()
