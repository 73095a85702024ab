"""Intake with the shared data platforms: pre-fill the applicant from the national population
database (only with the citizen's consent) and take components from the citizen's digitized
documents instead of uploads. A reused component's file is the stored document, checked like
an upload, so the digitization indicators (reporting ``dossiers_digitized_share``: every
provided item has a digitized file) count it; ``ReusedDocument`` marks it as reused."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.core.errors import InvalidInput, NotFound
from motcua.core.files import check_content
from motcua.core.text import fold
from motcua.core.throttle import TooManyRequests, over_limit
from motcua.dossiers.models import ComponentCopy, Dossier
from motcua.dossiers.services import dossier_receive
from motcua.interop import events
from motcua.interop.errors import InteropError
from motcua.interop.models import ReusedDocument
from motcua.interop.shared_data import (
    DocumentStore,
    PopulationDatabase,
    get_document_store,
    get_population_database,
)
from motcua.ledger.models import Event
from motcua.ledger.services import event_record
from motcua.organization.models import Role
from motcua.organization.permissions import require_role

#: Look-ups per officer and minute (each one is a query to a national database).
LOOKUPS_PER_MINUTE = 30
INTAKE_ROLES = (Role.DESK_OFFICER,)
#: A personal ID number: 12 digits (căn cước) or 9 (the old identity card).
_ID_NUMBER = re.compile(r"\d{12}|\d{9}")


def _id_digest(id_number: str) -> str:
    """The history names the look-up, never the ID number itself."""
    return hashlib.sha256(id_number.encode()).hexdigest()[:16]


def interop_identity_prefill(
    *,
    actor,
    id_number: str,
    consent: bool,
    population: PopulationDatabase | None = None,
    store: DocumentStore | None = None,
) -> dict[str, Any]:
    """The applicant's identity data and digitized documents, for the intake form."""
    require_role(actor, INTAKE_ROLES)
    if not consent:
        raise InvalidInput(
            "Cần sự đồng ý của công dân trước khi tra cứu CSDL quốc gia về dân cư.",
            code=InteropError.CONSENT_REQUIRED,
        )
    id_number = "".join((id_number or "")[:100].split())
    if not _ID_NUMBER.fullmatch(id_number):
        raise InvalidInput(
            "Số định danh cá nhân gồm 12 chữ số (hoặc 9 chữ số với chứng minh nhân dân cũ).",
            code=InteropError.ID_NUMBER_INVALID,
        )
    if over_limit(f"interop-identity:{actor.pk}", limit=LOOKUPS_PER_MINUTE, window=60):
        raise TooManyRequests("Tra cứu quá nhiều lần trong một phút. Vui lòng thử lại sau.")
    now = timezone.now()
    person = (population or get_population_database()).lookup(
        id_number, consent=f"{actor.get_username()} {now.isoformat()}"
    )
    with transaction.atomic():
        event_record(
            subject_type=events.SUBJECT,
            subject_id="identity",
            action=events.IDENTITY_CHECKED,
            actor=actor,
            payload={"citizen": _id_digest(id_number), "consent": True, "found": bool(person)},
        )
    if person is None:
        raise NotFound(
            "CSDL quốc gia về dân cư không có số định danh này.",
            code=InteropError.CITIZEN_UNKNOWN,
        )
    return {
        "applicant": {
            "kind": "person",
            "name": person.get("ho_ten", ""),
            "id_number": id_number,
            "address": person.get("noi_thuong_tru", ""),
            "birth_date": person.get("ngay_sinh", ""),
        },
        "documents": (store or get_document_store()).documents(id_number),
    }


#: How long a consented look-up lets the same officer reuse that citizen's documents.
CONSENT_VALID = dt.timedelta(hours=2)


