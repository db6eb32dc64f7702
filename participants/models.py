from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .validators import validate_nib


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNSPECIFIED = "unspecified", _("Prefer not to say")


class AgeBand(models.TextChoices):
    UNDER_25 = "under_25", _("Under 25")
    AGE_25_34 = "25_34", _("25–34")
    AGE_35_44 = "35_44", _("35–44")
    AGE_45_54 = "45_54", _("45–54")
    AGE_55_PLUS = "55_plus", _("55 or older")


class ParticipantKind(models.TextChoices):
    UMKM = "umkm", _("UMKM owner")
    PEMDA = "pemda", _("Local government officer")


class BusinessScale(models.TextChoices):
    # PP 7/2021 annual-sales bands
    MIKRO = "mikro", _("Micro (sales up to Rp2 billion a year)")
    KECIL = "kecil", _("Small (sales over Rp2 billion up to Rp15 billion a year)")
    MENENGAH = "menengah", _("Medium (sales over Rp15 billion up to Rp50 billion a year)")


class Sector(models.TextChoices):
    FOOD = "food", _("Food and beverages")
    FASHION = "fashion", _("Fashion and textiles")
    CRAFT = "craft", _("Crafts")
    AGRICULTURE = "agriculture", _("Agriculture and fisheries")
    TRADE = "trade", _("Retail and trade")
    SERVICES = "services", _("Services")
    TOURISM = "tourism", _("Tourism and hospitality")
    OTHER = "other", _("Other")


class SocialMediaUse(models.TextChoices):
    NONE = "none", _("Does not use social media")
    PERSONAL = "personal", _("Personal use only")
    BUSINESS_PAGE = "business_page", _("Has a business page or account")
    SELLS_ONLINE = "sells_online", _("Already sells online")


