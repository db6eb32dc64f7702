"""PostgreSQL restarts during a stream of check-ins: connections recover, no error after the restart,
at most the requests in flight fail, and the client's retry with the same client id makes them whole.

Everything real and private to this test: a PostgreSQL cluster made with initdb in a temporary
folder on its own port (the shared server is never restarted), the platform migrated into it,
gunicorn (2 sync workers, persistent connections: CONN_MAX_AGE=60 with CONN_HEALTH_CHECKS), and a
trainer's phone played by an HTTP client on loopback.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

from tests.operations.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql/15/bin")
PASSWORD = "bench-pass-2018"  # bench/checkin_latency.py seeds the trainer with it

pytestmark = pytest.mark.skipif(not (PG_BIN / "initdb").exists(), reason="PostgreSQL 15 server binaries not installed")


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PrivatePostgres:
    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="laju-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        subprocess.run(
            _as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]),
            check=True,
            capture_output=True,
        )

    def pg_ctl(self, *args):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            _as_postgres(
                [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", *args]
            ),
            check=True,
            capture_output=True,
            timeout=60,
        )

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/laju"

    def remove(self):
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]), capture_output=True
        )
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def platform():
    """Private PostgreSQL, migrated and seeded (bench/checkin_latency.py's seed), and gunicorn on it."""
    pg = PrivatePostgres()
    server = None
    try:
        pg.pg_ctl("start")
        subprocess.run(
            _as_postgres([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", "laju"]), check=True
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "umkm_program.settings.local",
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": pg.url,
            "CONN_MAX_AGE": "60",
        }
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
        seeded = subprocess.run(
            [
                sys.executable,
                "-c",
                "import json, bench.checkin_latency as b; b.django_setup(); print(json.dumps(b.seed(roster=80, others=0)))",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        session_pk, people = json.loads(seeded.stdout.strip().splitlines()[-1])
        port = free_port()
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "umkm_program.wsgi",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                requests.get(f"{base}/healthz", timeout=10)
                break
            except requests.RequestException:
                time.sleep(0.2)
        yield {"pg": pg, "base": base, "session": session_pk, "people": people, "env": env}
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        pg.remove()


def _login(base):
    http = requests.Session()
    page = http.get(f"{base}/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    http.post(
        f"{base}/accounts/login/",
        data={"login": "bench-trainer@example.org", "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=10,
    )
    return http


def _check_in(http, base, session, participant, client_id) -> bool:
    try:
        response = http.post(
            f"{base}/trainer/sessions/{session}/check-in/",
            data={"participant": participant, "client_id": client_id},
            headers={"X-CSRFToken": http.cookies["csrftoken"], "Accept": "application/json", "Referer": base + "/"},
            timeout=15,
        )
        return response.status_code == 200 and response.json().get("ok") is True
    except (requests.RequestException, ValueError):
        return False


def _attended(platform) -> int:
    sql = f"SELECT count(*) FROM participants_attendance WHERE session_id={platform['session']} AND status='attended'"
    result = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(platform["pg"].port), "-U", "postgres", "-d", "laju", "-tAc", sql],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout.strip())


def test_check_ins_survive_a_postgres_restart(platform):
    base, session = platform["base"], platform["session"]
    people = list(platform["people"])
    http = _login(base)
    assert _check_in(http, base, session, people.pop(), str(uuid.uuid4()))

    outcomes: list[tuple[float, int, str, bool, float]] = []  # (sent at, participant, client id, ok, answered at)
    restarted = {}
    stop = threading.Event()

    def stream():
        while people and not stop.is_set():
            participant, client_id = people.pop(), str(uuid.uuid4())
            sent = time.monotonic()
            ok = _check_in(http, base, session, participant, client_id)
            outcomes.append((sent, participant, client_id, ok, time.monotonic()))
            time.sleep(0.02)

    thread = threading.Thread(target=stream)
    thread.start()
    time.sleep(1.0)
    restarted["from"] = time.monotonic()
    platform["pg"].pg_ctl("-m", "fast", "restart")  # terminates every connection, as a real restart does
    restarted["until"] = time.monotonic()
    time.sleep(2.0)
    stop.set()
    thread.join(60)

    before = [o for o in outcomes if o[4] < restarted["from"]]
    after = [o for o in outcomes if o[0] > restarted["until"]]
    during = [o for o in outcomes if o not in before and o not in after]  # in flight while the server went down
    failed = [o for o in outcomes if not o[3]]
    assert before and all(o[3] for o in before)
    assert len(after) >= 5 and all(o[3] for o in after), f"errors after the restart: {[o for o in after if not o[3]]}"
    assert all(o in during for o in failed)
    print(
        f"\nrestart took {restarted['until'] - restarted['from']:.2f} s; {len(before)} check-ins before, "
        f"{len(during)} in flight ({len(failed)} failed), {len(after)} after, all answered"
    )

    for _sent, participant, client_id, _ok, _at in failed:  # the phone retries with the same client id
        assert _check_in(http, base, session, participant, client_id)
    for _sent, participant, client_id, _ok, _at in outcomes[:3]:  # and a replay of a success changes nothing
        assert _check_in(http, base, session, participant, client_id)
    assert _attended(platform) == len(outcomes) + 1
