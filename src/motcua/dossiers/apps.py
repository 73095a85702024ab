from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    label = "dossiers"
    verbose_name = "Hồ sơ một cửa"

    def ready(self):
        from motcua.dossiers import events  # noqa: F401  (registers event actions)
        from motcua.dossiers.services.merger import dossiers_move_to_successor
        from motcua.organization.services import MERGE_HOOKS

        if dossiers_move_to_successor not in MERGE_HOOKS:  # a merger moves open dossiers
            MERGE_HOOKS.append(dossiers_move_to_successor)
