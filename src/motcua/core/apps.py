import datetime as dt

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "motcua.core"
    label = "core"
    verbose_name = "Nền tảng"

    def ready(self) -> None:
        from motcua.core import client  # noqa: F401 - registers its system check
        from motcua.core.schedule import register_job

        register_job("motcua.core.tasks.purge_throttle_counters", dt.time(3, 10))
        register_job("motcua.core.tasks.purge_old_jobs", dt.time(3, 20))
