"""The trainer's session page with no connection, on a 390x844 phone in Chromium (issue 12).

The page and its roster come from the service worker and IndexedDB; check-ins, undos and walk-ins
wait in a durable per-user queue that leaves the phone only on the server's receipts.
"""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from playwright.sync_api import expect

from offline.models import SyncedAction
from participants.models import Attendance, AttendanceStatus, Participant
from tests.browser.helpers import open_check_in, person_registered_for
from tests.conftest import PASSWORD
from tests.factories import AttendanceFactory, ParticipantFactory, TrainingSessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Whether the phone keeps a roster, read straight from IndexedDB (pages without a login load no script of ours).
ROSTER_KEPT = """key => new Promise(resolve => {
    const opened = indexedDB.open('laju-offline');
    opened.onsuccess = () => {
        const got = opened.result.transaction('rosters').objectStore('rosters').get(key);
        got.onsuccess = () => resolve(!!got.result);
    };
})"""
NAMES = ["Siti Aminah", "Yohanes Tapilaha", "Ani Rahma", "Dewi Lestari", "Rudi Hartono", "Nur Aisyah"]


def _session_page_is_kept(page, url):
    """Wait until the service worker controls the page and keeps a copy of the session page."""
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=15_000)
    page.wait_for_function("url => caches.open('laju-pages').then(c => c.match(url)).then(hit => !!hit)", arg=url, timeout=15_000)


