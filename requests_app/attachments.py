"""Checking and cleaning a resident's uploaded letter: photos are decoded and re-encoded, PDFs
are checked; nothing a resident sends is stored as it came except a PDF that passed the checks."""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

import pillow_heif
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from otonari.text import clean_text

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

pillow_heif.register_heif_opener()

IMAGE = "image"
PDF = "pdf"
# What Pillow calls the formats a phone camera or scanner app sends (HEIC opens as "HEIF").
IMAGE_FORMATS = frozenset({"JPEG", "PNG", "HEIF"})
PDF_MAGIC = b"%PDF-"
FULL_LONG_SIDE = 2560
PREVIEW_LONG_SIDE = 1280
JPEG_QUALITY = 85
ORIGINAL_NAME_LENGTH = 120
# Markup or script inside a file that decodes as a photo makes it a polyglot: a browser or a
# careless viewer could run it. Real photos never contain these byte strings.
MARKUP = re.compile(rb"<\s*(?:script|html|body|svg|iframe|object|embed|\?php)\b|javascript:", re.I)
PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFile|RichMedia)\b")


@dataclass(frozen=True)
class CleanFile:
    """An upload that passed the checks, ready to store (``content`` is what gets stored)."""

    kind: str
    content: bytes
    content_type: str
    original_name: str
    preview: bytes | None = None
    pages: int | None = None
    width: int | None = None
    height: int | None = None

    @property
    def size(self) -> int:
        return len(self.content)


def sanitize_name(name: str) -> str:
    """The file's name as the resident's device gave it, kept only as text: no folders, no
    control or direction characters, a sane length. Never used as a path."""
    name = unicodedata.normalize("NFC", name or "")
    name = PurePath(name.replace("\\", "/")).name
    name = clean_text(name, multiline=False).strip(". ")
    if len(name) > ORIGINAL_NAME_LENGTH:
        stem, dot, suffix = name.rpartition(".")
        if dot and len(suffix) <= 10:
            name = stem[: ORIGINAL_NAME_LENGTH - len(suffix) - 1] + "." + suffix
        else:
            name = name[:ORIGINAL_NAME_LENGTH]
    return name or "document"


def _refuse(message: StrOrPromise, name: str, code: str, **params: object) -> ValidationError:
    return ValidationError(message, code=code, params={"name": name, **params})


def _wrong_type(name: str) -> ValidationError:
    return _refuse(
        _("“%(name)s” is not a photo (JPEG, PNG or HEIC) or a PDF. Choose another file."),
        name,
        "wrong_type",
    )


def _unreadable_image(name: str) -> ValidationError:
    return _refuse(
        _(
            "“%(name)s” could not be opened as a photo. Take the photo again or choose another file."
        ),
        name,
        "bad_image",
    )


def _jpeg(image: Image.Image, long_side: int) -> tuple[bytes, int, int]:
    copy = image.copy()
    copy.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    # A fresh encode with no exif/icc arguments: nothing of the original's metadata (GPS
    # position, camera serial, time) is written.
    copy.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue(), copy.width, copy.height


def _clean_image(data: bytes, name: str) -> CleanFile:
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that: make it an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                if opened.format not in IMAGE_FORMATS:
                    raise _wrong_type(name)
                if MARKUP.search(data):
                    raise _unreadable_image(name)
                if opened.width * opened.height > settings.ATTACHMENT_MAX_PIXELS:
                    raise _refuse(
                        _("“%(name)s” has too many pixels. Send a smaller photo."),
                        name,
                        "too_many_pixels",
                    )
                opened.load()
                image = ImageOps.exif_transpose(opened)
                if image.mode in ("RGBA", "LA", "PA") or (
                    image.mode == "P" and "transparency" in image.info
                ):
                    rgba = image.convert("RGBA")
                    image = Image.new("RGB", rgba.size, "white")
                    image.paste(rgba, mask=rgba.getchannel("A"))
                else:
                    image = image.convert("RGB")
    except ValidationError:
        raise
    except UnidentifiedImageError as error:
        raise _wrong_type(name) from error
    except (
        OSError,
        SyntaxError,
        ValueError,
        TypeError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        EOFError,
        MemoryError,
    ) as error:
        raise _unreadable_image(name) from error
    content, width, height = _jpeg(image, FULL_LONG_SIDE)
    preview, _w, _h = _jpeg(image, PREVIEW_LONG_SIDE)
    return CleanFile(
        kind=IMAGE,
        content=content,
        content_type="image/jpeg",
        original_name=name,
        preview=preview,
        width=width,
        height=height,
    )


def _clean_pdf(data: bytes, name: str) -> CleanFile:
    unreadable = _refuse(
        _("“%(name)s” could not be read as a PDF. Choose another file or send a photo."),
        name,
        "bad_pdf",
    )
    if PDF_ACTIVE.search(data) or MARKUP.search(data):
        raise _refuse(
            _("“%(name)s” contains scripts or embedded files. Send a photo of the letter instead."),
            name,
            "active_pdf",
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _refuse(
                _("“%(name)s” is protected by a password. Send a copy without a password."),
                name,
                "encrypted_pdf",
            )
        pages = len(reader.pages)
    except ValidationError:
        raise
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise unreadable from error
    if pages < 1:
        raise unreadable
    limit = settings.ATTACHMENT_MAX_PDF_PAGES
    if pages > limit:
        raise _refuse(
            _("“%(name)s” has %(pages)d pages. Send at most %(limit)d pages."),
            name,
            "too_many_pages",
            pages=pages,
            limit=limit,
        )
    return CleanFile(
        kind=PDF,
        content=data,
        content_type="application/pdf",
        original_name=name,
        pages=pages,
    )


def clean_upload(upload: UploadedFile) -> CleanFile:
    """Check one uploaded file and return what to store, or raise a ValidationError naming the
    file. The type is decided by the bytes, never by the name or the browser's content type."""
    name = sanitize_name(upload.name or "")
    limit = settings.ATTACHMENT_MAX_FILE_BYTES
    if (upload.size or 0) > limit:
        raise _refuse(
            _("“%(name)s” is larger than %(limit)s. Send a smaller file."),
            name,
            "file_too_big",
            limit=filesizeformat(limit),
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _refuse(
            _("“%(name)s” is larger than %(limit)s. Send a smaller file."),
            name,
            "file_too_big",
            limit=filesizeformat(limit),
        )
    if not data:
        raise _refuse(_("“%(name)s” is empty. Choose another file."), name, "empty")
    if data.startswith(PDF_MAGIC):
        return _clean_pdf(data, name)
    return _clean_image(data, name)
