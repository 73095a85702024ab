from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "motcua.insights"
    label = "insights"
    verbose_name = "Phân tích quy trình"
