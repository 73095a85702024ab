import datetime as dt

from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "motcua.insights"
    label = "insights"
    verbose_name = "Phân tích quy trình"

    def ready(self) -> None:
        from motcua.core.schedule import register_job
        from motcua.dossiers.risk import register_risk_lookup, register_risk_order
        from motcua.insights import events  # noqa: F401 - registers actions
        from motcua.insights.selectors_risk import risk_order, risks_of

        register_job("motcua.insights.tasks.risk_model_train_task", dt.time(2, 30))
        register_job("motcua.insights.tasks.risk_scores_refresh_task", dt.timedelta(minutes=30))
        register_risk_lookup(risks_of)  # the work queue's risk column
        register_risk_order(risk_order)  # … and its sort by risk
