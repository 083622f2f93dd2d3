from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "desk"
    verbose_name = _("Staff desk")

    def ready(self) -> None:
        # The apps' admin lists filter by the work queues through otonari.work_queue.
        from otonari import work_queue

        from .queues import QUEUES

        work_queue.register(*QUEUES)
