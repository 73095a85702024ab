"""What the officers' work queue keeps in the shared cache between requests, and when it is
dropped (``core.public_cache``'s generations: a committed change gives its generation a new
token, and an answer computed before is never read again).

* ``UNIT_TREE``: the units below a set of units (``visible_unit_ids``: which units' dossiers an
  officer reads). New at every committed event of a unit (created, renamed, moved, merged,
  ended: ``organization.services``) and at every save or deletion of a unit row outside them
  (the admin, a data fix), so a moved unit's dossiers leave the old tree's officers at once.
  The roles themselves are read at each request (``user_roles``): a role granted or ended
  shows at the next request.
* ``QUEUE_COUNTS``: the tab counts of the work queue, one answer per set of visible units and
  scope (and officer for "mine"). New at every committed event of any dossier (one
  generation for all: a busy province recounts more often, never wrongly). The "due soon"
  and "overdue" tabs also change with the clock alone: an answer is kept ``COUNTS_TIMEOUT``
  seconds at most, so those two counts may lag the clock by that much (a dossier whose due
  time passes at 10:00:00 is counted overdue from 10:00:30 at the latest). The list itself
  is read at each request.

Only with a cache shared by every process (``public_cache.enabled()``): a per-process cache
would keep an answer after another process's change. Without it everything is computed at
each request.
"""

from __future__ import annotations

from collections.abc import Iterable

from motcua.core import public_cache

UNIT_TREE = "unit-tree"
QUEUE_COUNTS = "dossier-queues"
UNIT_TREE_TIMEOUT = 600
COUNTS_TIMEOUT = 30


def enabled() -> bool:
    return public_cache.enabled()


def ids_key(ids: Iterable[int] | None) -> str:
    """A short key naming a set of ids (``None``: every unit)."""
    if ids is None:
        return "all"
    return public_cache.digest(",".join(map(str, sorted(ids))))


def events_recorded(events: list) -> None:
    """The ledger's listener (``on_event``): new generations once the events commit."""
    if not enabled():
        return
    kinds = {e.subject_type for e in events}
    names = set()
    if "dossier" in kinds:
        names.add(QUEUE_COUNTS)
    if "unit" in kinds:
        names |= {UNIT_TREE, QUEUE_COUNTS}
    public_cache.bump_on_commit(names)


def unit_saved(sender, **kwargs) -> None:
    """A unit row saved or deleted (signals; the admin writes no event)."""
    public_cache.bump_on_commit([UNIT_TREE, QUEUE_COUNTS])


def register() -> None:
    from django.db.models.signals import post_delete, post_save

    from motcua.ledger.services import on_event
    from motcua.organization.models import Unit

    on_event(events_recorded)
    post_save.connect(unit_saved, sender=Unit, dispatch_uid="dossiers.queue_cache.unit_saved")
    post_delete.connect(unit_saved, sender=Unit, dispatch_uid="dossiers.queue_cache.unit_gone")
