"""Bob, the approved volunteer (tests/volunteers), for the attachment access tests."""

from tests.volunteers.conftest import bob  # noqa: F401
