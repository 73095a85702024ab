from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "motcua.surveys"
    label = "surveys"
    verbose_name = "Đánh giá sự hài lòng"

    def ready(self):
        from motcua.surveys import events  # noqa: F401 - registers the event actions
