import datetime as dt

from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "motcua.ledger"
    label = "ledger"
    verbose_name = "Sổ cái sự kiện"

    def ready(self) -> None:
        from motcua.core.schedule import register_job, register_self_scheduled
        from motcua.ledger.tasks import nightly_schedule

        # events are tamper-evident in the global chain once sealed: seal often
        register_job("motcua.ledger.tasks.ledger_seal_task", dt.timedelta(minutes=10))
        # PostgreSQL: the event table's monthly partitions, created months ahead
        register_job("motcua.ledger.tasks.ledger_partitions_task", dt.time(0, 30))
        register_self_scheduled("motcua.ledger.tasks.ledger_nightly", nightly_schedule)
