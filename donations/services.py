"""Every write with a rule: importing donation records, and leaving and moderating messages."""

from __future__ import annotations

import csv
import datetime
import hashlib
import hmac
import io
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from otonari.text import clean_text, detect_language

from .models import (
    MESSAGE_MAX_LENGTH,
    MESSAGE_NAME_MAX_LENGTH,
    Campaign,
    Donation,
    DonationChannel,
    SupportMessage,
)
from .selectors import progress_invalidate

# --- Donation import ------------------------------------------------------------------------

#: The columns of an import file, in the order the export writes them. Extra columns are ignored.
IMPORT_COLUMNS = (
    "date",
    "amount_yen",
    "channel",
    "external_reference",
    "donor_name",
    "donor_email",
    "is_anonymous",
    "is_monthly",
    "note",
)
#: The reference is required on import: without it a second import could not tell a gift it
#: already holds from a new one. Cash gifts use the receipt number.
REQUIRED_COLUMNS = ("date", "amount_yen", "channel", "external_reference")
HEADER_ALIASES = {
    "amount": "amount_yen",
    "reference": "external_reference",
    "name": "donor_name",
    "email": "donor_email",
    "anonymous": "is_anonymous",
    "monthly": "is_monthly",
}
MAX_IMPORT_ROWS = 20_000
MAX_AMOUNT_YEN = 1_000_000_000
TRUE_WORDS = {"1", "true", "yes", "y", "はい", "○"}
FALSE_WORDS = {"0", "false", "no", "n", "いいえ", "×"}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d")


class DonationError(Exception):
    """A rule about donation records was broken; the message is translated and safe to show."""


@dataclass(frozen=True)
class ImportProblem:
    line: int | None  # None: the file as a whole
    message: str


