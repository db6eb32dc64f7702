import datetime as dt
import zoneinfo

import factory

from sessions_app.models import Audience, Roadshow, SessionStatus, TrainingSession

from .cities import CityFactory, ProgrammeFactory
from .partners import PartnerFactory

WITA = zoneinfo.ZoneInfo("Asia/Makassar")


class RoadshowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Roadshow

    programme = factory.SubFactory(ProgrammeFactory)
    city = factory.SubFactory(CityFactory)
    partner = factory.SubFactory(PartnerFactory)
    starts_on = dt.date(2018, 9, 10)
    ends_on = dt.date(2018, 9, 20)


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    programme = factory.SubFactory(ProgrammeFactory)
    city = factory.SubFactory(CityFactory)
    partner = factory.SubFactory(PartnerFactory)
    title = factory.Sequence(lambda n: f"Kelas media sosial {n}")
    audience = Audience.UMKM
    venue = "Aula Kantor Wali Kota"
    starts_at = dt.datetime(2018, 9, 12, 9, 0, tzinfo=WITA)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=4))
    capacity = 50
    status = SessionStatus.SCHEDULED
