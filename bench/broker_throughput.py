"""Push N tasks through a Celery broker while a real worker runs; report throughput, losses and crashes.

    .venv/bin/python bench/broker_throughput.py --transport sqla filesystem redis --tasks 3000 --producers 3

Used to choose the embedded broker of `make run` (kombu's SQLAlchemy transport on a SQLite file)
over kombu's filesystem transport, whose worker can read a message file that is still being
written (JSONDecodeError, kombu issue #1551). For each transport, in a fresh folder under
var/bench-broker/: start `celery worker --concurrency 2` (bench/broker_app.py, no Django), let
`--producers` processes send `--tasks` tasks between them as fast as they can, wait until every
task has run or `--timeout` passes, then report: send rate, end-to-end throughput, tasks lost
(never run), run twice, errors in the worker's log and whether the worker is still alive.
Redis needs a server on 127.0.0.1 (BENCH_REDIS_URL, default db 15, flushed first). Loopback and
local files only; it stops the worker it started.
"""

import argparse
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CELERY = ROOT / ".venv" / "bin" / "celery"


def produce(transport: str, folder: str, numbers: list[int], payload: int = 0) -> None:
    os.environ.update(BENCH_TRANSPORT=transport, BENCH_DIR=folder)
    sys.path.insert(0, str(ROOT))
    from bench.broker_app import record

    for n in numbers:
        record.apply_async(args=[n, "x" * payload], retry=True)


def done_numbers(folder: Path) -> list[int]:
    path = folder / "done.txt"
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def run(transport: str, *, tasks: int, producers: int, timeout: float, payload: int = 0) -> dict:
    folder = ROOT / "var" / "bench-broker" / transport
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    env = {**os.environ, "BENCH_TRANSPORT": transport, "BENCH_DIR": str(folder), "PYTHONPATH": str(ROOT)}
    if transport == "redis":
        import redis

        redis.Redis.from_url(env.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")).flushdb()
    log = open(folder / "worker.log", "w")  # noqa: SIM115 - open while the worker runs
    worker = subprocess.Popen(
        [
            str(CELERY),
            "-A",
            "bench.broker_app",
            "worker",
            "--concurrency",
            "2",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while "ready" not in (folder / "worker.log").read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        chunks = [list(range(i, tasks, producers)) for i in range(producers)]
        started = time.monotonic()
        procs = [
            multiprocessing.get_context("spawn").Process(target=produce, args=(transport, str(folder), c, payload))
            for c in chunks
        ]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        sent_in = time.monotonic() - started
        deadline = started + timeout
        while time.monotonic() < deadline and len(set(done_numbers(folder))) < tasks and worker.poll() is None:
            time.sleep(0.25)
        elapsed = time.monotonic() - started
        done = done_numbers(folder)
        alive = worker.poll() is None
    finally:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                worker.kill()
        log.close()
    text = (folder / "worker.log").read_text()
    return {
        "transport": transport,
        "tasks": tasks,
        "send_per_s": tasks / sent_in if sent_in else 0.0,
        "run_per_s": len(set(done)) / elapsed if elapsed else 0.0,
        "seconds": elapsed,
        "lost": tasks - len(set(done)),
        "twice": len(done) - len(set(done)),
        "errors": text.count("Traceback") + text.count("JSONDecodeError"),
        "worker_alive": alive,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--transport", nargs="+", default=["sqla", "filesystem"], choices=["sqla", "filesystem", "redis"])
    parser.add_argument("--tasks", type=int, default=3000)
    parser.add_argument("--producers", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--payload", type=int, default=0, help="bytes of padding per message (a bigger file is written longer)")
    args = parser.parse_args()
    print(
        f"{'transport':<11} {'tasks':>6} {'sent/s':>8} {'run/s':>7} {'seconds':>8} {'lost':>5} {'twice':>6} {'errors':>7} worker"
    )
    for transport in args.transport:
        r = run(transport, tasks=args.tasks, producers=args.producers, timeout=args.timeout, payload=args.payload)
        print(
            f"{r['transport']:<11} {r['tasks']:>6} {r['send_per_s']:>8.0f} {r['run_per_s']:>7.0f} {r['seconds']:>8.1f} "
            f"{r['lost']:>5} {r['twice']:>6} {r['errors']:>7} {'alive' if r['worker_alive'] else 'DIED'}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
