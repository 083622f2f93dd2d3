"""Messages of support: hidden until approved, escaped, length-limited and rate-limited per sender."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext

from donations.models import CampaignStatus, SupportMessage
from donations.services import (
    MESSAGE_RATE_LIMIT,
    SupportMessageError,
    message_approve,
    message_submit,
    message_unapprove,
)
from tests.donations.factories import days, make_campaign

pytestmark = pytest.mark.django_db

THANKS = "Thank you for your message. It will appear here after our staff have read it."


def _submit(campaign, body: str = "応援しています！", ip: str = "203.0.113.7", **kwargs):  # noqa: ANN001, ANN003, ANN202
    return message_submit(campaign=campaign, body=body, ip=ip, **kwargs)


def test_a_message_waits_for_review_and_keeps_no_ip_address() -> None:
    message = _submit(make_campaign(), name="  Ken ", body="Good luck!\n\nFrom Osaka")
    assert (message.name, message.body, message.language) == (
        "Ken",
        "Good luck!\n\nFrom Osaka",
        "en",
    )
    assert message.approved is False and message.approved_at is None
    assert len(message.ip_hash) == 64
    assert "203.0.113.7" not in message.ip_hash


def test_the_language_of_a_message_is_read_from_its_script() -> None:
    campaign = make_campaign()
    assert _submit(campaign, body="शुभकामना!").language == "ne"
    assert _submit(campaign, body="がんばってください", ip="198.51.100.1").language == "ja"


def test_an_empty_or_too_long_message_is_refused() -> None:
    campaign = make_campaign()
    with pytest.raises(SupportMessageError):
        _submit(campaign, body="   ")
    with pytest.raises(SupportMessageError):
        _submit(campaign, body="あ" * 501)
    assert _submit(campaign, body="あ" * 500).body == "あ" * 500


def test_ended_and_draft_campaigns_take_no_messages() -> None:
    for campaign in (
        make_campaign(status=CampaignStatus.ENDED),
        make_campaign(start_date=days(-30), end_date=days(-1)),
        make_campaign(status=CampaignStatus.DRAFT),
    ):
        with pytest.raises(SupportMessageError):
            _submit(campaign)
    assert SupportMessage.objects.count() == 0


def test_one_sender_may_send_only_a_few_messages_in_ten_minutes() -> None:
    campaign = make_campaign()
    for _ in range(MESSAGE_RATE_LIMIT):
        _submit(campaign)
    with pytest.raises(SupportMessageError):
        _submit(campaign)
    assert SupportMessage.objects.count() == MESSAGE_RATE_LIMIT
    # Other senders and other campaigns are not affected.
    _submit(campaign, ip="198.51.100.2")
    _submit(make_campaign())


def test_approval_records_who_and_when_and_can_be_undone(carol) -> None:  # noqa: ANN001
    message = _submit(make_campaign())
    message_approve(message=message, by=carol)
    assert (message.approved, message.approved_by) == (True, carol)
    first_time = message.approved_at
    message_approve(message=message, by=carol)
    assert message.approved_at == first_time
    message_unapprove(message=message)
    assert (message.approved, message.approved_at, message.approved_by) == (False, None, None)


def test_unapproved_messages_never_show_on_the_page(client, carol) -> None:  # noqa: ANN001
    campaign = make_campaign()
    hidden = _submit(campaign, body="Not reviewed yet")
    shown = _submit(campaign, body="Reviewed and kind", ip="198.51.100.3")
    message_approve(message=shown, by=carol)
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert "Reviewed and kind" in html
    assert hidden.body not in html
    message_unapprove(message=shown)
    assert "Reviewed and kind" not in client.get(campaign.get_absolute_url()).content.decode()


def test_messages_are_shown_as_text_never_as_html(client, carol) -> None:  # noqa: ANN001
    campaign = make_campaign()
    message = _submit(campaign, name="<b>Eve</b>", body="<script>alert('x')</script>\nline two")
    message_approve(message=message, by=carol)
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;<br>line two" in html
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html
    assert 'lang="en"' in html


def test_the_page_form_sends_a_message_for_review(client) -> None:  # noqa: ANN001
    campaign = make_campaign()
    response = client.post(
        campaign.get_absolute_url(), {"name": "", "body": "ずっと応援しています"}, follow=True
    )
    assert response.redirect_chain[-1][0].endswith(campaign.get_absolute_url() + "#messages")
    with translation.override("ja"):
        assert gettext(THANKS) in response.content.decode()
    message = SupportMessage.objects.get()
    assert (message.name, message.approved) == ("", False)
    assert "ずっと応援しています" not in response.content.decode()


def test_the_form_shows_the_rate_limit_and_saves_nothing_more(client) -> None:  # noqa: ANN001
    campaign = make_campaign()
    for _ in range(MESSAGE_RATE_LIMIT):
        client.post(campaign.get_absolute_url(), {"body": "応援"})
    response = client.post(campaign.get_absolute_url(), {"body": "もう一度"})
    assert response.status_code == 200
    assert 'class="form-errors"' in response.content.decode()
    assert SupportMessage.objects.count() == MESSAGE_RATE_LIMIT


def test_the_form_refuses_a_too_long_message(client) -> None:  # noqa: ANN001
    campaign = make_campaign()
    response = client.post(campaign.get_absolute_url(), {"body": "x" * 501})
    assert response.status_code == 200
    assert response.context["form"].errors["body"]
    assert SupportMessage.objects.count() == 0
