"""Incremental roll-ups equal a full rebuild from raw rows, after random changes in random order.

Every change goes through the services people use (check-in, walk-in-free undo, merge, erasure,
closing attendance, cancelling and moving sessions, registrations, edits of counted traits); the
refresh runs at random points, as a worker would, over whatever slices piled up meanwhile.
"""

import datetime as dt
import random
import threading
import uuid

import pytest
from django.db import connection

from participants.models import Attendance, AttendanceStatus, CountedAttendance, ErasureReason, Participant
from participants.services.checkin import attendance_check_in, attendance_close, attendance_undo_check_in
from participants.services.editing import participant_update
from participants.services.merging import participant_merge
from participants.services.privacy import participant_erase
from progress import services
from progress.models import DimensionRollup, PendingSlice, SessionRollup
from progress.services import progress_check, progress_rebuild, progress_refresh
from sessions_app.models import SessionStatus, TrainingSession
from sessions_app.services import session_cancel, session_update
from tests.counting import direct_slices, first_attendances, stored_slices
from tests.factories import CityFactory, ParticipantFactory, PartnerFactory, ProgrammeFactory, TrainingSessionFactory

WITA = dt.timezone(dt.timedelta(hours=8))


def _world(rng, programme, people=30, sessions=8):
    cities = [CityFactory(time_zone="Asia/Makassar"), CityFactory(time_zone="Asia/Jayapura")]
    partners = [PartnerFactory(), PartnerFactory()]
    base = dt.datetime(2018, 9, 10, 9, tzinfo=WITA)
    made = []
    for _ in range(sessions):
        starts = base + dt.timedelta(hours=rng.randrange(0, 24 * 12))
        made.append(
            TrainingSessionFactory(
                programme=programme,
                city=rng.choice(cities),
                partner=rng.choice(partners),
                audience=rng.choice(["umkm", "umkm", "pemda"]),
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=3),
                status=rng.choice([SessionStatus.SCHEDULED, SessionStatus.SCHEDULED, SessionStatus.COMPLETED]),
            )
        )
    humans = []
    for _ in range(people):
        kind = rng.choice(["umkm", "umkm", "pemda"])
        humans.append(
            ParticipantFactory(
                city=rng.choice(cities),
                kind=kind,
                agency="Dinas Kominfo" if kind == "pemda" else "",
                gender=rng.choice(["female", "male"]),
                scale=rng.choice(["mikro", "kecil", "menengah", ""]) if kind == "umkm" else "",
                sector=rng.choice(["food", "craft", ""]),
                is_test=rng.random() < 0.08,
            )
        )
    return made, humans


def _step(rng, admin, sessions, people):
    """One random change through a service; returns its name (for the failure message)."""
    live = [p for p in people if Participant.objects.filter(pk=p.pk, merged_into__isnull=True).exists()]
    session = TrainingSession.objects.get(pk=rng.choice(sessions).pk)
    action = rng.choice(["check_in"] * 6 + ["undo"] * 2 + ["register", "close", "merge", "erase", "cancel", "move", "edit"])
    if action == "check_in":
        attendance_check_in(session=session, participant=rng.choice(live), by=admin, client_id=uuid.uuid4())
    elif action == "undo":
        attended = Attendance.objects.filter(session=session, status=AttendanceStatus.ATTENDED).first()
        if attended:
            attendance_undo_check_in(session=session, participant=attended.participant, by=admin)
    elif action == "register":
        person = rng.choice(live)
        if not Attendance.objects.filter(session=session, participant=person).exists():
            Attendance.objects.create(session=session, participant=person)  # as the self-registration service writes it
            from participants.counting import counts_changed

            counts_changed(session_ids=[session.pk])
    elif action == "close":
        attendance_close(session=session, by=admin)
    elif action == "merge" and len(live) > 2:
        keep, lose = rng.sample(live, 2)
        participant_merge(keep=keep, lose=lose, by=admin)
    elif action == "erase":
        participant_erase(participant=rng.choice(live), by=admin, reason=ErasureReason.REQUEST, reference="PDP-2026-001")
    elif action == "cancel" and session.status != SessionStatus.COMPLETED:
        session_cancel(session=session, expected_version=session.version, by=admin, reason="rain")
    elif action == "move" and session.status == SessionStatus.SCHEDULED:
        shift = dt.timedelta(hours=rng.choice([-72, -30, 26, 50]))
        session_update(
            session=session,
            expected_version=session.version,
            by=admin,
            starts_at=session.starts_at + shift,
            ends_at=session.ends_at + shift,
        )
    elif action == "edit":
        person = Participant.objects.get(pk=rng.choice(live).pk)
        if person.kind == "umkm" and person.erased_at is None:
            participant_update(
                participant=person, by=admin, gender=rng.choice(["female", "male"]), scale=rng.choice(["mikro", "kecil"])
            )
    return action


