"""The schedule pages through the test client: local times, filters, forms, conflicts, scoping, query counts."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from sessions_app.models import SessionChange, SessionStatus, TrainingSession
from sessions_app.services import session_assign_trainers, session_create
from tests.factories import AttendanceFactory, PartnerFactory, RoadshowFactory, TrainerFactory, TrainingSessionFactory
from users.models import Role

from .conftest import WIT, WITA, at

pytestmark = pytest.mark.django_db


def make(roadshow, start, hours=3, **kw):
    fields = {"title": f"Kelas {roadshow.city}", "capacity": 30, "audience": "umkm", "delivery": "in_person", "venue": "Aula"}
    return session_create(roadshow=roadshow, starts_at=start, ends_at=start + dt.timedelta(hours=hours), **{**fields, **kw})


@pytest.fixture
def admin(client, make_user):
    user = make_user(Role.PROGRAMME_ADMIN)
    client.force_login(user)
    return user


@pytest.fixture
def two_sessions(world):
    return make(world["rs_kupang"], at(WITA, 12, 9)), make(world["rs_jayapura"], at(WIT, 12, 9))


def english(client):
    client.cookies["django_language"] = "en"


def test_list_shows_each_session_in_its_city_local_time(client, admin, two_sessions):
    html = client.get(reverse("sessions_app:session-list"), {"when": "all"}).content.decode()
    assert "12 Sep 2018, 09.00–12.00 WITA" in html
    assert "12 Sep 2018, 09.00–12.00 WIT" in html
    # Sorted by absolute time: Jayapura (00.00 UTC) comes before Kupang (01.00 UTC).
    assert html.index("Kelas Jayapura") < html.index("Kelas Kupang")


def test_list_filters_by_city_audience_status_and_local_dates(client, admin, world, two_sessions):
    url = reverse("sessions_app:session-list")
    by_city = client.get(url, {"city": world["kupang"].pk, "when": "all"}).context["sessions"]
    assert [s.city.name for s in by_city] == ["Kupang"]
    assert not client.get(url, {"audience": "pemda", "when": "all"}).context["sessions"]
    assert not client.get(url, {"status": "cancelled", "when": "all"}).context["sessions"]
    # 09.00 WIT on 12 Sep is 11 Sep in UTC; the date filter uses the city's date.
    on_the_12th = client.get(url, {"date_from": "2018-09-12", "date_to": "2018-09-12"}).context["sessions"]
    assert len(on_the_12th) == 2
    assert not client.get(url, {"date_from": "2018-09-13"}).context["sessions"]


def test_list_query_count_does_not_grow_with_rows(client, admin, world, django_assert_max_num_queries):
    def add(n):
        for i in range(n):
            session = TrainingSessionFactory(
                programme=world["programme"],
                roadshow=world["rs_kupang"],
                city=world["kupang"],
                partner=world["partner"],
                starts_at=at(WITA, 11, 8) + dt.timedelta(days=i % 8, minutes=i),
                lead_trainer=TrainerFactory(partner=world["partner"]),
            )
            session.co_trainers.add(TrainerFactory(partner=world["partner"]))
            AttendanceFactory(session=session)

    add(3)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("sessions_app:session-list"), {"when": "all"})
    add(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("sessions_app:session-list"), {"when": "all"})
    assert len(response.context["sessions"]) == 33


def test_calendar_places_sessions_on_their_local_date_with_zone(client, admin, world):
    # 07.00 WIT on 10 Sep is 9 Sep 22.00 UTC: it belongs on the 10th.
    make(world["rs_jayapura"], at(WIT, 10, 7))
    response = client.get(reverse("sessions_app:session-calendar"), {"month": "2018-09"})
    days = {d.date: d.sessions for week in response.context["weeks"] for d in week}
    assert [s.city.name for s in days[dt.date(2018, 9, 10)]] == ["Jayapura"]
    assert days[dt.date(2018, 9, 9)] == []
    assert "07.00 WIT" in response.content.decode()


def test_calendar_query_count_is_bounded(client, admin, world, two_sessions, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        client.get(reverse("sessions_app:session-calendar"), {"month": "2018-09"})


def test_csv_export_has_local_and_utc_times(client, admin, two_sessions):
    response = client.get(reverse("sessions_app:session-export"), {"when": "all"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "ID sesi"
    by_city = {r[2]: r for r in rows[1:]}
    assert by_city["Kupang"][8:14] == ["2018-09-12", "09:00", "12:00", "WITA", "2018-09-12T01:00Z", "2018-09-12T04:00Z"]
    assert by_city["Jayapura"][8:14] == ["2018-09-12", "09:00", "12:00", "WIT", "2018-09-12T00:00Z", "2018-09-12T03:00Z"]


def test_create_form_takes_the_city_local_time_and_stores_utc(client, admin, world):
    response = client.post(
        reverse("sessions_app:session-create"),
        {
            "roadshow": world["rs_jayapura"].pk,
            "title": "Kelas WhatsApp Business",
            "audience": "umkm",
            "delivery": "in_person",
            "venue": "Aula",
            "date": "2018-09-12",
            "start_time": "09:00",
            "end_time": "12:00",
            "capacity": 40,
            "status": "scheduled",
        },
    )
    session = TrainingSession.objects.get()
    assert response.status_code == 302
    assert session.starts_at == dt.datetime(2018, 9, 12, 0, 0, tzinfo=dt.UTC)
    assert (session.city, session.partner) == (world["jayapura"], world["partner"])


@pytest.mark.parametrize(
    ("lang", "message"),
    [("id", "Sesi harus selesai setelah dimulai."), ("en", "The session must end after it starts.")],
)
def test_bad_input_is_shown_next_to_the_field_in_the_users_language(client, admin, world, lang, message):
    if lang == "en":
        english(client)
    data = {
        "roadshow": world["rs_kupang"].pk,
        "title": "X",
        "audience": "umkm",
        "delivery": "in_person",
        "date": "2018-09-12",
        "start_time": "12:00",
        "end_time": "09:00",
        "capacity": 0,
        "status": "scheduled",
    }
    response = client.post(reverse("sessions_app:session-create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["end_time"] == [message]
    assert "capacity" in form.errors
    assert message in response.content.decode()
    assert not TrainingSession.objects.exists()


def test_two_admins_editing_at_once_the_second_is_told_not_silently_overwritten(client, admin, world, two_sessions):
    session = two_sessions[0]
    url = reverse("sessions_app:session-update", args=[session.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(date="2018-09-12", start_time="09:00", end_time="12:00")

    first = client.post(url, {**data, "title": "Judul admin pertama"})
    second = client.post(url, {**data, "title": "Judul admin kedua"})

    assert first.status_code == 302
    assert second.status_code == 409
    assert "Orang lain mengubah sesi ini" in second.content.decode()
    session.refresh_from_db()
    assert session.title == "Judul admin pertama"


def test_moving_through_the_edit_form_records_the_change(client, admin, world, two_sessions):
    session = two_sessions[0]
    AttendanceFactory(session=session)
    url = reverse("sessions_app:session-update", args=[session.pk])
    data = {k: v for k, v in client.get(url).context["form"].initial.items() if v is not None}
    data.update(date="2018-09-13", start_time="14:00", end_time="16:00", reason="Aula dipakai")
    assert client.post(url, data).status_code == 302
    change = SessionChange.objects.get()
    assert change.new_starts_at == at(WITA, 13, 14) and change.reason == "Aula dipakai"


def test_cancel_page_cancels_and_records(client, admin, two_sessions):
    session = two_sessions[1]
    AttendanceFactory.create_batch(2, session=session)
    url = reverse("sessions_app:session-cancel", args=[session.pk])
    assert "2 orang sudah mendaftar" in client.get(url).content.decode()
    client.post(url, {"version": session.version, "reason": "Banjir"})
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert SessionChange.objects.get().registrations_affected == 2


def test_trainer_form_offers_only_certified_trainers_of_the_sessions_partner(client, admin, world, two_sessions):
    from partners.models import TotStatus

    trainee = TrainerFactory(partner=world["partner"], tot_status=TotStatus.IN_TRAINING, tot_certified_on=None)
    outsider = TrainerFactory(partner=PartnerFactory())
    form = client.get(reverse("sessions_app:session-trainers", args=[two_sessions[0].pk])).context["form"]
    offered = set(form.fields["lead_trainer"].queryset)
    assert world["trainer"] in offered and trainee not in offered and outsider not in offered


def test_double_booking_through_the_page_is_refused_with_a_message(client, admin, world, two_sessions):
    kupang, jayapura = two_sessions
    session_assign_trainers(session=kupang, expected_version=kupang.version, lead_trainer=world["trainer"])
    response = client.post(
        reverse("sessions_app:session-trainers", args=[jayapura.pk]),
        {"lead_trainer": world["trainer"].pk, "version": jayapura.version},
    )
    assert response.status_code == 200
    assert "sudah dijadwalkan" in response.context["form"].errors["lead_trainer"][0]


@pytest.fixture
def other_partner_session(world):
    other = PartnerFactory()
    roadshow = RoadshowFactory(programme=world["programme"], partner=other, city=world["kupang"])
    return make(roadshow, at(WITA, 12, 13))


@pytest.mark.parametrize("name", ["session-detail", "session-update", "session-cancel", "session-trainers"])
def test_coordinator_guessing_another_partners_session_gets_404(client, make_user, world, other_partner_session, name):
    client.force_login(make_user(Role.PARTNER_COORDINATOR, partner=world["partner"]))
    assert client.get(reverse(f"sessions_app:{name}", args=[other_partner_session.pk])).status_code == 404


def test_coordinator_sees_only_own_partner_sessions_and_roadshows(client, make_user, world, two_sessions, other_partner_session):
    client.force_login(make_user(Role.PARTNER_COORDINATOR, partner=world["partner"]))
    listed = client.get(reverse("sessions_app:session-list"), {"when": "all"}).context["sessions"]
    assert listed and {s.partner for s in listed} == {world["partner"]}
    assert client.get(reverse("sessions_app:roadshow-update", args=[other_partner_session.roadshow_id])).status_code == 404
    # the roadshow form offers only the coordinator's own partner
    form = client.get(reverse("sessions_app:roadshow-create")).context["form"]
    assert list(form.fields["partner"].queryset) == [world["partner"]]


def test_trainer_sees_only_assigned_sessions(client, world, two_sessions):
    kupang, jayapura = two_sessions
    session_assign_trainers(session=kupang, expected_version=kupang.version, lead_trainer=world["trainer"])
    client.force_login(world["trainer"].user)
    from users.roles import user_set_role

    user_set_role(user=world["trainer"].user, role=Role.TRAINER, partner=world["partner"])
    assert client.get(reverse("sessions_app:session-detail", args=[kupang.pk])).status_code == 200
    assert client.get(reverse("sessions_app:session-detail", args=[jayapura.pk])).status_code == 404
    assert client.get(reverse("sessions_app:session-list")).status_code == 403


@pytest.mark.parametrize("role", [Role.KSP_MONITOR, Role.POLICY_VIEWER])
def test_monitoring_roles_cannot_open_the_schedule_pages(client, make_user, role):
    client.force_login(make_user(role))
    for name in ("session-list", "session-export", "session-create", "programme-overview"):
        assert client.get(reverse(f"sessions_app:{name}")).status_code == 403


def test_roadshow_create_page_then_add_sessions(client, admin, world):
    response = client.post(
        reverse("sessions_app:roadshow-create"),
        {
            "programme": world["programme"].pk,
            "city": world["kupang"].pk,
            "partner": world["partner"].pk,
            "starts_on": "2018-10-01",
            "ends_on": "2018-09-28",
            "status": "planned",
        },
    )
    assert "ends_on" in response.context["form"].errors
    response = client.post(
        reverse("sessions_app:roadshow-create"),
        {
            "programme": world["programme"].pk,
            "city": world["kupang"].pk,
            "partner": world["partner"].pk,
            "starts_on": "2018-10-01",
            "ends_on": "2018-10-05",
            "status": "planned",
        },
    )
    assert response.status_code == 302 and "?roadshow=" in response["Location"]


def test_roadshow_list_query_count_is_bounded(client, admin, world, django_assert_max_num_queries):
    for _ in range(20):
        RoadshowFactory(programme=world["programme"], partner=world["partner"], city=world["kupang"])
    with django_assert_max_num_queries(10):
        response = client.get(reverse("sessions_app:roadshow-list"))
    assert len(response.context["roadshows"]) == 22


def test_coordinator_cannot_create_a_session_in_another_partners_roadshow(client, make_user, world, other_partner_session):
    client.force_login(make_user(Role.PARTNER_COORDINATOR, partner=world["partner"]))
    response = client.post(
        reverse("sessions_app:session-create"),
        {
            "roadshow": other_partner_session.roadshow_id,
            "title": "Menyusup",
            "audience": "umkm",
            "delivery": "in_person",
            "date": "2018-09-12",
            "start_time": "09:00",
            "end_time": "12:00",
            "capacity": 10,
            "status": "scheduled",
        },
    )
    assert "roadshow" in response.context["form"].errors
    assert TrainingSession.objects.filter(title="Menyusup").count() == 0
