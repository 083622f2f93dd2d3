"""Letter photos and PDFs: upload, cleaning (EXIF, orientation, fakes), limits, private serving
with its access rule per role, the task board note and the match page."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pillow_heif
import pytest
from django.contrib.auth.models import Permission
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfWriter

from accesslog.models import AccessLog
from matching.models import Match, MatchStatus
from requests_app.attachments import clean_upload
from requests_app.models import Attachment, HelpRequest
from requests_app.services import attachments_change
from tests.factories import form_data, make_request, make_user, url_in
from tests.volunteers.factories import make_match

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


# --- files made for the tests -------------------------------------------------------------------


def image_bytes(
    fmt: str = "JPEG", size: tuple[int, int] = (64, 48), mode: str = "RGB", **save: Any
) -> bytes:
    image = Image.new(mode, size, "white")
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **save)
    return buffer.getvalue()


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (35.0, 41.0, 22.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (139.0, 41.0, 30.0),
    }
    return image_bytes(exif=exif)


def jpeg_turned() -> bytes:
    """A landscape picture (red left half, blue right half) that a phone held upright took:
    EXIF Orientation 6 says "turn me 90° clockwise to show"."""
    image = Image.new("RGB", (60, 40), "blue")
    image.paste((255, 0, 0), (0, 0, 30, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, quality=95)
    return buffer.getvalue()


def png_with_html() -> bytes:
    info = PngInfo()
    info.add_text("Comment", "<html><body><script>alert(1)</script></body></html>")
    return image_bytes("PNG", pnginfo=info)


def heic_bytes() -> bytes:
    buffer = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", (64, 48), "green")).save(buffer, quality=80)
    return buffer.getvalue()


def pdf_bytes(pages: int = 1, padding: int = 0) -> bytes:
    """A small valid PDF with correct cross-references; ``padding`` bytes of page content make
    it as big as a test needs without slowing the parser (a stream is skipped by its length)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(pages))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    for i in range(pages):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {4 + 2 * i} 0 R >>".encode()
        )
        content = b"BT /F1 12 Tf 72 720 Td (Letter) Tj ET\n" + (
            b"%" + b"x" * padding if i == 0 and padding else b""
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def upload(
    name: str, content: bytes, content_type: str = "application/octet-stream"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def post_new(client, *files: SimpleUploadedFile, **overrides: Any):  # noqa: ANN001, ANN201
    return client.post(
        reverse("requests:new"), {**form_data(**overrides), "attachments": list(files)}
    )


def attach(help_request: HelpRequest, *files: SimpleUploadedFile) -> list[Attachment]:
    return attachments_change(
        help_request=help_request,
        by=help_request.resident,
        add=[clean_upload(f) for f in files],
    )


def stored_image(attachment: Attachment, *, preview: bool = False) -> Image.Image:
    with (attachment.preview if preview else attachment.file).open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        image.load()
    return image


def errors_of(response) -> str:  # noqa: ANN001
    return " ".join(str(e) for e in response.context["files_form"].errors.get("attachments", []))


# --- upload through the request form ----------------------------------------------------------


def test_it_attaches_jpeg_png_heic_and_pdf_to_a_new_request(client, alice) -> None:  # noqa: ANN001
    client.force_login(alice)
    response = post_new(
        client,
        upload("letter.jpg", image_bytes("JPEG"), "image/jpeg"),
        upload("scan.png", image_bytes("PNG", mode="RGBA"), "image/png"),
        upload("IMG_0001.HEIC", heic_bytes(), "image/heic"),
        upload("notice.pdf", pdf_bytes(pages=2), "application/pdf"),
    )
    help_request = HelpRequest.objects.get()
    assert response.status_code == 302
    attachments = list(help_request.attachments.order_by("original_name"))
    assert [(a.original_name, a.kind, a.content_type) for a in attachments] == [
        ("IMG_0001.HEIC", "image", "image/jpeg"),
        ("letter.jpg", "image", "image/jpeg"),
        ("notice.pdf", "pdf", "application/pdf"),
        ("scan.png", "image", "image/jpeg"),
    ]
    for attachment in attachments:
        if attachment.kind == "image":
            assert stored_image(attachment).format == "JPEG"
            assert stored_image(attachment, preview=True).format == "JPEG"
        else:
            assert attachment.pages == 2
            assert not attachment.preview
        # Random stored names; nothing of the resident's file name reaches the storage.
        assert attachment.file.name.startswith("letters/")
        stored_name = attachment.file.name.split("/")[-1]
        assert attachment.original_name.split(".")[0].lower() not in stored_name.lower()
        assert isinstance(attachment.pk, uuid.UUID)


def test_the_file_input_takes_photos_and_pdfs_several_at_once(client, alice) -> None:  # noqa: ANN001
    client.force_login(alice)
    page = client.get(reverse("requests:new")).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page
    assert 'accept="image/*,application/pdf"' in page
    assert "multiple" in page


def test_it_removes_gps_and_every_exif_tag(alice) -> None:  # noqa: ANN001
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # GPS in

    attachment = attach(make_request(alice), upload("photo.jpg", original))[0]

    for image in (stored_image(attachment), stored_image(attachment, preview=True)):
        exif = image.getexif()
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo)  # none out
        assert len(exif) == 0
        assert "exif" not in image.info


def test_it_applies_the_orientation_before_dropping_it(alice) -> None:  # noqa: ANN001
    attachment = attach(make_request(alice), upload("upright.jpg", jpeg_turned()))[0]
    image = stored_image(attachment).convert("RGB")
    assert image.size == (40, 60)  # turned upright
    red, _green, blue = image.getpixel((20, 5))  # the red half is now on top
    assert red > 200 and blue < 60
    assert ExifTags.Base.Orientation not in image.getexif()


def test_the_preview_fits_a_phone(alice) -> None:  # noqa: ANN001
    big = upload("big.png", image_bytes("PNG", size=(3000, 2000)))
    attachment = attach(make_request(alice), big)[0]
    assert max(stored_image(attachment, preview=True).size) == 1280
    assert max(stored_image(attachment).size) == 2560


def test_it_keeps_the_original_name_as_text_only(alice) -> None:  # noqa: ANN001
    name = "../../etc/pass\u202ewd\x00.jpg"
    attachment = attach(make_request(alice), upload(name, image_bytes()))[0]
    assert attachment.original_name == "passwd.jpg"
    assert "passwd" not in attachment.file.name and ".." not in attachment.file.name


FAKES = {
    "html renamed .jpg": ("letter.jpg", b"<html><script>alert(1)</script></html>", "wrong_type"),
    "text renamed .png": ("letter.png", b"just some text, not a picture" * 10, "wrong_type"),
    "gif": ("anim.jpg", image_bytes("GIF", mode="P"), "wrong_type"),
    "jpeg header, then html": (
        "letter.jpg",
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00<html><script>alert(1)</script></html>",
        "wrong_type",
    ),
    "truncated jpeg": ("letter.jpg", image_bytes("JPEG", size=(400, 300))[:300], "bad_image"),
    "real jpeg with a script appended (polyglot)": (
        "letter.jpg",
        image_bytes("JPEG") + b"<script>fetch('/x?c='+document.cookie)</script>",
        "bad_image",
    ),
    "png with html in a text chunk (polyglot)": ("letter.png", png_with_html(), "bad_image"),
    "decompression bomb": (
        "huge.png",
        image_bytes("PNG", size=(10000, 6000), mode="1"),
        "too_many_pixels",
    ),
    "pdf header, then garbage": ("letter.pdf", b"%PDF-1.4\nnot really a pdf", "bad_pdf"),
    "encrypted pdf": ("locked.pdf", encrypted_pdf(), "encrypted_pdf"),
    "pdf with javascript": (
        "letter.pdf",
        pdf_bytes().replace(
            b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"
        ),
        "active_pdf",
    ),
    "pdf of too many pages": ("long.pdf", pdf_bytes(pages=21), "too_many_pages"),
    "empty file": ("empty.jpg", b"", "empty"),
}


@pytest.mark.parametrize("case", FAKES.keys())
def test_it_refuses_fake_and_dangerous_files(case: str) -> None:
    name, content, code = FAKES[case]
    with pytest.raises(Exception) as refused:
        clean_upload(upload(name, content, "image/jpeg"))
    assert getattr(refused.value, "code", None) == code


def test_a_refused_file_is_named_and_the_rest_of_the_form_kept(client, alice) -> None:  # noqa: ANN001
    client.force_login(alice)
    response = post_new(
        client,
        upload("ok.jpg", image_bytes()),
        upload("virus.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"),
        title="Help me read a tax letter",
        municipality="Setagaya",
    )
    assert response.status_code == 200
    assert not HelpRequest.objects.exists()
    assert not Attachment.objects.exists()
    assert "virus.jpg" in errors_of(response)
    page = response.content.decode()
    assert 'value="Help me read a tax letter"' in page
    assert 'value="Setagaya"' in page
    assert "virus.jpg" in page


def test_the_errors_are_translated(client, alice) -> None:  # noqa: ANN001
    client.force_login(alice)
    response = client.post(
        url_in("ne", "requests:new"),
        {**form_data(), "attachments": [upload("x.jpg", b"<html></html>", "image/jpeg")]},
    )
    error = errors_of(response)
    assert "x.jpg" in error
    assert "JPEG" in error and "not a photo" not in error  # Nepali, not English


def test_a_file_over_10_mb_is_refused_and_the_form_kept(client, alice) -> None:  # noqa: ANN001
    client.force_login(alice)
    response = post_new(
        client, upload("big.pdf", pdf_bytes(padding=10 * MB + 10)), title="Help with a big letter"
    )
    assert response.status_code == 200
    assert "big.pdf" in errors_of(response)
    assert "10.0" in errors_of(response)
    assert not HelpRequest.objects.exists()
    assert 'value="Help with a big letter"' in response.content.decode()


def test_more_than_5_files_are_refused(client, alice) -> None:  # noqa: ANN001
    client.force_login(alice)
    response = post_new(client, *[upload(f"p{i}.png", image_bytes("PNG")) for i in range(6)])
    assert response.status_code == 200
    assert "5" in errors_of(response)
    assert not HelpRequest.objects.exists()


def test_more_than_25_mb_in_all_is_refused(client, alice) -> None:  # noqa: ANN001
    client.force_login(alice)
    files = [upload(f"part{i}.pdf", pdf_bytes(padding=9 * MB)) for i in range(3)]
    response = post_new(client, *files)
    assert response.status_code == 200
    assert "25.0" in errors_of(response)
    assert not HelpRequest.objects.exists()


def test_the_service_holds_the_limits_too(alice) -> None:  # noqa: ANN001
    help_request = make_request(alice)
    attach(help_request, *[upload(f"p{i}.png", image_bytes("PNG")) for i in range(5)])
    from requests_app.services import RequestError

    with pytest.raises(RequestError):
        attach(help_request, upload("sixth.png", image_bytes("PNG")))
    assert help_request.attachments.count() == 5


def test_on_edit_the_resident_removes_one_and_adds_another(
    client,
    alice,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    help_request = make_request(alice)
    first, second = attach(
        help_request, upload("a.jpg", image_bytes()), upload("b.pdf", pdf_bytes())
    )
    client.force_login(alice)
    page = client.get(reverse("requests:edit", args=[help_request.pk])).content.decode()
    assert "a.jpg" in page and "b.pdf" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("requests:edit", args=[help_request.pk]),
            {
                **form_data(),
                "remove": [str(first.pk)],
                "attachments": [upload("c.png", image_bytes("PNG"))],
            },
        )
    assert response.status_code == 302
    names = sorted(help_request.attachments.values_list("original_name", flat=True))
    assert names == ["b.pdf", "c.png"]
    assert not storages["private"].exists(first.file.name)  # the removed file is gone
    assert storages["private"].exists(second.file.name)


def test_on_edit_the_limit_counts_the_files_already_there(client, alice) -> None:  # noqa: ANN001
    help_request = make_request(alice)
    existing = attach(help_request, *[upload(f"p{i}.png", image_bytes("PNG")) for i in range(5)])
    client.force_login(alice)
    url = reverse("requests:edit", args=[help_request.pk])
    response = client.post(
        url, {**form_data(), "attachments": [upload("more.png", image_bytes("PNG"))]}
    )
    assert response.status_code == 200
    assert help_request.attachments.count() == 5

    response = client.post(
        url,
        {
            **form_data(),
            "remove": [str(existing[0].pk)],
            "attachments": [upload("more.png", image_bytes("PNG"))],
        },
    )
    assert response.status_code == 302
    assert help_request.attachments.count() == 5


# --- serving: who may see a file --------------------------------------------------------------


@pytest.fixture
def letter(alice) -> tuple[Attachment, Attachment]:  # noqa: ANN001
    """Alice's open request with a photo and a PDF of the letter."""
    from tests.volunteers.factories import make_open_request

    help_request = make_open_request(alice)
    return tuple(  # type: ignore[return-value]
        attach(help_request, upload("letter.jpg", image_bytes()), upload("letter.pdf", pdf_bytes()))
    )


def file_url(attachment: Attachment, *, preview: bool = False) -> str:
    return attachment.get_preview_url() if preview else attachment.get_absolute_url()


def test_the_resident_gets_the_photo_inline_and_the_pdf_as_a_download(
    client, alice, letter
) -> None:  # noqa: ANN001
    photo, pdf = letter
    client.force_login(alice)

    response = client.get(file_url(photo))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert 'filename="letter.jpg"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")

    response = client.get(file_url(photo, preview=True))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    assert response["Cache-Control"] == "private, no-store"

    response = client.get(file_url(pdf))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")

    assert client.get(file_url(pdf, preview=True)).status_code == 404  # no preview of a PDF


def test_it_checks_ownership(client, mallory, letter) -> None:  # noqa: ANN001
    client.force_login(mallory)
    for attachment in letter:
        assert client.get(file_url(attachment)).status_code == 404
        assert client.get(file_url(attachment, preview=True)).status_code == 404


def test_anonymous_people_are_sent_to_sign_in(client, letter) -> None:  # noqa: ANN001
    response = client.get(file_url(letter[0]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_guessed_file_url_gives_404(client, alice, letter) -> None:  # noqa: ANN001
    photo, _pdf = letter
    client.force_login(alice)
    stored = photo.file.name  # e.g. letters/<random>.jpg
    guesses = [
        reverse("requests:attachment", args=[uuid.uuid4()]),
        reverse("requests:attachment_preview", args=[uuid.uuid4()]),
        file_url(photo).replace(str(photo.pk), stored),
        file_url(photo).replace(str(photo.pk), stored.split("/")[-1]),
        "/media/" + stored,
        "/private_media/" + stored,
        "/static/../private_media/" + stored,
    ]
    for url in guesses:
        assert client.get(url).status_code == 404, url


def test_staff_need_the_permission(client, letter) -> None:  # noqa: ANN001
    photo, pdf = letter
    staff = make_user("dave@example.com", is_staff=True, display_name="Dave")
    client.force_login(staff)
    assert client.get(file_url(photo)).status_code == 404

    staff.user_permissions.add(Permission.objects.get(codename="view_attachment"))
    staff = type(staff).objects.get(pk=staff.pk)  # a fresh permission cache
    client.force_login(staff)
    assert client.get(file_url(photo)).status_code == 200
    assert client.get(file_url(pdf)).status_code == 200


def test_a_superuser_sees_the_files_and_each_opening_is_logged(client, carol, letter) -> None:  # noqa: ANN001
    photo, _pdf = letter
    client.force_login(carol)
    assert client.get(file_url(photo)).status_code == 200
    assert AccessLog.objects.filter(staff=carol, object_id=str(photo.pk)).count() == 1


def test_a_non_staff_user_with_the_permission_still_gets_404(client, mallory, letter) -> None:  # noqa: ANN001
    mallory.user_permissions.add(Permission.objects.get(codename="view_attachment"))
    client.force_login(mallory)
    assert client.get(file_url(letter[0])).status_code == 404


def matched(alice, bob, status: str) -> Match:  # noqa: ANN001
    """Alice's request with a photo and a PDF (attached while it was open), matched to Bob."""
    match = make_match(alice, bob, status=MatchStatus.ACCEPTED)
    attach(match.request, upload("l.jpg", image_bytes()), upload("l.pdf", pdf_bytes()))
    Match.objects.filter(pk=match.pk).update(status=status)
    return Match.objects.get(pk=match.pk)


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (MatchStatus.PROPOSED, False),
        (MatchStatus.ACCEPTED, False),
        (MatchStatus.RECONFIRM, False),
        (MatchStatus.APPROVED, True),
        (MatchStatus.COMPLETED, False),
        (MatchStatus.REJECTED, False),
        (MatchStatus.WITHDRAWN, False),
        (MatchStatus.CANCELLED, False),
    ],
)
def test_the_volunteer_sees_the_files_only_while_the_match_is_approved(
    client,
    alice,
    bob,
    status: str,
    allowed: bool,  # noqa: ANN001
) -> None:
    match = matched(alice, bob, status)
    photo = match.request.attachments.get(kind="image")
    pdf = match.request.attachments.get(kind="pdf")
    client.force_login(bob.user)
    expected = 200 if allowed else 404
    assert client.get(file_url(photo)).status_code == expected
    assert client.get(file_url(photo, preview=True)).status_code == expected
    assert client.get(file_url(pdf)).status_code == expected


def test_it_is_checked_on_every_request_so_a_withdrawn_volunteer_loses_access(
    client, alice, bob
) -> None:  # noqa: ANN001
    match = matched(alice, bob, MatchStatus.APPROVED)
    photo = match.request.attachments.get(kind="image")
    client.force_login(bob.user)
    assert client.get(file_url(photo)).status_code == 200
    type(match).objects.filter(pk=match.pk).update(status=MatchStatus.WITHDRAWN)
    assert client.get(file_url(photo)).status_code == 404


def test_another_requests_approved_volunteer_gets_404(client, alice, bob) -> None:  # noqa: ANN001
    make_match(alice, bob, status=MatchStatus.APPROVED)  # bob helps alice with another request
    other = make_request(make_user("erin@example.com"))
    photo = attach(other, upload("l.jpg", image_bytes()))[0]
    client.force_login(bob.user)
    assert client.get(file_url(photo)).status_code == 404


# --- the board, the match page, the admin -----------------------------------------------------


def test_the_board_says_a_document_is_attached_without_showing_it(
    client, alice, bob, letter
) -> None:  # noqa: ANN001
    client.force_login(bob.user)
    page = client.get(reverse("matching:board")).content.decode()
    assert letter[0].request.title in page
    assert "attachment-note" in page
    assert str(letter[0].pk) not in page  # no image, no link
    task_page = client.get(reverse("matching:task", args=[letter[0].request_id])).content.decode()
    assert "attachment-note" in task_page
    assert str(letter[0].pk) not in task_page


def test_the_board_has_no_note_without_a_document(client, alice, bob) -> None:  # noqa: ANN001
    from tests.volunteers.factories import make_open_request

    make_open_request(alice)
    client.force_login(bob.user)
    page = client.get(reverse("matching:board")).content.decode()
    assert "attachment-note" not in page


def test_the_match_page_shows_the_files_only_after_approval(client, alice, bob) -> None:  # noqa: ANN001
    match = make_match(alice, bob, status=MatchStatus.ACCEPTED)
    photo, pdf = attach(match.request, upload("l.jpg", image_bytes()), upload("l.pdf", pdf_bytes()))
    client.force_login(bob.user)
    page = client.get(match.get_absolute_url()).content.decode()
    assert file_url(photo, preview=True) not in page
    assert "attachment-note" in page

    type(match).objects.filter(pk=match.pk).update(status=MatchStatus.APPROVED)
    page = client.get(match.get_absolute_url()).content.decode()
    assert f'src="{file_url(photo, preview=True)}"' in page
    assert f'href="{file_url(pdf)}"' in page
    assert "attachment-note" not in page


def test_the_resident_sees_their_files_on_the_request_page(client, alice, letter) -> None:  # noqa: ANN001
    photo, pdf = letter
    client.force_login(alice)
    page = client.get(photo.request.get_absolute_url()).content.decode()
    assert file_url(photo, preview=True) in page
    assert file_url(pdf) in page


def test_the_admin_links_the_files_through_the_checked_view(client, carol, letter) -> None:  # noqa: ANN001
    photo, pdf = letter
    client.force_login(carol)
    page = client.get(
        reverse("admin:requests_app_helprequest_change", args=[photo.request_id])
    ).content.decode()
    assert f'href="{file_url(photo)}"' in page
    assert f'href="{file_url(pdf)}"' in page
    assert photo.file.name not in page


def test_when_another_field_is_wrong_the_page_asks_for_the_files_again(client, alice) -> None:  # noqa: ANN001
    client.force_login(alice)
    response = post_new(client, upload("ok.jpg", image_bytes()), title="")
    assert response.status_code == 200
    assert not Attachment.objects.exists()
    assert "attachments-field" in response.content.decode()
    with translation.override("ja"):
        again = gettext("Your files were not saved yet. Please choose them again.")
    assert again in response.content.decode()
    assert again not in post_new(client, title="").content.decode()  # no files, no note


@pytest.mark.django_db(transaction=True)
def test_two_edits_at_once_cannot_pass_the_file_limit_together(alice) -> None:  # noqa: ANN001
    import threading

    from django.db import connection

    from requests_app.services import RequestError

    help_request = make_request(alice)
    batches = [
        [clean_upload(upload(f"{n}{i}.png", image_bytes("PNG"))) for i in range(3)] for n in "ab"
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def add(files) -> None:  # noqa: ANN001
        try:
            barrier.wait()
            attachments_change(help_request=help_request, by=alice, add=files)
            outcomes.append("added")
        except RequestError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["added", "refused"]
    assert help_request.attachments.count() == 3
