"""A steady stream of check-ins against a running `make run`, to show the platform stays up.

    .venv/bin/python bench/checkin_stream.py --base http://127.0.0.1:8010 --minutes 32 --max-actions 4000

Loopback only (refuses any other host), bounded in time and in count. It logs in as the demo
trainer through the real login form, then, every `--interval` seconds, checks one registered
person in on one of the trainer's open sessions and, on the next step, undoes that check-in (so the
stream never runs out of people). Each check-in queues a progress refresh through the Celery broker,
so the worker is busy all along. Every minute it prints a line with the counts so far and the
answer of /healthz (database and broker); at the end a summary: actions, failures, the longest gap
between two successful answers, latency p50/p95/max. Exit status 1 if any request failed.
"""

import argparse
import re
import statistics
import sys
import time
import uuid
from urllib.parse import urlparse

import requests

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def log(message: str) -> None:
    print(time.strftime("%H:%M:%S"), message, flush=True)


def login(base: str, email: str, password: str) -> requests.Session:
    http = requests.Session()
    page = http.get(f"{base}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = http.post(
        f"{base}/accounts/login/",
        data={"login": email, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=30,
    )
    if "/accounts/login" in response.url:
        sys.exit(f"Login as {email} failed.")
    return http


def open_sessions(http: requests.Session, base: str) -> list[int]:
    page = http.get(f"{base}/trainer/sessions/", timeout=30)
    page.raise_for_status()
    return sorted({int(pk) for pk in re.findall(r'href="/trainer/sessions/(\d+)/"', page.text)})


def registered_people(http: requests.Session, base: str, session_pk: int) -> list[int]:
    page = http.get(f"{base}/trainer/sessions/{session_pk}/", timeout=30)
    page.raise_for_status()
    return [int(pk) for pk in re.findall(r'data-participant="(\d+)"', page.text)]


def post(http: requests.Session, base: str, path: str, data: dict) -> tuple[bool, float, str]:
    started = time.perf_counter()
    try:
        response = http.post(
            f"{base}{path}",
            data=data,
            headers={"X-CSRFToken": http.cookies.get("csrftoken", ""), "Accept": "application/json", "Referer": base + "/"},
            timeout=30,
        )
        ok = response.status_code == 200
        detail = "" if ok else f"{response.status_code} {response.text[:120]!r}"
    except requests.RequestException as exc:
        ok, detail = False, exc.__class__.__name__
    return ok, time.perf_counter() - started, detail


def health(base: str) -> str:
    try:
        response = requests.get(f"{base}/healthz", timeout=10)
        return f"{response.status_code} {response.json()}"
    except (requests.RequestException, ValueError) as exc:
        return f"down ({exc.__class__.__name__})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--email", default="trainer@example.org")
    parser.add_argument("--password", default="laju-digital-2018")
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--max-actions", type=int, default=5000)
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between two actions")
    args = parser.parse_args()
    if urlparse(args.base).hostname not in LOOPBACK:
        sys.exit("This stream only talks to a platform on this machine (127.0.0.1).")

    http = login(args.base, args.email, args.password)
    sessions = [pk for pk in open_sessions(http, args.base) if registered_people(http, args.base, pk)]
    if not sessions:
        sys.exit("The trainer has no session with registered people to check in.")
    log(f"Streaming check-ins on sessions {sessions} for {args.minutes} min (at most {args.max_actions} actions).")

    deadline = time.monotonic() + args.minutes * 60
    latencies: list[float] = []
    failures: list[str] = []
    counts = {"check-in": 0, "undo": 0}
    last_ok = time.monotonic()
    longest_gap = 0.0
    next_report = time.monotonic() + 60
    pending: tuple[int, int] | None = None  # (session, participant) checked in, to undo next
    step = 0
    while time.monotonic() < deadline and step < args.max_actions:
        step += 1
        if pending:
            session_pk, person = pending
            kind, path, data = "undo", f"/trainer/sessions/{session_pk}/undo-check-in/", {"participant": person}
            pending = None
        else:
            session_pk = sessions[step % len(sessions)]
            try:
                people = registered_people(http, args.base, session_pk)
            except requests.RequestException as exc:
                failures.append(f"roster of {session_pk}: {exc.__class__.__name__}")
                time.sleep(args.interval)
                continue
            if not people:
                time.sleep(args.interval)
                continue
            person = people[step % len(people)]
            kind, path = "check-in", f"/trainer/sessions/{session_pk}/check-in/"
            data = {"participant": person, "client_id": str(uuid.uuid4())}
            pending = (session_pk, person)
        ok, elapsed, detail = post(http, args.base, path, data)
        now = time.monotonic()
        if ok:
            counts[kind] += 1
            latencies.append(elapsed)
            longest_gap = max(longest_gap, now - last_ok)
            last_ok = now
        else:
            failures.append(f"{kind} {path}: {detail}")
            log(f"FAILED {kind} {path}: {detail}")
            pending = None
        if now >= next_report:
            log(f"{counts['check-in']} check-ins, {counts['undo']} undos, {len(failures)} failures; healthz: {health(args.base)}")
            next_report = now + 60
        time.sleep(args.interval)

    log(f"Done: {counts['check-in']} check-ins and {counts['undo']} undos, {len(failures)} failed requests.")
    if latencies:
        ordered = sorted(latencies)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        log(
            f"Latency p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms; "
            f"longest gap between two answered actions {longest_gap:.1f} s."
        )
    log(f"healthz at the end: {health(args.base)}")
    for line in failures[:20]:
        log(f"  failure: {line}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
