from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "motcua.reporting"
    label = "reporting"
    verbose_name = "Thống kê, báo cáo"

    def ready(self):
        from motcua.core.schedule import DAILY_JOBS
        from motcua.reporting import events, formulas, tasks  # noqa: F401 - registers actions

        # Formulas offered by apps below reporting (e.g. feedback) without importing it.
        formulas.autodiscover()
        for path, when in tasks.JOBS.items():
            DAILY_JOBS.setdefault(path, when)
