import socket
import subprocess
import time

import pytest

from tests.participants.conftest import trainer_setup  # noqa: F401  (the same trainer and session today)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server of this test only, on its own port: stopping it touches nobody else's Redis."""

    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None


@pytest.fixture
def private_redis(tmp_path, settings):
    """Cache and Celery broker on a private Redis, tasks sent to the broker (not run eagerly)."""
    from umkm_program.celery import app

    redis = PrivateRedis(tmp_path)
    redis.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailSafeRedisCache",
            "LOCATION": redis.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    saved = (app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_transport_options)
    pools = (app._pool, app.amqp._producer_pool)  # other tests' workers hold these: put aside, never closed
    app.conf.broker_url, app.conf.task_always_eager = redis.url, False
    app.conf.broker_transport_options = {"max_retries": 1, "socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    app._pool, app.amqp._producer_pool = None, None
    yield redis
    redis.stop()
    if app._pool is not None:
        app._pool.force_close_all()  # the pool of the private Redis only
    app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_transport_options = saved
    app._pool, app.amqp._producer_pool = pools
