"""Reads that may come from a read replica (statistics, dashboards, exports).

``with using_replica(): ...`` sends the ORM's reads inside the block to the ``replica``
database when one is configured (``MOTCUA_REPLICA_URL``); without one, or for writes, nothing
changes. A replica lags the primary by a little: use it only for reports where a few seconds
do not matter, never to read back what the same request just wrote.
"""

from __future__ import annotations

import contextlib
import contextvars

from django.conf import settings

_replica_wanted: contextvars.ContextVar[bool] = contextvars.ContextVar("replica", default=False)


@contextlib.contextmanager
def using_replica():
    token = _replica_wanted.set(True)
    try:
        yield
    finally:
        _replica_wanted.reset(token)


def replica_alias() -> str | None:
    """The alias reads go to inside ``using_replica()`` (None: the primary)."""
    return getattr(settings, "MOTCUA_REPLICA_ALIAS", None)


class ReplicaRouter:
    """Reads inside ``using_replica()`` go to the replica; the rest is Django's default."""

    def db_for_read(self, model, **hints):
        if _replica_wanted.get():
            return replica_alias()
        return None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # a replica receives its schema from the primary through replication
        return db != replica_alias() if replica_alias() else None
