"""Cost of the survey indicator roll-up and of reading it, on the database in DATABASE_URL.

Rerunnable, read-mostly (it rewrites the roll-up rows it measures). E.g. on a demo of N participants:

    dropdb --if-exists umkm_surveys_bench; createdb umkm_surveys_bench
    DATABASE_URL=postgres:///umkm_surveys_bench .venv/bin/python manage.py migrate -v0
    DATABASE_URL=postgres:///umkm_surveys_bench .venv/bin/python manage.py seed_programme
    DATABASE_URL=postgres:///umkm_surveys_bench .venv/bin/python manage.py seed_demo --participants 20000
    DATABASE_URL=postgres:///umkm_surveys_bench .venv/bin/python bench/survey_indicators.py

Prints, per programme: invitations, responses, answers, roll-up rows, the full rebuild's time
(best of 3) and the read of survey_results (time, SQL queries), which the KSP view, its PDF,
the dashboard, the exports and the API each do once. Then the CPU of the rebuilds, in this process
and in its PostgreSQL backend, and this process's peak RSS (the figures a busy machine disturbs least).
"""

import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umkm_program.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cities.models import Programme  # noqa: E402
from surveys.models import SurveyAnswer, SurveyIndicator, SurveyInvitation, SurveyResponse  # noqa: E402
from surveys.selectors import survey_results  # noqa: E402
from surveys.services.indicators import indicators_rebuild  # noqa: E402


def best_of(n, fn):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


for programme in Programme.objects.order_by("pk"):
    invitations = SurveyInvitation.objects.filter(wave__programme=programme)
    rebuild = best_of(3, lambda p=programme: indicators_rebuild(programme_id=p.pk))
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        read = best_of(1, lambda p=programme: survey_results(programme=p))
    print(
        f"{programme.name}: invitations {invitations.count():,}, "
        f"responses {SurveyResponse.objects.filter(invitation__in=invitations).count():,}, "
        f"answers {SurveyAnswer.objects.filter(response__invitation__in=invitations).count():,}, "
        f"roll-up rows {SurveyIndicator.objects.filter(programme=programme).count():,}; "
        f"rebuild {rebuild * 1000:.0f} ms (best of 3); survey_results {read * 1000:.1f} ms, {len(queries)} queries"
    )

with connection.cursor() as cursor:
    cursor.execute("SELECT pg_backend_pid()")
    backend = cursor.fetchone()[0]
with open(f"/proc/{backend}/stat") as stat:  # utime and stime, in clock ticks (the database on this machine)
    fields = stat.read().rsplit(")", 1)[1].split()
print(
    f"CPU for everything above: Python {time.process_time():.1f} s, "
    f"PostgreSQL backend {(int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK'):.1f} s; "
    f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
)
