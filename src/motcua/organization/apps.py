from django.apps import AppConfig


class OrganizationConfig(AppConfig):
    name = "motcua.organization"
    label = "organization"
    verbose_name = "Tổ chức, đơn vị"

    def ready(self):
        from motcua.organization import events  # noqa: F401  (registers event actions)
