"""The province of the two-servers test (tests/deploy/test_two_servers.py), built and read
in a child process on the servers' database (after ``django.setup()``):

    seed    one commune, a procedure, a desk officer and a specialist with API tokens
    report  per dossier code: its events (seq, action), how many dossiers exist, and what
            `motcua ledger verify` says (its output and exit code)
"""

from __future__ import annotations

import datetime as dt
import json

from motcua.organization.models import Role, StaffRole, UnitKind

PHONE4 = "5678"
APPLICANT = {
    "name": "Nguyễn Văn An",
    "id_number": "038090001234",
    "phone": "091234" + PHONE4,
    "address": "Thôn Đông, xã Hai Máy",
}


def seed() -> None:
    from django.contrib.auth import get_user_model

    from motcua.organization.services import api_token_create, unit_create
    from tests.dossiers.conftest import make_procedure

    since = dt.date(2015, 1, 1)
    province = unit_create(
        actor=None,
        code="TINH-HM",
        name="Ủy ban nhân dân tỉnh Hai Máy",
        kind=UnitKind.PROVINCE,
        electronic_id="000.00.00.H99",
        valid_from=since,
        check_permission=False,
    )
    commune = unit_create(
        actor=None,
        code="XA-HM",
        name="UBND xã Hai Máy",
        kind=UnitKind.COMMUNE,
        parent=province,
        electronic_id="000.01.31.H99",
        valid_from=since,
        check_permission=False,
    )
    procedure = make_procedure()
    tokens = {}
    for username, role in (("hm.motcua", Role.DESK_OFFICER), ("hm.chuyenvien", Role.SPECIALIST)):
        user = get_user_model().objects.create_user(username=username, first_name=username)
        StaffRole.objects.create(user=user, role=role, unit=commune, valid_from=since)
        tokens[role] = api_token_create(actor=user, user=user, name="hai máy")[1]
    print(json.dumps({"procedure": procedure.code, "tokens": tokens}))


def report() -> None:
    import io

    from django.core.management import CommandError, call_command

    from motcua.dossiers.models import Dossier
    from motcua.ledger.models import Event

    events: dict[str, list] = {}
    for code, seq, action in (
        Event.objects.filter(subject_type="dossier")
        .order_by("subject_id", "seq")
        .values_list("subject_id", "seq", "action")
    ):
        events.setdefault(code, []).append([seq, action])
    out, code = io.StringIO(), 0
    try:
        call_command("ledger", "verify", stdout=out, stderr=out)
    except CommandError as error:
        out.write(str(error))
        code = error.returncode
    print(
        json.dumps(
            {
                "dossiers": Dossier.objects.count(),
                "events": events,
                "verify": out.getvalue(),
                "verified": code,
            }
        )
    )


def main(argv: list[str]) -> None:
    {"seed": seed, "report": report}[argv[0]]()
