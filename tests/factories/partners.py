import datetime as dt

import factory

from partners.models import Partner, TotStatus, Trainer
from users.models import Role

from .users import UserFactory


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Yayasan Mitra {n}")
    short_name = factory.Sequence(lambda n: f"YM{n}")


class TrainerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trainer

    partner = factory.SubFactory(PartnerFactory)
    user = factory.SubFactory(UserFactory, role=Role.TRAINER, partner=factory.SelfAttribute("..partner"))
    tot_status = TotStatus.CERTIFIED
    tot_started_on = dt.date(2018, 7, 1)
    tot_certified_on = dt.date(2018, 8, 10)
