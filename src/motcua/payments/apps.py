from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "motcua.payments"
    label = "payments"
    verbose_name = "Thanh toán trực tuyến"

    def ready(self):
        from motcua.payments import events  # noqa: F401 - registers the event actions
