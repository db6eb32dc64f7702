"""Streamed exports under gunicorn (issue 16, item 3): all participants as CSV, one city's as XLSX.

Targets: the CSV of 1,000,000 participants and the XLSX of about 100,000 (one city's, the participant
list's ?city= filter) each send their first byte within 1 s and keep the web worker under 200 MB
of peak RSS.

Rerunnable, against the database in DATABASE_URL (a copy of the 1,000,000-participant demo,
`bench/seed_demo.sh 1000000 umkm_bench1m`, then `createdb -T umkm_bench1m umkm_exports_1m` and
`manage.py migrate`):

    DATABASE_URL=postgres:///umkm_exports_1m REDIS_URL=redis://127.0.0.1:6379/13 \\
        .venv/bin/python bench/export_stream.py --port 8440

What it does:
  1. gives the demo admin an authenticator if they have none, then logs in through the real pages
     (allauth's login, then the authenticator's code: admins need a second factor), once;
  2. for each export, starts a fresh gunicorn (bench.settings = production settings, DEBUG off,
     `--workers 2`, sync workers as in docker-compose.yml unless --worker-class says otherwise),
     warms it with the participant list page, then downloads the export with a new connection and
     measures time to the first body byte, the total time, the bytes, the server's CPU seconds, and
     the web workers' peak RSS (VmHWM in /proc, the highest of the workers: a fresh server per
     export, so the figure is the export's own);
  3. after the download (not during, so the client's parsing does not share the CPU with the
     server), counts the rows in the file (csv module; openpyxl for XLSX), checks every row has
     the header's width and that the ids are the exportable participants of the database, once
     each, in order;
  4. prints one line per export with the load average beside it.

--app-dir runs the server from another checkout (e.g. /work/main) against the same database,
for a before/after in the same run; the login and the checks stay this checkout's.
"""

import argparse
import csv
import http.client
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
# Production settings refuse to start without these; nothing is sent during the benchmark.
os.environ.setdefault("NOTIFY_PUBLIC_BASE_URL", "https://laju-digital.example.org")
os.environ.setdefault("NOTIFY_PROVIDER_BACKEND", "notifications.providers.LogProvider")
STATIC_ROOT = Path(tempfile.gettempdir()) / "umkm-bench-static"  # pages link static files; none is downloaded
os.environ.setdefault("DJANGO_STATIC_ROOT", str(STATIC_ROOT))

CLK_TCK = os.sysconf("SC_CLK_TCK")
PASSWORD = "laju-digital-2018"  # the demo logins' password (README)


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.extend(int(c) for c in (task / "children").read_text().split())
    return found


