"""Every scheduling rule, through the services the pages call."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from partners.models import TotStatus
from sessions_app.models import RoadshowStatus, SessionChange, SessionChangeKind, SessionStatus, TrainingSession
from sessions_app.services import (
    EditConflict,
    roadshow_create,
    roadshow_update,
    session_assign_trainers,
    session_cancel,
    session_create,
    session_update,
)
from tests.factories import AttendanceFactory, PartnerFactory, TrainerFactory

from .conftest import WIT, WITA, at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English here; the pages' tests cover Indonesian."""
    with translation.override("en"):
        yield


def make(roadshow, start, hours=3, **kw):
    fields = {"title": "Kelas Facebook untuk UMKM", "capacity": 30, "audience": "umkm", "delivery": "in_person", "venue": "Aula"}
    return session_create(roadshow=roadshow, starts_at=start, ends_at=start + dt.timedelta(hours=hours), **{**fields, **kw})


def errors_of(exc_info) -> dict:
    return exc_info.value.message_dict


def test_jayapura_nine_wit_and_kupang_nine_wita_are_one_hour_apart(world):
    jayapura = make(world["rs_jayapura"], at(WIT, 12, 9))
    kupang = make(world["rs_kupang"], at(WITA, 12, 9))

    jayapura.refresh_from_db()
    kupang.refresh_from_db()
    assert kupang.starts_at - jayapura.starts_at == dt.timedelta(hours=1)
    assert jayapura.starts_at == dt.datetime(2018, 9, 12, 0, 0, tzinfo=dt.UTC)
    assert kupang.city == world["kupang"] and kupang.partner == world["partner"] and kupang.programme == world["programme"]


def test_session_must_end_after_it_starts(world):
    with pytest.raises(ValidationError) as exc:
        make(world["rs_kupang"], at(WITA, 12, 9), hours=0)
    assert "end_time" in errors_of(exc)
    assert not TrainingSession.objects.exists()


def test_capacity_must_be_at_least_one(world):
    with pytest.raises(ValidationError) as exc:
        make(world["rs_kupang"], at(WITA, 12, 9), capacity=0)
    assert errors_of(exc)["capacity"] == ["Capacity must be at least 1."]


def test_session_must_be_inside_its_roadshow_dates(world):
    with pytest.raises(ValidationError) as exc:
        make(world["rs_kupang"], at(WITA, 21, 9))
    assert "date" in errors_of(exc)
    with pytest.raises(ValidationError):
        make(world["rs_kupang"], at(WITA, 9, 9))


def test_roadshow_dates_are_the_city_local_dates(world):
    # 07.00 WIT on the first day is still the previous day in UTC: allowed, it is the first day in Jayapura.
    session = make(world["rs_jayapura"], at(WIT, 10, 7))
    assert session.starts_at.astimezone(dt.UTC).day == 9


def test_a_session_cannot_be_added_to_a_cancelled_roadshow(world):
    roadshow = world["rs_kupang"]
    roadshow_update(roadshow=roadshow, expected_version=roadshow.version, status=RoadshowStatus.CANCELLED)
    with pytest.raises(ValidationError) as exc:
        make(roadshow, at(WITA, 12, 9))
    assert "roadshow" in errors_of(exc)


def test_trainer_cannot_be_booked_into_overlapping_sessions_across_time_zones(world):
    trainer = world["trainer"]
    kupang = make(world["rs_kupang"], at(WITA, 12, 9))  # 01.00-04.00 UTC
    session_assign_trainers(session=kupang, expected_version=kupang.version, lead_trainer=trainer)
    jayapura = make(world["rs_jayapura"], at(WIT, 12, 9))  # 00.00-03.00 UTC: overlaps

    with pytest.raises(ValidationError) as exc:
        session_assign_trainers(session=jayapura, expected_version=jayapura.version, lead_trainer=trainer)

    message = errors_of(exc)["lead_trainer"][0]
    # The clock follows the active language: 09.00 in Indonesian, 09:00 in English.
    assert "already booked" in message and "Kupang" in message and ("09.00 WITA" in message or "09:00 WITA" in message)
    jayapura.refresh_from_db()
    assert jayapura.lead_trainer is None


