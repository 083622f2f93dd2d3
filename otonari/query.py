"""Reading ids from a query string: a malformed one is simply no id, never a server error."""

from __future__ import annotations

# The largest value of a BigAutoField (PostgreSQL bigint).
MAX_PK = 2**63 - 1


def query_pk(value: str | None) -> int | None:
    """The primary key ``?name=`` names, or None for anything that cannot be one.

    ``int()`` alone is not enough: it accepts "-1", " 7", "1_000" and other scripts' digits
    (Nepali "७"), and a number past bigint makes PostgreSQL raise.
    """
    if not value or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 0 < number <= MAX_PK else None
