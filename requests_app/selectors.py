"""Reads with rules: which requests a person may see."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from accounts.models import User

from .models import Category, HelpRequest


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