def test_back_to_back_sessions_in_two_zones_do_not_clash(world):
    trainer = world["trainer"]
    jayapura = make(world["rs_jayapura"], at(WIT, 12, 9), hours=1)  # 00.00-01.00 UTC
    kupang = make(world["rs_kupang"], at(WITA, 12, 9))  # 01.00-04.00 UTC
    session_assign_trainers(session=jayapura, expected_version=1, lead_trainer=trainer)
    session_assign_trainers(session=kupang, expected_version=1, lead_trainer=None, co_trainers=[trainer])
    assert list(kupang.co_trainers.all()) == [trainer]


def test_a_cancelled_session_does_not_block_the_trainer(world):
    trainer = world["trainer"]
    kupang = make(world["rs_kupang"], at(WITA, 12, 9))
    kupang = session_assign_trainers(session=kupang, expected_version=1, lead_trainer=trainer)
    session_cancel(session=kupang, expected_version=kupang.version)
    jayapura = make(world["rs_jayapura"], at(WIT, 12, 9))
    session_assign_trainers(session=jayapura, expected_version=1, lead_trainer=trainer)


def test_moving_a_session_onto_the_trainers_other_booking_is_refused(world):
    trainer = world["trainer"]
    first = session_assign_trainers(session=make(world["rs_kupang"], at(WITA, 12, 9)), expected_version=1, lead_trainer=trainer)
    second = session_assign_trainers(session=make(world["rs_kupang"], at(WITA, 13, 9)), expected_version=1, lead_trainer=trainer)
    AttendanceFactory(session=second)

    with pytest.raises(ValidationError) as exc:
        session_update(session=second, expected_version=second.version, starts_at=at(WITA, 12, 10), ends_at=at(WITA, 12, 12))

    assert "lead_trainer" in errors_of(exc)
    second.refresh_from_db()
    assert second.starts_at == at(WITA, 13, 9)
    assert not SessionChange.objects.exists(), "nothing half-written"
    assert first.pk != second.pk


def test_only_certified_trainers_of_the_sessions_partner(world):
    session = make(world["rs_kupang"], at(WITA, 12, 9))
    outsider = TrainerFactory(partner=PartnerFactory())
    trainee = TrainerFactory(partner=world["partner"], tot_status=TotStatus.IN_TRAINING, tot_certified_on=None)

    with pytest.raises(ValidationError) as exc:
        session_assign_trainers(session=session, expected_version=1, lead_trainer=outsider)
    assert "is not a trainer of" in errors_of(exc)["lead_trainer"][0]
    with pytest.raises(ValidationError) as exc:
        session_assign_trainers(session=session, expected_version=1, lead_trainer=None, co_trainers=[trainee])
    assert "training of trainers" in errors_of(exc)["co_trainers"][0]
    with pytest.raises(ValidationError) as exc:
        session_assign_trainers(
            session=session, expected_version=1, lead_trainer=world["trainer"], co_trainers=[world["trainer"]]
        )
    assert "co_trainers" in errors_of(exc)


def test_completed_session_cannot_be_moved_or_cancelled(world):
    session = make(world["rs_kupang"], at(WITA, 12, 9))
    session = session_update(session=session, expected_version=1, status=SessionStatus.COMPLETED)

    with pytest.raises(ValidationError) as exc:
        session_update(session=session, expected_version=session.version, starts_at=at(WITA, 13, 9), ends_at=at(WITA, 13, 12))
    assert errors_of(exc)["date"] == ["A completed session cannot be moved or changed."]
    with pytest.raises(ValidationError):
        session_cancel(session=session, expected_version=session.version)


def test_second_editor_with_a_stale_version_is_refused_and_first_save_stays(world):
    session = make(world["rs_kupang"], at(WITA, 12, 9))
    loaded_by_both = session.version

    session_update(session=session, expected_version=loaded_by_both, title="Kelas pagi")
    with pytest.raises(EditConflict) as exc:
        session_update(session=session, expected_version=loaded_by_both, title="Kelas siang")

    session.refresh_from_db()
    assert session.title == "Kelas pagi"
    assert exc.value.current_version == loaded_by_both + 1


