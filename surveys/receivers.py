"""Receivers of the lower apps' domain events: each queues a task or calls a service, nothing more.

The erase and export receivers answer participants' personal-data hooks, sent inside the erasure's
and the export's transaction: free-text answers go with the person or, if that fails, nothing does.
"""

from django.dispatch import receiver

from cities.events import programme_seeded
from participants.events import personal_data_erase, personal_data_export
from sessions_app.events import attendance_closed


@receiver(attendance_closed, dispatch_uid="surveys.invite_feedback")
def invite_after_attendance_closed(sender, *, session_id: int, **kwargs):
    from .tasks import invite_feedback

    invite_feedback.delay(session_id)


@receiver(personal_data_erase, dispatch_uid="surveys.erase_answers")
def erase_answers_with_the_person(sender, *, participant_ids, **kwargs):
    from .services.responses import participant_answers_erase

    return {"survey_texts_erased": participant_answers_erase(participant_ids=participant_ids)}


@receiver(programme_seeded, dispatch_uid="surveys.seed_defaults")
def default_surveys_for_seeded_programme(sender, *, programme_id: int, **kwargs):
    from .seed import surveys_seed_defaults

    surveys_seed_defaults(programme_id=programme_id)


@receiver(personal_data_export, dispatch_uid="surveys.personal_data")
def survey_answers_of_the_person(sender, *, participant_ids, **kwargs):
    from .selectors import survey_answers_of

    return {"survey_responses": survey_answers_of(participant_ids=participant_ids)}
