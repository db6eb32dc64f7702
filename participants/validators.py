"""The NIB rule, once: forms, editing, imports, the match search and the model field all use it."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NIB_LENGTH = 13


def nib_clean(value: str | None) -> str:
    """The NIB as stored: spaces people type between digit groups removed."""
    return (value or "").replace(" ", "")


def nib_is_valid(value: str) -> bool:
    """Empty (the NIB is optional) or exactly 13 ASCII digits."""
    return not value or (value.isascii() and value.isdigit() and len(value) == NIB_LENGTH)


def validate_nib(value: str) -> None:
    """The model field's validator; forms and services call it too, so every entry point says the same."""
    if not nib_is_valid(value):
        raise ValidationError(_("The NIB has exactly 13 digits."), code="invalid_nib")