def _require_consented_lookup(actor, id_number: str) -> None:
    """Documents are fetched only for a citizen this officer looked up, with the citizen's
    consent, in the last ``CONSENT_VALID`` (the page offers reuse only after it; a hand-made
    request or API call may not skip it)."""
    id_number = "".join((id_number or "")[:100].split())
    recent = Event.objects.filter(
        subject_type=events.SUBJECT,
        action=events.IDENTITY_CHECKED,
        actor_id=actor.pk,
        at__gte=timezone.now() - CONSENT_VALID,
        payload__citizen=_id_digest(id_number),
        payload__found=True,
    )
    if not id_number or not recent.exists():
        raise InvalidInput(
            "Cần tra cứu CSDL quốc gia về dân cư (có sự đồng ý của công dân) trong 2 giờ qua "
            "trước khi dùng lại giấy tờ đã số hóa.",
            code=InteropError.CONSENT_REQUIRED,
        )


def _names_match(document: str, component: str) -> bool:
    if not document or not component:
        return False
    if document == component:
        return True
    shorter, longer = sorted((document, component), key=len)
    return len(shorter.split()) >= 2 and f" {shorter} " in f" {longer} "


def matching_documents(
    components: Iterable[Any], documents: list[dict[str, Any]]
) -> dict[int, list[dict[str, Any]]]:
    """The citizen's documents that may stand for each component: the document's name and
    the component's name are equal, or one holds the other as whole words (at least two),
    accents and case aside — «Giấy chứng sinh» stands for «Bản sao Giấy chứng sinh»."""
    folded = [(fold(d.get("ten")), d) for d in documents]
    found: dict[int, list[dict[str, Any]]] = {}
    for component in components:
        name = fold(component.name)
        docs = [d for ten, d in folded if _names_match(ten, name)]
        if docs:
            found[component.pk] = docs
    return found


def interop_receive_with_reuse(
    *,
    actor,
    procedure: Procedure,
    applicant: dict[str, Any],
    reuse: dict[int, str],
    checklist: list[dict] | None = None,
    store: DocumentStore | None = None,
    **intake: Any,
) -> Dossier:
    """Receive a dossier at the desk (``dossiers.services.dossier_receive``) with the
    components of ``reuse`` (component id → document id) taken from the citizen's digitized
    documents; the other components come in ``checklist`` as usual."""
    require_role(actor, INTAKE_ROLES)
    if reuse:
        _require_consented_lookup(actor, applicant.get("id_number", ""))
    store = store or get_document_store()
    components = {c.pk: c for c in procedure.components.all()}
    rows, marks = list(checklist or []), []
    # the citizen's documents, listed once for every component taken from the store
    known = {d["ma"]: d for d in store.documents(applicant.get("id_number", ""))} if reuse else {}
    for component_id, document_id in reuse.items():
        component = components.get(component_id)
        if component is None:
            raise InvalidInput(
                f"Thành phần {component_id} không thuộc thủ tục.",
                code=InteropError.DOCUMENT_UNKNOWN,
            )
        if document_id not in known:
            raise InvalidInput(
                f"Giấy tờ {document_id} không có trong kho dữ liệu của công dân.",
                code=InteropError.DOCUMENT_UNKNOWN,
            )
        checked = check_content(
            store.fetch(applicant["id_number"], document_id), label=component.name
        )
        rows = [r for r in rows if r.get("component") != component_id]
        rows.append(
            {
                "component": component_id,
                "provided": True,
                "copy_kind": ComponentCopy.ELECTRONIC,
                "file": checked.as_django_file(f"tai-su-dung-{component_id}"),
            }
        )
        marks.append((component_id, document_id, known[document_id].get("ten", ""), checked))
    with transaction.atomic():
        dossier = dossier_receive(
            actor=actor, procedure=procedure, applicant=applicant, checklist=rows, **intake
        )
        now = timezone.now()
        ReusedDocument.objects.bulk_create(
            ReusedDocument(
                dossier_code=dossier.code,
                component_id=component_id,
                document_id=document_id,
                document_name=name[:500],
                sha256=checked.sha256,
                reused_at=now,
            )
            for component_id, document_id, name, checked in marks
        )
        if marks:
            event_record(
                subject_type=events.SUBJECT,
                subject_id=f"reuse:{dossier.code}",
                action=events.DOCUMENTS_REUSED,
                actor=actor,
                payload={"dossier": dossier.code, "documents": [m[1] for m in marks]},
            )
    return dossier
