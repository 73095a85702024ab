from django.apps import AppConfig


class ReformConfig(AppConfig):
    name = "motcua.reform"
    label = "reform"
    verbose_name = "Cải cách hành chính"

    def ready(self):
        from motcua.reform import events  # noqa: F401  (registers event actions)
