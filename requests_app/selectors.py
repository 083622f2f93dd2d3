"""Reads with rules: which requests a person may see."""

from __future__ import annotations

import uuid

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User

from .models import Attachment, Category, HelpRequest


def get_request_for_user(user: User, pk: int) -> HelpRequest:
    """The resident's own request, or 404 for anybody else (no hint that it exists)."""
    return get_object_or_404(
        HelpRequest.objects.select_related("category").prefetch_related("topics"),
        pk=pk,
        resident=user,
    )


def requests_for_resident(user: User):  # noqa: ANN201
    return HelpRequest.objects.for_resident(user).with_listing_data()


def categories_with_topics():  # noqa: ANN201
    return Category.objects.prefetch_related("topics")


ATTACHMENT_PERMISSION = "requests_app.view_attachment"


def _attachment_viewers(user: User) -> Q:
    """Who may see a request's attachments, as a filter on HelpRequest: the resident, or the
    volunteer of an approved match (not before staff approve it, not once it is over)."""
    # Imported here: matching depends on requests, not the other way round.
    from matching.models import Match, MatchStatus

    approved = Match.objects.filter(
        request=OuterRef("pk"), volunteer__user=user, status=MatchStatus.APPROVED
    )
    return Q(resident=user) | Q(Exists(approved))


def can_view_attachments(user: User, help_request: HelpRequest) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff and user.has_perm(ATTACHMENT_PERMISSION):
        return True
    return HelpRequest.objects.filter(_attachment_viewers(user), pk=help_request.pk).exists()


def attachments_for_user(user: User, help_request: HelpRequest) -> list[Attachment]:
    """The attachments of a request this person may see (none if they may not)."""
    if not can_view_attachments(user, help_request):
        return []
    return list(help_request.attachments.all())


def attachment_for_user(user: User, pk: uuid.UUID | str) -> Attachment:
    """One attachment, checked on every call: for its resident, staff with the
    ``view_attachment`` permission, or the volunteer of the request's approved match.
    Anybody else gets 404, exactly as for an attachment that does not exist."""
    if not user.is_authenticated:
        raise Http404
    attachments = Attachment.objects.select_related("request")
    if not (user.is_staff and user.has_perm(ATTACHMENT_PERMISSION)):
        attachments = attachments.filter(
            request__in=HelpRequest.objects.filter(_attachment_viewers(user))
        )
    return get_object_or_404(attachments, pk=pk)
