import pytest

from tests.access.matrix import forget_clients
from tests.access.world import build_world


@pytest.fixture
def world(make_user):
    """Two partners, every role, one of each object (see world.py)."""
    forget_clients()
    yield build_world(make_user)
    forget_clients()
