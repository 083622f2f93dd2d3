"""Resident pages: new request, my requests, detail, edit, cancel — happy paths, bad input, ownership."""

from __future__ import annotations

import pytest
from django.urls import reverse

from requests_app.models import HelpRequest, RequestStatus, Topic
from tests.factories import form_data, make_request, url_in

pytestmark = pytest.mark.django_db


def test_anonymous_people_are_sent_to_login(client) -> None:  # noqa: ANN001
    for url in (reverse("requests:new"), reverse("requests:mine")):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_it_creates_a_request_from_the_form(client, alice) -> None:  # noqa: ANN001
    client.force_login(alice)
    response = client.post(reverse("requests:new"), form_data())
    help_request = HelpRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == help_request.get_absolute_url()
    assert help_request.resident == alice
    assert help_request.status == RequestStatus.SUBMITTED
    assert help_request.languages == ["ne", "en"]
    assert help_request.text_language == "ne"
    assert help_request.availability == ["weekday_daytime", "weekend"]
    assert len(help_request.preferred_dates) == 1
    assert [t.code for t in help_request.topics.all()] == ["vaccination"]


def test_it_strips_control_characters_and_keeps_the_text(client, alice) -> None:  # noqa: ANN001
    client.force_login(alice)
    client.post(
        reverse("requests:new"),
        form_data(
            title="Help\x00 with a\u202e letter\x07",
            description="Line one\x1b\r\nLine two is long enough here.",
        ),
    )
    help_request = HelpRequest.objects.get()
    assert help_request.title == "Help with a letter"
    assert help_request.description == "Line one\nLine two is long enough here."
    assert help_request.text_language == "en"


INVALID = {
    "category": ({"category": ""}, "category"),
    "unknown category": ({"category": "99999"}, "category"),
    "no topic": ({"topics": []}, "topics"),
    "topic from another category": (None, "topics"),
    "empty title": ({"title": ""}, "title"),
    "title of control characters": ({"title": "\x00\x01\x02\x03\x04\x05"}, "title"),
    "short title": ({"title": "abc"}, "title"),
    "long title": ({"title": "x" * 121}, "title"),
    "empty description": ({"description": ""}, "description"),
    "short description": ({"description": "too short"}, "description"),
    "long description": ({"description": "x" * 2001}, "description"),
    "no first language": ({"first_language": ""}, "first_language"),
    "unknown language": ({"first_language": "xx"}, "first_language"),
    "unknown other language": ({"other_languages": ["xx"]}, "other_languages"),
    "no prefecture": ({"prefecture": ""}, "prefecture"),
    "unknown prefecture": ({"prefecture": "Atlantis"}, "prefecture"),
    "no municipality": ({"municipality": "  "}, "municipality"),
    "long municipality": ({"municipality": "x" * 61}, "municipality"),
    "no mode": ({"mode": ""}, "mode"),
    "unknown mode": ({"mode": "telepathy"}, "mode"),
    "no availability": ({"availability": []}, "availability"),
    "unknown availability": ({"availability": ["midnight"]}, "availability"),
    "bad date": ({"date_1": "24/12/2026x"}, "date_1"),
    "past date": ({"date_1": "2020-01-01"}, "date_1"),
    "date too far": ({"date_2": "2099-01-01"}, "date_2"),
}


