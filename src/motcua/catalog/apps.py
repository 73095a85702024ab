from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "motcua.catalog"
    label = "catalog"
    verbose_name = "Danh mục thủ tục hành chính"

    def ready(self):
        from motcua.catalog import events  # noqa: F401
        from motcua.catalog.services import jobs

        jobs.register()
