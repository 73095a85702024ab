import datetime as dt

from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    label = "dossiers"
    verbose_name = "Hồ sơ một cửa"

    def ready(self):
        from motcua.core.schedule import register_job
        from motcua.dossiers import (
            events,  # noqa: F401  (registers event actions)
            queue_cache,
        )
        from motcua.dossiers.models import Dossier
        from motcua.dossiers.services.merger import dossiers_move_to_successor
        from motcua.ledger.subjects import register_required
        from motcua.organization.services import register_merger_handler

        register_job("motcua.dossiers.tasks.dossier_warn_due_soon_task", dt.time(7, 0))
        register_required("dossier", Dossier, "code")
        register_merger_handler(dossiers_move_to_successor)  # a merger moves open dossiers
        queue_cache.register()  # the work queue's kept answers, dropped when what they show changes
