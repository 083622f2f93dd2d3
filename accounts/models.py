"""People who sign in: residents, volunteers and staff share one user model (email login)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=60,
        blank=True,
        help_text=_("The name other people see. It can be a first name or a nickname."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Pages and emails are shown in this language."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # Our manager builds on BaseUserManager (email login), not the stubs' auth UserManager.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        # Staff's lists and the person's own pages; never shown to the other side of a match.
        return self.display_name or self.email

    @property
    def public_name(self) -> str:
        """What other people see: the display name (asked at sign-up), never a part of the email
        address; an account made before names were asked shows a neutral word."""
        return self.display_name or gettext("Otonari member")


class ConsentKind(models.TextChoices):
    PRIVACY_NOTICE = "privacy_notice", _("Privacy notice")
    SENSITIVE_INFO = "sensitive_info", _("Sensitive information (health, children, residence)")
    SHARE_WITH_VOLUNTEER = "share_with_volunteer", _("Sharing a request with the volunteer")


class Consent(models.Model):
    """One consent a person gave, to one version of the privacy notice. Append-only: a new
    version or a new consent is a new row, so the history shows what was agreed and when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="consents",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ConsentKind.choices)
    version = models.CharField(_("notice version"), max_length=20)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ("-given_at", "-id")
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["user", "kind", "version"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in ConsentKind]),
                name="consent_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.version}"
