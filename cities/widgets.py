"""Date and time inputs that browsers accept, shared by every app's forms (cities is the bottom layer).

`<input type="date">` and `<input type="time">` only take ISO values (2026-12-15, 09:00): a
browser silently drops `value="15-12-2026"` or `value="09.00"`, and the form can then not be
saved until the date is typed again. Django renders a DateInput with the active locale's first
DATE_INPUT_FORMATS entry (Indonesian: %d-%m-%Y), so these widgets pin the ISO format whatever
the language. The locale format modules (umkm_program/formats) also list ISO first, so any
other DateInput renders ISO as well.
"""

from django import forms

ISO_DATE = "%Y-%m-%d"
ISO_TIME = "%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs=attrs, format=format or ISO_DATE)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs=attrs, format=format or ISO_TIME)
