"""A Redis cache that fails safe: while Redis is unreachable every read is a miss and every write
is dropped (logged once a minute), instead of a server error.

What the platform keeps in the cache can be lost: allauth's and the public forms' rate limits
(they let the request through rather than locking everyone out), import progress (the page falls
back to the stored outcome), the refresh debounce (progress.services: the periodic rebuild
catches up). Nothing the platform must not lose lives only in the cache.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

_LOG_EVERY_SECONDS = 60
_last_logged = 0.0


def _cache_down(operation: str, exc: Exception) -> None:
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= _LOG_EVERY_SECONDS:
        _last_logged = now
        logger.warning("cache unavailable (%s: %s); treated as a miss", operation, exc.__class__.__name__)


def _redis_errors() -> tuple[type[Exception], ...]:
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class FailSafeRedisCache(RedisCache):
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except _redis_errors() as exc:
            _cache_down("get", exc)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except _redis_errors() as exc:
            _cache_down("get_many", exc)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except _redis_errors() as exc:
            _cache_down("has_key", exc)
            return False

    def set(self, key, value, timeout=None, version=None):
        try:
            return super().set(key, value, timeout, version)
        except _redis_errors() as exc:
            _cache_down("set", exc)
            return None

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except _redis_errors() as exc:
            _cache_down("set_many", exc)
            return list(data)

    def add(self, key, value, timeout=None, version=None):
        # True: the caller goes ahead as if it were the first (a debounce then tries its task,
        # whose own failure is handled where it is queued)
        try:
            return super().add(key, value, timeout, version)
        except _redis_errors() as exc:
            _cache_down("add", exc)
            return True

    def touch(self, key, timeout=None, version=None):
        try:
            return super().touch(key, timeout, version)
        except _redis_errors() as exc:
            _cache_down("touch", exc)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except _redis_errors() as exc:
            _cache_down("delete", exc)
            return False

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except _redis_errors() as exc:
            _cache_down("delete_many", exc)
            return None

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except _redis_errors() as exc:
            _cache_down("incr", exc)
            return delta  # a counter that restarts: a rate limit lets the request through

    def clear(self):
        try:
            return super().clear()
        except _redis_errors() as exc:
            _cache_down("clear", exc)
            return False
