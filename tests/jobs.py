"""Job-system test kit: a fake WhatsApp provider (a real HTTP server on 127.0.0.1) and a real Celery worker process.

Imported into the conftest of each test package that needs it."""

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


class FakeProvider:
    """Answers like a WhatsApp Cloud API endpoint that honours Idempotency-Key.

    `script` lists how to answer the next requests: "ok", "400", "500", "429", "timeout",
    or "hold" (deliver, then wait for `release` before answering, so the client can be
    killed between the provider's delivery and its own bookkeeping).
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.requests: list[dict] = []
        self.delivered: dict[str, dict] = {}
        self.script: list[str] = []
        self.holding = threading.Event()
        self.release = threading.Event()
        self.timeout_sleep = 1.5
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                key = self.headers.get("Idempotency-Key", "")
                with provider.lock:
                    provider.requests.append(
                        {"key": key, "body": body, "auth": self.headers.get("Authorization"), "at": time.monotonic()}
                    )
                    behaviour = provider.script.pop(0) if provider.script else "ok"
                if behaviour == "500":
                    return self._answer(500, {"error": {"message": "internal error"}})
                if behaviour == "400":
                    return self._answer(400, {"error": {"message": "invalid template parameter"}})
                if behaviour == "echo400":  # some providers echo the request in their error body
                    return self._answer(400, {"error": {"message": f"invalid recipient {body.get('to')}", "request": body}})
                if behaviour == "429":
                    return self._answer(429, {"error": {"message": "too many requests"}}, {"Retry-After": "120"})
                if behaviour == "timeout":
                    time.sleep(provider.timeout_sleep)
                    return self._answer(503, {})
                with provider.lock:
                    provider.delivered.setdefault(key, body)  # a repeated key is acknowledged, not delivered again
                if behaviour == "hold":
                    provider.holding.set()
                    provider.release.wait(30)
                self._answer(200, {"messaging_product": "whatsapp", "messages": [{"id": f"wamid.{key}"}]})

            def _answer(self, status, payload, headers=None):
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the client gave up (timeout) or was killed
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v17.0/123/messages"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_provider(settings):
    provider = FakeProvider()
    settings.NOTIFY_PROVIDER_BACKEND = "notifications.providers.HttpProvider"
    settings.NOTIFY_HTTP_URL = provider.url
    settings.NOTIFY_HTTP_TOKEN = "test-token"
    settings.NOTIFY_HTTP_TIMEOUT = 0.5
    yield provider
    provider.stop()


def wait_for(condition, timeout=30.0, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {message}")


@pytest.fixture
def celery_queue():
    """Send this test's tasks to its own Redis queue, which only its own worker consumes."""
    from umkm_program.celery import app

    queue = f"test-{uuid.uuid4().hex[:10]}"
    saved = (app.conf.task_default_queue, app.conf.task_always_eager)
    app.conf.task_default_queue, app.conf.task_always_eager = queue, False
    for cached in ("queues", "default_queue", "router"):
        app.amqp.__dict__.pop(cached, None)
    yield queue
    app.conf.task_default_queue, app.conf.task_always_eager = saved
    for cached in ("queues", "default_queue", "router"):
        app.amqp.__dict__.pop(cached, None)
    with app.connection_for_write() as conn:
        conn.default_channel.client.delete(queue)


@pytest.fixture
def start_worker(celery_queue, fake_provider, tmp_path):
    """start_worker() -> a real `celery worker` process on this test's database and queue;
    start_worker(beat=True) -> a real `celery beat` with the DatabaseScheduler instead;
    start_worker(pool="prefork") -> a worker whose pool enforces time limits (the solo pool does not)."""
    processes = []

    def _start(env=None, beat=False, pool="solo"):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
            "DATABASE_URL": f"postgres:///{connection.settings_dict['NAME']}",
            "REDIS_URL": django_settings.CELERY_BROKER_URL,
            "TEST_CELERY_QUEUE": celery_queue,
            "NOTIFY_PROVIDER_BACKEND": "notifications.providers.HttpProvider",
            "NOTIFY_HTTP_URL": fake_provider.url,
            "NOTIFY_HTTP_TOKEN": "test-token",
            "NOTIFY_HTTP_TIMEOUT": "5",
            **(env or {}),
        }
        log = tmp_path / f"{'beat' if beat else 'worker'}-{len(processes)}.log"
        command = [sys.executable, "-m", "celery", "-A", "umkm_program"]
        if beat:
            command += ["beat", "-S", "django_celery_beat.schedulers:DatabaseScheduler", "--max-interval", "1", "-l", "info"]
            command += ["--schedule", str(tmp_path / "beat-schedule"), "--pidfile", ""]
            ready = "beat: Starting..."
        else:
            command += [
                "worker",
                "-P",
                pool,
                "-c",
                "1",
                "-Q",
                celery_queue,
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
            ]
            command += ["-l", "info", "-n", f"{celery_queue}-{len(processes)}@%h"]
            ready = "ready."
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT)
        processes.append(process)
        try:
            wait_for(lambda: ready in log.read_text() or process.poll() is not None, timeout=60, message=f"{command[4]} to start")
            assert process.poll() is None
        except AssertionError:
            process.kill()
            raise AssertionError(log.read_text()[-3000:])
        process.log = log
        return process

    yield _start
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
