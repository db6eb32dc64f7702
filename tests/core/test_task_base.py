"""Every Celery task shares one base (umkm_program/task_base.py): a database error is retried with back-off, a task
past its soft time limit stops with an error in the worker's log, and every task has both limits and a name of the
form "<app>.<verb_object>"."""

import uuid

import pytest
import redis
from django.conf import settings
from django.db import OperationalError

from tests.jobs import celery_queue, fake_provider, start_worker, wait_for  # noqa: F401
from umkm_program.celery import app
from umkm_program.task_base import TASK_NAME, ProjectTask, project_task


def project_tasks():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_every_task_of_the_project_has_the_base_both_time_limits_and_a_consistent_name():
    tasks = project_tasks()
    assert "progress.refresh" in tasks and "participants.run_import" in tasks
    for name, task in tasks.items():
        assert isinstance(task, ProjectTask), name
        assert TASK_NAME.match(name), name
        assert task.acks_late, name
        assert 0 < task.soft_time_limit < task.time_limit, name


def test_every_task_but_the_import_retries_database_errors():
    for name, task in project_tasks().items():
        retried = OperationalError in task.autoretry_for
        assert retried == (name != "participants.run_import"), name


def test_a_task_name_of_another_form_is_refused():
    with pytest.raises(ValueError, match="<app>.<verb_object>"):
        project_task("participant_import_run")


@pytest.fixture
def redis_client():
    return redis.Redis.from_url(settings.CELERY_BROKER_URL)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_task_that_hits_a_database_error_is_retried_until_it_succeeds(start_worker, redis_client):  # noqa: F811
    worker = start_worker()
    key = f"test-retry-{uuid.uuid4().hex}"

    app.send_task("tests.fail_then_succeed", args=[key, 2])

    wait_for(lambda: redis_client.get(f"{key}:done") is not None, timeout=60, message="the third attempt")
    assert int(redis_client.get(f"{key}:done")) == 3
    log = worker.log.read_text()
    assert log.count("Retry in") == 2 and "OperationalError" in log


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_task_past_its_soft_time_limit_stops_with_an_error_in_the_log(start_worker, redis_client):  # noqa: F811
    worker = start_worker(pool="prefork")
    key = f"test-soft-limit-{uuid.uuid4().hex}"

    app.send_task("tests.overrun_soft_limit", args=[key])

    wait_for(lambda: "ran past its soft time limit" in worker.log.read_text(), timeout=60, message="the soft limit error")
    log = worker.log.read_text()
    assert "Task tests.overrun_soft_limit[" in log and "soft time limit of 1 s" in log
    assert redis_client.get(f"{key}:started") is not None
    assert redis_client.get(f"{key}:finished") is None
