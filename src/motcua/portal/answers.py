"""The portal's public answers from the shared cache (``core.public_cache``).

* the procedure search and procedure pages: generation ``catalog``, new at every committed
  event of the catalog (procedures, fields, publication decisions, imports) or of a unit
  (their names show on the pages);
* each dossier's tracking answer: generation ``dossier:<digest of the code>``, new at every
  committed event of that dossier, so the citizen sees a new step at once.

The ledger calls ``events_recorded`` in the transaction of every event (``on_event``); the new
tokens are set once it commits.
"""

from __future__ import annotations

import dataclasses

from motcua.core import public_cache
from motcua.portal.selectors import DossierView, TimelineEntry

CATALOG = "catalog"
#: part of every kept tracking answer's key: answers pickled by an older release whose
#: DossierView had other fields are never read back by a newer one
TRACK_SHAPE = ",".join(f.name for c in (DossierView, TimelineEntry) for f in dataclasses.fields(c))
_CATALOG_SUBJECTS = ("procedure", "catalog", "unit")


def dossier_generation(code: str) -> str:
    return f"dossier:{public_cache.digest(code)}"


def _generation_of(subject_type: str, subject_id: str) -> str | None:
    if subject_type == "dossier":
        return dossier_generation(subject_id)
    if subject_type in _CATALOG_SUBJECTS or subject_type.startswith("catalog."):
        return CATALOG
    return None


def events_recorded(events) -> None:
    if not public_cache.enabled():
        return
    names = {_generation_of(e.subject_type, e.subject_id) for e in events}
    public_cache.bump_on_commit(n for n in names if n is not None)


def register() -> None:
    from motcua.ledger.services import on_event

    on_event(events_recorded)
