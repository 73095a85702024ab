"""Returned dossiers made through the dossier services, ready to be rated."""

from __future__ import annotations

from motcua.dossiers import services as dossier_services
from tests.dossiers.conftest import (  # noqa: F401 - fixtures re-exported
    _fast_passwords,
    approve,
    at,
    receive,
    to_leader,
    to_specialist,
    world,
)


def returned(w, day: int = 0, **extra):
    """Receive on day ``day`` of the test week, process, approve and return the result."""
    dossier = receive(w, when=at(day, 8), **extra)
    dossier = to_specialist(w, dossier, when=at(day, 9))
    dossier = to_leader(w, dossier, when=at(day + 1, 10))
    dossier = approve(w, dossier, when=at(day + 1, 14))
    return dossier_services.dossier_return_result(
        actor=w.desk, dossier=dossier, method="desk", received_by="Nguyễn Văn An", at=at(day + 2, 9)
    )


ALL_TWO = dict.fromkeys(
    (
        "tong_thoi_gian",
        "thoi_gian_tung_co_quan",
        "so_lan_lien_he",
        "so_co_quan",
        "mot_cua",
        "cong_khai",
        "thai_do",
        "phan_anh",
        "truc_tuyen",
    ),
    2,
)


def answers(**changes) -> dict[str, int]:
    return {**ALL_TWO, **changes}
