"""A Celery app with one task, for bench/broker_throughput.py: no Django, only the broker under test.

BENCH_TRANSPORT (sqla | filesystem | redis), BENCH_DIR (scratch folder), BENCH_REDIS_URL.
The task appends its number to BENCH_DIR/done.txt (one short O_APPEND write, atomic on Linux).
"""

import os
from pathlib import Path

from celery import Celery

TRANSPORT = os.environ.get("BENCH_TRANSPORT", "sqla")
DIR = Path(os.environ.get("BENCH_DIR", "var/bench-broker"))


def broker_settings(transport: str, folder: Path) -> tuple[str, dict]:
    """The broker URL and transport options `make run` would use for that transport."""
    if transport == "sqla":
        from sqlalchemy.pool import NullPool

        return f"sqla+sqlite:///{folder / 'broker.sqlite3'}", {"connect_args": {"timeout": 30}, "poolclass": NullPool}
    if transport == "filesystem":
        for sub in ("queue", "processed"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        return "filesystem://", {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "data_folder_processed": str(folder / "processed"),
            "control_folder": str(folder / "control"),
        }
    if transport == "redis":
        return os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"), {}
    raise SystemExit(f"unknown transport {transport!r}")


DIR.mkdir(parents=True, exist_ok=True)
_url, _options = broker_settings(TRANSPORT, DIR)
app = Celery("broker_bench", broker=_url)
app.conf.update(
    broker_transport_options=_options,
    task_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
)


@app.task(name="bench.record")
def record(number: int, padding: str = "") -> None:
    fd = os.open(DIR / "done.txt", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, f"{number}\n".encode())
    finally:
        os.close(fd)
