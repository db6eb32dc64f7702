import pytest

from participants.models import Attendance, Participant
from partners.models import Partner, Trainer
from sessions_app.models import Roadshow, TrainingSession
from tests.factories import AttendanceFactory, PartnerFactory, RoadshowFactory, TrainerFactory, TrainingSessionFactory
from users.models import Role
from users.scoping import may_see_personal_data, scoped

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_partners(make_user):
    """Partner A and partner B, each with a trainer, a roadshow, a session and a participant."""
    world = {}
    for key in ("a", "b"):
        partner = PartnerFactory()
        trainer = TrainerFactory(partner=partner)
        roadshow = RoadshowFactory(partner=partner)
        session = TrainingSessionFactory(partner=partner, roadshow=roadshow, lead_trainer=trainer)
        attendance = AttendanceFactory(session=session)
        world[key] = {
            "partner": partner,
            "trainer": trainer,
            "roadshow": roadshow,
            "session": session,
            "participant": attendance.participant,
            "attendance": attendance,
            "coordinator": make_user(Role.PARTNER_COORDINATOR, partner=partner),
        }
    from users.roles import user_set_role

    for key in ("a", "b"):
        user_set_role(user=world[key]["trainer"].user, role=Role.TRAINER, partner=world[key]["partner"])
    return world


MODELS = [Partner, Trainer, Roadshow, TrainingSession, Participant, Attendance]
KEY = {
    Partner: "partner",
    Trainer: "trainer",
    Roadshow: "roadshow",
    TrainingSession: "session",
    Participant: "participant",
    Attendance: "attendance",
}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_trainer_of_partner_a_gets_none_of_partner_bs_rows(two_partners, model):
    trainer_user = two_partners["a"]["trainer"].user

    visible = set(scoped(trainer_user, model).values_list("pk", flat=True))

    assert two_partners["a"][KEY[model]].pk in visible
    assert two_partners["b"][KEY[model]].pk not in visible


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_coordinator_sees_only_their_partner(two_partners, model):
    coordinator = two_partners["b"]["coordinator"]

    visible = set(scoped(coordinator, model).values_list("pk", flat=True))

    assert two_partners["b"][KEY[model]].pk in visible
    assert two_partners["a"][KEY[model]].pk not in visible


def test_trainer_sees_only_sessions_they_are_assigned_to(two_partners):
    colleague = TrainerFactory(partner=two_partners["a"]["partner"])
    other_session = TrainingSessionFactory(partner=two_partners["a"]["partner"], lead_trainer=colleague)
    co_session = TrainingSessionFactory(partner=two_partners["a"]["partner"], lead_trainer=colleague)
    co_session.co_trainers.add(two_partners["a"]["trainer"])

    visible = set(scoped(two_partners["a"]["trainer"].user, TrainingSession).values_list("pk", flat=True))

    assert visible == {two_partners["a"]["session"].pk, co_session.pk}
    assert other_session.pk not in visible


def test_admin_sees_everything(two_partners, make_user):
    admin = make_user(Role.PROGRAMME_ADMIN)
    assert scoped(admin, Participant).count() == 2
    assert scoped(admin, TrainingSession).count() == 2


def test_ksp_monitor_never_sees_personal_data(two_partners, make_user):
    ksp = make_user(Role.KSP_MONITOR)

    assert not may_see_personal_data(ksp)
    assert scoped(ksp, Participant).count() == 0
    assert scoped(ksp, Attendance).count() == 0
    assert scoped(ksp, Trainer).count() == 0
    assert scoped(ksp, TrainingSession).count() == 2


def test_policy_viewer_sees_personal_data_only_when_granted(two_partners, make_user):
    viewer = make_user(Role.POLICY_VIEWER)
    assert scoped(viewer, Participant).count() == 0

    viewer.can_see_personal_data = True
    viewer.save()

    assert scoped(viewer, Participant).count() == 2


def test_user_without_role_sees_nothing(two_partners):
    from tests.factories import UserFactory

    nobody = UserFactory()
    for model in MODELS:
        assert not scoped(nobody, model).exists()


def test_uploaded_lists_and_the_merge_queue_are_scoped(two_partners, make_user):
    from participants.models import DuplicateCandidate, ParticipantImport

    coordinator_a = two_partners["a"]["coordinator"]
    coordinator_b = two_partners["b"]["coordinator"]
    admin = make_user(Role.PROGRAMME_ADMIN)
    mine = ParticipantImport.objects.create(created_by=coordinator_a, file_name="a.csv")
    ParticipantImport.objects.create(created_by=coordinator_b, file_name="b.csv")
    DuplicateCandidate.objects.create(
        participant=two_partners["a"]["participant"], existing=two_partners["b"]["participant"], score=90, reason="same NIB"
    )

    assert list(scoped(coordinator_a, ParticipantImport)) == [mine]
    assert scoped(admin, ParticipantImport).count() == 2
    assert scoped(make_user(Role.KSP_MONITOR), ParticipantImport).count() == 0
    assert scoped(coordinator_a, DuplicateCandidate).count() == 0
    assert scoped(admin, DuplicateCandidate).count() == 1