def _open_session_online(page, live_server, login, user, session):
    login(user)  # lands on "My sessions": the service worker installs there
    page.wait_for_function("() => navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now controlled by it
    page.get_by_test_id(f"session-{session.pk}").click()
    expect(page.get_by_test_id("session-title")).to_have_text(session.title)
    url = f"{live_server.url}/trainer/sessions/{session.pk}/"
    _session_page_is_kept(page, url)
    return url


def _check_in(page, person):
    page.get_by_test_id(f"row-{person.pk}").get_by_role("button", name="Catat hadir").click()
    expect(page.get_by_test_id(f"row-{person.pk}").get_by_test_id("queued")).to_be_visible()


def _walk_in(page, name, phone, business):
    page.get_by_test_id("walk-in").click()
    form = page.get_by_test_id("offline-walk-in")
    expect(form).to_be_visible()
    form.locator("input[name=full_name]").fill(name)
    form.locator("input[name=phone]").fill(phone)
    form.locator("select[name=gender]").select_option("female")
    form.locator("input[name=business_name]").fill(business)
    form.locator("select[name=scale]").select_option("mikro")
    form.locator("input[name=consent]").check()
    page.get_by_test_id("save-offline-walk-in").click()
    expect(form).to_be_hidden()


def test_a_whole_offline_session_survives_closing_the_page_and_an_expired_login(phone, live_server, login, today):
    user, session = today
    people = [
        AttendanceFactory(
            session=session, participant=ParticipantFactory(city=session.city, full_name=n, home_partner=session.partner)
        ).participant
        for n in NAMES
    ]
    earlier = TrainingSessionFactory(partner=session.partner, city=session.city, lead_trainer=session.lead_trainer)
    known = AttendanceFactory(
        session=earlier,
        participant=ParticipantFactory(
            city=session.city,
            full_name="Maria Lumban",
            phone="+6285211112222",
            business_name="Tenun Maria",
            home_partner=session.partner,
        ),
    ).participant
    participants_before = Participant.objects.count()
    attendances_before = Attendance.objects.filter(session=session).count()

    page = phone
    url = _open_session_online(page, live_server, login, user, session)

    # no connection: the page reloads from the phone and still works
    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_test_id("session-title")).to_have_text(session.title)
    expect(page.get_by_test_id(f"row-{people[0].pk}")).to_contain_text(NAMES[0])

    # search the stored roster
    page.get_by_test_id("search").fill("Yohanes")
    expect(page.get_by_test_id("offline-search-note")).to_be_visible()
    expect(page.get_by_test_id(f"row-{people[0].pk}")).to_be_hidden()
    expect(page.get_by_test_id(f"row-{people[1].pk}")).to_be_visible()
    page.get_by_test_id("search").fill("")

    # five check-ins, one undone, two walk-ins (one with a known phone in another format)
    for person in people[:5]:
        _check_in(page, person)
    page.wait_for_timeout(800)  # an Undo within 0.6 s of the tap is taken for the second half of a double tap
    page.get_by_test_id(f"row-{people[0].pk}").get_by_test_id("undo-check-in").click()
    expect(page.get_by_test_id(f"row-{people[0].pk}").get_by_role("button", name="Catat hadir")).to_be_visible()
    _walk_in(page, "Budi Santoso", "0813 9876 5432", "Bengkel Budi")
    _walk_in(page, "Maria L", "62 852-1111-2222", "Tenun Maria")
    expect(page.get_by_test_id("pending-walk-in")).to_have_count(2)
    expect(page.get_by_test_id("pending-count")).to_have_text("6")
    expect(page.get_by_test_id("count-attended")).to_have_text("0")  # the counter shows what the server has
    assert Attendance.objects.filter(session=session, status=AttendanceStatus.ATTENDED).count() == 0

    # the page is closed and opened again, still offline: the queue is still there
    queued = page.evaluate(f"LajuOffline.actions({user.pk})")
    assert len(queued) == 6
    context = page.context
    page.close()
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/participants/")  # a page the phone does not keep
    expect(page.get_by_test_id("offline-fallback")).to_be_visible()
    page.get_by_role("link", name="Sesi saya").click()  # the list of sessions was kept too
    page.get_by_test_id(f"session-{session.pk}").click()
    expect(page).to_have_url(url)
    expect(page.get_by_test_id("pending-count")).to_have_text("6")
    expect(page.get_by_test_id(f"row-{people[1].pk}").get_by_test_id("queued")).to_be_visible()

    # meanwhile the login expired on the server and the CSRF cookie changed
    Session.objects.all().delete()
    cache.clear()  # and its cached copy (cached_db), as when it expires
    context.add_cookies([{"name": "csrftoken", "value": "x" * 32, "url": live_server.url}])

    # back online: nothing is lost, the page asks to log in again
    context.set_offline(False)
    expect(page.get_by_test_id("login-again")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("pending-count")).to_have_text("6")
    assert Attendance.objects.filter(session=session, status=AttendanceStatus.ATTENDED).count() == 0

    page.get_by_test_id("login-again").click()
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action*='/accounts/login/'] button[type=submit]")
    expect(page).to_have_url(re.compile(rf"/trainer/sessions/{session.pk}/$"))

    # the queue is sent; the page tells the truth without a reload
    expect(page.get_by_test_id("offline-banner")).to_be_hidden(timeout=30_000)
    expect(page.get_by_test_id("count-attended")).to_have_text("6")
    for person in people[1:5]:
        expect(page.get_by_test_id(f"row-{person.pk}").get_by_test_id("checked-in")).to_be_visible()
        expect(page.get_by_test_id(f"row-{person.pk}").get_by_test_id("undo-check-in")).to_be_visible()
    expect(page.get_by_test_id(f"row-{known.pk}").get_by_test_id("checked-in")).to_be_visible()

    statuses = dict(Attendance.objects.filter(session=session).values_list("participant_id", "status"))
    assert [statuses[p.pk] for p in people] == ["registered", "attended", "attended", "attended", "attended", "registered"]
    assert Participant.objects.count() == participants_before + 1  # Budi; Maria was recognised by her phone
    assert Participant.objects.filter(phone="+6285211112222").count() == 1
    assert statuses[known.pk] == "attended"
    budi = Participant.objects.get(full_name="Budi Santoso")
    assert budi.phone == "+6281398765432" and statuses[budi.pk] == "attended"
    assert Attendance.objects.filter(session=session).count() == attendances_before + 2
    outcomes = sorted(SyncedAction.objects.values_list("outcome", flat=True))
    assert outcomes == ["applied"] * 5 + ["merged"]

    # the same queue sent again changes nothing
    replies = page.evaluate(
        """async (actions) => {
            const who = await (await fetch('/offline/sync/', {headers: {Accept: 'application/json'}})).json();
            const answer = await fetch('/offline/sync/', {method: 'POST', headers: {'Content-Type': 'application/json',
                'X-CSRFToken': who.csrf}, body: JSON.stringify({actions})});
            return (await answer.json()).receipts.map(r => r.outcome);
        }""",
        queued,
    )
    assert replies == ["already_applied"] * 6
    assert Participant.objects.count() == participants_before + 1
    assert Attendance.objects.filter(session=session).count() == attendances_before + 2
    assert Attendance.objects.filter(session=session, status=AttendanceStatus.ATTENDED).count() == 6


def test_lie_fi_recovers_without_a_reload(phone, live_server, login, today):
    """Requests fail while the phone believes it is online: the check-in waits and is sent when they succeed."""
    user, session = today
    person = person_registered_for(session, "Ani Rahma")
    page = login(user)
    open_check_in(page, live_server, session)

    page.route("**/offline/sync/", lambda route: route.abort("connectionreset"))
    page.get_by_test_id(f"row-{person.pk}").get_by_role("button", name="Catat hadir").click()
    expect(page.get_by_test_id("pending-count")).to_have_text("1")
    expect(page.get_by_test_id("sync-state")).to_have_text(re.compile("gagal|failed", re.I))
    assert page.evaluate("navigator.onLine") is True
    page.wait_for_timeout(3000)  # at least one retry fails too
    assert Attendance.objects.get(participant=person).status == AttendanceStatus.REGISTERED

    page.unroute("**/offline/sync/")
    expect(page.get_by_test_id(f"row-{person.pk}").get_by_test_id("checked-in")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("count-attended")).to_have_text("1")
    expect(page.get_by_test_id("offline-banner")).to_be_hidden()
    assert Attendance.objects.get(participant=person).status == AttendanceStatus.ATTENDED


