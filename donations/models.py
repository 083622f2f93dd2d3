"""Donation campaigns, how to give, the donation records progress is computed from, and messages."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MESSAGE_MAX_LENGTH = 500
MESSAGE_NAME_MAX_LENGTH = 60


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (not public)")
    LIVE = "live", _("Live")
    ENDED = "ended", _("Ended")


PUBLIC_STATUSES = (CampaignStatus.LIVE, CampaignStatus.ENDED)


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def public(self) -> CampaignQuerySet:
        """Campaigns visitors may see: drafts stay hidden until staff publish them."""
        return self.filter(status__in=PUBLIC_STATUSES)


# modeltranslation swaps in a runtime-generated manager the django-stubs plugin cannot resolve.
class Campaign(models.Model):  # type: ignore[django-manager-missing]
    slug = models.SlugField(_("address name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=500, blank=True)
    story = models.TextField(_("story"), blank=True)
    goal_yen = models.PositiveIntegerField(_("goal (yen)"), validators=[MinValueValidator(1)])
    supporter_goal = models.PositiveIntegerField(
        _("monthly supporter goal"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "For a monthly-supporter drive: how many monthly supporters you are looking for."
        ),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_("Leave empty for a campaign without an end."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    cover_image = models.ImageField(
        _("cover image"),
        upload_to="campaigns/",
        blank=True,
        width_field="cover_width",
        height_field="cover_height",
    )
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_alt = models.CharField(
        _("cover image description"),
        max_length=200,
        blank=True,
        help_text=_("What the picture shows, for people who cannot see it."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CampaignQuerySet.as_manager()  # type: ignore[django-manager-missing]  # see above

    class Meta:
        ordering = ("position", "-start_date", "pk")
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(goal_yen__gt=0), name="campaign_goal_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(supporter_goal__isnull=True) | models.Q(supporter_goal__gt=0),
                name="campaign_supporter_goal_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="campaign_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in CampaignStatus]),
                name="campaign_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("donations:campaign", args=[self.slug])

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def is_ended(self) -> bool:
        """Ended by staff, or its end date has passed (Japan time)."""
        if self.status == CampaignStatus.ENDED:
            return True
        return self.end_date is not None and self.end_date < timezone.localdate()

    @property
    def days_left(self) -> int | None:
        """Whole days after today until the end date; 0 on the last day; None without an end."""
        if self.end_date is None or self.is_ended:
            return None
        return (self.end_date - timezone.localdate()).days


# modeltranslation swaps in a runtime-generated manager the django-stubs plugin cannot resolve.
class ImpactTier(models.Model):  # type: ignore[django-manager-missing]
    """What a given amount makes possible, e.g. "¥10,000 → one class for children"."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="tiers", verbose_name=_("campaign")
    )
    amount_yen = models.PositiveIntegerField(_("amount (yen)"), validators=[MinValueValidator(1)])
    description = models.CharField(_("what it does"), max_length=300)

    class Meta:
        ordering = ("amount_yen", "pk")
        verbose_name = _("impact tier")
        verbose_name_plural = _("impact tiers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_yen__gt=0), name="tier_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount_yen:,} → {self.description}"


class GivingMethodKind(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    PLATFORM = "platform", _("Giving platform (external link)")
    OTHER = "other", _("Other")


# modeltranslation swaps in a runtime-generated manager the django-stubs plugin cannot resolve.
class GivingMethod(models.Model):  # type: ignore[django-manager-missing]
    """A "how to give" block. Bank details and links are content staff type, never code."""

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="giving_methods",
        verbose_name=_("campaign"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=GivingMethodKind.choices)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(
        _("details"),
        blank=True,
        help_text=_("Shown as plain text with line breaks, e.g. the bank account details."),
    )
    url = models.URLField(_("link"), blank=True)
    tax_deductible = models.BooleanField(_("tax-deductible"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ("position", "pk")
        verbose_name = _("way to give")
        verbose_name_plural = _("ways to give")

    def __str__(self) -> str:
        return self.title


class DonationChannel(models.TextChoices):
    BANK = "bank", _("Bank transfer")
    GIVE_ONE = "give_one", _("Give One")
    BENEVITY = "benevity", _("Benevity")
    CASH = "cash", _("Cash")
    OTHER = "other", _("Other")


class Donation(models.Model):
    """One gift as recorded by staff (typed in or imported); the source of every progress figure."""

    campaign = models.ForeignKey(
        # Money records outlive mistakes in campaign set-up: a campaign with gifts cannot be deleted.
        Campaign,
        on_delete=models.PROTECT,
        related_name="donations",
        verbose_name=_("campaign"),
    )
    amount_yen = models.PositiveIntegerField(_("amount (yen)"), validators=[MinValueValidator(1)])
    date = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=20, choices=DonationChannel.choices)
    external_reference = models.CharField(
        _("reference"),
        max_length=100,
        blank=True,
        help_text=_(
            "The transfer or platform ID. Unique per channel, so an import never counts a gift twice."
        ),
    )
    donor_name = models.CharField(_("donor name"), max_length=200, blank=True)
    donor_email = models.EmailField(_("donor email"), blank=True)
    is_anonymous = models.BooleanField(
        _("anonymous"),
        default=True,
        help_text=_("Anonymous gifts are never named on public pages."),
    )
    is_monthly = models.BooleanField(_("monthly"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ("-date", "-pk")
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_yen__gt=0), name="donation_amount_positive"
            ),
            models.UniqueConstraint(
                fields=["channel", "external_reference"],
                condition=~models.Q(external_reference=""),
                name="donation_reference_unique_per_channel",
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=[c.value for c in DonationChannel]),
                name="donation_channel_valid",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "date"], name="donation_campaign_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_channel_display()} {self.amount_yen:,}"


class SupportMessage(models.Model):
    """A message of support left on a campaign page; public only once staff approve it."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="messages", verbose_name=_("campaign")
    )
    name = models.CharField(_("name"), max_length=MESSAGE_NAME_MAX_LENGTH, blank=True)
    body = models.TextField(
        _("message"),
        max_length=MESSAGE_MAX_LENGTH,
        validators=[MaxLengthValidator(MESSAGE_MAX_LENGTH)],
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    approved = models.BooleanField(_("approved"), default=False)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    # A keyed hash of the sender's IP, only for rate limiting; the address itself is never stored.
    ip_hash = models.CharField(_("sender fingerprint"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("support message")
        verbose_name_plural = _("support messages")
        indexes = [
            models.Index(
                fields=["campaign", "-created_at"],
                condition=models.Q(approved=True),
                name="message_approved_recent",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(approved=False) | models.Q(approved_at__isnull=False),
                name="message_approved_has_time",
            )
        ]

    def __str__(self) -> str:
        return self.body[:60]
