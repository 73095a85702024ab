from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The dossier side of the ledger's checks: the inspectors' integrity findings on dossier
    histories. The ledger records and proves events of any subject; this app knows what a
    dossier is."""

    name = "motcua.audit"
    label = "audit"
    verbose_name = "Kiểm tra toàn vẹn hồ sơ"
