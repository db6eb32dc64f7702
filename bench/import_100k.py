"""A 100,000-row participant list through the real import pipeline, timed by phase, with each process's peak memory.

    createdb -T umkm_bench1m umkm_imports_1m      # a copy of the 1,000,000-participant demo data
    DATABASE_URL=postgres:///umkm_imports_1m REDIS_URL=redis://127.0.0.1:6379/12 \\
        .venv/bin/python bench/import_100k.py [--rows 100000] [--port 8430]

What it does, all on 127.0.0.1 and bounded in time:
1. migrates the database named by DATABASE_URL (a throw-away copy), and makes a partner
   coordinator (coordinators import for their own partner; no second factor needed) of the
   partner with the most sessions;
2. writes a realistic CSV (build_import_csv): new people, people the coordinator already has
   (matched by phone written in another format), people of another partner (never attached:
   created and flagged for an admin), phones repeated inside the file, likely duplicates of known
   people (similar name and business, new phone) and invalid rows of several kinds, spread over
   the partner's sessions; it knows exactly what each row must become;
3. starts gunicorn (2 sync workers, bench.settings: production settings, DEBUG off) and a Celery
   worker (production command, on REDIS_URL), logs in through the real login form, uploads the
   file, reads the preview page, confirms, and polls the progress partial until the result shows;
4. reports the time of each phase and end to end, the peak RSS (VmHWM) of every gunicorn and
   Celery process, and checks the database: participants created, rows matched, refused, flagged,
   merge-queue entries and attendances, exactly what the file implies (exit status 1 otherwise).
It stops the processes it started. Targets (issue 16): < 30 s end to end, < 200 MB in every process.
"""

import argparse
import csv
import io
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
# production settings refuse to start without these; nothing is sent (the log provider) and no link leaves the machine
os.environ.setdefault("NOTIFY_PUBLIC_BASE_URL", "https://bench.example.org")
os.environ.setdefault("NOTIFY_PROVIDER_BACKEND", "notifications.providers.LogProvider")
PASSWORD = "bench-import-2018"
EMAIL = "bench-import-coordinator@example.org"
SYLLABLES = [
    "ka",
    "ri",
    "to",
    "la",
    "me",
    "sa",
    "nu",
    "wi",
    "da",
    "go",
    "pe",
    "lo",
    "ra",
    "ni",
    "ta",
    "bu",
    "si",
    "ke",
    "mo",
    "ja",
    "ya",
    "ha",
    "fa",
    "ze",
    "qi",
    "vo",
]


@dataclass
class Expected:
    """What the file must become, row by row, counted."""

    rows: int = 0
    created: int = 0
    matched: int = 0
    errors: int = 0
    flagged: int = 0
    planted_duplicates: int = 0
    new_pairs: set = field(default_factory=set)  # (E.164 phone, session id) attendances of new people


def _other_format(phone: str, rng: random.Random) -> str:
    """+6281234567890 as a person might write it: 0812-3456-7890, 62 812 3456 7890, (0812) 34567890..."""
    national = phone[3:]
    return rng.choice(
        [
            f"0{national}",
            f"0{national[:3]}-{national[3:7]}-{national[7:]}",
            f"62{national}",
            f"+62 {national[:3]} {national[3:7]} {national[7:]}",
            f"0{national[:3]} {national[3:]}",
        ]
    )


def _new_name(rng: random.Random) -> str:
    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()

    return f"{word()} {word()}"


