"""`make run` keeps its processes up (scripts/supervise.sh, used by scripts/run.sh).

A process that stops is named with its exit status and the end of its log, and started again
while the others keep running; one that keeps dying stops the platform with a clear line.
"""

import os
import signal
import subprocess
import time
from pathlib import Path

from django.conf import settings

SUPERVISE = Path(settings.BASE_DIR) / "scripts" / "supervise.sh"


def supervise(tmp_path, *processes, **env):
    return subprocess.Popen(
        ["bash", str(SUPERVISE), str(tmp_path), *processes],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **env},
        start_new_session=True,
    )


def test_a_process_that_stops_is_named_with_its_last_log_lines_and_restarted(tmp_path):
    marker = tmp_path / "web-alive"
    run = supervise(
        tmp_path,
        "web",
        f"bash -c 'while true; do touch {marker}; sleep 0.2; done'",
        "worker",
        "bash -c 'echo worker ready; sleep 0.5; echo JSONDecodeError: half a message >&2; exit 3'",
        RESTART_LIMIT="2",
        RESTART_WINDOW="60",
    )
    try:
        output, _ = run.communicate(timeout=30)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGTERM)
    assert "the worker process" in output and "exit status 3" in output
    assert "Last 20 lines of" in output and "JSONDecodeError: half a message" in output
    assert output.count("make run: restarting the worker (the other processes keep running).") == 2
    assert "the worker stopped 3 times within 60 s; stopping the platform" in output
    assert run.returncode == 1
    assert "the web process" not in output  # the web server kept running through the worker's restarts
    assert (tmp_path / "worker.log").read_text().count("worker ready") == 3
    mtime = marker.stat().st_mtime
    time.sleep(0.6)
    assert marker.stat().st_mtime == mtime  # and was stopped with the platform


def test_terminating_the_supervisor_stops_every_process_quietly(tmp_path):
    marker = tmp_path / "alive"
    run = supervise(tmp_path, "web", f"bash -c 'while true; do touch {marker}; sleep 0.2; done'", "beat", "sleep 60")
    deadline = time.monotonic() + 10
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    run.send_signal(signal.SIGTERM)
    output, _ = run.communicate(timeout=10)
    assert run.returncode == 0 and "stopped after" not in output
    mtime = marker.stat().st_mtime
    time.sleep(0.6)
    assert marker.stat().st_mtime == mtime
