"""Check-in near the floor: the check-in and a one-INSERT floor through the same real server (issue 16).

    DATABASE_URL=postgres:///umkm_bench REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python bench/checkin_latency.py [--clients 20] [--checkins 2000] [--rounds 3] \\
        [--rate 100 --open-seconds 20] [--participants 20000] [--workers 2 --worker-class sync|gthread|gevent]

On a seeded copy (e.g. `createdb -T umkm_bench1m umkm_bench_1m`) pass `--participants 0`.
What it does, all on 127.0.0.1 (port --port, default 8420) and bounded in count and time:
1. migrates the database named by DATABASE_URL (use a throw-away one), creates the floor's table,
   seeds a programme, a trainer, one session running now with enough registered people for the
   whole run, and `--participants` others;
2. starts gunicorn with bench.settings (production settings, DEBUG off, plus the bench-only
   /bench/checkin-floor/: login required, CSRF checked, one INSERT) and logs `--clients` phones
   in through the real login form;
3. after a warm-up, `--rounds` closed-loop runs (each client sends its next POST when the last
   returned) of `--checkins` POSTs, floor and check-in alternating, 10% of them replays of an
   earlier client id (a double tap or an offline replay); then an open loop at `--rate`/s for
   `--open-seconds` against each (latency counted from when each request was due);
4. reports throughput, p50/p95/p99, server CPU per request (gunicorn's processes, from /proc) and
   the 1-minute load average at the start of each run; in-process, SQL queries per check-in;
5. checks the database: exactly one attended attendance and one counted attendance per person
   sent, one floor row per client id; exits non-zero on any error or wrong row.
The load comes from bench/checkin_client.py (asyncio, raw HTTP, a new connection per request): a
thread-per-client `requests` client ate CPU the server needed. It stops gunicorn at the end.
"""

import argparse
import asyncio
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "bench-pass-2018"


def django_setup():
    import django

    django.setup()