def build_import_csv(*, user, rows: int, seed: int = 16) -> tuple[bytes, Expected]:
    """A CSV of `rows` data rows for `user` (a coordinator) to import, and what it must become.

    Mix: 4% invalid (five kinds), 10% people the user already has (other phone formats), 1% people
    of another partner, 4% a phone already earlier in the file, 0.5% new people looking like a
    known one (typo in the name, same business, new phone), the rest new people.
    """
    from participants.models import Participant
    from participants.phones import phone_normalise
    from participants.services.matching import participants_with_phones
    from users.scoping import participants_for, sessions_for

    rng = random.Random(seed)
    sessions = list(sessions_for(user).order_by("pk").values_list("pk", flat=True)[:40])
    assert sessions, "the coordinator's partner has no sessions"
    active = Participant.objects.filter(merged_into__isnull=True, erased_at__isnull=True).exclude(phone="")
    n_known, n_outside = rows // 10, rows // 100
    n_invalid, n_repeat, n_alike = rows * 4 // 100, rows * 4 // 100, rows // 200
    mine = list(
        participants_for(user).filter(pk__in=active.values("pk")).order_by("?").values_list("phone", flat=True)[: n_known * 2]
    )
    mine = list(dict.fromkeys(mine))[:n_known]  # one row per known phone: the oldest record with it is the one matched
    # Phones are looked up with participants_with_phones (a join on the unnested list): `phone IN (...)`
    # with thousands of phones is planned on the search's trigram index, minutes at 1,000,000 people.
    mine_set = set(mine)
    theirs = [
        phone
        for phone in active.exclude(home_partner_id=user.partner_id)
        .order_by("?")
        .values_list("phone", flat=True)[: n_outside * 2 + len(mine)]
        if phone not in mine_set
    ][: n_outside * 2]
    same_phone = [pk for pk, _phone in participants_with_phones(phones=theirs, active_only=False)]
    mine_phones = set(participants_for(user).filter(pk__in=same_phone).values_list("phone", flat=True))
    theirs = [p for p in dict.fromkeys(theirs) if p not in mine_phones][:n_outside]
    alike = list(
        participants_for(user)
        .filter(pk__in=active.values("pk"), city_id__in=sessions_for(user).filter(pk__in=sessions).values("city_id"))
        .exclude(business_name="")
        .order_by("?")
        .values_list("full_name", "business_name", "city_id")[:n_alike]
    )
    people_per_phone = Counter(phone for _pk, phone in participants_with_phones(phones=[*mine, *theirs]))
    shared = {phone for phone, n in people_per_phone.items() if n > 1}
    mine, theirs = [p for p in mine if p not in shared], [p for p in theirs if p not in shared]  # one person per phone
    session_city = dict(sessions_for(user).filter(pk__in=sessions).values_list("pk", "city_id"))
    used = set(active.filter(phone__startswith="+62899").values_list("phone", flat=True))
    expected = Expected(rows=rows)
    out: list[list[str]] = []
    new_phones: list[tuple[str, str]] = []  # (E.164, session) of new people, for repeats

    def fresh_phone() -> str:
        while True:
            phone = f"+62899{rng.randint(10_000_000, 99_999_999)}"
            if phone not in used:
                used.add(phone)
                return phone

    def row(session, name, phone, gender="P", business="", nib="", status="hadir") -> list[str]:
        return [
            str(session),
            name,
            phone,
            gender,
            business,
            nib,
            f"{re.sub('[^a-z]', '', name.lower())[:20] or 'x'}@example.org",
            status,
        ]

    for phone in mine:
        out.append(row(rng.choice(sessions), _new_name(rng), _other_format(phone, rng)))
        expected.matched += 1
    for phone in theirs:
        session = rng.choice(sessions)
        out.append(row(session, _new_name(rng), _other_format(phone, rng)))
        expected.created += 1
        expected.flagged += 1
        expected.new_pairs.add((phone, session))
    for full_name, business, city_id in alike:
        session = rng.choice([s for s in sessions if session_city[s] == city_id])
        typo = full_name[:-1] + ("a" if full_name[-1] != "a" else "e")  # one letter changed
        phone = fresh_phone()
        out.append(row(session, typo, _other_format(phone, rng), business=business))
        expected.created += 1
        expected.planted_duplicates += 1
        expected.new_pairs.add((phone, session))
    invalid_kinds = [
        lambda: row(rng.choice(sessions), _new_name(rng), "12345"),  # not a phone
        lambda: row(rng.choice(sessions), "", _other_format(fresh_phone(), rng)),  # no name
        lambda: row(999_999_999, _new_name(rng), _other_format(fresh_phone(), rng)),  # unknown session
        lambda: row(rng.choice(sessions), _new_name(rng), _other_format(fresh_phone(), rng), nib="12345"),  # NIB
        lambda: row(rng.choice(sessions), _new_name(rng), _other_format(fresh_phone(), rng), gender="X"),  # gender
    ]
    for index in range(n_invalid):
        out.append(invalid_kinds[index % len(invalid_kinds)]())
        expected.errors += 1
    n_new = rows - len(out) - n_repeat
    for _ in range(n_new):
        session, phone = rng.choice(sessions), fresh_phone()
        nib = str(rng.randint(10**12, 10**13 - 1)) if rng.random() < 0.2 else ""
        out.append(row(session, _new_name(rng), _other_format(phone, rng), rng.choice("LP"), f"Usaha {_new_name(rng)}", nib))
        expected.created += 1
        expected.new_pairs.add((phone, session))
        new_phones.append((phone, str(session)))
    rng.shuffle(out)
    # repeats go after their first row: a phone met earlier in the file, same or another session
    for _ in range(n_repeat):
        phone, first_session = rng.choice(new_phones)
        session = first_session if rng.random() < 0.5 else str(rng.choice(sessions))
        out.insert(rng.randint(len(out) * 3 // 4, len(out)), row(session, _new_name(rng), _other_format(phone, rng)))
        expected.matched += 1
        expected.new_pairs.add((phone, int(session)))
    assert all(phone_normalise(r[2]) for r in out if r[2] != "12345")
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["session", "name", "phone", "gender", "business", "nib", "email", "status"])
    writer.writerows(out)
    return text.getvalue().encode(), expected


def coordinator_prepare():
    """A coordinator of the partner with the most sessions (created once; its password reset)."""
    from django.db.models import Count

    from partners.models import Partner
    from users.models import Role, User
    from users.roles import roles_install, user_set_role

    roles_install()
    partner = Partner.objects.annotate(n=Count("sessions")).order_by("-n", "pk").first()
    user, _ = User.objects.get_or_create(email=EMAIL, defaults={"name": "Bench Import Coordinator"})
    user.set_password(PASSWORD)
    user.save()
    user_set_role(user=user, role=Role.PARTNER_COORDINATOR, partner=partner)
    return user


def vm_hwm_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0


def process_tree(pid: int) -> list[int]:
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [pid] + [p for c in children for p in process_tree(int(c))]


def wait_for(url: str, http, seconds: float = 120) -> None:
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if http.get(url, timeout=2).status_code in (200, 503):
                return
        except requests.RequestException:  # not listening yet, or slow to answer its first request
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def login(base: str):
    import requests

    http = requests.Session()
    page = http.get(f"{base}/accounts/login/", timeout=120)
    token = _found(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    response = http.post(
        f"{base}/accounts/login/",
        data={"login": EMAIL, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=120,
    )
    assert "/accounts/login" not in response.url, f"login failed: {response.url}"
    return http


def _found(pattern: str, text: str) -> str:
    match = re.search(pattern, text, re.S)
    if match is None:
        raise SystemExit(f"not found in the page: {pattern}\n{text[:500]}")
    return match.group(1)


def csrf(http, url: str) -> str:
    return _found(r'name="csrfmiddlewaretoken" value="([^"]+)"', http.get(url, timeout=30).text)


def run_pipeline(base: str, content: bytes, *, timeout: float) -> dict:
    """Upload, preview, confirm, poll: the times of each phase, and the import's id."""
    http = login(base)
    token = csrf(http, f"{base}/participants/import/")
    times = {}
    started = time.perf_counter()
    response = http.post(
        f"{base}/participants/import/",
        files={"file": ("list.csv", content, "text/csv")},
        data={"csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/participants/import/"},
        timeout=timeout,
    )
    times["upload + preview built"] = time.perf_counter() - started
    match = re.search(r"/participants/import/(\d+)/", response.url)
    assert match, f"upload refused: {response.status_code} {response.url} {response.text[:500]}"
    import_id = int(match.group(1))
    mark = time.perf_counter()
    assert 'data-testid="preview-summary"' in response.text
    page = http.get(f"{base}/participants/import/{import_id}/?page=2", timeout=timeout)  # the preview's second page
    assert page.status_code == 200
    times["preview page 2"] = time.perf_counter() - mark
    summary = re.sub(r"<[^>]+>|\s+", " ", _found(r'data-testid="preview-summary">(.*?)</p>', response.text))
    mark = time.perf_counter()
    token = _found(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
    http.post(
        f"{base}/participants/import/{import_id}/confirm/",
        data={"csrfmiddlewaretoken": token},
        headers={"Referer": response.url},
        timeout=timeout,
    )
    times["confirm"] = time.perf_counter() - mark
    mark = time.perf_counter()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        partial = http.get(f"{base}/participants/import/{import_id}/progress/", timeout=30).text
        if 'data-testid="import-result"' in partial or "alert-danger" in partial:
            break
        time.sleep(0.25)
    times["background job (until the page shows the result)"] = time.perf_counter() - mark
    times["end to end"] = time.perf_counter() - started
    return {"times": times, "import_id": import_id, "summary": summary.strip(), "result": partial}


def check(import_id: int, expected: Expected, user) -> list[str]:
    """What the database holds against what the file implies; the list of differences (empty when right)."""
    from participants.models import Attendance, DuplicateCandidate, ImportStatus, Participant, ParticipantImport

    job = ParticipantImport.objects.get(pk=import_id)
    problems = []
    if job.status != ImportStatus.DONE:
        problems.append(f"status {job.status}: {job.failure}")
    got = {"created": job.created_count, "matched": job.matched_count, "errors": job.error_count, "flagged": job.flagged_count}
    want = {"created": expected.created, "matched": expected.matched, "errors": expected.errors, "flagged": expected.flagged}
    if got != want:
        problems.append(f"import counts {got} != {want}")
    new_people = Participant.objects.filter(created_by=user, created_at__gte=job.created_at)
    if new_people.count() != expected.created:
        problems.append(f"{new_people.count()} participants created, {expected.created} expected")
    flagged = DuplicateCandidate.objects.filter(participant__in=new_people, reason="phone").count()
    if flagged != expected.flagged:
        problems.append(f"{flagged} phone flags in the merge queue, {expected.flagged} expected")
    alike = DuplicateCandidate.objects.filter(participant__in=new_people, reason="name").values("participant").distinct().count()
    if alike < expected.planted_duplicates:
        problems.append(f"{alike} new people flagged as likely duplicates, at least {expected.planted_duplicates} expected")
    pairs = set(
        Attendance.objects.filter(participant__in=new_people, source="import").values_list("participant__phone", "session_id")
    )
    if pairs != expected.new_pairs:
        problems.append(f"{len(pairs)} attendances of new people, {len(expected.new_pairs)} expected")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--port", type=int, default=8430)
    parser.add_argument("--timeout", type=float, default=600, help="give up on a phase after this many seconds")
    parser.add_argument(
        "--web-timeout", type=int, default=30, help="gunicorn's worker timeout (30 s, its default, as in docker-compose.yml)"
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"):
        sys.exit("Set DATABASE_URL (a throw-away copy of the 1M demo database) and REDIS_URL")
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True)
    subprocess.run([python, "manage.py", "compilemessages", "--ignore=.venv", "-v0"], cwd=ROOT, check=True)
    import django

    django.setup()
    from participants.models import Participant

    user = coordinator_prepare()
    known = Participant.objects.count()
    started = time.perf_counter()
    content, expected = build_import_csv(user=user, rows=args.rows)
    print(
        f"CSV: {args.rows:,} rows, {len(content) / 1e6:.1f} MB, built in {time.perf_counter() - started:.1f} s; "
        f"{known:,} participants known"
    )

    import requests

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    base = f"http://127.0.0.1:{args.port}"
    bin_dir = Path(python).parent
    processes = {
        "gunicorn": subprocess.Popen(
            [
                str(bin_dir / "gunicorn"),
                "umkm_program.wsgi:application",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--timeout",
                str(args.web_timeout),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        ),
        "celery": subprocess.Popen(
            [str(bin_dir / "celery"), "-A", "umkm_program", "worker", "--loglevel=WARNING", "--concurrency", "2"],
            cwd=ROOT,
            env=env,
        ),
    }
    try:
        wait_for(f"{base}/healthz", requests)
        time.sleep(3)  # the worker connects to the broker
        result = run_pipeline(base, content, timeout=args.timeout)
        time.sleep(2)  # roll-ups queued by the import run in the worker too: their memory counts
        memory = {
            f"{name} {'parent' if pid == proc.pid else 'child'} {pid}": vm_hwm_mib(pid)
            for name, proc in processes.items()
            for pid in process_tree(proc.pid)
        }
    finally:
        for proc in processes.values():
            proc.send_signal(signal.SIGTERM)
        for proc in processes.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
    problems = check(result["import_id"], expected, user)
    load = os.getloadavg()
    print(
        f"\nImport of {args.rows:,} rows against {known:,} participants, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print(f"Preview: {result['summary']}")
    print("\n| phase | seconds |\n| --- | --- |")
    for phase, seconds in result["times"].items():
        print(f"| {phase} | {seconds:.1f} |")
    print("\n| process | peak RSS (VmHWM) |\n| --- | --- |")
    for name, mib in memory.items():
        print(f"| {name} | {mib:.0f} MiB |")
    print(
        f"\nExpected: {expected.created:,} created ({expected.flagged:,} flagged: another partner's phone), "
        f"{expected.matched:,} matched, {expected.errors:,} refused, {expected.planted_duplicates:,} planted likely duplicates"
    )
    if problems:
        print("WRONG RESULT:\n  " + "\n  ".join(problems))
        return 1
    print("Database checked: exactly what the file implies.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
