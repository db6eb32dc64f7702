"""Tasks that misbehave on purpose, loaded only by the test worker (tests/worker_settings.py CELERY_IMPORTS) for
tests/core/test_task_base.py. They use the project's task base, so they retry and time out as every real task does."""

import os
import time

import redis
from django.db import OperationalError

from umkm_program.task_base import project_task


@project_task("tests.fail_then_succeed", retry_backoff=1, retry_backoff_max=1)
def fail_then_succeed(key: str, failures: int) -> int:
    """Raises OperationalError (as a database that is restarting does) on its first `failures` runs."""
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    attempt = int(client.incr(key))
    client.expire(key, 300)
    if attempt <= failures:
        raise OperationalError("the database system is starting up")
    client.set(f"{key}:done", attempt, ex=300)
    return attempt


@project_task("tests.overrun_soft_limit", soft_time_limit=1, time_limit=20)
def overrun_soft_limit(key: str) -> None:
    """Runs past its one-second soft limit; marks in Redis how far it got."""
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    client.set(f"{key}:started", 1, ex=300)
    time.sleep(10)
    client.set(f"{key}:finished", 1, ex=300)
