"""The Celery app. Tasks are discovered in each installed app's ``tasks.py``."""

import os
from typing import Any

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otonari.settings")

# Publishing runs inside web requests, after their write has committed: a Redis that accepts
# connections but stopped answering must not hold the page for long (the outbox sweep resends).
# Workers read with the longer socket_timeout of CELERY_BROKER_TRANSPORT_OPTIONS.
PUBLISH_SOCKET_TIMEOUT = 0.5


class OtonariCelery(Celery):
    def connection_for_write(self, url: Any = None, **kwargs: Any) -> Any:
        given = kwargs.pop("transport_options", None) or {}
        options = {"socket_timeout": PUBLISH_SOCKET_TIMEOUT, **given}
        return super().connection_for_write(url, transport_options=options, **kwargs)


app = OtonariCelery("otonari")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
