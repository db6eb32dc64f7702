"""Date and time inputs carry ISO values (2026-12-15, 09:00) in Indonesian and English.

A browser drops `<input type="date" value="15-12-2026">`, so an edit form could not be saved
without typing the date again.
"""

import datetime as dt
import importlib
import inspect
import re
import zoneinfo
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import CityFactory, PartnerFactory, ProgrammeFactory, RoadshowFactory, TrainerFactory, TrainingSessionFactory
from users.models import Role

LANGUAGES = ["id", "en"]
DAY = dt.date(2026, 12, 15)


def input_value(html: str, name: str) -> tuple[str, str]:
    """(type, value) of the input named `name`."""
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', html)
    assert tag, f"no input {name}"
    kind = re.search(r'\btype="([^"]+)"', tag.group(0)).group(1)
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return kind, value.group(1) if value else ""


def project_forms():
    """Every Form class defined in the project's own `forms.py` modules."""
    root = Path(settings.BASE_DIR)
    for path in sorted(root.glob("*/forms.py")):
        module = importlib.import_module(f"{path.parent.name}.forms")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def test_the_project_has_forms_with_date_fields():
    dated = [
        cls for cls in project_forms() if any(isinstance(f, forms.DateField | forms.TimeField) for f in cls.base_fields.values())
    ]
    assert len(dated) >= 5, dated


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_date_and_time_field_of_every_form_renders_iso(language):
    checked = 0
    with translation.override(language):
        for cls in project_forms():
            for name, field in cls.base_fields.items():
                if isinstance(field, forms.DateTimeField):
                    continue
                if isinstance(field, forms.DateField):
                    html = field.widget.render(name, DAY)
                    assert f'value="{DAY:%Y-%m-%d}"' in html and 'type="date"' in html, (cls.__name__, name, html)
                    checked += 1
                elif isinstance(field, forms.TimeField):
                    html = field.widget.render(name, dt.time(9, 0))
                    assert 'value="09:00"' in html and 'type="time"' in html, (cls.__name__, name, html)
                    checked += 1
    assert checked >= 9


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_edit_and_filter_forms_render_an_existing_objects_dates_in_iso(make_user, language):
    programme = ProgrammeFactory(ends_on=dt.date(2027, 6, 30))
    jayapura = CityFactory(name="Jayapura", time_zone="Asia/Jayapura")
    partner = PartnerFactory()
    trainer = TrainerFactory(partner=partner, tot_started_on=dt.date(2026, 11, 2), tot_certified_on=DAY)
    roadshow = RoadshowFactory(programme=programme, city=jayapura, partner=partner, starts_on=dt.date(2026, 12, 1), ends_on=DAY)
    start = dt.datetime.combine(DAY, dt.time(9, 0), tzinfo=zoneinfo.ZoneInfo("Asia/Jayapura"))
    session = TrainingSessionFactory(
        programme=programme,
        city=jayapura,
        partner=partner,
        roadshow=roadshow,
        lead_trainer=trainer,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
    )
    c = Client()
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    c.force_login(make_user(Role.PROGRAMME_ADMIN))

    def page(url):
        response = c.get(url)
        assert response.status_code == 200, url
        return response.content.decode()

    edit = page(reverse("sessions_app:session-update", args=[session.pk]))
    assert input_value(edit, "date") == ("date", "2026-12-15")
    assert input_value(edit, "start_time") == ("time", "09:00")
    assert input_value(edit, "end_time") == ("time", "12:00")

    roadshow_edit = page(reverse("sessions_app:roadshow-update", args=[roadshow.pk]))
    assert input_value(roadshow_edit, "starts_on") == ("date", "2026-12-01")
    assert input_value(roadshow_edit, "ends_on") == ("date", "2026-12-15")

    trainer_edit = page(reverse("partners:trainer-update", args=[trainer.pk]))
    assert input_value(trainer_edit, "tot_started_on") == ("date", "2026-11-02")
    assert input_value(trainer_edit, "tot_certified_on") == ("date", "2026-12-15")

    query = "?date_from=2026-12-01&date_to=2026-12-15"
    for url in (reverse("sessions_app:session-list"), reverse("sessions_app:roadshow-list"), reverse("monitoring-dashboard")):
        filters = page(url + query + (f"&programme={programme.pk}" if "monitoring" in url else ""))
        assert input_value(filters, "date_from") == ("date", "2026-12-01"), url
        assert input_value(filters, "date_to") == ("date", "2026-12-15"), url
