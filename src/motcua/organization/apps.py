import datetime as dt

from django.apps import AppConfig


class OrganizationConfig(AppConfig):
    name = "motcua.organization"
    label = "organization"
    verbose_name = "Tổ chức, đơn vị"

    def ready(self):
        from motcua.core.schedule import register_job
        from motcua.organization import events  # noqa: F401  (registers event actions)

        # a merger recorded ahead of its effective date moves the open work that night
        register_job("motcua.organization.tasks.unit_mergers_apply_task", dt.time(0, 5))
