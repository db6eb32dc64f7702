"""In-process CPU and SQL of the pages bench/dashboards_latency.py measures (no gunicorn), on DATABASE_URL.

    DATABASE_URL=postgres:///umkm_dashboards_1m REDIS_URL=redis://127.0.0.1:6379/15 \\
        .venv/bin/python bench/dashboards_inprocess.py --repeat 3

For a machine too loaded to run gunicorn: the same page list, users and headers, through the Django test
client; per page the status, SQL queries, median CPU ms (time.process_time) and median SQL ms (the
statements' own times) of --repeat warm requests.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.dashboards_latency import KSP_EMAIL, POLICY_EMAIL, in_process_clients, pages
    from monitoring.models import ApiToken
    from monitoring.services import api_token_create
    from participants.models import Participant
    from users.models import User

    ksp, policy = User.objects.get(email=KSP_EMAIL), User.objects.get(email=POLICY_EMAIL)
    token, key = api_token_create(user=ksp, name="bench dashboards_inprocess")
    try:
        clients = in_process_clients(ksp=ksp, policy=policy, token_key=key)
        print(f"{connection.settings_dict['NAME']}: {Participant.objects.count():,} participants; load {os.getloadavg()}")
        print("| page | status | SQL queries | CPU ms | SQL ms |")
        print("| --- | --- | --- | --- | --- |")
        for page in pages():
            client, extra = clients[page.who]
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
                f"| {page.name} | {status} | {count} | {statistics.median(cpu) * 1000:.1f} | {statistics.median(sql) * 1000:.1f} |",
                flush=True,
            )
        print(f"load {os.getloadavg()}")
    finally:
        ApiToken.objects.filter(pk=token.pk).delete()


if __name__ == "__main__":
    main()
