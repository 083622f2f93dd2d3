"""Every write to notifications: create (rendered in the recipient's language), deliver, sweep.

The row is the outbox. `notify` writes it inside the caller's transaction and enqueues the email
task only after commit; if the broker is down the row simply stays pending and the beat sweep
(`notifications_sweep`) sends it later. Delivery claims the row with a conditional UPDATE, so a
duplicate message, a retry or a second worker never sends the same email twice; the claim is a
lease that the sending worker renews: the email of a worker killed mid-send is tried again
about a minute later.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import timezone, translation
from django.utils.translation import get_language_from_path

from accounts.models import User
from otonari.leases import Heartbeat, task_lease
from otonari.queue import publish

from .events import DIGEST_TEMPLATE_DIR, EVENTS, Event
from .models import Channel, Notification, Status
from .selectors import staff_who_may

logger = logging.getLogger(__name__)

# Tunables; each can be overridden in settings under the same name prefixed NOTIFICATIONS_.
DEFAULTS: dict[str, Any] = {
    "MAX_ATTEMPTS": 5,
    # A claim not renewed for this long is a worker that died mid-send: None means the shared
    # lease of outbox tasks (settings.TASK_LEASE_SECONDS; a live send renews it, otonari/leases.py).
    "CLAIM_TIMEOUT": None,
    # Pending rows this old were not (or no longer) queued: the sweep enqueues them again.
    "SWEEP_AFTER": datetime.timedelta(minutes=1),
    "SWEEP_BATCH": 500,
    "BACKOFF_BASE_SECONDS": 60,
    "BACKOFF_MAX_SECONDS": 3600,
}

# Worth another try later. smtplib.SMTPException and ConnectionError are OSErrors too; named
# anyway so the intent reads. SMTPRecipientsRefused is handled first: retrying cannot help.
TRANSIENT_EMAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)

# Allows a retry message to run a moment before `next_attempt_at` (clocks of two machines).
CLOCK_SLACK = datetime.timedelta(seconds=5)


def _setting(name: str) -> Any:
    return getattr(settings, f"NOTIFICATIONS_{name}", DEFAULTS[name])


def _claim_timeout() -> datetime.timedelta:
    return _setting("CLAIM_TIMEOUT") or task_lease()


class NotificationError(Exception):
    """A caller used `notify` wrongly (unknown event, missing context): a programming error."""


class DeliveryDeferred(Exception):
    """The email failed for a reason that may pass; try again in `countdown` seconds."""

    def __init__(self, countdown: int) -> None:
        super().__init__(countdown)
        self.countdown = countdown


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


# --- Rendering --------------------------------------------------------------------------------


def _render_plain(template_name: str, context: Mapping[str, Any]) -> str:
    """Render a .txt template without HTML escaping (“&#x27;” has no place in a text email)."""
    template = get_template(template_name).template  # type: ignore[attr-defined]
    return template.render(Context(dict(context), autoescape=False))


def _tidy(text: str) -> str:
    """Trailing spaces off, at most one blank line in a row: template tags leave both behind."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy) + "\n"


def render_templates(template_dir: str, context: Mapping[str, Any]) -> Rendered:
    """Subject, text and HTML from `<template_dir>/`, in the currently active language."""
    subject = " ".join(_render_plain(f"{template_dir}/subject.txt", context).split())
    return Rendered(
        subject=subject[:200],
        text=_tidy(_render_plain(f"{template_dir}/body.txt", context)),
        html=render_to_string(f"{template_dir}/body.html", dict(context)),
    )


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if path else ""


def _path_in_language(path: str, language: str) -> str:
    """The same page under the recipient's language prefix (/ja/requests/4/ → /ne/requests/4/)."""
    if not path:
        return ""
    # translate_url resolves the path under the active language, so activate the path's own.
    with translation.override(get_language_from_path(path) or translation.get_language()):
        return translate_url(path, language)


def _language_of(user: User) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return user.preferred_language if user.preferred_language in codes else settings.LANGUAGE_CODE


def render_event(
    *, event: Event, recipient: User, context: Mapping[str, Any], link: str = ""
) -> Rendered:
    """Render `event` for `recipient` in their language. `link` is a path already in it."""
    with translation.override(_language_of(recipient)):
        return render_templates(
            event.template_dir,
            {
                **context,
                "recipient_name": recipient.public_name,
                "link": absolute_url(link),
                "site_url": settings.SITE_URL,
            },
        )


# --- Creating ---------------------------------------------------------------------------------


def notify(
    *,
    event: str,
    recipient: User,
    key: str,
    context: Mapping[str, Any],
    link: str | None = None,
    email: bool | None = None,
    digest: bool = False,
) -> Notification:
    """Create the notification of `event` for `recipient` once, and email it after commit.

    `key` names the event instance ("request_received:42"): calling again with the same
    (event, recipient, key) returns the existing row and sends nothing. `context` must hold the
    keys the event documents (notifications.events.EVENTS). `link` is a site path in any
    language; it is stored and emailed in the recipient's. `email=None` uses the event's
    default; `email=False` keeps it in-app only; `digest=True` leaves the email to the daily
    digest (only for digestible events such as new_task).
    """
    spec = EVENTS.get(event)
    if spec is None:
        raise NotificationError(f"Unknown notification event {event!r}.")
    missing = sorted(set(spec.context) - set(context))
    if missing:
        raise NotificationError(f"Context for {event!r} lacks {', '.join(missing)}.")
    if digest and not spec.digestible:
        raise NotificationError(f"{event!r} cannot go into a digest.")

    existing = Notification.objects.filter(event=event, recipient=recipient, key=key).first()
    if existing is not None:
        return existing

    send_email = spec.email if email is None else email
    channel = Channel.IN_APP if not send_email else Channel.DIGEST if digest else Channel.EMAIL
    language = _language_of(recipient)
    path = _path_in_language(link or "", language)
    rendered = render_event(event=spec, recipient=recipient, context=context, link=path)
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            event=event,
            recipient=recipient,
            key=key,
            defaults={
                "language": language,
                "subject": rendered.subject,
                "body_text": rendered.text,
                "body_html": rendered.html,
                "link": path[:300],
                "channel": channel,
                "status": Status.SKIPPED if channel == Channel.IN_APP else Status.PENDING,
            },
        )
        if created and channel == Channel.EMAIL:
            transaction.on_commit(partial(enqueue_delivery, notification.pk), robust=True)
    return notification


