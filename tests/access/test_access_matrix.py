"""Who may reach which URL: every URL pattern, every identity, one declared table.

The patterns come from the resolver, so a new URL without a row in TABLE fails
`test_every_url_pattern_has_a_row`. Each row says which identities get the page; everyone
else is sent to log in (anonymous) or refused (403/404). Objects in URLs belong to partner A,
so partner B's coordinator and trainer check the "same role, other partner" case.
Every answer to a role that must not see personal data, and every answer to a partner's staff,
is searched for the names and phones of the people they must not see.

ACCESS_MATRIX_DISCOVER=1 prints what each identity gets today, to review against the table.
"""

import os
import re
from dataclasses import dataclass

import pytest

from tests.access.matrix import DENY, LOGIN, OK, classify, fetch, generic_kwargs, path_for, url_patterns
from tests.access.world import API_KEY, IDENTITIES, NO_PERSONAL_DATA

pytestmark = pytest.mark.django_db

ALL = frozenset(IDENTITIES)
# Accounts that lose access on their next request (users/access.py): no role, a trainer marked inactive.
SIGNED_OUT = ("norole", "trainer_off")
STAFF_A = "admin coord_a trainer_a"


@dataclass(frozen=True)
class Row:
    """Who gets the URL ("ok"); `methods` are tried in turn; `kwargs` builds the URL's arguments."""

    allow: str | frozenset = ""
    methods: tuple[str, ...] = ("GET",)
    kwargs: object = None  # callable(world) -> dict, or None for no arguments
    query: object = None  # callable(world) -> dict
    data: object = None  # callable(world) -> dict, the body of a POST
    headers: object = None
    anon: str = LOGIN  # what anonymous gets when not allowed
    expect: object = None  # dict identity -> outcome (or a frozenset of outcomes), overriding allow

    def expected(self, identity: str) -> str | frozenset:
        if self.expect and identity in self.expect:
            return self.expect[identity]
        if identity in SIGNED_OUT:  # an account that may not be used now is treated as nobody at all
            identity = "anon"
            if self.expect and identity in self.expect:
                return self.expect[identity]
        allowed = self.allow if isinstance(self.allow, frozenset) else frozenset(self.allow.split())
        if identity in allowed:
            return OK
        return self.anon if identity == "anon" else DENY


def obj(key):
    return lambda w: {"pk": w.objects["a"][key].pk}


def token(key, name="token"):
    return lambda w: {name: w.tokens[key]}


def certificate(w, public=False):
    """A certificate at partner A's session: of person A (staff pages), or of someone the matrix does not
    search for (the public pages show the name as on the certificate, by design)."""
    from certificates.models import Certificate
    from certificates.numbers import number_new
    from tests.factories import AttendanceFactory, ParticipantFactory

    a = w.objects["a"]
    if public:
        person = ParticipantFactory(full_name="Wening Terverifikasi", city=a["session"].city)
        AttendanceFactory(participant=person, session=a["session"], status="attended", checked_in_at=a["session"].starts_at)
    else:
        person = a["participant"]
    found, _created = Certificate.objects.get_or_create(
        participant=person, session=a["session"], defaults={"number": number_new(), "name": person.full_name}
    )
    return found


PUBLIC = Row(allow=ALL)
ANY_USER = Row(allow=ALL - {"anon"})

# Django's admin site and allauth's account pages are their own gatekeepers: the admin site sends
# every non-staff user to its login page; the account pages are public forms.
# A staff admin reaches the admin site, where Django's model permissions decide (ok or 403; the ids
# here are placeholders, so 404 too).
ADMIN_SITE = Row(expect={**dict.fromkeys(IDENTITIES, LOGIN), "admin": frozenset({OK, DENY})})
ACCOUNT_PAGES = Row(expect={i: frozenset({OK, LOGIN}) for i in IDENTITIES})
# allauth's second-factor pages: about the user's own authenticator; 404 for someone who has none.
MFA_PAGES = Row(expect={i: frozenset({OK, LOGIN, DENY}) for i in IDENTITIES})

