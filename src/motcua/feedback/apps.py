import datetime as dt

from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "motcua.feedback"
    label = "feedback"
    verbose_name = "Phản ánh, kiến nghị"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from motcua.core.schedule import register_job
        from motcua.feedback import events  # noqa: F401  (registers the history's action codes)
        from motcua.feedback.merger import feedback_move_to_successor
        from motcua.organization.services import register_merger_handler

        register_merger_handler(feedback_move_to_successor)  # a merger moves open feedback

        # warnings are in working hours: look every 30 minutes
        register_job("motcua.feedback.tasks.feedback_warn_due_soon_task", dt.timedelta(minutes=30))
