"""What the HTTP benchmarks share: percentiles, the server's CPU from /proc, waiting for gunicorn to answer."""

import http.client
import os
import time
from pathlib import Path

CLK_TCK = os.sysconf("SC_CLK_TCK")


def percentile(values, p):
    """The p-th percentile (nearest rank) of `values`."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))]


def process_tree_cpu(pid: int) -> float:
    """User+system CPU seconds of a process and its children (gunicorn master and workers)."""
    total, pids = 0.0, [pid]
    while pids:
        current = pids.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / CLK_TCK
            for task in Path(f"/proc/{current}/task").iterdir():
                pids.extend(int(c) for c in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def wait_ready(port: int, timeout: float = 60.0) -> None:
    """Until gunicorn on 127.0.0.1:`port` answers /healthz (200, or 503 while a service is still starting)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            status = conn.getresponse().status
            conn.close()
            if status in (200, 503):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")
