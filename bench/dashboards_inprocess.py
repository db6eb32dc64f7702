"""In-process CPU and SQL of the pages bench/dashboards_latency.py measures (no gunicorn), on DATABASE_URL.

    DATABASE_URL=postgres:///umkm_dashboards_1m REDIS_URL=redis://127.0.0.1:6379/15 \\
        .venv/bin/python bench/dashboards_inprocess.py --repeat 3

For a machine too loaded to run gunicorn: the same page list, users and headers, through the Django test
client; per page the status, SQL queries, median CPU ms (time.process_time) and median SQL ms (the
statements' own times) of --repeat warm requests, and the least CPU of them (the figure a busy machine
inflates least).

--read-only measures a database it must not change (the shared umkm_bench): every transaction is read
only (PGOPTIONS default_transaction_read_only, so any write fails loudly), logins live in the cache only
and do not stamp last_login, and the API is fetched with the KSP monitor's session instead of a new token.
--cold also clears the cache before each page's first request and reports that request alone (a miss).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def cache_login(client, user) -> None:
    """Log `client` in as `user` with a session in the cache only: no login signal, so no audit row and no last_login."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cache import SessionStore

    session = SessionStore()
    session.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0]})
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--read-only", action="store_true", help="write nothing to the database (see above)")
    parser.add_argument("--cold", action="store_true", help="also report each page's first request after clearing the cache")
    args = parser.parse_args()
    if args.read_only:
        os.environ["PGOPTIONS"] = f"{os.environ.get('PGOPTIONS', '')} -c default_transaction_read_only=on".strip()

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    if args.read_only:
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"

    from bench.dashboards_latency import KSP_EMAIL, POLICY_EMAIL, in_process_clients, pages
    from monitoring.models import ApiToken
    from monitoring.services import api_token_create
    from participants.models import Participant
    from users.models import User

    ksp, policy = User.objects.get(email=KSP_EMAIL), User.objects.get(email=POLICY_EMAIL)
    token, key = (None, "") if args.read_only else api_token_create(user=ksp, name="bench dashboards_inprocess")
    try:
        logins = {"ksp": ksp, "policy": policy}
        if args.read_only:
            clients = {"": (Client(HTTP_HOST="127.0.0.1"), {})}
            for who, user in logins.items():
                clients[who] = (Client(HTTP_HOST="127.0.0.1"), {})
                cache_login(clients[who][0], user)
            clients["token"], logins["token"] = clients["ksp"], ksp
        else:
            clients = in_process_clients(ksp=ksp, policy=policy, token_key=key)
        print(f"{connection.settings_dict['NAME']}: {Participant.objects.count():,} participants; load {os.getloadavg()}")
        print(
            "| page | status | SQL queries | CPU ms | min CPU ms | SQL ms |"
            + (" cold: SQL queries | CPU ms |" if args.cold else "")
        )
        print("| --- | --- | --- | --- | --- | --- |" + (" --- | --- |" if args.cold else ""))
        for page in pages():
            client, extra = clients[page.who]
            cold = ""
            if args.cold:
                for _ in range(2):  # once for what a warm worker holds (compiled templates, the session), then measured
                    client.get(page.path, **extra)
                    cache.clear()
                    if args.read_only and page.who in logins:  # its session was in the cache only
                        cache_login(client, logins[page.who])
                with CaptureQueriesContext(connection) as ctx:
                    started = time.process_time()
                    client.get(page.path, **extra)
                    cold = f" {len(ctx.captured_queries)} | {(time.process_time() - started) * 1000:.1f} |"
            client.get(page.path, **extra)
            cpu, sql, count, status = [], [], 0, 0
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as ctx:
                    started = time.process_time()
                    status = client.get(page.path, **extra).status_code
                    cpu.append(time.process_time() - started)
                sql.append(sum(float(q["time"]) for q in ctx.captured_queries))
                count = len(ctx.captured_queries)
            print(
                f"| {page.name} | {status} | {count} | {statistics.median(cpu) * 1000:.1f} | {min(cpu) * 1000:.1f} | "
                f"{statistics.median(sql) * 1000:.1f} |" + cold,
                flush=True,
            )
        print(f"load {os.getloadavg()}")
    finally:
        if token is not None:
            ApiToken.objects.filter(pk=token.pk).delete()


if __name__ == "__main__":
    main()
