"""Late data entry is its own action with a reason, never a back-dated status change, and
every such entry is flagged for inspectors."""

import pytest

from motcua.audit.integrity import Kind
from motcua.audit.selectors import findings_list
from motcua.audit.services import findings_refresh
from motcua.core.errors import InvalidInput, PermissionDenied
from motcua.dossiers import services
from motcua.ledger.models import Event
from motcua.ledger.services import ledger_seal
from tests.dossiers.conftest import at, receive, to_specialist


def test_late_entry_records_server_time_claimed_time_and_reason(world):
    # given a dossier being processed
    dossier = to_specialist(world, receive(world, when=at(0, 8)), when=at(0, 9))
    status, due = dossier.status, dossier.due_at
    # when the specialist records a paper hand-over that happened during an outage
    dossier = services.dossier_record_late_entry(
        actor=world.specialist,
        dossier=dossier,
        occurred_at=at(0, 10),
        description="Đã nhận bản chính giấy tờ từ bộ phận một cửa",
        reason="Mất kết nối mạng từ 9 giờ đến 11 giờ",
        at=at(0, 14),
    )
    # then the status and due time are unchanged, the event keeps both times and the reason
    assert (dossier.status, dossier.due_at) == (status, due)
    event = Event.objects.filter(subject_id=dossier.code).order_by("-seq").first()
    assert event.action == "dossier.late_entry"
    assert event.at == at(0, 14)
    assert event.payload["occurred_at"].startswith("2026-03-02T10:00")
    assert event.payload["reason"] == "Mất kết nối mạng từ 9 giờ đến 11 giờ"
    # and inspectors see it flagged (once sealed and the stored findings refreshed)
    ledger_seal()
    findings_refresh()
    flagged = [f for f in findings_list(kind=Kind.CATCH_UP, now=at(1, 8)) if f.code == dossier.code]
    assert len(flagged) == 1
    assert "Mất kết nối mạng" in flagged[0].detail
    # in local time, said as such (it once printed the local time labelled "UTC")
    assert "UTC" not in flagged[0].detail and "10:00 02/03/2026" in flagged[0].detail


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"reason": "vì"}, "late_entry_reason_required"),
        ({"description": "  "}, "late_entry_description_required"),
        ({"occurred_at": at(0, 15)}, "late_entry_not_in_past"),
        ({"occurred_at": at(0, 7)}, "late_entry_before_receipt"),
    ],
)
def test_late_entry_refuses_bad_input_and_writes_nothing(world, changes, code):
    dossier = receive(world, when=at(0, 8))
    before = Event.objects.count()
    arguments = {
        "occurred_at": at(0, 9),
        "description": "Bàn giao hồ sơ giấy",
        "reason": "Mất kết nối mạng cả buổi sáng",
        **changes,
    }
    with pytest.raises(InvalidInput) as error:
        services.dossier_record_late_entry(
            actor=world.desk, dossier=dossier, at=at(0, 14), **arguments
        )
    assert error.value.code == code
    assert Event.objects.count() == before


def test_late_entry_needs_a_role_at_the_dossier_s_units(world, make_user, make_unit):
    from motcua.organization.models import Role

    dossier = receive(world, when=at(0, 8))
    stranger = make_user(Role.DESK_OFFICER, unit=make_unit("UBND xã Xa Lạ"))
    with pytest.raises(PermissionDenied):
        services.dossier_record_late_entry(
            actor=stranger,
            dossier=dossier,
            occurred_at=at(0, 9),
            description="Bàn giao",
            reason="Mất kết nối mạng cả buổi sáng",
            at=at(0, 14),
        )


def test_late_entry_through_the_api(world, client):
    from motcua.organization.services import api_token_create

    dossier = receive(world, when=at(0, 8))
    _, token = api_token_create(actor=world.desk, user=world.desk, name="kiểm thử")
    response = client.post(
        f"/api/dossiers/{dossier.code}/actions/late_entry",
        {
            "version": dossier.version,
            "occurred_at": "2026-03-02T09:00:00+07:00",
            "description": "Nhận hồ sơ qua bưu điện",
            "reason": "Hệ thống bảo trì buổi sáng",
        },
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.content
    assert Event.objects.filter(subject_id=dossier.code, action="dossier.late_entry").exists()
