from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "motcua.ledger"
    label = "ledger"
    verbose_name = "Sổ cái sự kiện"
