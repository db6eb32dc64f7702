import re

import pytest
from django.core import mail
from django.urls import reverse

from invitations.models import Invitation
from tests.factories import PartnerFactory
from users.models import Role, User

pytestmark = pytest.mark.django_db


def test_coordinator_invites_a_trainer_of_own_partner_only(client, make_user, django_capture_on_commit_callbacks):
    own, other = PartnerFactory(), PartnerFactory()
    client.force_login(make_user(Role.PARTNER_COORDINATOR, partner=own))
    url = reverse("invitations:invitation-list")
    form = client.get(url).context["form"]
    assert list(form.fields["partner"].queryset) == [own]
    assert [c[0] for c in form.fields["role"].choices] == [Role.TRAINER]

    response = client.post(url, {"email": "x@example.org", "role": Role.TRAINER, "partner": other.pk})
    assert "partner" in response.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"email": "x@example.org", "role": Role.TRAINER, "partner": own.pk}).status_code == 302
    assert len(mail.outbox) == 1 and "/invitations/accept/" in mail.outbox[0].body


def test_invitee_sets_password_through_the_link_once(client, make_user, django_capture_on_commit_callbacks):
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    partner = PartnerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("invitations:invitation-list"),
            {"email": "k@example.org", "role": Role.PARTNER_COORDINATOR, "partner": partner.pk},
        )
    client.logout()
    link = re.search(r"http://testserver(/invitations/accept/\S+/)", mail.outbox[0].body).group(1)

    response = client.post(link, {"name": "Koordinator", "password1": "short", "password2": "short"})
    assert response.context["form"].errors["password1"]
    response = client.post(link, {"name": "Koordinator", "password1": "Sangat-Rahasia-2018", "password2": "Sangat-Rahasia-2018"})
    assert response["Location"] == reverse("account_login")
    assert User.objects.get(email="k@example.org").role == Role.PARTNER_COORDINATOR
    assert client.get(link).status_code == 410


def test_invitation_list_is_scoped_and_closed_to_trainers(client, make_user):
    own, other = PartnerFactory(), PartnerFactory()
    Invitation.objects.create(
        email="a@example.org", role=Role.TRAINER, partner=other, token_hash="a" * 64, expires_at="2030-01-01T00:00Z"
    )
    client.force_login(make_user(Role.PARTNER_COORDINATOR, partner=own))
    assert "a@example.org" not in client.get(reverse("invitations:invitation-list")).content.decode()
    client.force_login(make_user(Role.TRAINER, partner=own))
    assert client.get(reverse("invitations:invitation-list")).status_code == 403