@pytest.mark.parametrize("case", INVALID.keys())
def test_it_rejects_each_invalid_field_and_saves_nothing(client, alice, case) -> None:  # noqa: ANN001
    overrides, field = INVALID[case]
    if overrides is None:
        overrides = {"topics": [str(Topic.objects.get(code="bank_account").pk)]}
    client.force_login(alice)
    response = client.post(reverse("requests:new"), form_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert HelpRequest.objects.count() == 0


def test_errors_are_translated(client, alice) -> None:  # noqa: ANN001
    client.force_login(alice)
    url = url_in("ne", "requests:new")
    response = client.post(url, form_data(title=""))
    assert "Write a short title." not in response.content.decode()
    assert response.context["form"].errors["title"]


def test_my_requests_lists_only_mine(client, alice, mallory) -> None:  # noqa: ANN001
    mine = make_request(alice, title="Alice needs a clinic")
    make_request(mallory, title="Mallory's own request")
    client.force_login(alice)
    response = client.get(reverse("requests:mine"))
    assert list(response.context["help_requests"]) == [mine]
    assert "Mallory" not in response.content.decode()


def test_my_requests_uses_a_constant_number_of_queries(
    client, alice, django_assert_num_queries
) -> None:  # noqa: ANN001
    for i in range(3):
        make_request(alice, title=f"Request number {i}")
    client.force_login(alice)
    # session, user, unread notifications (the bell), requests, topics
    with django_assert_num_queries(5):
        client.get(reverse("requests:mine"))
    for i in range(10):
        make_request(alice, title=f"More request {i}")
    with django_assert_num_queries(5):
        response = client.get(reverse("requests:mine"))
    assert len(response.context["help_requests"]) == 13


@pytest.mark.parametrize("name", ["detail", "edit", "cancel"])
def test_it_checks_ownership(client, alice, mallory, name) -> None:  # noqa: ANN001
    help_request = make_request(alice)
    client.force_login(mallory)
    assert client.get(reverse(f"requests:{name}", args=[help_request.pk])).status_code == 404
    assert client.post(reverse(f"requests:{name}", args=[help_request.pk])).status_code == 404
    help_request.refresh_from_db()
    assert help_request.status == RequestStatus.SUBMITTED


def test_the_resident_sees_status_in_plain_words(client, alice) -> None:  # noqa: ANN001
    help_request = make_request(alice)
    client.force_login(alice)
    response = client.get(url_in("en", "requests:detail", help_request.pk))
    assert "Received" in response.content.decode()
    assert "Our staff will check it" in response.content.decode()


def test_it_edits_a_request_that_is_not_matched_yet(client, alice) -> None:  # noqa: ANN001
    help_request = make_request(alice)
    client.force_login(alice)
    url = reverse("requests:edit", args=[help_request.pk])
    assert client.get(url).context["form"]["title"].value() == help_request.title
    response = client.post(url, form_data(title="A clearer title", mode="phone"))
    assert response.status_code == 302
    help_request.refresh_from_db()
    assert (help_request.title, help_request.mode) == ("A clearer title", "phone")


def test_it_refuses_to_edit_a_matched_request(client, alice) -> None:  # noqa: ANN001
    help_request = make_request(alice)
    HelpRequest.objects.filter(pk=help_request.pk).update(status=RequestStatus.MATCHED)
    client.force_login(alice)
    response = client.post(
        reverse("requests:edit", args=[help_request.pk]), form_data(title="Changed")
    )
    assert response.status_code == 302
    help_request.refresh_from_db()
    assert help_request.title != "Changed"


def test_cancel_asks_for_confirmation_then_cancels(client, alice) -> None:  # noqa: ANN001
    help_request = make_request(alice)
    client.force_login(alice)
    url = reverse("requests:cancel", args=[help_request.pk])
    assert client.get(url).status_code == 200
    help_request.refresh_from_db()
    assert help_request.status == RequestStatus.SUBMITTED
    response = client.post(url, {"reason": "Solved it myself"})
    assert response.status_code == 302
    help_request.refresh_from_db()
    assert help_request.status == RequestStatus.CANCELLED
    assert help_request.status_changes.last().note == "Solved it myself"


def test_a_cancelled_request_cannot_be_cancelled_again(client, alice) -> None:  # noqa: ANN001
    help_request = make_request(alice)
    HelpRequest.objects.filter(pk=help_request.pk).update(status=RequestStatus.CANCELLED)
    client.force_login(alice)
    response = client.post(reverse("requests:cancel", args=[help_request.pk]))
    assert response.status_code == 302
    assert help_request.status_changes.count() == 1


def test_the_topic_partial_shows_only_the_chosen_category_with_hints(client) -> None:  # noqa: ANN001
    from requests_app.models import Category

    living = Category.objects.get(code="living")
    response = client.get(url_in("en", "requests:topics"), {"category": living.pk})
    html = response.content.decode()
    assert "Bank account" in html
    assert "residence card" in html  # the hint
    assert "Vaccination" not in html


def test_the_form_shows_the_scope_box(client, alice) -> None:  # noqa: ANN001
    client.force_login(alice)
    html = client.get(url_in("en", "requests:new")).content.decode()
    assert "119" in html and "110" in html
    assert "visa" in html


def test_the_form_asks_for_a_category_first_and_keeps_every_topic_for_no_javascript(
    client, alice
) -> None:  # noqa: ANN001
    client.force_login(alice)
    html = client.get(url_in("en", "requests:new")).content.decode()
    before, noscript = html.split("<noscript>", 1)
    noscript = noscript.split("</noscript>", 1)[0]
    assert "Choose what you need help with first" in before
    assert 'name="topics"' not in before  # with JavaScript, topics come after a category
    assert "Bank account" in noscript and "Vaccination" in noscript


def test_a_form_with_errors_keeps_the_chosen_category_and_topics(client, alice) -> None:  # noqa: ANN001
    client.force_login(alice)
    response = client.post(url_in("en", "requests:new"), form_data(title=""))
    html = response.content.decode()
    vaccination = Topic.objects.get(code="vaccination")
    assert f'value="{vaccination.pk}"' in html.split("<noscript>")[0]
    assert "checked" in html.split(f'id="topic-{vaccination.pk}"')[1][:200]
    assert "Bank account" not in html
