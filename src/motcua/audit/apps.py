import datetime as dt

from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The dossier side of the ledger: a dossier's verifiable history (pages, proof API) and
    the inspectors' integrity findings. The ledger records and proves events of any subject;
    this app knows what a dossier is."""

    name = "motcua.audit"
    label = "audit"
    verbose_name = "Kiểm tra toàn vẹn hồ sơ"

    def ready(self) -> None:
        from motcua.core.schedule import register_job

        # the ledger seals every 10 minutes; findings follow the sealed events
        register_job("motcua.audit.tasks.findings_refresh_task", dt.timedelta(minutes=10))
        register_job("motcua.audit.tasks.findings_rebuild_task", dt.time(2, 0))

        from motcua.audit import jobs

        jobs.register()  # the findings Excel as a background job with a progress bar
