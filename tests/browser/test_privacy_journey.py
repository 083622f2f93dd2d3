"""Journeys of issue 13 on a phone in Nepali.

1. A resident attaches a photo of a letter to her request; the matched volunteer sees it only
   after staff approve; staff opening it is in the access log; she downloads her data and
   deletes her account.
2. The privacy notice, reached from the sign-up form's consent box, reads well on a phone in
   Nepali.

Every step: axe (no serious finding), no English on /ne/ and /ja/, nothing wider than the
screen, the CSP on."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import ngettext
from PIL import ExifTags, Image, ImageDraw
from playwright.sync_api import expect

from accesslog.models import AccessLog
from accounts.models import User
from matching.models import Match, MatchStatus
from matching.services import match_approve
from notifications.models import Notification
from requests_app.models import Attachment, Category, HelpRequest, RequestStatus, Topic
from requests_app.services import request_transition
from tests.browser.helpers import log_in, sign_in, t
from tests.factories import make_user
from tests.matching.helpers import approval
from tests.volunteers.factories import make_volunteer

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "नगरपालिकाबाट आएको चिठी बुझ्न मद्दत चाहियो"
DESCRIPTION = "नगरपालिकाबाट जापानी भाषामा चिठी आयो। के लेखिएको छ बुझिनँ। फोटो राखेको छु।"
PHONE = "090-1234-5678"


def _letter_photo(folder: Path) -> Path:
    """A phone photo of a letter, with the GPS position phones write into it."""
    image = Image.new("RGB", (1200, 1600), "white")
    draw = ImageDraw.Draw(image)
    for line in range(12):
        draw.rectangle((120, 200 + line * 100, 1080 - (line % 3) * 200, 230 + line * 100), "black")
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (35.0, 41.0, 22.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (139.0, 41.0, 30.0),
    }
    path = folder / "IMG_2041.jpg"
    image.save(path, "JPEG", exif=exif)
    return path


def _has_gps(content: bytes) -> bool:
    return bool(Image.open(io.BytesIO(content)).getexif().get_ifd(ExifTags.IFD.GPSInfo))


def _image_loaded(page, selector: str) -> bool:  # noqa: ANN001
    """The photo (lazy-loaded: scrolled to first) came through the attachment view."""
    image = page.locator(selector).first
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "s => { const i = document.querySelector(s); return i.complete && i.naturalWidth > 0 }",
        arg=selector,
    )
    return True


@pytest.mark.parametrize("viewport", ["phone"])  # the 360 px phone
def test_a_letter_photo_from_request_to_deleted_account(
    live_server,  # noqa: ANN001
    page,  # noqa: ANN001
    other_page,  # noqa: ANN001
    journey,  # noqa: ANN001
    tmp_path,  # noqa: ANN001
    viewport,  # noqa: ANN001
) -> None:
    base = live_server.url
    sita = make_user("sita.letter@example.com", preferred_language="ne", display_name="Sita")
    bob = make_volunteer(make_user("bob@example.com", display_name="Bob", preferred_language="ja"))
    carol = make_user("carol@example.com", is_staff=True, is_superuser=True)
    photo = _letter_photo(tmp_path)
    assert _has_gps(photo.read_bytes())

    # Sita asks for help in Nepali, with a photo of the letter and her consents (first request).
    log_in(journey, page, base, sita.email, next_url="/ne/requests/new/", who="sita")
    healthcare = Category.objects.get(code="healthcare")
    vaccination = Topic.objects.get(code="vaccination")
    with journey.step("the request form asks for the photo and the consents"):
        expect(page.locator("h1")).to_have_text(t("ne", "Ask for help"))
        page.check(f"input[name=category][value='{healthcare.pk}']")
        expect(page.locator(f"#topic-hint-{vaccination.pk}")).to_be_visible()
        page.check(f"#topic-{vaccination.pk}")
        page.fill("input[name=title]", TITLE)
        page.fill("textarea[name=description]", DESCRIPTION)
        page.select_option("select[name=first_language]", "ne")
        page.select_option("select[name=prefecture]", "Tokyo")
        page.fill("input[name=municipality]", "Shinjuku")
        page.fill("input[name=contact_phone]", PHONE)
        page.check("input[name=mode][value=in_person]")
        page.check("input[name=availability][value=weekday_daytime]")
        file_input = page.locator(".attachments-field input[type=file]")
        expect(file_input).to_have_attribute("accept", re.compile(r"image/\*"))
        file_input.set_input_files(str(photo))
        consents = page.locator(".consents input[type=checkbox]")
        expect(consents).to_have_count(3)
        for box in consents.all():
            box.check()
    page.get_by_role("button", name=t("ne", "Send my request")).click()
    with journey.step("her request with the photo"):
        expect(page.locator(".status")).to_have_text(t("ne", "Received"))
        expect(page.locator(".attachment-gallery img")).to_be_visible()
        assert _image_loaded(page, ".attachment-gallery img")
    help_request = HelpRequest.objects.get(resident=sita)
    attachment = Attachment.objects.get(request=help_request)
    file_url = f"{base}{attachment.get_absolute_url()}"
    with attachment.file.open("rb") as stored:
        assert not _has_gps(stored.read())

    # Staff open it for matching; Bob finds it on the board.
    request_transition(help_request=help_request, to=RequestStatus.MATCHING, by=carol)
    bob_page = other_page()
    log_in(journey, bob_page, base, bob.user.email, next_url="/ja/matches/board/", who="bob")
    with journey.as_(bob_page), journey.step("the board says a letter is attached, no image"):
        card = bob_page.locator(".task-card", has_text=TITLE)
        expect(card.locator(".attachment-note")).to_have_text(
            t(
                "ja",
                "A photo or PDF of the letter or document is attached. You can see it after "
                "staff approve the match.",
            )
        )
        expect(card.locator("img")).to_have_count(0)
    card.get_by_role("link", name=TITLE).click()
    with journey.as_(bob_page), journey.step("the task: no photo before accepting"):
        expect(bob_page.locator("h1")).to_have_text(t("ja", "A task you could take"))
        expect(bob_page.locator(".attachment-gallery")).to_have_count(0)
        assert PHONE not in bob_page.content()
    assert bob_page.request.get(file_url).status == 404
    bob_page.fill("textarea[name=note]", "平日の午前なら同行できます。")
    bob_page.locator("button.big-button", has_text=t("ja", "I can help")).click()
    with journey.as_(bob_page), journey.step("accepted: still no photo before approval"):
        expect(bob_page.locator(".status")).to_have_text(t("ja", "Waiting for staff approval"))
        expect(bob_page.locator(".attachment-gallery")).to_have_count(0)
    assert bob_page.request.get(file_url).status == 404

    # Staff approve (the staff journey walks through the admin); Bob now sees the photo.
    match = Match.objects.get(request=help_request, volunteer=bob)
    match_approve(match=match, by=carol, **approval())
    bob_page.reload()
    with journey.as_(bob_page), journey.step("approved: the photo on the match page"):
        expect(bob_page.locator(".attachment-gallery img")).to_be_visible()
        assert _image_loaded(bob_page, ".attachment-gallery img")
    answer = bob_page.request.get(file_url)
    assert answer.status == 200
    assert answer.headers["cache-control"] == "private, no-store"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert not _has_gps(answer.body())
    assert not AccessLog.objects.exists()  # no staff member opened anything of Sita's yet

    # A staff member opens her request and the photo in the admin: each is in the access log,
    # which only superusers read, without a word of her data.
    carol_page = other_page()
    sign_in(carol_page, base, carol)
    carol_page.goto(f"{base}/ja/admin/requests_app/helprequest/{help_request.pk}/change/")
    with journey.as_(carol_page), journey.step("staff open the request in the admin"):
        expect(carol_page.locator("h1")).to_be_visible()
    assert carol_page.request.get(file_url).status == 200
    carol_page.goto(f"{base}/ja/admin/accesslog/accesslog/")
    with journey.as_(carol_page), journey.step("the access log shows who opened what"):
        expect(carol_page.locator("#result_list tbody tr")).to_have_count(2)
    logged = list(AccessLog.objects.order_by("id").values_list("staff", "view", "object_id"))
    assert logged == [
        (carol.pk, "change", str(help_request.pk)),
        (carol.pk, "attachment", str(attachment.pk)),
    ]

    # Sita downloads her data, then deletes her account.
    page.get_by_role("link", name=t("ne", "My data")).click()
    with journey.step("my data in Nepali"):
        expect(page.locator("h1")).to_have_text(t("ne", "My data"))
    with page.expect_download() as download:
        page.get_by_role("button", name=t("ne", "Download my data (JSON)")).click()
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    text = json.dumps(exported, ensure_ascii=False)
    assert TITLE in text and DESCRIPTION in text and PHONE in text and sita.email in text
    with translation.override("ne"):
        zip_label = ngettext(
            "Download my attached file (ZIP)", "Download my %(counter)s attached files (ZIP)", 1
        )
    with page.expect_download() as download:
        page.get_by_role("button", name=zip_label).click()
    with zipfile.ZipFile(download.value.path()) as archive:
        names = archive.namelist()
        assert len(names) == 1
        assert not _has_gps(archive.read(names[0]))

    notified_before = Notification.objects.filter(recipient=bob.user).count()
    page.get_by_role("button", name=t("ne", "Delete my account…")).click()
    with journey.step("delete: what goes and what stays"):
        expect(page.locator("h1")).to_have_text(t("ne", "Delete my account"))
        page.fill("input[name=confirm]", t("ne", "DELETE"))
    page.get_by_role("button", name=t("ne", "Delete my account now")).click()
    with journey.step("the account is deleted"):
        expect(page.locator("html")).to_have_attribute("lang", "ne")
        expect(page.locator("h1")).to_be_visible()
        expect(page.get_by_role("link", name=t("ne", "My data"))).to_have_count(0)

    assert not User.objects.filter(email=sita.email).exists()
    help_request.refresh_from_db()
    assert help_request.status == RequestStatus.CANCELLED
    assert TITLE not in help_request.title and DESCRIPTION not in help_request.description
    assert PHONE not in help_request.contact_phone
    assert not Attachment.objects.filter(request=help_request).exists()
    match.refresh_from_db()
    assert match.status not in (MatchStatus.ACCEPTED, MatchStatus.APPROVED)
    assert Notification.objects.filter(recipient=bob.user).count() > notified_before
    # Bob's link to the photo is dead too.
    assert bob_page.request.get(file_url).status == 404


def test_the_notice_is_one_tap_from_the_consent_box(live_server, page, journey) -> None:  # noqa: ANN001
    with journey.step("sign-up form with the consent box"):
        page.goto(f"{live_server.url}/ne/accounts/signup/")
        expect(page.locator("input[name=consent_privacy_notice]")).to_be_visible()
    page.locator("main form").get_by_role("link", name=t("ne", "Read the privacy notice")).click()
    with journey.step("the privacy notice in Nepali"):
        expect(page).to_have_url(re.compile(r"/ne/privacy/$"))
        expect(page.locator("h1")).to_have_text(t("ne", "Privacy notice"))
        expect(page.locator("main")).to_contain_text("アジア人文文化交流促進協会")
    page.get_by_role("contentinfo").get_by_role("link", name=t("ne", "Privacy notice")).click()
    with journey.step("the footer link leads to it too"):
        expect(page).to_have_url(re.compile(r"/ne/privacy/$"))