TABLE: dict[str, Row] = {
    # the Django admin's own login and logout (the rest of admin: is ADMIN_SITE)
    # allauth's secure_admin_login: anonymous people go to allauth's login (rate limits, second factor);
    # staff on to the admin; anyone else logged in is refused, not sent round in a loop.
    "admin:login": Row(allow="admin", anon=LOGIN),
    "admin:logout": Row(allow=ALL, methods=("POST",)),
    # core
    "home": Row(allow=ALL - {"anon"}),
    "home-no-role": PUBLIC,  # a static "no role yet" page
    "healthz": PUBLIC,
    "set_language": Row(allow=ALL, methods=("POST",)),
    # schedule (sessions_app)
    "sessions_app:session-list": Row(allow="admin coord_a coord_b"),
    "sessions_app:session-calendar": Row(allow="admin coord_a coord_b"),
    "sessions_app:session-export": Row(allow="admin coord_a coord_b"),
    "sessions_app:session-create": Row(allow="admin coord_a coord_b"),
    "sessions_app:session-detail": Row(allow=STAFF_A, kwargs=obj("session")),
    "sessions_app:session-update": Row(allow="admin coord_a", kwargs=obj("session")),
    "sessions_app:session-cancel": Row(allow="admin coord_a", kwargs=obj("session"), methods=("GET", "POST")),
    "sessions_app:session-trainers": Row(allow="admin coord_a", kwargs=obj("session"), methods=("GET", "POST")),
    "sessions_app:session-registration-link": Row(
        allow="admin coord_a", kwargs=obj("session"), methods=("POST",), data=lambda w: {"action": "close"}
    ),
    "sessions_app:roadshow-list": Row(allow="admin coord_a coord_b"),
    "sessions_app:roadshow-create": Row(allow="admin coord_a coord_b"),
    "sessions_app:roadshow-update": Row(allow="admin coord_a", kwargs=obj("roadshow")),
    "sessions_app:programme-overview": Row(allow="admin"),
    "sessions_app:trainer-sessions": Row(allow="trainer_a trainer_b"),
    "sessions_app:trainer-calendar-token": Row(allow="trainer_a trainer_b", methods=("POST",)),
    "sessions_app:trainer-feed": Row(allow=ALL, kwargs=token("calendar")),
    # partners, invitations, notifications
    "partners:partner-list": Row(allow="admin coord_a coord_b"),
    "partners:partner-create": Row(allow="admin"),
    "partners:partner-detail": Row(allow="admin coord_a", kwargs=obj("partner")),
    "partners:partner-update": Row(allow="admin", kwargs=obj("partner")),
    "partners:trainer-update": Row(allow="admin coord_a", kwargs=obj("trainer")),
    "invitations:invitation-list": Row(allow="admin coord_a coord_b"),
    "invitations:invitation-accept": Row(allow=ALL, kwargs=token("invitation")),
    "notifications:opt-out": Row(allow=ALL, kwargs=token("opt_out")),
    # the trainer's session pages
    "participants:trainer-sessions": Row(allow="admin coord_a coord_b trainer_a trainer_b"),
    "participants:session-checkin": Row(allow=STAFF_A, kwargs=obj("session")),
    "participants:session-search": Row(allow=STAFF_A, kwargs=obj("session"), query=lambda w: {"q": "Zub"}),
    "participants:check-in": Row(allow=STAFF_A, kwargs=obj("session"), methods=("POST",)),
    "participants:undo-check-in": Row(allow=STAFF_A, kwargs=obj("session"), methods=("POST",)),
    "participants:walk-in": Row(allow=STAFF_A, kwargs=obj("session"), methods=("GET", "POST")),
    "participants:walk-in-matches": Row(allow=STAFF_A, kwargs=obj("session"), query=lambda w: {"phone": "0812"}),
    "participants:close-attendance": Row(allow=STAFF_A, kwargs=obj("session"), methods=("POST",)),
    "participants:session-qr": Row(allow=STAFF_A, kwargs=obj("session")),
    "participants:sign-up-sheet": Row(allow=STAFF_A, kwargs=obj("session")),
    # offline check-in: the service worker, the manifest and the fallback page hold no personal data;
    # the sync endpoint serves whoever runs sessions, each action scoped to the user's own sessions
    "offline:service-worker": PUBLIC,
    "offline:manifest": PUBLIC,
    "offline:fallback": PUBLIC,
    "offline:sync": Row(allow="admin coord_a coord_b trainer_a trainer_b", methods=("GET", "POST")),
    # public self-registration
    "participants:self-register": Row(allow=ALL, kwargs=token("registration"), methods=("GET", "POST")),
    "participants:self-register-done": Row(allow=ALL, kwargs=token("registration")),
    # surveys: the personal survey link (public; an empty POST is refused with 400 and writes nothing)
    # and the feedback page of a session (its partner's staff: free text and paper forms)
    "surveys:answer": Row(allow=ALL, kwargs=token("survey"), methods=("GET", "POST")),
    "surveys:session-feedback": Row(allow=STAFF_A, kwargs=obj("session"), methods=("GET", "POST")),
    # participants (personal data)
    "participants:list": Row(allow="admin coord_a coord_b trainer_a trainer_b policy_pd"),
    "participants:detail": Row(allow="admin coord_a trainer_a policy_pd", kwargs=obj("participant")),
    "participants:personal-data": Row(allow="admin", kwargs=obj("participant")),
    "participants:edit": Row(allow="admin coord_a trainer_a", kwargs=obj("participant"), methods=("GET", "POST")),
    "participants:erase": Row(allow="admin", kwargs=obj("participant"), methods=("GET", "POST")),
    "participants:duplicates": Row(allow="admin"),
    "participants:proposed-changes": Row(allow="admin coord_a coord_b"),
    "participants:proposed-change-decide": Row(
        allow="admin coord_a", kwargs=obj("proposal"), methods=("POST",), data=lambda w: {"action": "reject"}
    ),
    "participants:duplicate-resolve": Row(
        allow="admin", kwargs=obj("duplicate"), methods=("POST",), data=lambda w: {"action": "dismiss"}
    ),
    "participants:import": Row(allow="admin coord_a coord_b", methods=("GET", "POST")),
    "participants:import-detail": Row(allow="admin coord_a", kwargs=obj("import")),
    "participants:import-progress": Row(allow="admin coord_a", kwargs=obj("import")),
    "participants:import-confirm": Row(allow="admin coord_a", kwargs=obj("import"), methods=("POST",)),
    "participants:export": Row(
        allow="admin coord_a coord_b trainer_a trainer_b policy_pd", kwargs=lambda w: {"what": "participants", "fmt": "csv"}
    ),
    # monitoring
    "monitoring-ksp": Row(allow="admin policy policy_pd ksp"),
    "monitoring-ksp-pdf": Row(allow="admin policy policy_pd ksp"),
    "monitoring-dashboard": Row(allow="admin policy policy_pd"),
    "monitoring-export-xlsx": Row(allow="admin policy policy_pd"),
    "monitoring-export-csv": Row(allow="admin policy policy_pd", kwargs=lambda w: {"slug": "by-city"}),
    "monitoring-trained": Row(allow="admin policy_pd"),
    "monitoring-sessions": Row(allow="admin policy policy_pd"),
    "api-progress": Row(allow="admin policy policy_pd ksp"),
    # certificates: public verification and the participant's own link; staff downloads by session
    "certificates:lookup": PUBLIC,
    "certificates:verify": Row(allow=ALL, kwargs=lambda w: {"number": certificate(w, public=True).number}),
    "certificates:personal": Row(allow=ALL, kwargs=lambda w: {"token": certificate(w, public=True).download_token}),
    "certificates:personal-pdf": Row(allow=ALL, kwargs=lambda w: {"token": certificate(w, public=True).download_token}),
    "certificates:session": Row(allow=STAFF_A, kwargs=lambda w: {"pk": certificate(w).session_id}),
    "certificates:session-issue": Row(allow=STAFF_A, kwargs=obj("session"), methods=("POST",)),
    "certificates:session-pdf": Row(allow=STAFF_A, kwargs=lambda w: {"pk": certificate(w).session_id}),
    "certificates:session-zip": Row(allow=STAFF_A, kwargs=lambda w: {"pk": certificate(w).session_id}),
    "certificates:pdf": Row(allow=STAFF_A, kwargs=lambda w: {"pk": certificate(w).pk}),
    "certificates:revoke": Row(allow="admin", kwargs=lambda w: {"pk": certificate(w).pk}),
}


