"""A light load client for the check-in benchmark: asyncio, raw HTTP/1.1 on 127.0.0.1, one process.

Threads with `requests` cost the client a few milliseconds of CPU per request, which on a 2-core
machine is CPU the server needs; this client costs a fraction of that. Like the pretix anchor's
client it opens a new TCP connection per request (gunicorn's sync workers close it anyway).

Two loops, both bounded in count and time:
- closed loop (`closed_loop`): N clients, each sends its next POST when the last one returned;
- open loop (`open_loop`): POSTs started at a fixed rate whatever the answers; a request's time
  counts from when it was due, so a slow server cannot hide its queue (no coordinated omission).

A job is (participant id, client id); 10% of jobs are replays of an earlier job (`make_jobs`), as a
double tap or an offline queue's replay would be. Every answer must be 200 with {"ok": true};
anything else is counted as an error with the first few kept for the report.
"""

import asyncio
import json
import random
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode

REQUEST_TIMEOUT_S = 30


@dataclass
class Login:
    """What one logged-in phone sends: its cookies and CSRF token."""

    session_cookie: str
    csrf_token: str


@dataclass
class LoadResult:
    times: list[float] = field(default_factory=list)  # seconds per answered request
    answered: list[tuple[int, str]] = field(default_factory=list)  # the jobs answered 200 {"ok": true}
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    wall: float = 0.0

    def error(self, text: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(text[:300])


def make_jobs(
    people: list[int], count: int, replay_share: float = 0.10, rng: random.Random | None = None
) -> list[tuple[int, str]]:
    """`count` check-ins: new people taken from the end of `people`, `replay_share` of them repeats of an earlier job."""
    rng = rng or random.Random()
    jobs: list[tuple[int, str]] = []
    sent: list[tuple[int, str]] = []
    for _ in range(count):
        if sent and rng.random() < replay_share:
            jobs.append(rng.choice(sent))
        else:
            job = (people.pop(), str(uuid.uuid4()))
            sent.append(job)
            jobs.append(job)
    return jobs


async def post_once(host: str, port: int, path: str, login: Login, participant: int, client_id: str) -> tuple[int, bytes]:
    body = urlencode({"participant": participant, "client_id": client_id}).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n"
        f"Accept: application/json\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nReferer: http://{host}:{port}/\r\nX-CSRFToken: {login.csrf_token}\r\n"
        f"Cookie: sessionid={login.session_cookie}; csrftoken={login.csrf_token}\r\n\r\n"
    ).encode()
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(head + body)
        raw = await reader.read()
    finally:
        writer.close()
    status_line, _, rest = raw.partition(b"\r\n")
    status = int(status_line.split()[1]) if status_line else 0
    return status, rest.partition(b"\r\n\r\n")[2]


async def _one(host, port, path, login, job, result: LoadResult, started: float) -> None:
    try:
        status, body = await asyncio.wait_for(post_once(host, port, path, login, *job), REQUEST_TIMEOUT_S)
        ok = status == 200 and json.loads(body).get("ok") is True
    except (OSError, ValueError, IndexError, TimeoutError) as exc:
        result.error(f"{type(exc).__name__}: {exc}")
        return
    if not ok:
        result.error(f"{status}: {body[:200]!r}")
        return
    result.times.append(time.perf_counter() - started)
    result.answered.append(job)


async def closed_loop(
    *, host, port, path, logins: list[Login], jobs: list[tuple[int, str]], deadline_s: float = 300
) -> LoadResult:
    """len(logins) clients share the jobs; each sends its next request when the last returned."""
    result = LoadResult()
    queue = list(reversed(jobs))
    stop_at = time.monotonic() + deadline_s

    async def client(login: Login) -> None:
        while queue and time.monotonic() < stop_at:
            job = queue.pop()
            await _one(host, port, path, login, job, result, time.perf_counter())

    began = time.perf_counter()
    await asyncio.gather(*(client(login) for login in logins))
    result.wall = time.perf_counter() - began
    return result


async def open_loop(*, host, port, path, logins: list[Login], jobs: list[tuple[int, str]], rate: float) -> LoadResult:
    """One request every 1/rate seconds, whether or not earlier ones have been answered."""
    result = LoadResult()
    began = time.perf_counter()
    tasks = []
    for i, job in enumerate(jobs):
        due = began + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(_one(host, port, path, logins[i % len(logins)], job, result, due)))
    await asyncio.gather(*tasks)
    result.wall = time.perf_counter() - began
    return result
