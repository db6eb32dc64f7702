import factory
from django.utils import timezone

from participants.models import Attendance, AttendanceStatus, Gender, Participant

from .cities import CityFactory
from .sessions import TrainingSessionFactory


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    full_name = factory.Faker("name", locale="id_ID")
    phone = factory.Sequence(lambda n: f"+62812{n:08d}")
    gender = Gender.FEMALE
    city = factory.SubFactory(CityFactory)
    business_name = factory.Sequence(lambda n: f"Warung Berkah {n}")
    consent_version = "2018-08-v1"
    consent_at = factory.LazyFunction(timezone.now)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance
        skip_postgeneration_save = True

    participant = factory.SubFactory(ParticipantFactory)
    session = factory.SubFactory(TrainingSessionFactory)
    status = AttendanceStatus.REGISTERED

    @factory.post_generation
    def home_partner_from_first_session(obj, create, extracted, **kwargs):
        """Like the services and the backfill: a person without a partner belongs to the first partner that meets them."""
        if create and obj.participant.home_partner_id is None:
            obj.participant.home_partner_id = obj.session.partner_id
            Participant.objects.filter(pk=obj.participant.pk).update(home_partner_id=obj.session.partner_id)