class DonationImportError(DonationError):
    """The file was refused as a whole; ``problems`` lists every bad row with its line number."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(_("The file was not imported. Nothing was saved."))
        self.problems = problems


@dataclass(frozen=True)
class ImportResult:
    created: int
    created_yen: int
    already_imported: list[int] = field(default_factory=list)  # line numbers of identical rows


def _decode(raw: bytes | str) -> str:
    if isinstance(raw, str):
        return raw
    # Spreadsheets in Japan often save CSV as Shift-JIS (cp932); UTF-8 (with or without BOM) first.
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DonationImportError(
        [ImportProblem(None, str(_("The file is not readable text. Save it as CSV (UTF-8).")))]
    )


def _header(names: list[str]) -> list[str]:
    normalised = [name.strip().lower().replace(" ", "_").replace("-", "_") for name in names]
    return [HEADER_ALIASES.get(name, name) for name in normalised]


def _parse_bool(value: str, *, default: bool) -> bool | None:
    word = value.strip().lower()
    if word == "":
        return default
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def _parse_channel(value: str) -> str | None:
    word = value.strip().lower().replace(" ", "_").replace("-", "_")
    word = {"giveone": "give_one", "bank_transfer": "bank"}.get(word, word)
    return word if word in DonationChannel.values else None


def _parse_row(
    values: dict[str, str], campaign: Campaign, by: User | None
) -> tuple[Donation | None, list[str]]:
    errors: list[str] = []
    today = timezone.localdate()

    date = None
    raw_date = values.get("date", "").strip()
    for date_format in DATE_FORMATS:
        try:
            date = datetime.datetime.strptime(raw_date, date_format).date()  # noqa: DTZ007 - a date
            break
        except ValueError:
            continue
    if date is None:
        errors.append(
            str(_("The date “%(value)s” is not a date like 2025-12-31.") % {"value": raw_date})
        )
    elif date > today:
        errors.append(str(_("The date %(value)s is in the future.") % {"value": raw_date}))

    raw_amount = values.get("amount_yen", "").strip()
    digits = raw_amount.replace(",", "").replace("¥", "").replace("円", "").replace(" ", "")
    amount = int(digits) if digits.isascii() and digits.isdigit() else None
    if amount is None or not 0 < amount <= MAX_AMOUNT_YEN:
        errors.append(
            str(
                _("The amount “%(value)s” is not a whole number of yen above zero.")
                % {"value": raw_amount}
            )
        )

    raw_channel = values.get("channel", "")
    channel = _parse_channel(raw_channel)
    if channel is None:
        errors.append(
            str(
                _("The channel “%(value)s” is unknown. Use one of: %(choices)s.")
                % {"value": raw_channel.strip(), "choices": ", ".join(DonationChannel.values)}
            )
        )

    reference = clean_text(values.get("external_reference", ""), multiline=False)
    if not reference:
        errors.append(str(_("The reference is missing.")))
    elif len(reference) > 100:
        errors.append(str(_("The reference is longer than 100 characters.")))

    name = clean_text(values.get("donor_name", ""), multiline=False)
    if len(name) > 200:
        errors.append(str(_("The donor name is longer than 200 characters.")))
    email = values.get("donor_email", "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(str(_("The email “%(value)s” is not valid.") % {"value": email}))
    note = clean_text(values.get("note", ""), multiline=False)[:300]

    flags: dict[str, bool] = {}
    for column, default in (("is_anonymous", True), ("is_monthly", False)):
        flag = _parse_bool(values.get(column, ""), default=default)
        if flag is not None:
            flags[column] = flag
        else:
            errors.append(
                str(
                    _("“%(value)s” in %(column)s is not yes or no.")
                    % {"value": values.get(column, "").strip(), "column": column}
                )
            )

    if errors or amount is None or date is None or channel is None:
        return None, errors
    return (
        Donation(
            campaign=campaign,
            amount_yen=amount,
            date=date,
            channel=channel,
            external_reference=reference,
            donor_name=name,
            donor_email=email,
            is_anonymous=flags["is_anonymous"],
            is_monthly=flags["is_monthly"],
            note=note,
            recorded_by=by,
        ),
        [],
    )


def _read_rows(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = _header(next(reader))
    except StopIteration:
        raise DonationImportError([ImportProblem(None, str(_("The file is empty.")))]) from None
    except csv.Error as error:
        raise DonationImportError([ImportProblem(1, str(error))]) from None
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise DonationImportError(
            [
                ImportProblem(
                    1,
                    str(
                        _("The header row lacks the column(s): %(columns)s.")
                        % {"columns": ", ".join(missing)}
                    ),
                )
            ]
        )
    rows = []
    line = 1
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            rows.append((line, dict(zip(header, cells, strict=False))))
            if len(rows) > MAX_IMPORT_ROWS:
                raise DonationImportError(
                    [
                        ImportProblem(
                            None,
                            str(
                                _(
                                    "The file has more than %(count)s rows. Split it into smaller files."
                                )
                                % {"count": MAX_IMPORT_ROWS}
                            ),
                        )
                    ]
                )
    except csv.Error as error:
        raise DonationImportError([ImportProblem(line + 1, str(error))]) from None
    return header, rows


def donations_import_csv(
    *, campaign: Campaign, file: IO[bytes] | IO[str], by: User | None
) -> ImportResult:
    """Import donation records for one campaign from a CSV file: all rows or none.

    Each row is checked on its own and every problem is reported with its line number. A row
    whose (channel, reference) is already recorded with the same campaign, amount and date is
    skipped and reported, so importing the same export twice never counts a gift twice; the same
    reference with different details is an error.
    """
    _header_row, rows = _read_rows(_decode(file.read()))
    if not rows:
        raise DonationImportError([ImportProblem(None, str(_("The file has no donation rows.")))])

    problems: list[ImportProblem] = []
    parsed: list[tuple[int, Donation]] = []
    for line, values in rows:
        donation, errors = _parse_row(values, campaign, by)
        problems.extend(ImportProblem(line, error) for error in errors)
        if donation is not None:
            parsed.append((line, donation))

    seen: dict[tuple[str, str], int] = {}
    for line, donation in parsed:
        key = (donation.channel, donation.external_reference)
        if key in seen:
            problems.append(
                ImportProblem(
                    line,
                    str(
                        _(
                            "The reference %(reference)s appears twice in this file (line %(other)s)."
                        )
                        % {"reference": donation.external_reference, "other": seen[key]}
                    ),
                )
            )
        else:
            seen[key] = line

    try:
        with transaction.atomic():
            # One import per campaign at a time, so two staff uploading the same file cannot race.
            Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
            existing = _existing_donations(list(seen))
            new: list[Donation] = []
            already: list[int] = []
            for line, donation in parsed:
                if seen.get((donation.channel, donation.external_reference)) != line:
                    continue
                old = existing.get((donation.channel, donation.external_reference))
                if old is None:
                    new.append(donation)
                elif (old.campaign_id, old.amount_yen, old.date) == (
                    campaign.pk,
                    donation.amount_yen,
                    donation.date,
                ):
                    already.append(line)
                else:
                    problems.append(
                        ImportProblem(
                            line,
                            str(
                                _(
                                    "The reference %(reference)s is already recorded with a "
                                    "different campaign, amount or date."
                                )
                                % {"reference": donation.external_reference}
                            ),
                        )
                    )
            if problems:
                raise DonationImportError(sorted(problems, key=lambda p: p.line or 0))
            Donation.objects.bulk_create(new, batch_size=1000)
            transaction.on_commit(lambda: progress_invalidate(campaign.pk))
    except IntegrityError:
        raise DonationImportError(
            [
                ImportProblem(
                    None,
                    str(
                        _(
                            "Some of these donations were recorded at the same moment. Please try again."
                        )
                    ),
                )
            ]
        ) from None
    progress_invalidate(campaign.pk)
    return ImportResult(
        created=len(new),
        created_yen=sum(donation.amount_yen for donation in new),
        already_imported=already,
    )


def _existing_donations(keys: list[tuple[str, str]]) -> dict[tuple[str, str], Donation]:
    by_channel: dict[str, list[str]] = {}
    for channel, reference in keys:
        by_channel.setdefault(channel, []).append(reference)
    found: dict[tuple[str, str], Donation] = {}
    for channel, references in by_channel.items():
        for donation in Donation.objects.filter(
            channel=channel, external_reference__in=references
        ).only("campaign_id", "amount_yen", "date", "channel", "external_reference"):
            found[(donation.channel, donation.external_reference)] = donation
    return found


# --- Support messages ------------------------------------------------------------------------

MESSAGE_RATE_LIMIT = 3
MESSAGE_RATE_WINDOW_SECONDS = 10 * 60


class SupportMessageError(Exception):
    """A message could not be accepted; the message is translated and safe to show."""


def _ip_hash(ip: str) -> str:
    # Keyed, so the stored value cannot be reversed by hashing all IPv4 addresses.
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"donations-message:{ip}".encode(), hashlib.sha256).hexdigest()


def _take_rate_slot(campaign: Campaign, ip_hash: str) -> bool:
    """Count one message for this sender and campaign; False once the window's limit is used up."""
    key = f"donations:message-rate:{campaign.pk}:{ip_hash}"
    cache.add(key, 0, timeout=MESSAGE_RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.set(key, 1, timeout=MESSAGE_RATE_WINDOW_SECONDS)
        count = 1
    return count <= MESSAGE_RATE_LIMIT


def message_submit(*, campaign: Campaign, body: str, name: str = "", ip: str) -> SupportMessage:
    """Accept a message for review. It stays hidden until staff approve it."""
    body = clean_text(body)
    name = clean_text(name, multiline=False)
    if not campaign.is_public or campaign.is_ended:
        raise SupportMessageError(_("This campaign no longer takes messages."))
    if not body:
        raise SupportMessageError(_("Please write a message."))
    if len(body) > MESSAGE_MAX_LENGTH:
        raise SupportMessageError(
            _("Please keep your message under %(count)s characters.")
            % {"count": MESSAGE_MAX_LENGTH}
        )
    if len(name) > MESSAGE_NAME_MAX_LENGTH:
        raise SupportMessageError(
            _("Please keep your name under %(count)s characters.")
            % {"count": MESSAGE_NAME_MAX_LENGTH}
        )
    ip_hash = _ip_hash(ip)
    if not _take_rate_slot(campaign, ip_hash):
        raise SupportMessageError(
            _("You have sent several messages in a short time. Please try again later.")
        )
    with transaction.atomic():
        return SupportMessage.objects.create(
            campaign=campaign,
            name=name,
            body=body,
            language=detect_language(body),
            ip_hash=ip_hash,
        )


def message_approve(*, message: SupportMessage, by: User) -> SupportMessage:
    """Make a message public. Approving twice keeps the first approval's time and approver."""
    with transaction.atomic():
        SupportMessage.objects.filter(pk=message.pk, approved=False).update(
            approved=True, approved_at=timezone.now(), approved_by=by
        )
    message.refresh_from_db()
    return message


def message_unapprove(*, message: SupportMessage) -> SupportMessage:
    """Take a message off the public page again."""
    with transaction.atomic():
        SupportMessage.objects.filter(pk=message.pk).update(
            approved=False, approved_at=None, approved_by=None
        )
    message.refresh_from_db()
    return message
