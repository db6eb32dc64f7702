"""Property-based tests (hypothesis): whatever people type or upload, a clear error or a whole
result, never a server error and never half a record.

Run with `--hypothesis-show-statistics` to see how many examples each property ran.
"""

import datetime as dt
import io
import string

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from participants.models import Attendance, Participant, ParticipantImport
from participants.phones import phone_normalise
from participants.services.imports import import_create, import_file_read
from sessions_app.models import TrainingSession
from tests.factories import TrainingSessionFactory
from users.models import Role, User

PHONE_CHARS = string.digits + " +-().\u00a0\u0660\u0661\u0662"  # with Arabic-Indic digits, which some phones send
DB_EXAMPLES = 60


def _e164(text: str) -> bool:
    return text.startswith("+") and text[1:].isdigit() and 8 <= len(text) <= 16


@settings(max_examples=1000, deadline=None)
@given(st.one_of(st.text(alphabet=PHONE_CHARS, max_size=25), st.text(max_size=40)))
def test_the_phone_normaliser_gives_e164_or_a_clear_error(raw):
    try:
        normal = phone_normalise(raw)
    except ValidationError as error:
        assert error.code == "invalid_phone" and error.messages[0]
        return
    assert normal == "" or _e164(normal)
    assert phone_normalise(normal) == normal  # normalising twice changes nothing


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(["811", "812", "813", "821", "852", "857", "878", "895"]), st.integers(10**6, 10**8 - 1))
def test_every_way_of_writing_a_mobile_number_is_the_same_number(prefix, rest):
    national = f"{prefix}{rest}"
    written = [f"0{national}", f"+62{national}", f"62{national}", f"+62 {prefix}-{str(rest)[:4]}-{str(rest)[4:]}"]
    normals = set()
    for text in written:
        try:
            normals.add(phone_normalise(text))
        except ValidationError:
            normals.add("invalid")
    assert len(normals) == 1


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=4096), st.sampled_from(["list.csv", "list.xlsx"]))
def test_any_bytes_uploaded_are_rows_or_a_clear_error(content, name):
    try:
        rows = import_file_read(name=name, content=content)
    except ValidationError as error:
        assert error.messages and all(m.strip() for m in error.messages)
        return
    assert isinstance(rows, list) and all(isinstance(r, dict) for r in rows)


cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(cell, min_size=0, max_size=6), max_size=30), st.sampled_from([",", ";"]))
def test_any_csv_text_is_read_row_for_row_or_refused_clearly(body, delimiter):
    import csv

    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(["session", "name", "phone"])
    writer.writerows(body)
    try:
        rows = import_file_read(name="a.csv", content=text.getvalue().encode("utf-8"))
    except ValidationError as error:
        assert error.messages
        return
    assert len(rows) <= len(body)
    assert all(set(r) <= {"session", "full_name", "phone"} for r in rows)


@pytest.mark.django_db
@settings(max_examples=DB_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(cell, cell, st.text(alphabet=PHONE_CHARS, max_size=16)), min_size=1, max_size=8))
@example(rows=[("²", "", "")])  # found by hypothesis: "²".isdigit() is True, and the session lookup gave a 500
def test_an_import_is_stored_whole_or_not_at_all(make_user, rows):
    admin = User.objects.filter(email="property-admin@example.org").first() or make_user(
        Role.PROGRAMME_ADMIN, email="property-admin@example.org"
    )
    lines = ["session,name,phone"] + [",".join(f'"{v.replace(chr(34), "")}"' for v in row) for row in rows]
    before = ParticipantImport.objects.count()
    try:
        job = import_create(user=admin, name="a.csv", content="\n".join(lines).encode("utf-8"))
    except ValidationError as error:
        assert error.messages and ParticipantImport.objects.count() == before
        return
    assert ParticipantImport.objects.count() == before + 1
    assert len(job.preview) == len(job.rows) == job.total_rows
    assert all(p["action"] in ("create", "match", "error") and p.get("reason") for p in job.preview)


public_form = st.fixed_dictionaries(
    {
        "client_id": st.one_of(st.uuids().map(str), st.text(max_size=40)),
        "full_name": st.one_of(st.text(min_size=1, max_size=40), st.text(max_size=200)),
        "phone": st.one_of(
            st.integers(10**8, 10**9 - 1).map(lambda n: f"0812{n}"),
            st.text(alphabet=PHONE_CHARS, max_size=20),
            st.text(max_size=40),
        ),
        "gender": st.one_of(st.sampled_from(["female", "male", "unspecified", ""]), st.text(max_size=10)),
        "business_name": st.one_of(st.text(min_size=1, max_size=40), st.text(max_size=250)),
        "email": st.one_of(st.emails(), st.text(max_size=60)),
        "nib": st.one_of(st.from_regex(r"\A[0-9]{13}\Z"), st.text(max_size=20)),
        "consent": st.sampled_from(["on", "on", "on", ""]),
        "whatsapp_opt_in": st.sampled_from(["on", ""]),
    }
)


@pytest.mark.django_db
@settings(max_examples=DB_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(public_form)
def test_the_public_registration_form_answers_clearly_and_writes_a_whole_person_or_nothing(settings_fixture, data):
    session = TrainingSession.objects.filter(title="Property session").first()
    if session is None:
        now = timezone.now()
        session = TrainingSessionFactory(
            title="Property session", starts_at=now + dt.timedelta(days=1), ends_at=now + dt.timedelta(days=1, hours=3)
        )
    data = {k: v.replace("\x00", "") for k, v in data.items()}  # browsers never send NUL in a form field
    people, attendances = Participant.objects.count(), Attendance.objects.count()

    response = Client().post(f"/r/{session.registration_token}/", data)

    assert response.status_code in (200, 302)
    event("registered" if response.status_code == 302 else "refused with a message")
    if response.status_code == 200:  # the form again, with what to fix
        assert "is-invalid" in response.content.decode() or "invalid-feedback" in response.content.decode()
        assert (Participant.objects.count(), Attendance.objects.count()) == (people, attendances)
    else:
        assert Attendance.objects.count() == attendances + 1 or Participant.objects.count() == people
        newest = Participant.objects.order_by("-pk").first()
        assert newest.full_name.strip() and newest.phone.startswith("+") and newest.consent_at is not None


@pytest.fixture
def settings_fixture(settings):
    settings.PUBLIC_FORM_RATE_LIMITS = {"address": (10_000, 60), "link": (10_000, 60)}
    return settings
