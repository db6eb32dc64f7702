import pytest
from django.template import Context, Template
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_numbers_are_grouped_for_people_but_ids_in_markup_are_not():
    """With USE_THOUSAND_SEPARATOR an id 1072 would render as "1.072" and break htmx targets and forms."""
    template = Template('<li id="person-{{ pk|unlocalize }}">{{ total }}</li>')

    with translation.override("id"):
        html = template.render(Context({"pk": 1072, "total": 10000}))

    assert html == '<li id="person-1072">10.000</li>'


def test_the_trainer_roster_keeps_large_ids_intact(client, make_user):
    from tests.factories import AttendanceFactory, ParticipantFactory, PartnerFactory, TrainerFactory, TrainingSessionFactory

    partner = PartnerFactory()
    trainer = TrainerFactory(partner=partner)
    from users.roles import user_set_role

    user_set_role(user=trainer.user, role="trainer", partner=partner)
    session = TrainingSessionFactory(partner=partner, lead_trainer=trainer)
    person = ParticipantFactory(pk=123456, city=session.city)
    AttendanceFactory(session=session, participant=person)
    client.force_login(trainer.user)

    html = client.get(f"/trainer/sessions/{session.pk}/").content.decode()

    assert 'data-testid="row-123456"' in html
    assert 'name="participant" value="123456"' in html
