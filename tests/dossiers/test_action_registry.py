"""The action registry: the generic base, and the dossier registry generating the rest."""

from __future__ import annotations

import pytest

from motcua.core.actions import STAY, ActionRegistry, ActionSpec, Outcome
from motcua.core.errors import PermissionDenied, TransitionNotAllowed
from motcua.dossiers.action_rights import authorize, may_try
from motcua.dossiers.actions import ACTIONS
from motcua.dossiers.lifecycle import Action, Status
from motcua.dossiers.schemas import Versioned
from tests.dossiers.conftest import at, receive, to_specialist


def test_the_generic_registry_checks_and_resolves():
    # given: a two-status subject with three actions (no domain involved)
    reg = ActionRegistry("việc", ["open", "done"], str.upper)
    reg.register(ActionSpec(code="close", label="Đóng", allowed_from=("open",), leads_to="done"))
    reg.register(ActionSpec(code="note", label="Ghi", allowed_from=("open",), leads_to=STAY))
    reg.register(
        ActionSpec(
            code="maybe",
            label="Có thể",
            allowed_from=("open",),
            leads_to=Outcome(lambda s: s["to"], ("done", STAY), "tùy"),
        )
    )
    # then
    assert reg.table() == {"open": ("close", "note", "maybe"), "done": ()}
    assert reg.result("close", {}, "open") == "done"
    assert reg.result("note", {}, "open") == "open"
    assert reg.result("maybe", {"to": STAY}, "open") == "open"
    with pytest.raises(TransitionNotAllowed) as error:
        reg.check("done", "close")
    assert "DONE" in error.value.message
    with pytest.raises(RuntimeError):  # an outcome outside the declared statuses is a bug
        reg.result("maybe", {"to": "elsewhere"}, "open")
    with pytest.raises(ValueError):  # unknown statuses are refused at registration
        reg.register(ActionSpec(code="x", label="x", allowed_from=("gone",), leads_to="done"))


def test_every_api_action_has_an_input_a_service_an_event_and_a_unit_rule():
    for spec in ACTIONS:
        assert spec.event, spec.code
        assert spec.allowed_from, spec.code
        if spec.api:
            assert spec.perform is not None and spec.roles and spec.units, spec.code
            assert issubclass(spec.input, Versioned), spec.code
    assert not ACTIONS[Action.ONLINE_PAYMENT].api  # only the payments service calls it


@pytest.mark.django_db
def test_buttons_offered_are_exactly_what_the_service_permits(world):
    # given: a dossier held by the specialist at the first commune
    dossier = to_specialist(world, receive(world, when=at(0, 8)), when=at(0, 9))
    assert dossier.status == Status.IN_PROGRESS
    people = [world.desk, world.specialist, world.leader, world.other_desk, world.other_leader]
    for action in ACTIONS.allowed(dossier.status):
        spec = ACTIONS[action]
        if not spec.api or action in (Action.SELF_ASSIGN, Action.RECORD_OPINION):
            continue  # eligibility of the step's role / the consulted unit: checked apart
        for user in people:
            # when
            offered = may_try(user, dossier, action)
            try:
                authorize(user, dossier, action)
                permitted = True
            except PermissionDenied:
                permitted = False
            # then
            assert offered == permitted, (action, user.username)


def test_every_error_code_of_the_dossier_app_comes_from_the_registry():
    import pathlib
    import re

    import motcua.dossiers
    from motcua.dossiers.errors import DossierError

    root = pathlib.Path(motcua.dossiers.__file__).parent
    literal = re.compile(r"""code=["'][a-z_]+["']""")
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "migrations" not in path.parts and literal.search(path.read_text())
    ]
    assert offenders == []  # raise DomainError(..., code=DossierError.X), never a literal
    assert len({e.value for e in DossierError}) == len(DossierError)
