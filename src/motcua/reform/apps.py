import datetime as dt

from django.apps import AppConfig


class ReformConfig(AppConfig):
    name = "motcua.reform"
    label = "reform"
    verbose_name = "Cải cách hành chính"

    def ready(self):
        from motcua.core.schedule import register_job
        from motcua.reform import events  # noqa: F401  (registers event actions)

        register_job("motcua.reform.tasks.send_reform_reminders", dt.time(7, 15))
        register_job("motcua.reform.tasks.purge_import_previews", dt.time(3, 0))
