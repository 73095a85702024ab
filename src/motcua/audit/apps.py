from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The dossier side of the ledger: a dossier's verifiable history (pages, proof API) and
    the inspectors' integrity findings. The ledger records and proves events of any subject;
    this app knows what a dossier is."""

    name = "motcua.audit"
    label = "audit"
    verbose_name = "Kiểm tra toàn vẹn hồ sơ"

    def ready(self) -> None:
        from motcua.audit import services

        services.register()
