"""The default surveys of a programme: feedback after each session, follow-ups at 30 and 90 days."""

from django.db import transaction

from .models import QuestionKind, SurveyQuestion, SurveyWave, WaveKind

L, YN, CH, NUM, TXT = QuestionKind.LIKERT, QuestionKind.YES_NO, QuestionKind.CHOICE, QuestionKind.NUMBER, QuestionKind.TEXT

FEEDBACK_QUESTIONS = [  # type: ignore[var-annotated]
    (
        "satisfaction",
        L,
        "Seberapa puas Anda dengan pelatihan ini? (1 = sangat tidak puas, 5 = sangat puas)",
        "How satisfied are you with this training? (1 = very dissatisfied, 5 = very satisfied)",
        True,
        {},
    ),
    (
        "usefulness",
        L,
        "Seberapa berguna pelatihan ini untuk usaha Anda? (1 = tidak berguna, 5 = sangat berguna)",
        "How useful was this training for your business? (1 = not useful, 5 = very useful)",
        True,
        {},
    ),
    (
        "skill_before",
        L,
        "Kemampuan media sosial Anda SEBELUM pelatihan (1 = sangat rendah, 5 = sangat tinggi)",
        "Your social-media skill BEFORE the training (1 = very low, 5 = very high)",
        True,
        {},
    ),
    (
        "skill_after",
        L,
        "Kemampuan media sosial Anda SESUDAH pelatihan (1 = sangat rendah, 5 = sangat tinggi)",
        "Your social-media skill AFTER the training (1 = very low, 5 = very high)",
        True,
        {},
    ),
    ("will_apply", TXT, "Apa yang akan Anda terapkan di usaha Anda?", "What will you apply in your business?", False, {}),
]

SALES_CHOICES = [
    {"value": "up", "id": "Naik", "en": "Went up"},
    {"value": "same", "id": "Sama saja", "en": "Stayed the same"},
    {"value": "down", "id": "Turun", "en": "Went down"},
    {"value": "unsure", "id": "Tidak tahu", "en": "Not sure"},
]

FOLLOW_UP_QUESTIONS = [
    (
        "facebook_page",
        YN,
        "Apakah usaha Anda punya Halaman Facebook?",
        "Does your business have a Facebook Page?",
        True,
        {"baseline_values": ["business_page", "sells_online"]},
    ),
    (
        "instagram_business",
        YN,
        "Apakah usaha Anda punya akun bisnis Instagram?",
        "Does your business have an Instagram business account?",
        True,
        {},
    ),
    ("whatsapp_business", YN, "Apakah Anda memakai WhatsApp Business?", "Do you use WhatsApp Business?", True, {}),
    (
        "sells_online",
        YN,
        "Apakah Anda berjualan secara online?",
        "Do you sell online?",
        True,
        {"baseline_values": ["sells_online"]},
    ),
    (
        "sales_change",
        CH,
        "Sejak pelatihan, penjualan bulanan Anda…",
        "Since the training, your monthly sales…",
        True,
        {"choices": SALES_CHOICES},
    ),
    (
        "recommend",
        L,
        "Seberapa mungkin Anda merekomendasikan pelatihan ini? (1 = tidak mungkin, 5 = sangat mungkin)",
        "How likely are you to recommend this training? (1 = not likely, 5 = very likely)",
        True,
        {},
    ),
]

WAVES = [
    ("feedback", WaveKind.FEEDBACK, 0, "Umpan balik pelatihan", "Training feedback", 14, FEEDBACK_QUESTIONS),
    ("follow-up-30", WaveKind.FOLLOW_UP, 30, "Survei tindak lanjut 30 hari", "30-day follow-up survey", 30, FOLLOW_UP_QUESTIONS),
    ("follow-up-90", WaveKind.FOLLOW_UP, 90, "Survei tindak lanjut 90 hari", "90-day follow-up survey", 30, FOLLOW_UP_QUESTIONS),
]


def surveys_seed_defaults(*, programme_id: int) -> int:
    """Create the default waves and questions that are missing; never touches existing ones. Returns rows created."""
    created = 0
    with transaction.atomic():
        for position, (code, kind, days, name_id, name_en, open_days, questions) in enumerate(WAVES):
            wave, new = SurveyWave.objects.get_or_create(
                programme_id=programme_id,
                code=code,
                defaults={
                    "kind": kind,
                    "days_after": days,
                    "name_id": name_id,
                    "name_en": name_en,
                    "open_days": open_days,
                    "position": position,
                },
            )
            created += new
            existing = set(wave.questions.values_list("code", flat=True))
            for q_position, (q_code, q_kind, text_id, text_en, required, extra) in enumerate(questions):  # type: ignore[arg-type, var-annotated]
                if q_code in existing:
                    continue
                SurveyQuestion.objects.create(
                    wave=wave,
                    code=q_code,
                    kind=q_kind,
                    text_id=text_id,
                    text_en=text_en,
                    required=required,
                    position=q_position,
                    **extra,
                )
                created += 1
    return created
