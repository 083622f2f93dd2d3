"""Redis down for the cache: pages and sign-in keep working; rate limits fail open, logged once."""

from __future__ import annotations

import logging
import time

import pytest
from django.core.cache import cache

import otonari.cache
from donations.models import SupportMessage
from donations.services import MESSAGE_RATE_LIMIT
from tests.donations.factories import give, make_campaign
from tests.factories import PASSWORD, url_in


@pytest.fixture(autouse=True)
def _no_outage_remembered() -> None:
    """Each test sees the outage afresh (the backend remembers it per process)."""
    otonari.cache._outages.clear()


@pytest.mark.django_db
def test_sign_in_works_while_the_cache_is_down(client, alice, cache_down, caplog) -> None:  # noqa: ANN001
    caplog.set_level(logging.WARNING)

    started = time.monotonic()
    response = client.post(
        url_in("en", "account_login"), {"login": alice.email, "password": PASSWORD}
    )
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)
    assert elapsed < 1.0, f"sign-in took {elapsed:.2f} s"
    # Said once, without the address or the email of whoever signed in.
    warnings = [r for r in caplog.records if r.name == "otonari.cache"]
    assert len(warnings) == 1
    assert "rate limits are not enforced" in warnings[0].getMessage()
    assert alice.email not in caplog.text and "127.0.0.1" not in caplog.text


@pytest.mark.django_db
def test_a_wrong_password_is_still_refused_while_the_cache_is_down(
    client,
    alice,
    cache_down,  # noqa: ANN001
) -> None:
    response = client.post(
        url_in("en", "account_login"), {"login": alice.email, "password": "not the password"}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_campaign_pages_render_while_the_cache_is_down(client, cache_down) -> None:  # noqa: ANN001
    campaign = make_campaign()
    give(campaign, 12_345)

    started = time.monotonic()
    listing = client.get(url_in("en", "donations:campaigns"))
    page = client.get(url_in("en", "donations:campaign", slug=campaign.slug))
    elapsed = time.monotonic() - started

    assert (listing.status_code, page.status_code) == (200, 200)
    assert "12,345" in page.content.decode()  # progress computed without the cache
    assert elapsed < 1.0


@pytest.mark.django_db
def test_support_messages_are_taken_while_the_cache_is_down(client, cache_down) -> None:  # noqa: ANN001
    campaign = make_campaign()
    url = url_in("en", "donations:campaign", slug=campaign.slug)

    # The per-sender limit lives in the cache: while it is down, it lets messages through.
    for n in range(MESSAGE_RATE_LIMIT + 1):
        response = client.post(url, {"name": "Ken", "body": f"Good luck! ({n})"})
        assert response.status_code == 302

    assert SupportMessage.objects.filter(campaign=campaign).count() == MESSAGE_RATE_LIMIT + 1


def test_the_cache_answers_as_an_empty_cache_while_redis_is_down(cache_down) -> None:  # noqa: ANN001
    cache.set("k", 1)
    assert cache.get("k", "missing") == "missing"
    assert cache.add("k", 1) is True  # as if evicted at once: a lock kept here never waits
    assert cache.get_many(["k"]) == {}
    assert cache.set_many({"k": 1}) == ["k"]
    assert cache.has_key("k") is False
    assert cache.delete("k") is False
    with pytest.raises(ValueError):
        cache.incr("k")
    assert cache.get_or_set("k", 2) == 2


def test_a_cache_that_stopped_answering_costs_one_timeout_not_one_per_read(
    settings,
    silent_redis,  # noqa: ANN001
) -> None:
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": silent_redis}}

    started = time.monotonic()
    assert [cache.get(f"key-{n}") for n in range(10)] == [None] * 10
    elapsed = time.monotonic() - started

    assert elapsed < 1.0, f"ten reads took {elapsed:.2f} s"
