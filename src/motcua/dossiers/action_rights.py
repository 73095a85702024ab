"""Who may perform a dossier action: the rule services enforce and the buttons pages offer.

The roles and the unit rule of each action are stated once in the registry
(``dossiers.actions``); ``authorize`` enforces them in every service (PermissionDenied), and
``may_try`` / ``actions_for`` offer exactly the actions it would let through (the buttons on
the dossier page, ``allowed_actions`` of the API).
"""

from __future__ import annotations

from motcua.core import zone
from motcua.core.actions import ActionSpec
from motcua.core.errors import PermissionDenied
from motcua.dossiers.actions import ACTIONS, allowed_actions, consulted_units
from motcua.dossiers.lifecycle import Action as A
from motcua.organization.models import Role, Unit
from motcua.organization.permissions import has_role, require_role


def _holds(actor, dossier, spec: ActionSpec) -> bool:
    return (
        spec.holder_acts
        and actor is not None
        and dossier.assignee_id is not None
        and actor.pk == dossier.assignee_id
    )


def current_unit(unit):
    """The unit that does ``unit``'s work today: itself, or its successor after a merger."""
    if unit is None or unit.valid_to is None:
        return unit
    from motcua.organization.selectors import unit_successor_on

    return unit_successor_on(unit, zone.localdate())


def authorize(actor, dossier, action: str, units: list | None = None) -> Unit:
    """The unit on whose behalf ``actor`` performs ``action``; else PermissionDenied.

    The assignee acts at the holding unit when the action lets the holder act; anyone else
    needs one of the action's roles at one of its units (``units`` overrides the rule, e.g.
    the one consultation being answered).
    """
    spec = ACTIONS[action]
    if _holds(actor, dossier, spec):
        return dossier.holder_unit
    candidates = [
        current_unit(u) for u in (units if units is not None else spec.units(dossier)) if u
    ]
    for unit in candidates:
        if has_role(actor, spec.roles, unit):
            return unit
    require_role(actor, spec.roles, candidates[0] if candidates else None)
    raise PermissionDenied()  # pragma: no cover - require_role raised


def _steps_around(dossier) -> tuple[list, list]:
    """The process's steps before and after the current one."""
    if not dossier.process_id or dossier.current_step_id is None:
        return [], []
    order = dossier.current_step.order
    steps = sorted(dossier.process.steps.all(), key=lambda s: s.order)
    return [s for s in steps if s.order < order], [s for s in steps if s.order > order]


def _may_take_step(user, dossier) -> bool:
    """Self-assignment: the current step's role (or leader) at the holding unit."""
    step = dossier.current_step if dossier.current_step_id else None
    role = step.role if step is not None else Role.SPECIALIST
    return has_role(user, {role, Role.UNIT_LEADER}, dossier.holder_unit)


#: what the service checks beyond the roles and units (so a button never leads to a refusal)
_FEASIBLE = {
    A.SELF_ASSIGN: _may_take_step,
    A.SEND_BACK: lambda user, d: bool(_steps_around(d)[0]),
    A.COMPLETE_STEP: lambda user, d: bool(_steps_around(d)[1]),
    A.RECORD_OPINION: lambda user, d: bool(consulted_units(d)),
}


def may_try(user, dossier, action: str) -> bool:
    """Whether to offer ``action`` to ``user`` (the same rule ``authorize`` enforces).

    Never an action no person performs (``online_payment``: the payment gateway), nor one
    the service would refuse whatever the input (self-assignment without the step's role,
    sending back from the first step).
    """
    spec = ACTIONS[action]
    if not spec.api or spec.perform is None or not user.is_authenticated:
        return False
    feasible = _FEASIBLE.get(action)
    if feasible is not None and not feasible(user, dossier):
        return False
    if action == A.SELF_ASSIGN:
        return True  # _may_take_step is the whole rule (the service's check_assignee)
    if user.is_superuser or _holds(user, dossier, spec):
        return True
    return any(has_role(user, spec.roles, current_unit(u)) for u in spec.units(dossier) if u)


def actions_for(user, dossier) -> tuple[str, ...]:
    """The actions ``user`` may perform on ``dossier`` now: its status and the caller's roles."""
    return tuple(a for a in allowed_actions(dossier.status) if may_try(user, dossier, a))
