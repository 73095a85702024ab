"""Every write to a dossier. Each service checks the actor's role and unit, locks the row,
checks the allowed-actions table, records one ledger event in the same transaction,
recomputes deadlines through the work calendar and sends notifications on commit."""

from motcua.dossiers.services._base import dossier_batch
from motcua.dossiers.services.closing import (
    dossier_approve,
    dossier_cancel,
    dossier_refuse,
    dossier_return_result,
    dossier_stop,
    dossier_withdraw,
)
from motcua.dossiers.services.corrections import dossier_apologize, dossier_record_late_entry
from motcua.dossiers.services.intake import (
    dossier_intake_once,
    dossier_receive,
    dossier_refuse_at_intake,
    dossier_request_completion_at_intake,
    rule_set_in_force,
)
from motcua.dossiers.services.online import (
    dossier_accept,
    dossier_refuse_online,
    dossier_request_completion_online,
    dossier_submit_online,
)
from motcua.dossiers.services.pauses import (
    dossier_receive_supplement,
    dossier_receive_supplement_online,
    dossier_record_online_payment,
    dossier_record_payment,
    dossier_request_payment,
    dossier_request_supplement,
)
from motcua.dossiers.services.processing import (
    dossier_assign,
    dossier_complete_step,
    dossier_consult,
    dossier_record_opinion,
    dossier_self_assign,
    dossier_send_back,
    dossier_transfer,
)
from motcua.dossiers.services.sweeps import dossier_warn_due_soon

__all__ = [
    "dossier_accept",
    "dossier_apologize",
    "dossier_approve",
    "dossier_assign",
    "dossier_batch",
    "dossier_cancel",
    "dossier_intake_once",
    "dossier_complete_step",
    "dossier_consult",
    "dossier_receive",
    "dossier_receive_supplement",
    "dossier_receive_supplement_online",
    "dossier_record_late_entry",
    "dossier_record_opinion",
    "dossier_record_online_payment",
    "dossier_record_payment",
    "dossier_refuse",
    "dossier_refuse_at_intake",
    "dossier_refuse_online",
    "dossier_request_completion_at_intake",
    "dossier_request_completion_online",
    "dossier_request_payment",
    "dossier_request_supplement",
    "dossier_return_result",
    "dossier_self_assign",
    "dossier_send_back",
    "dossier_stop",
    "dossier_submit_online",
    "dossier_transfer",
    "dossier_warn_due_soon",
    "dossier_withdraw",
    "rule_set_in_force",
]