def notify_staff(
    *,
    perm: str,
    event: str,
    key: str,
    context: Mapping[str, Any],
    link: str | None = None,
) -> list[Notification]:
    """`notify` the active staff who hold `perm`, the permission to act on what the event is
    about (``"matching.approve_match"`` for volunteer_accepted), and nobody else."""
    return [
        notify(event=event, recipient=member, key=key, context=context, link=link)
        for member in staff_who_may(perm)
    ]


def notify_request_received(*, help_request: Any) -> Notification:
    """Tell the resident we have their request and what happens next."""
    return notify(
        event="request_received",
        recipient=help_request.resident,
        key=f"request_received:{help_request.pk}",
        context={"title": help_request.title, "category": help_request.category},
        link=help_request.get_absolute_url(),
    )


# --- Delivering -------------------------------------------------------------------------------


def enqueue_delivery(notification_id: int) -> bool:
    """Queue the email task; with the broker down the row stays pending for the sweep."""
    from .tasks import send_notification  # tasks import this module

    return publish(send_notification, notification_id)


def backoff_seconds(attempts: int) -> int:
    """60 s, 2 min, 4 min, 8 min … capped: the wait after the given number of attempts."""
    return int(
        min(
            _setting("BACKOFF_BASE_SECONDS") * 2 ** max(attempts - 1, 0),
            _setting("BACKOFF_MAX_SECONDS"),
        )
    )


def _error_text(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:300]


def _claimable(now: datetime.datetime) -> Q:
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + CLOCK_SLACK)
    stale = Q(status=Status.SENDING, claimed_at__lt=now - _claim_timeout())
    return (Q(status=Status.PENDING) & due) | stale


def _message(
    *, subject: str, text: str, html: str, to: str, language: str
) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Auto-Submitted": "auto-generated", "Content-Language": language},
    )
    message.attach_alternative(html, "text/html")
    return message


