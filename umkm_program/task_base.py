"""The one base of every Celery task: retries with back-off when the database is briefly away, soft and hard time
limits, late acknowledgement, and a name of the form "<app>.<verb_object>".

Declare a task with `project_task("app.verb_object")` instead of `shared_task`; a task that must not be retried
(it records its own failure) or needs more time says so with keyword arguments, where it is declared:

    @project_task("progress.refresh")
    def refresh_progress(programme_id: int) -> int: ...

    @project_task("participants.run_import", autoretry_for=(), soft_time_limit=1800, time_limit=1860)
    def participant_import_run(import_id: int) -> None: ...

tests/core/test_task_base.py checks that every registered task of the project uses this base and is named so.
"""

import logging
import re
from collections.abc import Callable
from typing import Any

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

TASK_NAME = re.compile(r"^[a-z_]+\.[a-z_]+$")

# What a retry can cure: the database restarting, failing over or refusing connections for a moment.
RETRIED_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)


class ProjectTask(Task):
    """Celery reads these class attributes for every task declared with base=ProjectTask."""

    acks_late = True
    autoretry_for = RETRIED_ERRORS
    retry_backoff = 5  # seconds before the first retry, doubled each time ...
    retry_backoff_max = 300  # ... up to five minutes
    retry_jitter = True  # workers that failed together do not all come back in the same second
    max_retries = 5
    # Every task here takes a batch or one row and finishes in seconds; a task still running after five minutes is
    # stuck (a lock, a slow provider) and stops with an error in the log, to be run again by its schedule or sweep.
    soft_time_limit = 300
    time_limit = 330  # the hard limit kills the worker process when the task ignores the soft one

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except SoftTimeLimitExceeded:
            logger.error(
                "Task %s[%s] stopped: it ran past its soft time limit of %s s",
                self.name,
                self.request.id,
                self.soft_time_limit,
            )
            raise


def project_task(name: str, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """`shared_task` with the project's base and a checked name ("<app>.<verb_object>"); the task it returns is
    typed Any, as celery ships no types (`.delay`, `.apply_async`)."""
    if not TASK_NAME.match(name):
        raise ValueError(f"Task name {name!r} is not of the form '<app>.<verb_object>'")
    decorator: Callable[[Callable[..., Any]], Any] = shared_task(name=name, base=ProjectTask, **options)
    return decorator
