from django.apps import AppConfig


class WorkcalendarConfig(AppConfig):
    name = "motcua.workcalendar"
    label = "workcalendar"
    verbose_name = "Lịch làm việc"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from motcua.organization.models import Unit
        from motcua.workcalendar import engine
        from motcua.workcalendar.models import CalendarException, WorkPeriod, WorkSchedule

        def drop_cache(**kwargs):  # cache invalidation only: no workflow here
            engine.clear_cache()

        def forget_unit_owners(**kwargs):  # a unit moved: its inherited hours may change
            engine.CACHE.owner_of_unit = {}

        # weak=False: these are local functions, which a weak reference would let go as soon
        # as ready() returns (only DEBUG's signature check happened to keep them alive)
        post_save.connect(
            forget_unit_owners, sender=Unit, dispatch_uid="workcalendar-unit", weak=False
        )
        for model in (CalendarException, WorkSchedule, WorkPeriod):
            post_save.connect(
                drop_cache, sender=model, dispatch_uid=f"workcalendar-{model.__name__}", weak=False
            )
            post_delete.connect(
                drop_cache,
                sender=model,
                dispatch_uid=f"workcalendar-del-{model.__name__}",
                weak=False,
            )
