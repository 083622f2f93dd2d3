"""WSGI entry point (gunicorn otonari.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otonari.settings")

application = get_wsgi_application()
