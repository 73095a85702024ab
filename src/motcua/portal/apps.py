import datetime as dt

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "motcua.portal"
    label = "portal"
    verbose_name = "Cổng công khai"

    def ready(self) -> None:
        from motcua.core.schedule import register_job
        from motcua.portal import notify

        notify.register()
        register_job("motcua.portal.tasks.purge_lookup_attempts", dt.time(3, 10))
