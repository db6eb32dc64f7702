"""Time to render a session's certificates: one multi-page PDF, and a ZIP of one PDF each.

    DATABASE_URL=postgres:///umkm_bench_certs .venv/bin/python bench/certificates_render.py [--people 70] [--repeat 3]

What it does: migrates the database named by DATABASE_URL (use a throw-away one), seeds one
programme, a partner, a trainer and one session with `--people` people checked in, closes attendance
through the service (which issues the certificates through the attendance_closed event; the
Celery task runs eagerly here), then renders the session's certificates `--repeat` times each way
in this process and prints the best and median wall-clock seconds, the size and pages per output,
and the CPU seconds of the process. Rendering is what the trainer's "All as one PDF" and "All as a
ZIP" buttons do inside the request.
"""

import argparse
import io
import os
import statistics
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umkm_program.settings.local")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=70)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import logging

    import django

    django.setup()
    for noisy in ("celery", "notifications"):  # the log provider prints every message it "sends"
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from django.conf import settings
    from django.core.management import call_command

    settings.CELERY_TASK_ALWAYS_EAGER = True
    from umkm_program.celery import app as celery_app

    celery_app.conf.task_always_eager = True
    call_command("migrate", verbosity=0)
    session = seed(args.people)

    from certificates.rendering import certificates_pdf, certificates_zip
    from certificates.selectors import session_valid_certificates

    count = session_valid_certificates(session=session).count()
    print(f"session {session.pk}: {count} certificates")
    for label, render in (("one PDF", certificates_pdf), ("ZIP of PDFs", certificates_zip)):
        walls, cpus = [], []
        for _ in range(args.repeat):
            cpu, wall = time.process_time(), time.perf_counter()
            data = render(session_valid_certificates(session=session))
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        print(
            f"{label:12s} best {min(walls):6.2f} s  median {statistics.median(walls):6.2f} s  "
            f"cpu median {statistics.median(cpus):6.2f} s  size {len(data) / 1e6:5.2f} MB  {describe(data)}"
        )


def describe(data: bytes) -> str:
    from pypdf import PdfReader

    if data[:2] == b"PK":
        return f"{len(zipfile.ZipFile(io.BytesIO(data)).namelist())} files"
    return f"{len(PdfReader(io.BytesIO(data)).pages)} pages"


def seed(people: int):
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from cities.models import City, Programme
    from participants.models import Attendance, AttendanceStatus, Participant
    from participants.services.checkin import attendance_close
    from partners.models import Partner, Trainer
    from sessions_app.models import TrainingSession
    from users.models import User

    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    programme = Programme.objects.create(
        name=f"Bench certificates {stamp}",
        slug=f"bench-cert-{stamp}",
        starts_on=dt.date(2018, 8, 14),
        ends_on=dt.date(2019, 12, 31),
        umkm_target=10000,
    )
    city = City.objects.filter(name="Kupang").first() or City.objects.create(
        name=f"Kupang {stamp}",
        province="Nusa Tenggara Timur",
        province_code="53",
        region="eastern",
        time_zone="Asia/Makassar",
        latitude=-10.18,
        longitude=123.61,
    )
    partner = Partner.objects.create(name=f"Yayasan Bench {stamp}", short_name="Bench")
    user = User.objects.create_user(email=f"bench-trainer-{stamp}@example.org", password="x", name="Yohana Pelatih")
    trainer = Trainer.objects.create(user=user, partner=partner)
    now = timezone.now()
    session = TrainingSession.objects.create(
        programme=programme,
        city=city,
        partner=partner,
        lead_trainer=trainer,
        capacity=max(people, 1),
        title="Jualan daring lewat WhatsApp Business dan Instagram",
        modules="Halaman bisnis\nKatalog WhatsApp\nIklan",
        venue="Aula Kantor Wali Kota",
        starts_at=now - dt.timedelta(hours=4),
        ends_at=now - dt.timedelta(hours=1),
    )
    for i in range(people):
        person = Participant.objects.create(
            full_name=f"Peserta Sertifikat Nomor {i + 1:03d}",
            phone=f"+628129{stamp[-6:]}{i:03d}"[:15],
            gender="female",
            city=city,
            business_name=f"Usaha {i}",
            home_partner=partner,
        )
        Attendance.objects.create(participant=person, session=session, status=AttendanceStatus.ATTENDED, checked_in_at=now)
    with transaction.atomic():
        attendance_close(session=session, by=user)
    return session


if __name__ == "__main__":
    main()