def _dimensions(programme):
    return sorted(
        DimensionRollup.objects.filter(programme=programme).values_list(
            "city_id", "partner_id", "audience", "day", "dimension", "value", "trained", "attended"
        )
    )


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_incremental_roll_ups_equal_a_full_rebuild_after_random_changes(
    seed, admin_user_, monkeypatch, django_capture_on_commit_callbacks
):
    rng = random.Random(seed)
    # The worker's refresh runs when the test says, over whatever slices piled up since the last one.
    monkeypatch.setattr(services, "progress_refresh_soon", lambda **kwargs: False)
    programme, other = ProgrammeFactory(), ProgrammeFactory()
    sessions, people = _world(rng, programme)
    other_sessions, _ = _world(rng, other, people=0, sessions=2)
    progress_rebuild(programme_id=programme.pk)
    progress_rebuild(programme_id=other.pk)

    done = []
    for _ in range(60):
        with django_capture_on_commit_callbacks(execute=True):
            done.append(_step(rng, admin_user_, sessions + other_sessions[:1], people))
        if rng.random() < 0.3:
            progress_refresh(programme_id=programme.pk)
            progress_refresh(programme_id=other.pk)
    progress_refresh(programme_id=programme.pk)

    assert not PendingSlice.objects.filter(programme=programme).exists()
    incremental = (
        stored_slices(programme),
        _dimensions(programme),
        sorted(SessionRollup.objects.values_list("session_id", "registrations", "attended", "no_shows")),
    )
    counted = {(c.participant_id, c.attendance_id) for c in CountedAttendance.objects.filter(programme=programme)}
    # The reference: the rule computed the slow obvious way from raw rows.
    assert counted == {(pid, a.pk) for pid, a in first_attendances(programme).items()}, done
    assert incremental[0] == direct_slices(programme), done
    # The nightly check recomputes everything from raw rows and finds nothing to repair.
    check = progress_check(programme_id=programme.pk)
    assert check.differences == 0, (check.details, done)
    assert (stored_slices(programme), _dimensions(programme)) == incremental[:2]
    progress_rebuild(programme_id=programme.pk)
    assert (
        stored_slices(programme),
        _dimensions(programme),
        sorted(SessionRollup.objects.values_list("session_id", "registrations", "attended", "no_shows")),
    ) == incremental


@pytest.mark.django_db(transaction=True)
def test_concurrent_check_ins_and_refreshes_never_double_count(make_user):
    """Check-ins of the same people at two sessions at once, with refreshes running beside them."""
    admin = make_user("programme_admin")
    programme = ProgrammeFactory()
    city, partner = CityFactory(time_zone="Asia/Makassar"), PartnerFactory()
    early = TrainingSessionFactory(
        programme=programme, city=city, partner=partner, starts_at=dt.datetime(2018, 9, 10, 9, tzinfo=WITA)
    )
    late = TrainingSessionFactory(
        programme=programme, city=city, partner=partner, starts_at=dt.datetime(2018, 9, 11, 9, tzinfo=WITA)
    )
    people = [ParticipantFactory(city=city) for _ in range(12)]
    progress_rebuild(programme_id=programme.pk)
    errors = []
    barrier = threading.Barrier(4)

    def check_in_all(session):
        try:
            barrier.wait()
            for person in people:
                attendance_check_in(session=session, participant=person, by=admin, client_id=uuid.uuid4())
        except Exception as exc:  # pragma: no cover - what the test is about
            errors.append(exc)
        finally:
            connection.close()

    def refresh_often():
        try:
            barrier.wait()
            for _ in range(15):
                progress_refresh(programme_id=programme.pk)
        except Exception as exc:  # pragma: no cover
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=check_in_all, args=(early,)),
        threading.Thread(target=check_in_all, args=(late,)),
        threading.Thread(target=refresh_often),
        threading.Thread(target=refresh_often),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    progress_refresh(programme_id=programme.pk)

    assert errors == []
    assert CountedAttendance.objects.filter(programme=programme).count() == 12
    assert set(CountedAttendance.objects.values_list("session_id", flat=True)) == {early.pk}  # the earlier session wins
    assert stored_slices(programme) == direct_slices(programme)
    assert progress_check(programme_id=programme.pk).differences == 0