def notification_deliver(*, notification_id: int) -> str:
    """Send one notification's email at most once. Returns "sent", "failed" or "skipped".

    Raises DeliveryDeferred (the row back to pending) when a transient error leaves tries over.
    """
    now = timezone.now()
    claimed = (
        Notification.objects.filter(_claimable(now))
        .filter(pk=notification_id, channel=Channel.EMAIL, attempts__lt=_setting("MAX_ATTEMPTS"))
        .update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "skipped"  # already sent, being sent, failed, not due yet, or gone
    # The claim is a lease renewed while this run works; the outcome is written only while this
    # run holds it (a run that stalled past it and was replaced writes nothing).
    lease = Heartbeat(
        Notification.objects.filter(pk=notification_id, status=Status.SENDING), token=now
    )
    try:
        with lease:
            found = (
                Notification.objects.select_related("recipient").filter(pk=notification_id).first()
            )
            if found is None:
                return "skipped"
            notification = found
            _message(
                subject=notification.subject,
                text=notification.body_text,
                html=notification.body_html,
                to=notification.recipient.email,
                language=notification.language,
            ).send()
    except smtplib.SMTPRecipientsRefused:
        # Permanent, and its text would repeat the address: keep only the name.
        lease.ours().update(status=Status.FAILED, last_error="SMTPRecipientsRefused")
        return "failed"
    except TRANSIENT_EMAIL_ERRORS as error:
        ours = lease.ours()
        if notification.attempts >= _setting("MAX_ATTEMPTS"):
            ours.update(status=Status.FAILED, last_error=_error_text(error))
            logger.warning(
                "Notification %s failed for good (%s).", notification_id, type(error).__name__
            )
            return "failed"
        countdown = backoff_seconds(notification.attempts)
        ours.update(
            status=Status.PENDING,
            next_attempt_at=timezone.now() + datetime.timedelta(seconds=countdown),
            last_error=_error_text(error),
        )
        raise DeliveryDeferred(countdown) from error
    if not lease.ours().update(
        status=Status.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error=""
    ):
        logger.warning("Notification %s was sent after its claim was taken over.", notification_id)
    return "sent"


def notification_resend(*, notification: Notification) -> bool:
    """Staff: give a failed email a fresh set of tries. False if it was not failed."""
    with transaction.atomic():
        reset = Notification.objects.filter(
            pk=notification.pk, status=Status.FAILED, channel=Channel.EMAIL
        ).update(
            status=Status.PENDING, attempts=0, next_attempt_at=None, claimed_at=None, last_error=""
        )
        if reset:
            transaction.on_commit(partial(enqueue_delivery, notification.pk), robust=True)
    return bool(reset)


@dataclass(frozen=True)
class SweepResult:
    released: int  # stale claims (a worker died mid-send) put back to pending
    failed: int  # stale claims that had used up their tries
    enqueued: int


def notifications_sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    """Beat, every OUTBOX_SWEEP_SECONDS: recover claims whose worker died (their lease ran out)
    and re-enqueue pending emails nobody queued."""
    now = now or timezone.now()
    max_attempts = _setting("MAX_ATTEMPTS")
    stale = Notification.objects.filter(
        channel=Channel.EMAIL, status=Status.SENDING, claimed_at__lt=now - _claim_timeout()
    )
    failed = stale.filter(attempts__gte=max_attempts).update(
        status=Status.FAILED, last_error="Gave up: the last try stopped while sending."
    )
    # Released rows are queued at once: their message went with the dead worker.
    released_ids = list(
        stale.filter(attempts__lt=max_attempts).values_list("pk", flat=True)[
            : _setting("SWEEP_BATCH")
        ]
    )
    released = stale.filter(pk__in=released_ids).update(status=Status.PENDING, next_attempt_at=None)

    cutoff = now - _setting("SWEEP_AFTER")
    waiting_ids = list(
        Notification.objects.filter(channel=Channel.EMAIL, status=Status.PENDING)
        .alias(due_since=Coalesce("next_attempt_at", "created_at"))
        .filter(due_since__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[: _setting("SWEEP_BATCH")]
    )
    due_ids = list(dict.fromkeys([*released_ids, *waiting_ids]))
    enqueued = 0
    for pk in due_ids:
        # Marking it queued now keeps the next sweeps from piling up copies while it waits.
        Notification.objects.filter(pk=pk, status=Status.PENDING).update(next_attempt_at=now)
        if not enqueue_delivery(pk):
            break  # broker still down: try again at the next sweep
        enqueued += 1
    return SweepResult(released=released, failed=failed, enqueued=enqueued)


# --- Daily digest -------------------------------------------------------------------------------


def digests_send(*, now: datetime.datetime | None = None) -> int:
    """Beat, once a day: one email per person collecting their digest notifications."""
    now = now or timezone.now()
    recipient_ids = (
        Notification.objects.filter(_claimable(now), channel=Channel.DIGEST)
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    return sum(digest_send(recipient_id=pk, now=now) for pk in list(recipient_ids))


def digest_send(*, recipient_id: int, now: datetime.datetime) -> bool:
    """Claim one person's waiting digest rows, send them as one email, mark them included."""
    claimed = (
        Notification.objects.filter(_claimable(now))
        .filter(recipient_id=recipient_id, channel=Channel.DIGEST)
        .update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    lease = Heartbeat(
        Notification.objects.filter(
            recipient_id=recipient_id, channel=Channel.DIGEST, status=Status.SENDING
        ),
        token=now,
    )
    items = list(lease.ours().order_by("created_at", "id"))
    recipient = User.objects.get(pk=recipient_id)
    language = _language_of(recipient)
    with translation.override(language):
        rendered = render_templates(
            DIGEST_TEMPLATE_DIR,
            {
                "recipient_name": recipient.public_name,
                "items": [{"subject": n.subject, "link": absolute_url(n.link)} for n in items],
                "count": len(items),
                "link": absolute_url(_path_in_language(_list_path(), language)),
                "site_url": settings.SITE_URL,
            },
        )
    message = _message(
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        to=recipient.email,
        language=language,
    )
    try:
        with lease:
            message.send()
    except TRANSIENT_EMAIL_ERRORS as error:
        # Back in the queue for the next digest run; rows never fail out of a digest.
        lease.ours().update(status=Status.PENDING, last_error=_error_text(error))
        logger.warning("Digest for user %s not sent (%s).", recipient_id, type(error).__name__)
        return False
    lease.ours().update(status=Status.SENT, sent_at=timezone.now(), last_error="")
    return True


def _list_path() -> str:
    try:
        return reverse("notifications:list")
    except NoReverseMatch:  # the URLs are not wired in yet
        return ""


# --- Reading state ------------------------------------------------------------------------------


def notification_mark_read(*, notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_mark_all_read(*, recipient: User) -> int:
    return Notification.objects.for_recipient(recipient).unread().update(read_at=timezone.now())
