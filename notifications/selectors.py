"""Reads with rules: a person sees only their own notifications."""

from __future__ import annotations

import datetime

from django.contrib.auth.backends import ModelBackend
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User

from .models import Channel, Notification, NotificationQuerySet, Status


def get_notification_for_user(user: User, pk: int) -> Notification:
    """The person's own notification, or 404 for anybody else (no hint that it exists)."""
    return get_object_or_404(Notification, pk=pk, recipient=user)


def notifications_for_user(user: User) -> NotificationQuerySet:
    return Notification.objects.for_recipient(user).unread_first()


def unread_count_for_user(user: User) -> int:
    return Notification.objects.for_recipient(user).unread().count()


def emails_since(user: User, *, event: str, since: datetime.datetime) -> int:
    """How many `event` emails (sent or on their way) a person got since then: for daily caps."""
    return (
        Notification.objects.for_recipient(user)
        .filter(event=event, channel=Channel.EMAIL, created_at__gte=since)
        .exclude(status=Status.FAILED)
        .count()
    )


def staff_who_may(perm: str) -> QuerySet[User]:
    """Active staff who hold ``perm`` ("app_label.codename"): given to them, through one of
    their groups, or as superusers — the check ``user.has_perm`` makes, as one query.

    Staff notifications name volunteers and requests: only those who may act on the object are
    told, never every account with the staff flag.
    """
    holders = ModelBackend().with_perm(perm, is_active=True, include_superusers=True)
    return holders.filter(is_staff=True).order_by("pk")