def process_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def status_kb(pid: int, key: str) -> int:
    match = re.search(rf"^{key}:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.MULTILINE)
    return int(match.group(1)) if match else 0


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


class Browser:
    """Just enough of a browser: cookies, CSRF tokens, redirects followed by hand."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Host": "127.0.0.1", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            from urllib.parse import urlencode

            body = urlencode(form)
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{self.port}{path}"}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        conn.close()
        return response.status, dict(response.headers), data

    def csrf(self, html: bytes) -> str:
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if not match:
            raise SystemExit("no CSRF token on the page")
        return match.group(1).decode()

    def submit(self, path: str, fields: dict) -> tuple[int, dict, bytes]:
        _status, _headers, page = self.request("GET", path)
        return self.request("POST", path, {"csrfmiddlewaretoken": self.csrf(page), **fields})


def log_in(browser: Browser, user) -> None:
    """The admin's real login: e-mail and password, then the authenticator's code (or a recovery code)."""
    from users.second_factor import second_factor_codes

    status, headers, _ = browser.submit("/accounts/login/", {"login": user.email, "password": PASSWORD})
    if status != 302:
        raise SystemExit(f"login refused ({status})")
    if "/2fa/authenticate" in headers.get("Location", ""):
        _secret, code, recovery = second_factor_codes(user=user)
        for candidate in [code, *recovery[:1]]:  # a code used in the last 30 s is refused once: then a recovery code
            status, headers, _ = browser.submit("/accounts/2fa/authenticate/", {"code": candidate})
            if status == 302 and "/2fa/" not in headers.get("Location", ""):
                break
        else:
            raise SystemExit("the second factor was refused")
    status, _headers, _ = browser.request("GET", "/participants/")
    if status != 200:
        raise SystemExit(f"logged in, but the participant list answers {status}")


def start_server(args, app_dir: Path) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    command = [gunicorn, "umkm_program.wsgi", "--workers", str(args.workers), "--worker-class", args.worker_class,
               "--timeout", str(args.timeout), "--bind", f"127.0.0.1:{args.port}", "--log-level", "warning"]  # fmt: skip
    if args.worker_class == "gthread":
        command += ["--threads", str(args.threads)]
    server = subprocess.Popen(command, cwd=app_dir, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5)
            conn.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            conn.getresponse().read()
            conn.close()
            if len(children(server.pid)) >= args.workers:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def download(port: int, path: str, cookies: dict, target: Path) -> dict:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("GET", path, headers={"Host": "127.0.0.1", "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
    response = conn.getresponse()
    if response.status != 200:
        raise SystemExit(f"{path} answered {response.status}")
    first_byte = None
    size = 0
    with target.open("wb") as out:
        while True:
            piece = response.read1(1 << 16)
            if not piece:
                break
            if first_byte is None:
                first_byte = time.perf_counter() - started
            size += len(piece)
            out.write(piece)
    total = time.perf_counter() - started
    conn.close()
    return {"ttfb": first_byte or total, "total": total, "bytes": size}


def check_csv(target: Path, expected_ids) -> int:
    with target.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        width = len(next(reader))
        ids = []
        for row in reader:
            if len(row) != width:
                raise SystemExit(f"CSV row {len(ids) + 2} has {len(row)} cells, the header {width}")
            ids.append(int(row[0]))
    if ids != expected_ids:
        raise SystemExit(f"CSV holds {len(ids):,} rows, not the {len(expected_ids):,} exportable participants in order")
    return len(ids)


def check_xlsx(target: Path, expected_ids) -> int:
    from openpyxl import load_workbook

    sheet = load_workbook(target, read_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    width = len(next(rows))
    ids = []
    for row in rows:
        if len(row) > width:
            raise SystemExit(f"XLSX row {len(ids) + 2} is wider than the header")
        ids.append(row[0])
    if ids != expected_ids:
        raise SystemExit(f"XLSX holds {len(ids):,} rows, not the {len(expected_ids):,} exportable participants in order")
    return len(ids)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8440)
    parser.add_argument("--email", default="admin@example.org", help="a user who may export every participant")
    parser.add_argument("--xlsx-city", default="Mataram", help="the city whose participants the XLSX holds (about 100,000 at 1M)")
    parser.add_argument("--only", choices=["csv", "xlsx"], help="run one of the two exports")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync", help="sync as in docker-compose.yml; gthread for long downloads")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker with --worker-class gthread")
    parser.add_argument(
        "--timeout", type=int, default=30, help="gunicorn's worker timeout (its default 30 s, as in docker-compose.yml)"
    )
    parser.add_argument("--app-dir", type=Path, default=ROOT, help="checkout whose code the server runs")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from cities.models import City
    from participants.models import Participant
    from users.models import User
    from users.second_factor import second_factor_activate, second_factor_ready

    Path(os.environ["DJANGO_STATIC_ROOT"]).mkdir(parents=True, exist_ok=True)
    user = User.objects.get(email=args.email)
    if not second_factor_ready(user):
        second_factor_activate(user=user)
    city = City.objects.get(name=args.xlsx_city)
    exportable = Participant.objects.filter(merged_into__isnull=True, erased_at__isnull=True).order_by("pk")
    scenarios = {
        "csv": ("/participants/export/participants.csv", "all participants", list(exportable.values_list("pk", flat=True))),
        "xlsx": (
            f"/participants/export/participants.xlsx?city={city.pk}",
            f"participants of {city.name}",
            list(exportable.filter(city=city).values_list("pk", flat=True)),
        ),
    }
    connection.close()

    server = start_server(args, args.app_dir)
    try:
        browser = Browser(args.port)
        log_in(browser, user)
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(f"server code: {args.app_dir}; gunicorn {args.workers} {args.worker_class} workers, timeout {args.timeout} s")
    print(f"{'export':<6} {'rows':>10} {'first byte s':>12} {'total s':>8} {'MB':>8} {'server CPU s':>12} "
          f"{'worker peak RSS MB':>18} {'warm RSS MB':>11}  load (1/5/15 min)")  # fmt: skip
    failures = []
    with tempfile.TemporaryDirectory(prefix="umkm-export-bench-") as folder:
        for fmt, (path, what, expected_ids) in scenarios.items():
            if args.only and fmt != args.only:
                continue
            server = start_server(args, args.app_dir)
            try:
                for _ in range(2):  # each worker takes a turn: code loaded, connections open
                    assert browser.request("GET", "/participants/")[0] == 200
                workers = children(server.pid)
                warm_rss = max(status_kb(pid, "VmHWM") for pid in workers) / 1024
                cpu_before = sum(process_cpu(pid) for pid in workers)
                load = load_average()
                target = Path(folder) / f"export.{fmt}"
                try:
                    result = download(args.port, path, browser.cookies, target)
                except (OSError, http.client.HTTPException) as exc:  # e.g. a worker killed at its timeout mid-stream
                    failures.append(f"{fmt}: the download broke off: {exc!r}")
                    continue
                alive = [pid for pid in workers if Path(f"/proc/{pid}").exists()]
                if len(alive) < len(workers):
                    failures.append(f"{fmt}: a worker died during the export (gunicorn --timeout {args.timeout} s?)")
                peak_rss = max(status_kb(pid, "VmHWM") for pid in alive) / 1024 if alive else 0.0
                cpu = sum(process_cpu(pid) for pid in alive) - cpu_before
            finally:
                server.terminate()
                server.wait(timeout=30)
            try:
                rows = check_csv(target, expected_ids) if fmt == "csv" else check_xlsx(target, expected_ids)
            except SystemExit as exc:
                failures.append(f"{fmt}: {exc}")
                rows = -1
            print(
                f"{fmt:<6} {rows:>10,} {result['ttfb']:>12.3f} {result['total']:>8.1f} {result['bytes'] / 1e6:>8.1f} "
                f"{cpu:>12.1f} {peak_rss:>18.1f} {warm_rss:>11.1f}  {load}  ({what})"
            )
    print(f"load average at the end: {load_average()}")
    if failures:
        raise SystemExit("\n".join(failures))


if __name__ == "__main__":
    main()
