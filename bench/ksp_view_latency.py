"""Latency of the KSP monitoring view under gunicorn, beside the floor (one SELECT of the snapshot row).

Rerunnable. Runs against the database in DATABASE_URL (e.g. the 1,000,000-participant
demo: `seed_demo --participants 1000000`, then progress_rebuild):

    DATABASE_URL=postgres:///umkm_bench REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python bench/ksp_view_latency.py --requests 300

What it does:
  1. collectstatic into a temp dir (production static storage needs the manifest);
  2. starts gunicorn (2 sync workers, DEBUG off, settings bench.settings = production + /bench/floor/);
  3. logs in as the demo KSP user by creating a session in the database;
  4. warms up, then sends requests one at a time from this process, alternating
     floor / KSP view / progress API (a new TCP connection per request), and reports
     p50 / p95 / p99 and the server's CPU time per request;
  5. a closed-loop run with --clients concurrent clients for --seconds: throughput;
  6. SQL queries per request, counted in-process with the Django test client.
"""

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import percentile, process_tree_cpu, wait_ready  # noqa: E402

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
STATIC_ROOT = Path(tempfile.gettempdir()) / "umkm-bench-static"
os.environ.setdefault("DJANGO_STATIC_ROOT", str(STATIC_ROOT))


def get(port: int, path: str, cookie: str) -> tuple[float, int, int]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return time.perf_counter() - started, response.status, len(body)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300, help="measured requests per variant")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients for the saturation run")
    parser.add_argument("--seconds", type=float, default=15.0, help="length of the saturation run")
    parser.add_argument("--port", type=int, default=8606)
    parser.add_argument("--email", default="ksp@example.org")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from participants.models import Participant
    from users.models import User

    user = User.objects.get(email=args.email)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    participants = Participant.objects.count()

    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True, env={**os.environ})
    # Queries per request, in-process.
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    queries = {}
    for name, path in (("KSP view", "/monitoring/ksp/"), ("progress API", "/api/v1/progress/"), ("floor", "/bench/floor/")):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200, path
        queries[name] = len(ctx.captured_queries)
    connection.close()

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "umkm_program.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{args.port}",
         "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    try:
        wait_ready(args.port, timeout=30.0)
        variants = {"floor": "/bench/floor/", "KSP view": "/monitoring/ksp/", "progress API": "/api/v1/progress/"}
        for _ in range(args.warmup):
            for path in variants.values():
                _elapsed, status, _size = get(args.port, path, cookie)
                assert status == 200, (path, status)
        times = {name: [] for name in variants}
        cpu = dict.fromkeys(variants, 0.0)
        for _ in range(args.requests):
            for name, path in variants.items():  # alternate, so drift on a noisy machine hits all variants alike
                before = process_tree_cpu(server.pid)
                elapsed, status, _size = get(args.port, path, cookie)
                cpu[name] += process_tree_cpu(server.pid) - before
                assert status == 200, (path, status)
                times[name].append(elapsed)

        print(f"participants in database: {participants:,}")
        print(f"sequential, {args.requests} requests per variant, new connection each, gunicorn 2 workers, DEBUG off")
        print(f"{'variant':<14} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'CPU ms/req':>11} {'queries':>8}")
        for name, values in times.items():
            print(
                f"{name:<14} {statistics.median(values) * 1000:8.1f} {percentile(values, 95) * 1000:8.1f} "
                f"{percentile(values, 99) * 1000:8.1f} {cpu[name] / len(values) * 1000:11.1f} {queries[name]:8d}"
            )

        # Saturation: closed loop, N clients, each sends its next request when the last returns.
        done, lock, stop = [], threading.Lock(), time.monotonic() + args.seconds

        def client_loop():
            while time.monotonic() < stop:
                elapsed, status, _size = get(args.port, "/monitoring/ksp/", cookie)
                with lock:
                    done.append((elapsed, status))

        cpu_before = process_tree_cpu(server.pid)
        threads = [threading.Thread(target=client_loop) for _ in range(args.clients)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - started
        ok = [e for e, s in done if s == 200]
        cpu_per = (process_tree_cpu(server.pid) - cpu_before) / max(1, len(done)) * 1000
        print(
            f"saturation, KSP view, {args.clients} clients for {wall:.0f} s: {len(ok) / wall:.1f} req/s, "
            f"p50 {statistics.median(ok) * 1000:.1f} ms, p95 {percentile(ok, 95) * 1000:.1f} ms, "
            f"CPU {cpu_per:.1f} ms/req, errors {len(done) - len(ok)}"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
        session.delete()


if __name__ == "__main__":
    main()
