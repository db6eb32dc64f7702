"""Two saves at the same moment: the trainer lock makes the second one see the first booking."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from sessions_app.services import session_assign_trainers, session_create

from .conftest import WIT, WITA, at


def make(roadshow, start):
    import datetime as dt

    return session_create(
        roadshow=roadshow,
        title="Kelas",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        capacity=30,
        audience="umkm",
        delivery="online",
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_assignments_cannot_double_book_a_trainer(world):
    trainer = world["trainer"]
    kupang = make(world["rs_kupang"], at(WITA, 12, 9))
    jayapura = make(world["rs_jayapura"], at(WIT, 12, 9))  # overlaps Kupang in absolute time
    outcome = {}

    def second_admin():
        try:
            session_assign_trainers(session=jayapura, expected_version=jayapura.version, lead_trainer=trainer)
            outcome["saved"] = True
        except ValidationError as error:
            outcome["refused"] = error.message_dict
        finally:
            connection.close()

    with transaction.atomic():
        session_assign_trainers(session=kupang, expected_version=kupang.version, lead_trainer=trainer)
        other = threading.Thread(target=second_admin)
        other.start()
        time.sleep(0.5)
        assert other.is_alive(), "the second save must wait for the first one's lock"
    other.join(timeout=10)

    assert "saved" not in outcome
    assert "lead_trainer" in outcome["refused"]
