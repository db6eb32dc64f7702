"""Surveys as data: waves and their versioned questions, personal invitations, responses, and the
indicator roll-up the monitoring pages read (SurveyIndicator)."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class WaveKind(models.TextChoices):
    FEEDBACK = "feedback", _("Feedback after a session")
    FOLLOW_UP = "follow_up", _("Follow-up after the first attendance")


class SurveyWave(models.Model):
    """A survey of a programme: feedback after each session, or a follow-up N days after a first counted attendance."""

    programme = models.ForeignKey(
        "cities.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="survey_waves"
    )
    code = models.SlugField(_("code"), max_length=40)
    kind = models.CharField(_("kind"), max_length=12, choices=WaveKind.choices)
    days_after = models.PositiveSmallIntegerField(
        _("days after first attendance"), default=0, help_text=_("Follow-ups only: when the invitation goes out.")
    )
    name_id = models.CharField(_("name (Indonesian)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    open_days = models.PositiveSmallIntegerField(
        _("days a link stays open"), default=30, help_text=_("Answers can be given and edited until then.")
    )
    is_active = models.BooleanField(_("sending invitations"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("survey wave")
        verbose_name_plural = _("survey waves")
        ordering = ["programme", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="survey_wave_unique_code"),
            models.CheckConstraint(
                condition=models.Q(kind="feedback") | models.Q(days_after__gt=0), name="survey_followup_days_positive"
            ),
            models.CheckConstraint(condition=models.Q(open_days__gt=0), name="survey_wave_open_days_positive"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_id


class QuestionKind(models.TextChoices):
    LIKERT = "likert", _("Scale 1–5")
    YES_NO = "yes_no", _("Yes or no")
    CHOICE = "choice", _("One choice")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Short text")


class SurveyQuestion(models.Model):
    """One version of a question. Once answered it is never edited: a change retires it and adds version + 1."""

    wave = models.ForeignKey(SurveyWave, verbose_name=_("wave"), on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(_("code"), max_length=40, help_text=_("Stable across versions; indicators use it."))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=8, choices=QuestionKind.choices)
    text_id = models.CharField(_("question (Indonesian)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300)
    # [{"value": "up", "id": "Naik", "en": "Went up"}, ...] for single-choice questions
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)
    min_value = models.IntegerField(_("smallest number"), null=True, blank=True)
    max_value = models.IntegerField(_("largest number"), null=True, blank=True)
    # Follow-up yes/no questions: which social-media uses recorded at registration count as "yes"
    # at baseline (e.g. has a business page: ["business_page", "sells_online"]); empty = no baseline.
    baseline_values = models.JSONField(_("baseline answers counted as yes"), default=list, blank=True)
    retired_at = models.DateTimeField(_("replaced by a new version"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["wave", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["wave", "code", "version"], name="survey_question_unique_version"),
            models.UniqueConstraint(
                fields=["wave", "code"], condition=models.Q(retired_at__isnull=True), name="survey_question_one_current"
            ),
        ]

    def __str__(self):
        return f"{self.code} v{self.version}"

    @property
    def text(self) -> str:
        return self.text_en if (get_language() or "").startswith("en") else self.text_id

    def choice_label(self, value: str) -> str:
        lang = "en" if (get_language() or "").startswith("en") else "id"
        return next((c[lang] for c in self.choices if c["value"] == value), value)


class SurveyInvitation(models.Model):
    """One participant asked to answer one wave (for feedback: about one session), through a personal link.

    The link's token is derived from `nonce` with the site secret and only its SHA-256 is stored, so a
    database copy alone cannot open anyone's survey; the reminder re-derives the same link.
    """

    wave = models.ForeignKey(SurveyWave, verbose_name=_("wave"), on_delete=models.CASCADE, related_name="invitations")
    participant = models.ForeignKey(
        "participants.Participant", verbose_name=_("participant"), on_delete=models.CASCADE, related_name="survey_invitations"
    )
    session = models.ForeignKey(
        "sessions_app.TrainingSession",
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_invitations",
    )
    nonce = models.CharField(_("link nonce"), max_length=32, unique=True, editable=False)
    token_hash = models.CharField(_("link hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    send_after = models.DateTimeField(_("sent after"))
    closes_at = models.DateTimeField(_("link closes"))
    reminded_at = models.DateTimeField(_("reminder queued"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["wave", "reminded_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "participant", "session"],
                condition=models.Q(session__isnull=False),
                name="survey_invitation_once_per_session",
            ),
            models.UniqueConstraint(
                fields=["wave", "participant"], condition=models.Q(session__isnull=True), name="survey_invitation_once_per_wave"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("send_after")), name="survey_invitation_closes_later"
            ),
        ]

    def __str__(self):
        return f"{self.wave} → participant {self.participant_id}"


class ResponseSource(models.TextChoices):
    LINK = "link", _("Answered through the personal link")
    PAPER = "paper", _("Entered from paper by a trainer")


class SurveyResponse(models.Model):
    """The answers of one invitation: one per participant and wave (per session for feedback); a resubmission edits it."""

    invitation = models.OneToOneField(
        SurveyInvitation, verbose_name=_("invitation"), on_delete=models.CASCADE, related_name="response"
    )
    source = models.CharField(_("source"), max_length=8, choices=ResponseSource.choices, default=ResponseSource.LINK)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("first submitted"))
    updated_at = models.DateTimeField(_("last changed"))
    edits = models.PositiveSmallIntegerField(_("times edited"), default=0)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-submitted_at", "-pk"]

    def __str__(self):
        return f"{self.invitation}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers")
    number = models.IntegerField(_("number"), null=True, blank=True)  # likert 1-5, yes 1 / no 0, number
    choice = models.CharField(_("choice"), max_length=40, blank=True)
    text = models.TextField(_("text"), blank=True)  # personal data: blanked when the person is erased

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="survey_answer_once_per_question")]

    def __str__(self):
        return f"{self.question}: {self.number if self.number is not None else self.choice or '…'}"


class SurveyIndicator(models.Model):
    """Roll-up row: one figure of one wave, over everyone or one group (dimension = value).

    metric "responses": numerator responded, denominator invited. "<question>": for yes/no the yes count
    over respondents who answered; for likert and number the sum over respondents (mean = sum / n);
    for choice the count of `choice` over respondents. Written only by services.indicators_rebuild.
    """

    programme = models.ForeignKey("cities.Programme", on_delete=models.CASCADE, related_name="+")
    wave = models.ForeignKey(SurveyWave, on_delete=models.CASCADE, related_name="+")
    metric = models.CharField(max_length=40)
    choice = models.CharField(max_length=40, blank=True)
    dimension = models.CharField(max_length=12)  # all, gender, scale, city, partner, cohort
    value = models.CharField(max_length=40, blank=True)
    numerator = models.BigIntegerField(default=0)
    denominator = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("survey indicator")
        verbose_name_plural = _("survey indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "metric", "choice", "dimension", "value"], name="survey_indicator_unique_cell"
            ),
        ]
        indexes = [models.Index(fields=["programme", "dimension"])]

    def __str__(self):
        return f"{self.metric} {self.dimension}={self.value}: {self.numerator}/{self.denominator}"
