"""Fixtures of the account tests: Bob the approved volunteer comes from tests/volunteers."""

from tests.volunteers.conftest import bob  # noqa: F401