def test_stale_cancel_and_stale_trainer_assignment_are_refused(world):
    session = make(world["rs_kupang"], at(WITA, 12, 9))
    session_update(session=session, expected_version=1, capacity=40)
    with pytest.raises(EditConflict):
        session_cancel(session=session, expected_version=1)
    with pytest.raises(EditConflict):
        session_assign_trainers(session=session, expected_version=1, lead_trainer=world["trainer"])


def test_cancelling_a_session_with_registrations_records_who_must_be_told(world, make_user):
    session = make(world["rs_kupang"], at(WITA, 12, 9))
    AttendanceFactory.create_batch(3, session=session)
    admin = make_user("programme_admin")

    session_cancel(session=session, expected_version=1, by=admin, reason="Hujan badai")

    change = SessionChange.objects.get()
    assert (change.kind, change.registrations_affected, change.changed_by, change.reason) == (
        SessionChangeKind.CANCELLED,
        3,
        admin,
        "Hujan badai",
    )
    assert change.old_starts_at == at(WITA, 12, 9) and change.new_starts_at is None
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED


def test_moving_a_session_with_registrations_records_old_and_new_times(world):
    session = make(world["rs_kupang"], at(WITA, 12, 9))
    AttendanceFactory(session=session)

    session_update(session=session, expected_version=1, starts_at=at(WITA, 14, 13), ends_at=at(WITA, 14, 16))

    change = SessionChange.objects.get()
    assert change.kind == SessionChangeKind.MOVED
    assert (change.old_starts_at, change.new_starts_at, change.new_ends_at) == (
        at(WITA, 12, 9),
        at(WITA, 14, 13),
        at(WITA, 14, 16),
    )


def test_changes_without_registrations_or_without_moving_record_nothing(world):
    quiet = make(world["rs_kupang"], at(WITA, 12, 9))
    session_update(session=quiet, expected_version=1, starts_at=at(WITA, 13, 9), ends_at=at(WITA, 13, 12))
    busy = make(world["rs_kupang"], at(WITA, 15, 9))
    AttendanceFactory(session=busy)
    session_update(session=busy, expected_version=1, title="Judul baru", capacity=60)
    assert not SessionChange.objects.exists()


def test_cancel_is_not_done_through_edit(world):
    session = make(world["rs_kupang"], at(WITA, 12, 9))
    with pytest.raises(ValidationError):
        session_update(session=session, expected_version=1, status=SessionStatus.CANCELLED)


def test_roadshow_must_be_within_programme_and_end_after_start(world):
    args = {"programme": world["programme"], "city": world["kupang"], "partner": world["partner"]}
    with pytest.raises(ValidationError) as exc:
        roadshow_create(**args, starts_on=dt.date(2018, 9, 20), ends_on=dt.date(2018, 9, 10))
    assert "ends_on" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        roadshow_create(**args, starts_on=dt.date(2017, 9, 1), ends_on=dt.date(2017, 9, 5))
    assert "starts_on" in errors_of(exc)


def test_roadshow_cannot_shrink_away_from_its_sessions(world):
    roadshow = world["rs_kupang"]
    make(roadshow, at(WITA, 18, 9))
    with pytest.raises(ValidationError) as exc:
        roadshow_update(roadshow=roadshow, expected_version=1, ends_on=dt.date(2018, 9, 15))
    assert "starts_on" in errors_of(exc)
    with pytest.raises(ValidationError):
        roadshow_update(roadshow=roadshow, expected_version=1, status=RoadshowStatus.CANCELLED)
    moved = roadshow_update(roadshow=roadshow, expected_version=1, ends_on=dt.date(2018, 9, 19))
    assert moved.version == 2
    with pytest.raises(EditConflict):
        roadshow_update(roadshow=roadshow, expected_version=1, notes="stale")
