"""The consent text participants agree to, versioned: the version is stored on each participant.

Changing the text means adding a new version here and pointing CURRENT_CONSENT_VERSION at it;
old versions stay so that what each person agreed to can still be shown.
"""

from django.utils.translation import gettext_lazy as _

CONSENT_TEXTS = {
    "2018-08-v1": _(
        "I agree that LAJU DIGITAL (Facebook Indonesia and its partner organisations) stores my name, "
        "phone number, business details and attendance to run this training, to count who was trained, "
        "and to ask me about the results later. My data is handled under Law 27/2022 on personal data "
        "protection; I can ask to see it or have it erased at any time."
    ),
}
CURRENT_CONSENT_VERSION = "2018-08-v1"


def consent_text(version: str = CURRENT_CONSENT_VERSION):
    return CONSENT_TEXTS[version]
