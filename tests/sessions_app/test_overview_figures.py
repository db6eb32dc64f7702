"""The admin overview shows the same "UMKM trained" and "sessions held" as the KSP view and the API."""

import datetime as dt
import random
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Attendance, AttendanceStatus
from participants.services.checkin import attendance_check_in, attendance_close, attendance_undo_check_in
from progress.services import progress_rebuild
from sessions_app.models import Audience, SessionStatus
from tests.counting import first_attendances
from tests.factories import (
    CityFactory,
    CityTargetFactory,
    ParticipantFactory,
    PartnerFactory,
    ProgrammeFactory,
    TrainingSessionFactory,
)
from users.models import Role

pytestmark = pytest.mark.django_db


def _random_programme(seed: int, admin):
    rnd = random.Random(seed)
    today = timezone.localdate()
    programme = ProgrammeFactory(starts_on=today - dt.timedelta(days=60), ends_on=today + dt.timedelta(days=300))
    partner = PartnerFactory()
    cities = [CityFactory(name=f"Kota {seed}-{i}", time_zone="Asia/Makassar") for i in range(3)]
    for order, city in enumerate(cities):
        CityTargetFactory(programme=programme, city=city, umkm_target=50, roadshow_order=order)
    sessions = []
    for i in range(7):
        sessions.append(
            TrainingSessionFactory(
                programme=programme,
                partner=partner,
                city=cities[i % 3],  # every city holds sessions, so people can attend in two cities
                audience=Audience.PEMDA if i == 0 else Audience.UMKM,
                starts_at=timezone.now() - dt.timedelta(days=30 - 3 * i),
                status=rnd.choice([SessionStatus.COMPLETED, SessionStatus.SCHEDULED]),
            )
        )
    sessions[1].status, sessions[2].status = SessionStatus.CANCELLED, SessionStatus.SCHEDULED
    sessions[1].save(), sessions[2].save()
    umkm = sessions[2:]
    people = [ParticipantFactory(city=rnd.choice(cities)) for _ in range(12)]
    for person in people:
        for session in rnd.sample(umkm, rnd.randint(1, 3)):  # many attend in two or three cities
            attendance_check_in(session=session, participant=person, by=admin, client_id=uuid.uuid4())
    # one person attends in two different cities for sure
    twice = ParticipantFactory(city=cities[0])
    by_city = {}
    for s in umkm:
        by_city.setdefault(s.city_id, s)
    for s in list(by_city.values())[:2]:
        attendance_check_in(session=s, participant=twice, by=admin, client_id=uuid.uuid4())
    # a pemda officer at the pemda session, a UMKM at a pemda session (does not count), a test record
    attendance_check_in(session=sessions[0], participant=ParticipantFactory(kind="pemda"), by=admin, client_id=uuid.uuid4())
    attendance_check_in(session=sessions[0], participant=people[0], by=admin, client_id=uuid.uuid4())
    attendance_check_in(session=umkm[0], participant=ParticipantFactory(is_test=True), by=admin, client_id=uuid.uuid4())
    # a mistaken check-in undone, a registration that never came
    mistaken = ParticipantFactory()
    attendance_check_in(session=umkm[1], participant=mistaken, by=admin, client_id=uuid.uuid4())
    attendance_undo_check_in(session=umkm[1], participant=mistaken, by=admin)
    Attendance.objects.create(participant=ParticipantFactory(), session=umkm[2], status=AttendanceStatus.REGISTERED)
    # attendance closed on a session nobody marked completed: it is held
    attendance_close(session=umkm[0], by=admin)
    progress_rebuild(programme_id=programme.pk)
    return programme, sessions


@pytest.mark.parametrize("seed", [1, 7, 2018])
def test_overview_totals_equal_the_ksp_view_and_the_api(client, make_user, seed):
    admin = make_user(Role.PROGRAMME_ADMIN)
    programme, sessions = _random_programme(seed, admin)
    expected_held = sum(
        1
        for s in sessions
        if (s.refresh_from_db() or True)
        and s.status != SessionStatus.CANCELLED
        and (s.status == SessionStatus.COMPLETED or s.attendance_closed_at is not None)
    )

    client.force_login(admin)
    page = client.get(reverse("sessions_app:programme-overview"), {"programme": programme.pk})
    client.force_login(make_user(Role.KSP_MONITOR))
    ksp = client.get("/monitoring/ksp/", {"programme": programme.pk})
    api = client.get("/api/v1/progress/", {"programme": programme.pk}).json()["headline"]

    totals, ov = page.context["totals"], ksp.context["ov"]
    assert totals["trained"] == ov.trained == api["umkm_trained"]
    assert totals["held"] == ov.totals["sessions_held"] == api["sessions_held"] == expected_held
    assert totals["trained"] > 0
    # per city: the overview's "UMKM trained" column is the KSP view's per-city figure
    ksp_city = {c.city_id: c.trained for c in ov.cities}
    assert {r.city.pk: r.trained for r in page.context["rows"]} == ksp_city
    # people attended per city counts the person who attended in two cities in both rows, so it is larger
    assert sum(r.people_attended for r in page.context["rows"]) > totals["trained"]
    assert totals["trained"] == sum(1 for a in first_attendances(programme).values() if a.session.audience == "umkm")
    html = page.content.decode()
    assert re.search(rf'data-testid="total-trained"[^>]*>{totals["trained"]}<', html)
    assert re.search(rf'data-testid="total-held"[^>]*>{expected_held}<', html)
    # the per-city head count is named differently and its definition is on the page
    assert "Orang hadir di kota ini" in html and "UMKM terlatih" in html
    assert "tercantum di kedua baris" in html


def test_overview_opens_on_the_largest_started_programme_like_the_ksp_view(client, make_user):
    today = timezone.localdate()
    ends_on = today + dt.timedelta(days=400)
    main = ProgrammeFactory(
        name="Program UMKM Go Online 2018", starts_on=today - dt.timedelta(days=200), ends_on=ends_on, umkm_target=10_000
    )
    # a newer, small demo programme and a larger one that has not started yet
    demo = ProgrammeFactory(name="Demo", starts_on=today - dt.timedelta(days=5), ends_on=ends_on, umkm_target=40)
    ProgrammeFactory(name="Program 2019", starts_on=today + dt.timedelta(days=30), ends_on=ends_on, umkm_target=50_000)

    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    page = client.get(reverse("sessions_app:programme-overview"))
    client.force_login(make_user(Role.KSP_MONITOR))
    ksp = client.get("/monitoring/ksp/")

    assert page.context["programme"] == main == ksp.context["ov"].programme
    assert "Program UMKM Go Online 2018" in page.content.decode()
    # choosing another programme still works
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    chosen = client.get(reverse("sessions_app:programme-overview"), {"programme": demo.pk})
    assert chosen.context["programme"] == demo
