"""Check-in latency against a real server: gunicorn (2 sync workers), DEBUG off, PostgreSQL, Redis.

    DATABASE_URL=postgres:///umkm_bench REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python bench/checkin_latency.py [--checkins 300] [--clients 1,8] [--participants 20000]

What it does, all on 127.0.0.1 and bounded in count and time:
1. migrates the database named by DATABASE_URL (use a throw-away one) and seeds a programme, a
   trainer, one session today with `--roster` registered people and `--participants` others;
2. starts gunicorn (2 sync workers, umkm_program.settings.local with DJANGO_DEBUG=false);
3. logs the trainer in through the real login form;
4. per client count: a warm-up, then `--checkins` check-in POSTs (closed loop: each client sends
   its next request when the last returns), 10% of them replays of an earlier client id, as a
   double tap or an offline replay would be;
5. reports p50/p95/p99 latency, throughput, server CPU per check-in (gunicorn processes' CPU
   seconds / requests, from /proc) and, in-process, SQL queries per check-in; beside them the
   floor: GET /healthz (one SELECT 1 and a Redis ping) through the same server.
It stops gunicorn (the process it started) at the end.
"""

import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umkm_program.settings.local")
os.environ["DJANGO_DEBUG"] = "false"
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
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = http.post(
        f"{base}/accounts/login/",
        data={"login": "bench-trainer@example.org", "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=10,
    )
    assert response.url.rstrip("/").endswith("/trainer/sessions"), f"login failed: {response.url}"
    return http


def checkin_once(http: requests.Session, base: str, session_pk: int, participant: int, client_id: str) -> float:
    started = time.perf_counter()
    response = http.post(
        f"{base}/trainer/sessions/{session_pk}/check-in/",
        data={"participant": participant, "client_id": client_id},
        headers={"X-CSRFToken": http.cookies["csrftoken"], "Accept": "application/json", "Referer": base + "/"},
        timeout=30,
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 200 and response.json()["ok"], response.text[:300]
    return elapsed


def run_load(*, base, sessions, session_pk, people, clients, count, deadline_s=300):
    """Closed loop: `clients` threads share `count` check-ins; 10% replay an earlier client id."""
    jobs = []
    sent = []
    for _i in range(count):
        if sent and random.random() < 0.10:
            jobs.append(random.choice(sent))
        else:
            job = (people.pop(), str(uuid.uuid4()))
            sent.append(job)
            jobs.append(job)
    lock = threading.Lock()
    times: list[float] = []
    stop_at = time.monotonic() + deadline_s

    def worker(http):
        while time.monotonic() < stop_at:
            with lock:
                if not jobs:
                    return
                participant, client_id = jobs.pop()
            t = checkin_once(http, base, session_pk, participant, client_id)
            with lock:
                times.append(t)

    threads = [threading.Thread(target=worker, args=(sessions[i],)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, time.perf_counter() - started


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def queries_per_checkin(session_pk, people) -> tuple[int, int]:
    """SQL queries of one check-in (new) and one replay, through Django's test client in-process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from users.models import User

    client = Client()
    client.force_login(User.objects.get(email="bench-trainer@example.org"))
    participant, client_id = people.pop(), str(uuid.uuid4())
    url = f"/trainer/sessions/{session_pk}/check-in/"
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            client.post(url, {"participant": participant, "client_id": client_id}, HTTP_ACCEPT="application/json")
        counts.append(len(ctx.captured_queries))
    return counts[0], counts[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkins", type=int, default=300, help="measured check-ins per client count")
    parser.add_argument("--clients", default="1,8", help="comma-separated client counts (closed loop)")
    parser.add_argument("--participants", type=int, default=20_000, help="other participants in the database")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a throw-away PostgreSQL database, e.g. postgres:///umkm_bench")
    client_counts = [int(c) for c in args.clients.split(",")]
    warmup = 30
    roster = sum(args.checkins + warmup for _ in client_counts) + 50

    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True)
    subprocess.run([sys.executable, "manage.py", "compilemessages", "--ignore=.venv", "-v0"], cwd=ROOT, check=True)
    django_setup()
    session_pk, people = seed(roster=roster, others=args.participants)
    people.reverse()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "umkm_program.wsgi",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_DEBUG": "false"},
    )
    try:
        for _ in range(100):
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code in (200, 503):
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        results = []
        floor = []
        for _ in range(50):
            started = time.perf_counter()
            requests.get(f"{base}/healthz", timeout=10)
            floor.append(time.perf_counter() - started)
        for clients in client_counts:
            sessions = [login(base) for _ in range(clients)]
            run_load(base=base, sessions=sessions, session_pk=session_pk, people=people, clients=clients, count=warmup)
            cpu_before = cpu_seconds(server.pid)
            times, wall = run_load(
                base=base, sessions=sessions, session_pk=session_pk, people=people, clients=clients, count=args.checkins
            )
            cpu = cpu_seconds(server.pid) - cpu_before
            results.append((clients, times, wall, cpu))
        new_q, replay_q = queries_per_checkin(session_pk, people)
    finally:
        server.terminate()
        server.wait(timeout=20)

    print(
        f"\nCheck-in latency: gunicorn {args.workers} sync workers, DEBUG off, PostgreSQL, "
        f"CONN_MAX_AGE={os.environ.get('CONN_MAX_AGE', '0')}, {args.participants:,} other participants, 10% replays\n"
    )
    print("| clients | check-ins | throughput | p50 | p95 | p99 | server CPU per check-in |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for clients, times, wall, cpu in results:
        ms = [t * 1000 for t in times]
        print(
            f"| {clients} | {len(times)} | {len(times) / wall:.1f}/s | {statistics.median(ms):.1f} ms | {pct(ms, 95):.1f} ms "
            f"| {pct(ms, 99):.1f} ms | {cpu / len(times) * 1000:.1f} ms |"
        )
    fl = [t * 1000 for t in floor]
    print(
        f"\nFloor, GET /healthz through the same server (1 client): p50 {statistics.median(fl):.1f} ms, p95 {pct(fl, 95):.1f} ms"
    )
    print(
        f"SQL queries per check-in: {new_q} (new check-in, including session and user lookups), {replay_q} (replay of the same client id)"
    )


if __name__ == "__main__":
    main()
