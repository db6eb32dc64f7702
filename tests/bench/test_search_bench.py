"""Smoke test of bench/search_latency.py: its query mix against a small demo world, results checked, no timings."""

import re
import urllib.parse
from io import StringIO

import pytest
from django.core.management import call_command

from bench.search_latency import pick_trainer_and_session, queries_and_explain
from bench.search_mix import KINDS, check_results, query_mix, scope_ids
from participants.models import Participant

pytestmark = pytest.mark.django_db

RESULT_ID = re.compile(r'id="search-person-(\d+)"')


def test_the_search_benchmarks_query_mix_finds_what_a_trainer_expects(client, tmp_path):
    call_command("seed_demo", "--participants", "3000", "--no-logins", stdout=StringIO())
    user, session = pick_trainer_and_session("", 0)
    allowed = scope_ids(user=user, session=session)
    people = list(Participant.objects.filter(pk__in=sorted(allowed)[:200]))
    cases = query_mix(people=people, n=len(KINDS) * 6)
    client.force_login(user)

    errors = []
    for case in cases:
        path = f"/trainer/sessions/{session.pk}/search/?" + urllib.parse.urlencode({"q": case.query})
        response = client.get(path, HTTP_HX_REQUEST="true")
        assert response.status_code == 200, case
        errors.extend(check_results(case, [int(i) for i in RESULT_ID.findall(response.content.decode())], allowed))

    assert len(allowed) > 100 and {c.kind for c in cases} == set(KINDS)
    assert errors == []
    queries = queries_and_explain(user, session, cases, tmp_path / "explain.txt")
    # the user and the session (the login session is cached), the roster from other cities, then 1 to 4 tiers
    assert set(queries) == set(KINDS) and max(queries.values()) <= 2 + 1 + 4
    explained = (tmp_path / "explain.txt").read_text()
    assert explained.count("Execution Time") == sum(queries.values()) - 2 * len(KINDS)  # every query of the people

    # and the checks would have caught a wrong answer
    by_kind = {c.kind: c for c in cases}
    outsider = Participant.objects.exclude(pk__in=allowed).values_list("pk", flat=True).first()
    name_case, phone_case = by_kind["full name"], by_kind["full phone"]
    assert check_results(by_kind["miss"], [name_case.source_id], allowed)  # a miss that finds someone
    assert check_results(name_case, [], allowed)  # nobody found for a real name
    assert check_results(name_case, [name_case.source_id, outsider], allowed)  # someone outside the scope
    assert check_results(phone_case, [name_case.source_id, phone_case.source_id], allowed)  # the wrong person first
