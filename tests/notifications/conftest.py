from tests.jobs import celery_queue, fake_provider, start_worker  # noqa: F401
