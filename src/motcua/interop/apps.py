from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "motcua.interop"
    label = "interop"
    verbose_name = "Liên thông Cổng Dịch vụ công quốc gia"

    def ready(self):
        import datetime as dt

        from motcua.core.schedule import register_job
        from motcua.dossiers.intake_sources import IntakeSource, register_intake_source
        from motcua.interop import events, outbox  # noqa: F401 - registers actions
        from motcua.interop.reuse import (
            interop_identity_prefill,
            interop_receive_with_reuse,
            matching_documents,
        )
        from motcua.ledger.services import on_event

        on_event(outbox.record_outbox)
        register_job("motcua.interop.tasks.interop_sync", dt.timedelta(minutes=1))
        # nightly: it reads every dossier event (the page can start one at any time)
        register_job("motcua.interop.tasks.interop_reconcile", dt.time(2, 30))
        register_job("motcua.interop.tasks.interop_inbound_pull", dt.timedelta(minutes=5))
        # the desk's intake page: look-up with consent and reuse of digitized documents
        register_intake_source(
            IntakeSource(
                lookup=interop_identity_prefill,
                matches=matching_documents,
                receive=interop_receive_with_reuse,
            )
        )
