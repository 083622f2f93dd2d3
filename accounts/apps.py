from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from allauth.mfa import signals

        from . import mfa

        signals.authenticator_used.connect(mfa.on_authenticator_used, dispatch_uid="otonari-mfa")
        signals.authenticator_added.connect(mfa.on_authenticator_added, dispatch_uid="otonari-mfa")