def row_for(name: str) -> Row | None:
    if name in TABLE:
        return TABLE[name]
    if name.startswith("admin:"):
        return ADMIN_SITE
    if name.startswith(("account_", "socialaccount_")):
        return ACCOUNT_PAGES
    if name.startswith("mfa_"):
        return MFA_PAGES
    return None


PATTERNS = url_patterns()


def test_every_url_pattern_has_a_row():
    missing = [name for name, _route in PATTERNS if row_for(name) is None]
    assert not missing, f"URL patterns with no row in the access matrix: {missing}"
    stale = sorted(set(TABLE) - {name for name, _ in PATTERNS})
    assert not stale, f"Rows for URL patterns that no longer exist: {stale}"


def _forbidden_strings(world, identity: str) -> list[str]:
    """Names and phones this identity must not find in any answer."""
    keys = []
    if identity in NO_PERSONAL_DATA:
        keys = ["a", "b"]
    elif identity.endswith("_a"):
        keys = ["b"]
    elif identity.endswith("_b"):
        keys = ["a"]
    out = []
    for key in keys:
        name, phone, _business = world.people[key]
        out += [name, phone, phone.removeprefix("+62")]
    return out


def _check(world, name: str, route: str, row: Row, identities=IDENTITIES) -> list[str]:
    kwargs = row.kwargs(world) if row.kwargs else generic_kwargs(route)
    path = path_for(name, kwargs, route)
    query = row.query(world) if row.query else None
    problems = []
    for identity in identities:
        for method in row.methods:
            data = row.data(world) if row.data else None
            response, body = fetch(world.users.get(identity), method, path, query, data=data)
            got = classify(response, method)
            want = row.expected(identity)
            if os.environ.get("ACCESS_MATRIX_DISCOVER"):
                print(f"DISCOVER {name} {method} {identity} {got} {response.status_code}")
            if got not in (want if isinstance(want, frozenset) else {want}):
                problems.append(f"{method} {path} as {identity}: got {got} ({response.status_code}), table says {want}")
            digits = re.sub(r"[\s\-.()]", "", body)
            for secret in _forbidden_strings(world, identity):
                if secret in body or (secret.isdigit() and secret in digits):
                    problems.append(f"{method} {path} as {identity}: answer contains personal data it must not ({secret[:3]}…)")
    return problems


OWN_PATTERNS = [(n, r) for n, r in PATTERNS if row_for(n) not in (ADMIN_SITE, ACCOUNT_PAGES, MFA_PAGES)]
FRAMEWORK_PATTERNS = [(n, r) for n, r in PATTERNS if row_for(n) in (ADMIN_SITE, ACCOUNT_PAGES, MFA_PAGES)]


@pytest.mark.parametrize(("name", "route"), OWN_PATTERNS, ids=[n for n, _ in OWN_PATTERNS])
def test_each_identity_gets_what_the_table_says(world, name, route):
    row = row_for(name)
    if row is None:
        pytest.fail(f"{name} has no row in the access matrix")
    problems = _check(world, name, route, row)
    assert not problems, "\n".join(problems)


def test_api_bearer_token_acts_as_its_user(world, client):
    """The progress API with a key: the policy viewer's key gets aggregates; a wrong key gets 401."""
    response, _ = fetch(None, "GET", path_for("api-progress", {}), headers={"Authorization": f"Bearer {API_KEY}"})
    assert response.status_code == 200
    response, _ = fetch(None, "GET", path_for("api-progress", {}), headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401
