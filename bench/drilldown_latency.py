"""In-process latency and queries of the drill-down list of people trained (and the dashboard), on DATABASE_URL.

    DATABASE_URL=postgres:///umkm_bench REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python bench/drilldown_latency.py --email admin@example.org --repeat 5

Django test client in this process (no gunicorn): median of --repeat warm requests per URL.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

URLS = [
    "/monitoring/trained/?audience=umkm&city={city}",
    "/monitoring/trained/?audience=umkm&city={city}&page=50",
    "/monitoring/trained/?audience=umkm",
    "/monitoring/trained/?audience=umkm&page=1000",
    "/monitoring/trained/?audience=pemda&women=1",
    "/monitoring/dashboard/",
    "/monitoring/dashboard/?city={city}",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--email", default="admin@example.org")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cities.models import City
    from users.models import User

    city = City.objects.order_by("pk").values_list("pk", flat=True).first()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=args.email))
    print(f"{'url':<52} {'median ms':>10} {'queries':>8}")
    for template in URLS:
        url = template.format(city=city)
        assert client.get(url).status_code == 200, url
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                client.get(url)
                times.append(time.perf_counter() - started)
        print(f"{url:<52} {statistics.median(times) * 1000:10.1f} {len(ctx.captured_queries):8d}")


if __name__ == "__main__":
    main()
