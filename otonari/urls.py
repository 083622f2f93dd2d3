"""Root URLs. Everything a person reads lives under a language prefix: /ja/, /en/, /ne/."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.views import admin_login, healthz, privacy_notice, set_language
from requests_app.views import home

admin.site.site_header = "Otonari"
admin.site.site_title = "Otonari"
# Staff sign in on allauth's login page (its rate limits, the second factor), never on the admin's.
admin.site.login = admin_login  # type: ignore[method-assign]

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL + "img/favicon.svg")),
]

urlpatterns += i18n_patterns(
    path("", home, name="home"),
    path("privacy/", privacy_notice, name="privacy"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("requests/", include("requests_app.urls")),
    path("volunteer/", include("volunteers.urls")),
    path("matches/", include("matching.urls")),
    path("support/", include("donations.urls")),
    path("notifications/", include("notifications.urls")),
    path("admin/desk/", include("desk.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)
