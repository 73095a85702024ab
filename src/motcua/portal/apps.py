from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "motcua.portal"
    label = "portal"
    verbose_name = "Cổng công khai"

    def ready(self) -> None:
        from motcua.portal import answers, notify

        notify.register()
        answers.register()
