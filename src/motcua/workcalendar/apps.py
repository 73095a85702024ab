from django.apps import AppConfig


class WorkcalendarConfig(AppConfig):
    name = "motcua.workcalendar"
    label = "workcalendar"
    verbose_name = "Lịch làm việc"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from motcua.workcalendar import engine
        from motcua.workcalendar.models import CalendarException, WorkPeriod, WorkSchedule

        def drop_cache(**kwargs):  # cache invalidation only: no workflow here
            engine.clear_cache()

        for model in (CalendarException, WorkSchedule, WorkPeriod):
            post_save.connect(
                drop_cache, sender=model, dispatch_uid=f"workcalendar-{model.__name__}"
            )
            post_delete.connect(
                drop_cache, sender=model, dispatch_uid=f"workcalendar-del-{model.__name__}"
            )
