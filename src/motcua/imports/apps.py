from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "motcua.imports"
    verbose_name = "Nhập lịch sử hồ sơ"

    def ready(self) -> None:
        from motcua.audit.provenance import register_source
        from motcua.imports import jobs
        from motcua.imports.selectors import imported_provenance

        jobs.register()

        # the khống report and the public proofs tell imported history from live work
        register_source("import", imported_provenance)
