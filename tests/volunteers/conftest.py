"""Bob, the approved volunteer who fits Alice's usual request."""

from __future__ import annotations

import pytest

from tests.factories import make_user
from tests.volunteers.factories import make_volunteer


@pytest.fixture
def bob(db):  # noqa: ANN001, ANN201
    """An approved volunteer in Shinjuku, Tokyo: healthcare, ja/ne/en, all modes."""
    user = make_user("bob@example.com", display_name="Bob", preferred_language="en")
    return make_volunteer(user)
