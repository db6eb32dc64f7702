"""Writes for partners (NGOs) and their trainers."""

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from cities.models import City
from users.models import User

from .models import Partner, TotStatus, Trainer

PARTNER_FIELDS = ("name", "short_name", "contact_email", "contact_phone", "website", "is_active")
TRAINER_FIELDS = ("phone", "tot_status", "tot_started_on", "tot_certified_on", "is_active")


def _check_partner_name(*, name: str, exclude_pk: int | None = None) -> None:
    if Partner.objects.filter(name__iexact=name.strip()).exclude(pk=exclude_pk).exists():  # type: ignore[misc]  # exclude(pk=None) excludes nothing
        raise ValidationError({"name": _("A partner with this name already exists.")})


def partner_create(**fields: Any) -> Partner:
    unknown = set(fields) - set(PARTNER_FIELDS)
    if unknown:
        raise TypeError(f"partner_create cannot set {sorted(unknown)}")
    _check_partner_name(name=fields["name"])
    return Partner.objects.create(**fields)


def partner_update(*, partner: Partner, **fields: Any) -> Partner:
    unknown = set(fields) - set(PARTNER_FIELDS)
    if unknown:
        raise TypeError(f"partner_update cannot set {sorted(unknown)}")
    if "name" in fields:
        _check_partner_name(name=fields["name"], exclude_pk=partner.pk)
    for key, value in fields.items():
        setattr(partner, key, value)
    partner.save(update_fields=list(fields))
    return partner


def _check_tot(*, tot_status: str, tot_started_on: dt.date | None, tot_certified_on: dt.date | None) -> None:
    errors = {}
    if tot_status == TotStatus.CERTIFIED and tot_certified_on is None:
        errors["tot_certified_on"] = _("A certified trainer needs the date of certification.")
    if tot_status in (TotStatus.IN_TRAINING, TotStatus.CERTIFIED) and tot_started_on is None:
        errors["tot_started_on"] = _("Enter the date the training of trainers started.")
    if tot_status != TotStatus.CERTIFIED and tot_certified_on is not None:
        errors["tot_certified_on"] = _("Only a certified trainer has a certification date.")
    if tot_started_on and tot_certified_on and tot_certified_on < tot_started_on:
        errors["tot_certified_on"] = _("Certification cannot come before the training started.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def trainer_update(*, trainer: Trainer, cities: Iterable[City] | None = None, by: User | None = None, **fields: Any) -> Trainer:
    """Change a trainer's ToT status and dates, phone, activity and the cities they serve.

    Marking a trainer inactive withdraws their access on their next request (users/access.py)
    and is audited as such, with `by` as the one who did it.
    """
    unknown = set(fields) - set(TRAINER_FIELDS)
    if unknown:
        raise TypeError(f"trainer_update cannot set {sorted(unknown)}")
    merged = {f: fields.get(f, getattr(trainer, f)) for f in ("tot_status", "tot_started_on", "tot_certified_on")}
    _check_tot(**merged)
    was_active = Trainer.objects.filter(pk=trainer.pk).values_list("is_active", flat=True).first()
    for key, value in fields.items():
        setattr(trainer, key, value)
    if fields:
        trainer.save(update_fields=list(fields))
    if was_active and fields.get("is_active") is False:
        audit_record(actor=by, action=AuditAction.USER_DEACTIVATED, obj=trainer, changes={"trainer_active": [True, False]})
    if cities is not None:
        trainer.cities.set(cities)
    return trainer


def trainer_create(*, user: User, partner: Partner, tot_status: str = TotStatus.NOT_STARTED, **fields: Any) -> Trainer:
    """The trainer profile of a user; called when an invited trainer accepts. Idempotent per user."""
    trainer, _created = Trainer.objects.get_or_create(
        user=user, defaults={"partner": partner, "tot_status": tot_status, **fields}
    )
    return trainer


def trainer_calendar_token_rotate(*, trainer: Trainer) -> str:
    """A new secret for the trainer's calendar feed; the old URL stops working."""
    trainer.calendar_token = secrets.token_urlsafe(32)
    trainer.save(update_fields=["calendar_token"])
    return trainer.calendar_token
