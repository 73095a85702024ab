from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "motcua.reporting"
    label = "reporting"
    verbose_name = "Thống kê, báo cáo"

    def ready(self):
        from motcua.reporting import events, formulas  # noqa: F401 - registers actions

        # Formulas offered by apps below reporting (e.g. feedback) without importing it.
        formulas.autodiscover()
