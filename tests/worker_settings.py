"""Settings of the real Celery worker started by the job-system tests: the test settings,
not eager, consuming and producing on the test's own queue (xdist workers share Redis)."""

import os

from umkm_program.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = os.environ["TEST_CELERY_QUEUE"]
CELERY_IMPORTS = ("tests.core.task_probes",)  # tasks that fail or overrun on purpose (tests/core/test_task_base.py)

if os.environ.get("TEST_SHARED_CACHE_PREFIX"):  # share the debounce keys with the test process
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CELERY_BROKER_URL,  # noqa: F405
            "KEY_PREFIX": os.environ["TEST_SHARED_CACHE_PREFIX"],
        }
    }