def test_logout_warns_about_unsent_actions_and_the_next_user_never_sees_or_sends_them(
    phone, live_server, login, today, make_user
):
    from tests.factories import TrainerFactory
    from users.models import Role

    user, session = today
    person = person_registered_for(session, "Ani Rahma")
    other = make_user(Role.TRAINER, partner=session.partner)
    other_session = TrainingSessionFactory(
        partner=session.partner,
        city=session.city,
        lead_trainer=TrainerFactory(partner=session.partner, user=other),
        starts_at=session.starts_at,
        ends_at=session.ends_at,
    )
    page = phone
    url = _open_session_online(page, live_server, login, user, session)

    page.route("**/offline/sync/", lambda route: route.abort("connectionreset"))  # lie-fi: nothing gets through
    page.get_by_test_id(f"row-{person.pk}").get_by_role("button", name="Catat hadir").click()
    expect(page.get_by_test_id("pending-count")).to_have_text("1")

    def log_out(accept: bool):
        page.once("dialog", lambda dialog: dialog.accept() if accept else dialog.dismiss())
        page.get_by_role("button", name=re.compile("navigasi|navigation", re.I)).click()
        page.get_by_role("button", name="Keluar").click()

    log_out(accept=False)  # warned, and stays
    expect(page.get_by_test_id("pending-count")).to_have_text("1")
    assert page.evaluate(f"LajuOffline.roster({user.pk}, {session.pk}).then(r => !!r)")

    log_out(accept=True)
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.wait_for_function(f"key => ({ROSTER_KEPT})(key).then(kept => !kept)", arg=f"{user.pk}:{session.pk}")
    page.wait_for_function(f"() => caches.open('laju-pages').then(c => c.match('{url}')).then(hit => !hit)")
    page.unroute("**/offline/sync/")

    # someone else on the same phone: their page shows nothing of it and sends nothing of it
    login(other)
    open_check_in(page, live_server, other_session)
    expect(page.get_by_test_id("offline-banner")).to_be_hidden()
    page.wait_for_timeout(2500)
    assert Attendance.objects.get(participant=person).status == AttendanceStatus.REGISTERED
    assert page.evaluate(f"LajuOffline.actions({user.pk}).then(a => a.length)") == 1  # still kept for its owner

    # its owner logs in again: it is sent
    page.context.clear_cookies()
    login(user)
    page.goto(url)
    expect(page.get_by_test_id(f"row-{person.pk}").get_by_test_id("checked-in")).to_be_visible(timeout=30_000)
    assert Attendance.objects.get(participant=person).status == AttendanceStatus.ATTENDED


def test_a_refused_action_stays_visible_with_its_reason_until_dismissed(phone, live_server, login, today):
    from django.utils import timezone

    user, session = today
    person = person_registered_for(session, "Ani Rahma")
    page = login(user)
    open_check_in(page, live_server, session)

    page.context.set_offline(True)
    page.get_by_test_id(f"row-{person.pk}").get_by_role("button", name="Catat hadir").click()
    expect(page.get_by_test_id("pending-count")).to_have_text("1")
    session.attendance_closed_at = timezone.now()  # the coordinator closed attendance meanwhile
    session.save(update_fields=["attendance_closed_at"])

    page.context.set_offline(False)
    refused = page.get_by_test_id("refused")
    expect(refused).to_contain_text("Ani Rahma")
    expect(refused).to_contain_text("ditutup")
    expect(page.get_by_test_id("pending-count")).to_be_hidden()
    page.reload()
    expect(page.get_by_test_id("refused")).to_contain_text("Ani Rahma")  # still there after a reload

    page.get_by_test_id("refused").get_by_role("button", name="Tutup").click()
    expect(page.get_by_test_id("refused")).to_have_count(0)
    assert Attendance.objects.get(participant=person).status == AttendanceStatus.REGISTERED


def test_a_roster_whose_day_is_over_leaves_the_phone(phone, live_server, login, today):
    user, session = today
    page = phone
    url = _open_session_online(page, live_server, login, user, session)
    assert page.evaluate(ROSTER_KEPT, f"{user.pk}:{session.pk}") is True

    page.evaluate(
        """key => LajuOffline.roster(...key.split(':').map(Number)).then(r => {
            r.expires_at = '2000-01-01T00:00:00+00:00';
            return LajuOffline.saveRoster(Object.assign(r.payload, {expires_at: r.expires_at}));
        })""",
        f"{user.pk}:{session.pk}",
    )
    page.goto(f"{live_server.url}/trainer/sessions/")  # any page of the trainer's tidies up
    page.wait_for_function(
        "key => new Promise(r => { const o = indexedDB.open('laju-offline'); o.onsuccess = () => {"
        " const g = o.result.transaction('rosters').objectStore('rosters').get(key); g.onsuccess = () => r(!g.result); }; })",
        arg=f"{user.pk}:{session.pk}",
    )
    # the page's copy goes too: tidied just after the roster, so wait for it rather than race it
    page.wait_for_function("url => caches.open('laju-pages').then(c => c.match(url)).then(hit => !hit)", arg=url, timeout=10_000)
