"""Every write to a volunteer profile: registration, edits and the approval lifecycle."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from matching.ranking_services import ranking_volunteer_changed
from notifications.services import notify
from otonari.text import clean_text
from requests_app.models import Category, Topic

from .models import VOLUNTEER_TRANSITIONS, Volunteer, VolunteerStatus, VolunteerStatusChange


class VolunteerError(Exception):
    """A rule about volunteers was broken; the message is translated and safe to show."""


@dataclass(frozen=True)
class VolunteerData:
    display_name: str
    languages: Sequence[str]
    prefecture: str
    municipality: str
    categories: Sequence[Category]
    topics: Sequence[Topic]
    modes: Sequence[str]
    availability: Sequence[str]
    bio: str = ""
    capacity: int = 2
    contact_phone: str = ""
    contact_email: str = ""
    notify_new_tasks: bool = True
    daily_digest: bool = False
    max_task_emails_per_day: int = 3


def _apply(volunteer: Volunteer, data: VolunteerData) -> None:
    category_ids = {category.pk for category in data.categories}
    if any(topic.category_id not in category_ids for topic in data.topics):
        raise VolunteerError(_("Pick topics from the categories you chose."))
    volunteer.languages = list(dict.fromkeys(data.languages))
    volunteer.prefecture = data.prefecture
    volunteer.municipality = clean_text(data.municipality, multiline=False)
    volunteer.modes = list(dict.fromkeys(data.modes))
    volunteer.availability = list(dict.fromkeys(data.availability))
    volunteer.bio = clean_text(data.bio)
    volunteer.capacity = data.capacity
    volunteer.contact_phone = clean_text(data.contact_phone, multiline=False)
    volunteer.contact_email = data.contact_email.strip().lower()
    volunteer.notify_new_tasks = data.notify_new_tasks
    volunteer.daily_digest = data.daily_digest
    volunteer.max_task_emails_per_day = data.max_task_emails_per_day
    if not volunteer.contact_phone and not volunteer.contact_email:
        raise VolunteerError(_("Give a phone number or an email address for the people you help."))


def _save(volunteer: Volunteer, data: VolunteerData) -> None:
    volunteer.full_clean(exclude=["user"])
    volunteer.save()
    volunteer.categories.set(data.categories)
    volunteer.topics.set(data.topics)
    name = clean_text(data.display_name, multiline=False)
    if name and name != volunteer.user.display_name:
        volunteer.user.display_name = name
        volunteer.user.save(update_fields=["display_name"])


def volunteer_register(*, user: User, data: VolunteerData) -> Volunteer:
    """A signed-in person applies to volunteer; staff approve or reject the application."""
    with transaction.atomic():
        if Volunteer.objects.select_for_update().filter(user=user).exists():
            raise VolunteerError(_("You have already applied to volunteer."))
        volunteer = Volunteer(user=user)
        _apply(volunteer, data)
        _save(volunteer, data)
        VolunteerStatusChange.objects.create(
            volunteer=volunteer, from_status="", to_status=volunteer.status, by=user
        )
    return volunteer


def volunteer_update(*, volunteer: Volunteer, by: User, data: VolunteerData) -> Volunteer:
    if by.pk != volunteer.user_id and not by.is_staff:
        raise VolunteerError(_("Only the volunteer can change this profile."))
    with transaction.atomic():
        locked = Volunteer.objects.select_for_update().select_related("user").get(pk=volunteer.pk)
        _apply(locked, data)
        _save(locked, data)
        if locked.is_approved:
            ranking_volunteer_changed(volunteer_id=locked.pk)  # new texts, maybe new fits
    return locked


def volunteer_transition(
    *, volunteer: Volunteer, to: VolunteerStatus | str, by: User | None, note: str = ""
) -> Volunteer:
    """Move a volunteer to another status, or raise VolunteerError if the lifecycle forbids it."""
    target = VolunteerStatus(to)
    with transaction.atomic():
        locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        current = VolunteerStatus(locked.status)
        if target not in VOLUNTEER_TRANSITIONS[current]:
            raise VolunteerError(
                _("A volunteer who is “%(current)s” cannot become “%(target)s”.")
                % {"current": current.label, "target": target.label}
            )
        locked.status = target
        locked.save(update_fields=["status", "updated_at"])
        VolunteerStatusChange.objects.create(
            volunteer=locked, from_status=current, to_status=target, by=by, note=note[:500]
        )
    volunteer.status = locked.status
    volunteer.updated_at = locked.updated_at
    return locked


def _require_staff(by: User) -> None:
    if not by.is_staff:
        raise VolunteerError(_("Only staff can approve or reject volunteers."))


def volunteer_approve(*, volunteer: Volunteer, by: User, note: str = "") -> Volunteer:
    _require_staff(by)
    with transaction.atomic():
        volunteer = volunteer_transition(
            volunteer=volunteer, to=VolunteerStatus.APPROVED, by=by, note=note
        )
        notify(
            event="volunteer_approved",
            recipient=volunteer.user,
            key=f"volunteer:{volunteer.pk}:{volunteer.updated_at.isoformat()}",
            context={},
            link=reverse("matching:board"),
        )
        ranking_volunteer_changed(volunteer_id=volunteer.pk)  # open requests they now fit
    return volunteer


def volunteer_reject(*, volunteer: Volunteer, by: User, reason: str) -> Volunteer:
    _require_staff(by)
    if not reason.strip():
        raise VolunteerError(_("Give a reason for the rejection."))
    with transaction.atomic():
        volunteer = volunteer_transition(
            volunteer=volunteer, to=VolunteerStatus.REJECTED, by=by, note=reason
        )
        notify(
            event="volunteer_rejected",
            recipient=volunteer.user,
            key=f"volunteer:{volunteer.pk}:{volunteer.updated_at.isoformat()}",
            context={"reason": clean_text(reason)},
            link=reverse("volunteers:profile"),
        )
    return volunteer


def _require_self_or_staff(volunteer: Volunteer, by: User) -> None:
    if by.pk != volunteer.user_id and not by.is_staff:
        raise VolunteerError(_("Only the volunteer can pause or resume."))


def volunteer_pause(*, volunteer: Volunteer, by: User) -> Volunteer:
    """Stop seeing and taking tasks for a while; tasks already taken are kept."""
    _require_self_or_staff(volunteer, by)
    return volunteer_transition(volunteer=volunteer, to=VolunteerStatus.PAUSED, by=by)


def volunteer_resume(*, volunteer: Volunteer, by: User) -> Volunteer:
    _require_self_or_staff(volunteer, by)
    if volunteer.status != VolunteerStatus.PAUSED:
        raise VolunteerError(_("Only a paused volunteer can resume."))
    with transaction.atomic():
        volunteer = volunteer_transition(volunteer=volunteer, to=VolunteerStatus.APPROVED, by=by)
        ranking_volunteer_changed(volunteer_id=volunteer.pk)
    return volunteer
