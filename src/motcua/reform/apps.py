import datetime as dt

from django.apps import AppConfig


class ReformConfig(AppConfig):
    name = "motcua.reform"
    label = "reform"
    verbose_name = "Cải cách hành chính"

    def ready(self):
        from motcua.core.schedule import register_job
        from motcua.organization.services import register_merger_handler
        from motcua.reform import events  # noqa: F401  (registers event actions)
        from motcua.reform.services.merger import reform_move_to_successor

        register_job("motcua.reform.tasks.send_reform_reminders", dt.time(7, 15))
        register_job("motcua.reform.tasks.purge_import_previews", dt.time(3, 0))
        register_merger_handler(reform_move_to_successor)  # a merger moves open tasks
