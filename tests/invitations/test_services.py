import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from invitations.models import Invitation
from invitations.services import invitation_accept, invitation_create, invitation_for_token
from partners.models import TotStatus, Trainer
from tests.factories import PartnerFactory
from users.models import Role, User

pytestmark = pytest.mark.django_db
URL = "http://testserver/invitations/accept/{token}/"
GOOD_PASSWORD = "Matahari-Terbit-2018"


def invite(by, partner, role=Role.TRAINER, email="baru@example.org", **kw):
    return invitation_create(email=email, role=role, partner=partner, invited_by=by, accept_url=URL, **kw)


def token_from_mail() -> str:
    return re.search(r"/accept/([^/\s]+)/", mail.outbox[-1].body).group(1)


def test_admin_invites_a_coordinator_who_sets_a_password(make_user, django_capture_on_commit_callbacks):
    admin, partner = make_user(Role.PROGRAMME_ADMIN), PartnerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        invite(admin, partner, role=Role.PARTNER_COORDINATOR, email="Koord@Example.org", name="Ibu Maria")

    assert mail.outbox[0].to == ["koord@example.org"]
    user = invitation_accept(token=token_from_mail(), name="Maria Goreti", password=GOOD_PASSWORD)

    assert (user.email, user.name, user.role, user.partner) == (
        "koord@example.org",
        "Maria Goreti",
        Role.PARTNER_COORDINATOR,
        partner,
    )
    assert user.check_password(GOOD_PASSWORD)
    assert user.groups.filter(name=Role.PARTNER_COORDINATOR).exists()
    assert not Trainer.objects.filter(user=user).exists()


def test_invited_trainer_gets_a_trainer_profile_not_yet_certified(make_user, django_capture_on_commit_callbacks):
    partner = PartnerFactory()
    coordinator = make_user(Role.PARTNER_COORDINATOR, partner=partner)
    with django_capture_on_commit_callbacks(execute=True):
        invite(coordinator, partner)
    user = invitation_accept(token=token_from_mail(), name="Yohanes", password=GOOD_PASSWORD)
    assert user.trainer.partner == partner and user.trainer.tot_status == TotStatus.NOT_STARTED


def test_the_link_works_only_once(make_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(make_user(Role.PROGRAMME_ADMIN), PartnerFactory())
    token = token_from_mail()
    invitation_accept(token=token, name="A", password=GOOD_PASSWORD)
    assert invitation_for_token(token=token) is None
    with pytest.raises(ValidationError):
        invitation_accept(token=token, name="B", password="Another-Pass-2019")
    assert User.objects.filter(email="baru@example.org").count() == 1


def test_an_expired_link_is_refused(make_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(make_user(Role.PROGRAMME_ADMIN), PartnerFactory())
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError):
        invitation_accept(token=token_from_mail(), name="A", password=GOOD_PASSWORD)
    assert not User.objects.filter(email="baru@example.org").exists()


def test_a_new_invitation_replaces_the_earlier_link(make_user, django_capture_on_commit_callbacks):
    admin, partner = make_user(Role.PROGRAMME_ADMIN), PartnerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        invite(admin, partner)
    old = token_from_mail()
    with django_capture_on_commit_callbacks(execute=True):
        invite(admin, partner)
    assert invitation_for_token(token=old) is None
    assert invitation_for_token(token=token_from_mail()) is not None


def test_weak_password_is_refused_and_nothing_is_created(make_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(make_user(Role.PROGRAMME_ADMIN), PartnerFactory())
    with pytest.raises(ValidationError) as exc:
        invitation_accept(token=token_from_mail(), name="A", password="123")
    assert "password" in exc.value.message_dict
    assert not User.objects.filter(email="baru@example.org").exists()


def test_coordinator_invites_only_trainers_of_their_own_partner(make_user):
    own, other = PartnerFactory(), PartnerFactory()
    coordinator = make_user(Role.PARTNER_COORDINATOR, partner=own)
    with pytest.raises(PermissionDenied):
        invite(coordinator, other)
    with pytest.raises(PermissionDenied):
        invite(coordinator, own, role=Role.PARTNER_COORDINATOR)
    with pytest.raises(PermissionDenied):
        invite(make_user(Role.TRAINER, partner=own), own)
    assert not Invitation.objects.exists()


def test_an_existing_account_cannot_be_invited(make_user):
    admin = make_user(Role.PROGRAMME_ADMIN)
    with pytest.raises(ValidationError) as exc:
        invite(admin, PartnerFactory(), email=admin.email.upper())
    assert "email" in exc.value.message_dict
