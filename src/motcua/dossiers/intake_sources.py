"""The desk intake page's shared-data source: a registry a higher app (interop) fills from its
``AppConfig.ready`` — dossiers never imports it (docs/architecture.md). With a source, the
intake page (/can-bo/tiep-nhan/) offers a look-up of the applicant in the national population
database (with the citizen's consent) and, for each component, the citizen's digitized
documents to reuse instead of an upload. Without one, the page is as before.

A source has three callables:

- ``lookup(actor=, id_number=, consent=)`` → ``{"applicant": {"name", "id_number",
  "address", …}, "documents": [{"ma", "ten", "loai", "ngay_cap"}, …]}``; it refuses with a
  ``DomainError`` whose message the page shows (no consent, unknown number, too many);
- ``matches(components, documents)`` → ``{component id: [document, …]}``: the documents that
  may stand for each component;
- ``receive(actor=, procedure=, applicant=, reuse={component id: document id},
  checklist=, **intake)`` → the received ``Dossier`` (through ``dossier_receive``), the
  ``reuse`` components taken from the store and marked as reused.

The page carries the documents of the look-up in a hidden field (``lookup_documents``,
names only: the source checks each chosen document against the store when it receives).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

#: At most this many documents are carried by the form (the rest are not offered).
MAX_DOCUMENTS = 50
_FIELDS = {"ma": 100, "ten": 500, "loai": 100, "ngay_cap": 20}


@dataclass(frozen=True)
class IntakeSource:
    lookup: Callable[..., dict[str, Any]]
    matches: Callable[..., dict[int, list[dict[str, Any]]]]
    receive: Callable[..., Any]


_SOURCES: list[IntakeSource] = []


def register_intake_source(source: IntakeSource) -> IntakeSource:
    """One source (the last registered): the province has one population database."""
    _SOURCES[:] = [source]
    return source


def intake_source() -> IntakeSource | None:
    return _SOURCES[0] if _SOURCES else None


def _bounded(document: dict[str, Any]) -> dict[str, str]:
    return {k: str(document.get(k) or "")[:size] for k, size in _FIELDS.items()}


def carried_documents(raw: str | None) -> list[dict[str, str]]:
    """The documents the form carries (``lookup_documents``), bounded; junk is dropped."""
    try:
        rows = json.loads(raw or "[]")
    except ValueError:
        return []
    if not isinstance(rows, list):
        return []
    return [
        _bounded(row)
        for row in rows[:MAX_DOCUMENTS]
        if isinstance(row, dict) and isinstance(row.get("ma"), str) and row["ma"]
    ]


def documents_field(documents: Iterable[dict[str, Any]]) -> str:
    """The hidden field's value for these documents."""
    kept = [_bounded(d) for d in list(documents)[:MAX_DOCUMENTS] if d.get("ma")]
    return json.dumps(kept, ensure_ascii=False)


def reuse_offers(
    source: IntakeSource | None, components: Iterable[Any], documents: list[dict[str, str]]
) -> dict[int, list[dict[str, str]]]:
    """Per component id, the carried documents the source says may stand for it."""
    if source is None or not documents:
        return {}
    components = list(components)
    ids = {c.pk for c in components}
    return {pk: docs for pk, docs in source.matches(components, documents).items() if pk in ids}


def reuse_chosen(post, offers: dict[int, list[dict[str, str]]]) -> dict[int, str]:
    """The components the officer chose to take from the store (``c<id>_reuse``): only
    documents that were offered for that component."""
    chosen = {}
    for pk, docs in offers.items():
        value = post.get(f"c{pk}_reuse") or ""
        if value and value in {d["ma"] for d in docs}:
            chosen[pk] = value
    return chosen


def shared_data_context(
    source: IntakeSource | None, procedure: Any, documents: list[dict[str, Any]], post=None
) -> dict[str, Any]:
    """The intake page's look-up box and reuse offers; ``checklist_rows`` are (component,
    documents offered, document chosen in ``post``)."""
    carried = documents_field(documents) if documents else ""
    documents = carried_documents(carried)
    components = list(procedure.components.all())
    offers = reuse_offers(source, components, documents)
    chosen = reuse_chosen(post or {}, offers)
    return {
        "lookup_source": source is not None,
        "lookup_documents": carried if documents else "",
        "reuse_offers": offers,
        "checklist_rows": [(c, offers.get(c.pk, []), chosen.get(c.pk, "")) for c in components],
    }
