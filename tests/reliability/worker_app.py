"""The project's Celery app for the worker subprocesses of the reliability tests.

Their broker keys carry a prefix of their own (TEST_BROKER_KEYPREFIX), and so do the messages
the test publishes (``celery_configured``): no other worker of the test run (the thread worker
of tests/conftest.py) takes their tasks.
"""

import os

from otonari.celery import app

app.conf.broker_transport_options = {
    **app.conf.broker_transport_options,
    "global_keyprefix": os.environ["TEST_BROKER_KEYPREFIX"],
}

__all__ = ["app"]