def seed(*, roster: int, others: int):
    """A trainer with one session running now and `roster` registered people; `others` participants elsewhere."""
    import datetime as dt

    from django.utils import timezone

    from cities.models import City, Programme
    from participants.models import Attendance, Participant
    from partners.models import Partner, Trainer
    from sessions_app.models import TrainingSession
    from users.models import Role, User
    from users.roles import roles_install, user_set_role

    roles_install()
    city = City.objects.get_or_create(
        name="Bench Gorontalo",
        defaults={
            "province": "Gorontalo",
            "province_code": "75",
            "region": "eastern",
            "time_zone": "Asia/Makassar",
            "latitude": 0.54,
            "longitude": 123.06,
        },
    )[0]
    programme = Programme.objects.get_or_create(
        slug="bench",
        defaults={"name": "Bench", "starts_on": dt.date(2018, 8, 14), "ends_on": dt.date(2030, 1, 1), "umkm_target": 10_000},
    )[0]
    partner = Partner.objects.get_or_create(name="Bench Partner", defaults={"short_name": "BP"})[0]
    user = User.objects.filter(email="bench-trainer@example.org").first()
    if user is None:
        user = User.objects.create_user(email="bench-trainer@example.org", password=PASSWORD, name="Bench Trainer")
    user_set_role(user=user, role=Role.TRAINER, partner=partner)
    trainer = Trainer.objects.get_or_create(user=user, defaults={"partner": partner})[0]
    now = timezone.now()
    session = TrainingSession.objects.create(
        programme=programme,
        city=city,
        partner=partner,
        title="Bench session",
        venue="Aula",
        capacity=roster + 100,
        starts_at=now - dt.timedelta(minutes=10),
        ends_at=now + dt.timedelta(hours=6),
        lead_trainer=trainer,
    )
    existing = Participant.objects.filter(city=city).count()
    need = roster + others - existing
    if need > 0:
        Participant.objects.bulk_create(
            [
                Participant(
                    full_name=f"Peserta {existing + i}",
                    phone=f"+62812{existing + i:08d}",
                    gender="female",
                    city=city,
                    home_partner=partner,
                    business_name=f"Usaha {i}",
                )
                for i in range(need)
            ],
            batch_size=5000,
        )
    people = list(Participant.objects.filter(city=city).order_by("pk").values_list("pk", flat=True)[:roster])
    Attendance.objects.bulk_create([Attendance(participant_id=p, session=session) for p in people], batch_size=5000)
    return session.pk, people


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) of a process and its children, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()]
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def login(base: str) -> requests.Session:
    http = requests.Session()
    page = http.get(f"{base}/accounts/login/", timeout=10)
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert found is not None, "no CSRF token on the login page"
    token = found.group(1)
    response = http.post(
        f"{base}/accounts/login/",
        data={"login": "bench-trainer@example.org", "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=10,
    )
    assert response.url.rstrip("/").endswith("/trainer/sessions"), f"login failed: {response.url}"
    return http


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def queries_per_checkin(session_pk, people, *, new: int = 10) -> tuple[float, int]:
    """SQL queries per check-in, through Django's test client in-process with the server's settings.

    Averaged over `new` check-ins after a first one (steady state: the session and user caches are
    warm, as they are for a trainer's second tap), and one replay of the last.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from users.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email="bench-trainer@example.org"))
    url = f"/trainer/sessions/{session_pk}/check-in/"
    counts = []
    for _ in range(new + 1):
        form = {"participant": people.pop(), "client_id": str(uuid.uuid4())}
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(url, form, HTTP_ACCEPT="application/json")
        assert response.status_code == 200 and response.json()["ok"], response.content[:300]
        counts.append(len(ctx.captured_queries))
    with CaptureQueriesContext(connection) as ctx:
        client.post(url, form, HTTP_ACCEPT="application/json")
    return statistics.mean(counts[1:]), len(ctx.captured_queries)


def verify(session_pk: int, jobs: list[tuple[int, str]]) -> list[str]:
    """Every person whose check-in was answered has exactly one attended attendance and one counted attendance."""
    from collections import Counter

    from participants.models import Attendance, AttendanceStatus, CountedAttendance

    people = {participant for participant, _ in jobs}
    problems = []
    rows = Counter(Attendance.objects.filter(session_id=session_pk).values_list("participant_id", flat=True))
    attended = set(
        Attendance.objects.filter(session_id=session_pk, status=AttendanceStatus.ATTENDED).values_list(
            "participant_id", flat=True
        )
    )
    if doubled := [p for p, n in rows.items() if n > 1]:
        problems.append(f"{len(doubled)} people have more than one attendance")
    if missing := people - attended:
        problems.append(f"{len(missing)} of {len(people)} people answered 'checked in' are not attended")
    counted = Counter(CountedAttendance.objects.filter(participant_id__in=people).values_list("participant_id", flat=True))
    if wrong := [p for p in people if counted[p] != 1]:
        problems.append(f"{len(wrong)} people do not have exactly one counted attendance")
    return problems


def verify_floor(jobs: list[tuple[int, str]]) -> list[str]:
    from django.db import connection

    from bench.checkin_floor import FLOOR_TABLE

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT client_id::text FROM {FLOOR_TABLE}")  # noqa: S608
        stored = [row[0] for row in cursor.fetchall()]
    wanted = {client_id for _, client_id in jobs}
    problems = [] if len(stored) == len(set(stored)) else ["floor table: a client id twice"]
    return problems + ([] if wanted <= set(stored) else [f"floor table: {len(wanted - set(stored))} answered inserts missing"])


def start_server(*, port: int, workers: int, worker_class: str, threads: int) -> subprocess.Popen:
    command = [str(ROOT / ".venv/bin/gunicorn"), "umkm_program.wsgi", "-w", str(workers), "-k", worker_class,
               "-b", f"127.0.0.1:{port}", "--log-level", "warning"]  # fmt: skip
    if worker_class == "gthread":
        command += ["--threads", str(threads)]
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"})
    for _ in range(150):
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code in (200, 503):
                return server
        except requests.RequestException:
            time.sleep(0.2)
    server.terminate()
    server.wait(timeout=20)
    raise SystemExit("gunicorn did not answer /healthz")


def start_profile(pid: int, output: str) -> subprocess.Popen:
    """py-spy sampling gunicorn's workers (collapsed stacks, one line per stack with its sample count)."""
    spy = subprocess.Popen(
        [str(ROOT / ".venv/bin/py-spy"), "record", "--pid", str(pid), "--subprocesses", "--format", "raw",
         "--rate", "200", "--output", output, "--nonblocking"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(1.0)  # attached before the load starts
    return spy


def logins_for(base: str, count: int):
    from bench.checkin_client import Login

    logins = []
    for _ in range(count):
        http = login(base)
        logins.append(Login(session_cookie=http.cookies["sessionid"], csrf_token=http.cookies["csrftoken"]))
    return logins


def summary(name: str, result, cpu: float) -> dict:
    ms = [t * 1000 for t in result.times] or [0.0]
    done = len(result.times)
    return {
        "name": name,
        "done": done,
        "errors": result.errors,
        "samples": result.error_samples,
        "throughput": done / result.wall if result.wall else 0.0,
        "p50": statistics.median(ms),
        "p95": pct(ms, 95),
        "p99": pct(ms, 99),
        "cpu_ms": cpu / max(done + result.errors, 1) * 1000,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkins", type=int, default=2000, help="check-ins per closed-loop run")
    parser.add_argument("--clients", type=int, default=20, help="clients of the closed loop")
    parser.add_argument("--rounds", type=int, default=3, help="closed-loop runs of floor and check-in, alternating")
    parser.add_argument("--rate", type=float, default=100.0, help="open loop: check-ins per second")
    parser.add_argument("--open-seconds", type=float, default=20.0, help="open loop: how long")
    parser.add_argument("--participants", type=int, default=20_000, help="other participants to add (0 on a seeded copy)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread", "gevent"])
    parser.add_argument("--threads", type=int, default=4, help="threads per worker with --worker-class gthread")
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--profile", default="", help="py-spy: write the workers' stacks of the first check-in run here")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a throw-away PostgreSQL database, e.g. postgres:///umkm_bench")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    # Production settings refuse to start without these; the bench sends no messages.
    os.environ.setdefault("NOTIFY_PUBLIC_BASE_URL", "https://bench.example.org")
    os.environ.setdefault("NOTIFY_PROVIDER_BACKEND", "notifications.providers.LogProvider")
    from bench.checkin_client import closed_loop, make_jobs, open_loop

    warmup = 100
    open_count = int(args.rate * args.open_seconds)
    roster = 2 * (args.rounds * args.checkins + warmup + open_count) + 200  # the floor's jobs use people too

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True, env=env)
    subprocess.run([sys.executable, "manage.py", "compilemessages", "--ignore=.venv", "-v0"], cwd=ROOT, check=True, env=env)
    django_setup()
    from django.db import connection

    from bench.checkin_floor import FLOOR_TABLE, floor_table_create

    floor_table_create()
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {FLOOR_TABLE}")  # noqa: S608
    session_pk, people = seed(roster=roster, others=args.participants)
    people.reverse()
    connection.close()

    server = start_server(port=args.port, workers=args.workers, worker_class=args.worker_class, threads=args.threads)
    host, port = "127.0.0.1", args.port
    checkin_path = f"/trainer/sessions/{session_pk}/check-in/"
    floor_path = "/bench/checkin-floor/"
    paths = {"floor": floor_path, "check-in": checkin_path}
    results: list[dict] = []
    all_jobs: dict[str, list] = {"floor": [], "check-in": []}
    try:
        logins = logins_for(f"http://{host}:{port}", args.clients)
        print(f"{len(logins)} phones logged in", file=sys.stderr, flush=True)

        def measure(name, loop, jobs, profile="", **kw):
            spy = start_profile(server.pid, profile) if profile else None
            cpu_before = cpu_seconds(server.pid)
            load = os.getloadavg()[0]
            result = asyncio.run(loop(host=host, port=port, path=paths[name], logins=logins, jobs=jobs, **kw))
            if spy is not None:
                spy.send_signal(signal.SIGINT)
                spy.wait(timeout=60)
            row = summary(name, result, cpu_seconds(server.pid) - cpu_before)
            all_jobs[name].extend(result.answered)  # a request that timed out may or may not have been done
            row["load"] = load
            print(f"{name}: {row['done']} in {result.wall:.1f} s, {row['errors']} errors", file=sys.stderr, flush=True)
            return row

        for name in paths:  # warm-up: both paths, every worker
            measure(name, closed_loop, make_jobs(people, warmup))
        for round_ in range(args.rounds):
            for name in paths:
                profile = f"{args.profile}.{name}.txt" if args.profile and round_ == 0 else ""
                row = measure(name, closed_loop, make_jobs(people, args.checkins), profile=profile)
                row["loop"] = f"closed, {args.clients} clients"
                results.append(row)
        for name in paths:
            row = measure(name, open_loop, make_jobs(people, open_count), rate=args.rate)
            row["loop"] = f"open, {args.rate:g}/s"
            results.append(row)
        django_setup()
        probe_people = people[-20:]
        new_q, replay_q = queries_per_checkin(session_pk, people)
        all_jobs["check-in"].extend((p, "") for p in probe_people if p not in people)
    finally:
        server.terminate()
        server.wait(timeout=20)
    problems = verify(session_pk, all_jobs["check-in"]) + verify_floor(all_jobs["floor"])

    print(
        f"\nCheck-in near the floor: gunicorn {args.workers} {args.worker_class} workers"
        f"{f' x {args.threads} threads' if args.worker_class == 'gthread' else ''}, bench.settings (production + floor), "
        f"PostgreSQL, {args.participants:,} participants added, 10% replays, asyncio client (new connection per request)\n"
    )
    print("| view | loop | check-ins | errors | throughput | p50 | p95 | p99 | server CPU per request | load (1 min) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        print(
            f"| {r['name']} | {r['loop']} | {r['done']} | {r['errors']} | {r['throughput']:.1f}/s | {r['p50']:.1f} ms "
            f"| {r['p95']:.1f} ms | {r['p99']:.1f} ms | {r['cpu_ms']:.2f} ms | {r['load']:.2f} |"
        )
    closed = {name: [r["throughput"] for r in results if r["name"] == name and r["loop"].startswith("closed")] for name in paths}
    floor_median, checkin_median = statistics.median(closed["floor"]), statistics.median(closed["check-in"])
    print(
        f"\nMedian closed-loop throughput: check-in {checkin_median:.1f}/s, floor {floor_median:.1f}/s "
        f"({checkin_median / floor_median:.0%} of the floor)"
    )
    print(f"SQL queries per check-in: {new_q:g} (new check-in, steady state), {replay_q} (replay of the same client id)")
    for r in results:
        for sample in r["samples"]:
            print(f"error ({r['name']}): {sample}")
    print("Exactly one attendance per person: " + ("yes" if not problems else "NO: " + "; ".join(problems)))
    if problems or any(r["errors"] for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