class Participant(models.Model):
    """One person (and their business or agency), registered once and recognised again."""

    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("phone (E.164)"), max_length=20, blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices)
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices, blank=True)
    city = models.ForeignKey("cities.City", verbose_name=_("city"), on_delete=models.PROTECT, related_name="participants")
    kind = models.CharField(_("participant type"), max_length=8, choices=ParticipantKind.choices, default=ParticipantKind.UMKM)
    business_name = models.CharField(_("business name"), max_length=200, blank=True)
    agency = models.CharField(_("agency"), max_length=200, blank=True)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices, blank=True)
    scale = models.CharField(_("business scale"), max_length=10, choices=BusinessScale.choices, blank=True)
    nib = models.CharField(
        _("NIB (business identification number)"), max_length=13, blank=True, db_index=True, validators=[validate_nib]
    )
    baseline_social_media = models.CharField(
        _("social-media use at baseline"), max_length=16, choices=SocialMediaUse.choices, blank=True
    )
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    consent_version = models.CharField(_("consent text version"), max_length=20, blank=True)
    whatsapp_opt_in = models.BooleanField(_("agrees to WhatsApp messages"), default=False)
    is_test = models.BooleanField(_("test data"), default=False, help_text=_("Test records never count toward targets."))
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The partner that registered the person first. Partner staff see their own partner's people;
    # attending another partner's session opens only that attendance (users/scoping.py).
    home_partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("registered first by partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["full_name"]
        indexes = [models.Index(fields=["city", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nib="") | models.Q(nib__regex=r"^[0-9]{13}$"), name="participant_nib_13_digits"
            ),
            models.CheckConstraint(condition=models.Q(phone="") | models.Q(phone__startswith="+"), name="participant_phone_e164"),
        ]

    def __str__(self):
        return self.full_name


class AttendanceStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("No-show")


class RegistrationSource(models.TextChoices):
    TRAINER = "trainer", _("Registered by a trainer")
    WALK_IN = "walk_in", _("Walk-in")
    SELF = "self", _("Self-registration")
    IMPORT = "import", _("Imported list")
    MATCHED = "matched", _("Checked in from another partner's record")


class MatchReason(models.TextChoices):
    """Why a person registered by another partner is checked in here: the stated reason the audit log keeps."""

    PRESENT = "present", _("The person is here in front of me")
    LISTED = "listed", _("The person is on my list for this session")


class Attendance(models.Model):
    """A participant in a session: registered, attended or no-show. One per participant and session."""

    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.PROTECT, related_name="attendances"
    )
    session = models.ForeignKey(
        "sessions_app.TrainingSession", verbose_name=_("session"), on_delete=models.PROTECT, related_name="attendances"
    )
    status = models.CharField(_("status"), max_length=12, choices=AttendanceStatus.choices, default=AttendanceStatus.REGISTERED)
    source = models.CharField(_("source"), max_length=10, choices=RegistrationSource.choices, default=RegistrationSource.TRAINER)
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    device = models.CharField(_("device"), max_length=200, blank=True)
    client_id = models.UUIDField(_("client-generated id"), unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["-registered_at"]
        indexes = [models.Index(fields=["session", "status"]), models.Index(fields=["status", "checked_in_at"])]
        constraints = [
            models.UniqueConstraint(fields=["participant", "session"], name="attendance_unique_participant_session"),
            models.CheckConstraint(
                condition=~models.Q(status="attended") | models.Q(checked_in_at__isnull=False),
                name="attendance_attended_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.participant} @ {self.session}"


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("Waiting for review")
    MERGED = "merged", _("Merged")
    DISMISSED = "dismissed", _("Not the same person")


class ErasureReason(models.TextChoices):
    """Why a person's data was erased: a choice, never free text (free text tends to hold the person's name)."""

    REQUEST = "request", _("The person asked for erasure")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("The person withdrew consent")
    REGISTERED_BY_MISTAKE = "mistake", _("Registered by mistake")
    RETENTION = "retention", _("Retention period ended")
    OTHER = "other", _("Other (see the reference)")


class DuplicateCandidate(models.Model):
    """Two records that may be the same person, created anyway: an admin merges or dismisses them."""

    participant = models.ForeignKey(
        Participant, verbose_name=_("new record"), on_delete=models.CASCADE, related_name="duplicate_of_candidates"
    )
    existing = models.ForeignKey(
        Participant, verbose_name=_("existing record"), on_delete=models.CASCADE, related_name="duplicate_candidates"
    )
    reason = models.CharField(_("why they may be the same"), max_length=200)
    score = models.PositiveSmallIntegerField(_("similarity"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["participant", "existing"], name="duplicate_unique_pair"),
            models.CheckConstraint(condition=~models.Q(participant=models.F("existing")), name="duplicate_not_self"),
        ]

    def __str__(self):
        return f"{self.participant} ~ {self.existing}"


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", _("Preview")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class ParticipantImport(models.Model):
    """An uploaded paper list: its parsed rows, the preview shown, and the outcome once confirmed."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    rows = models.JSONField(_("rows"), default=list)
    preview = models.JSONField(_("preview"), default=list)
    preview_counts = models.JSONField(_("preview counts"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEW)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("participants created"), default=0)
    matched_count = models.PositiveIntegerField(_("matched to existing participants"), default=0)
    flagged_count = models.PositiveIntegerField(_("new, matching a person of another partner (for review)"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    failure = models.TextField(_("why it failed"), blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("participant import")
        verbose_name_plural = _("participant imports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.file_name


class ProposalSource(models.TextChoices):
    SELF_REGISTRATION = "self", _("Self-registration link")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class ProposedChange(models.Model):
    """What someone typed on a public form that differs from the stored person, kept for staff to accept or reject.

    A public form never changes a stored person; `values` holds the proposed field -> value (personal data:
    erased with the person).
    """

    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="proposed_changes"
    )
    session = models.ForeignKey(
        "sessions_app.TrainingSession",
        verbose_name=_("session"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(
        _("source"), max_length=10, choices=ProposalSource.choices, default=ProposalSource.SELF_REGISTRATION
    )
    values = models.JSONField(_("proposed values"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING)
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="pending", decided_at__isnull=True)
                | (~models.Q(status="pending") & models.Q(decided_at__isnull=False)),
                name="proposed_change_decided_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.participant} ({self.get_status_display()})"


class CountedAttendance(models.Model):
    """The attendance at which one person counts toward a programme's target (participants/counting.py).

    One row per programme and person, kept in the same transaction as every change that can move
    it (check-in, undo, merge, erasure, edits of the person, imports), with the slice it falls in
    (city, partner, audience, local day) copied from the session, so the roll-ups recount a slice
    from an indexed filter and a drill-down lists the people behind a number.
    """

    programme = models.ForeignKey("cities.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(Participant, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="+")
    attendance = models.ForeignKey(Attendance, verbose_name=_("attendance"), on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(
        "sessions_app.TrainingSession", verbose_name=_("session"), on_delete=models.CASCADE, related_name="+"
    )
    city = models.ForeignKey("cities.City", verbose_name=_("city"), on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey("partners.Partner", verbose_name=_("partner"), on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(_("audience"), max_length=8)
    day = models.DateField(_("day"))
    starts_at = models.DateTimeField(_("starts"))
    is_woman = models.BooleanField(_("woman"), default=False)

    class Meta:
        verbose_name = _("counted attendance")
        verbose_name_plural = _("counted attendances")
        constraints = [models.UniqueConstraint(fields=["programme", "participant"], name="counted_once_per_programme")]
        indexes = [
            models.Index(fields=["programme", "city", "partner", "audience", "day"], name="counted_slice_idx"),
            models.Index(fields=["programme", "audience", "city", "starts_at", "attendance"], name="counted_city_list_idx"),
            models.Index(fields=["programme", "audience", "starts_at", "attendance"], name="counted_list_idx"),
            models.Index(fields=["participant"], name="counted_participant_idx"),
        ]

    def __str__(self):
        return f"{self.participant_id} @ {self.session_id}"
