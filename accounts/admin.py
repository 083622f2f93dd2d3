from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accesslog.admin import AccessLoggedAdmin

from .models import Consent, User
from .services import user_reset_mfa

# The secrets of people's authenticator apps are not something to browse: a lost phone is
# handled from the user list (the action below).
admin.site.unregister(Authenticator)


class ConsentInline(admin.TabularInline):
    """The consents a person gave, read-only: records are only ever added, by the person."""

    model = Consent
    extra = 0
    can_delete = False
    fields = ("kind", "version", "language", "given_at", "withdrawn_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(AccessLoggedAdmin, BaseUserAdmin):
    ordering = ("email",)
    list_display = (
        "email",
        "display_name",
        "preferred_language",
        "is_staff",
        "is_active",
        "date_joined",
    )
    list_filter = ("is_staff", "is_superuser", "is_active", "preferred_language")
    search_fields = ("email", "display_name", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Profile"),
            {"fields": ("display_name", "first_name", "last_name", "preferred_language")},
        ),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    actions = ("reset_mfa",)
    inlines = (ConsentInline,)

    @admin.action(
        description=_("Reset two-factor authentication (lost phone)"),
        permissions=("change",),
    )
    def reset_mfa(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            user_reset_mfa(user=user, by=request.user)  # type: ignore[arg-type]
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "Two-factor authentication was reset for %(count)d account. It is set up again "
                "at the next sign-in.",
                "Two-factor authentication was reset for %(count)d accounts. It is set up again "
                "at the next sign-in.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
