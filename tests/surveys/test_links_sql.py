"""The link hash computed by PostgreSQL for bulk writes (the demo seed) is the one the answer page checks."""

import pytest
from django.db import connection

from surveys.links import link_token, new_nonce, token_hash, token_hash_sql

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's sha256()")
def test_the_sql_link_hash_equals_the_python_one():
    nonces = [new_nonce() for _ in range(20)] + ["", "0" * 32]
    expression, params = token_hash_sql("nonce")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT nonce, {expression} FROM unnest(%(nonces)s::text[]) AS nonce",  # noqa: S608  fixed SQL; values are parameters
            {**params, "nonces": nonces},
        )
        hashed = dict(cursor.fetchall())
    assert hashed == {nonce: token_hash(link_token(nonce)) for nonce in nonces}
