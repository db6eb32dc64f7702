import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.utils import timezone

from participants.models import AttendanceStatus
from participants.services.checkin import attendance_close
from tests.factories import AttendanceFactory, ParticipantFactory, PartnerFactory, TrainerFactory, TrainingSessionFactory
from users.models import Role


@dataclass
class ClosedSession:
    session: object
    trainer_user: object
    attended: object  # a participant checked in
    registered: object  # registered, never came: a no-show once attendance closes
    no_show: object


def make_session(make_user, *, partner=None, attended_names=("Siti Rahmawati",)):
    partner = partner or PartnerFactory()
    trainer_user = make_user(Role.TRAINER, partner=partner, name="Andi Pelatih")
    trainer = TrainerFactory(partner=partner, user=trainer_user)
    now = timezone.now()
    session = TrainingSessionFactory(
        partner=partner,
        lead_trainer=trainer,
        title="Jualan daring lewat WhatsApp Business",
        modules="Halaman bisnis\nKatalog WhatsApp",
        starts_at=now - dt.timedelta(hours=3),
        ends_at=now - dt.timedelta(hours=1),
    )
    people = []
    for name in attended_names:
        person = ParticipantFactory(full_name=name, city=session.city, email=f"{abs(hash(name)) % 10**8}@example.org")
        AttendanceFactory(participant=person, session=session, status=AttendanceStatus.ATTENDED, checked_in_at=now)
        people.append(person)
    return session, trainer_user, people


@pytest.fixture
def closed_session(make_user, django_capture_on_commit_callbacks):
    """A session with one person checked in, one only registered and one no-show; attendance closed by its trainer."""
    session, trainer_user, (attended,) = make_session(make_user)
    registered = ParticipantFactory(full_name="Budi Terdaftar", city=session.city)
    AttendanceFactory(participant=registered, session=session)
    no_show = ParticipantFactory(full_name="Citra Absen", city=session.city)
    AttendanceFactory(participant=no_show, session=session, status=AttendanceStatus.NO_SHOW)
    with django_capture_on_commit_callbacks(execute=True):
        attendance_close(session=session, by=trainer_user)
    return ClosedSession(session, trainer_user, attended, registered, no_show)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pdf_qr_codes(data: bytes) -> list[str]:
    """Every QR code in the PDF's images, decoded."""
    import zxingcpp
    from PIL import Image
    from pypdf import PdfReader

    found = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for image in page.images:
            picture = Image.open(io.BytesIO(image.data)).convert("L")
            found += [code.text for code in zxingcpp.read_barcodes(picture)]
    return found
