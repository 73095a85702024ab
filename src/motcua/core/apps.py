import datetime as dt

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "motcua.core"
    label = "core"
    verbose_name = "Nền tảng"

    def ready(self) -> None:
        from django_tasks.signals import task_enqueued

        from motcua.core import client  # noqa: F401 - registers its system check
        from motcua.core.schedule import on_enqueued, register_job

        task_enqueued.connect(on_enqueued, dispatch_uid="motcua.core.schedule.on_enqueued")
        register_job("motcua.core.tasks.purge_throttle_counters", dt.time(3, 10))
        register_job("motcua.core.tasks.purge_old_jobs", dt.time(3, 20))
