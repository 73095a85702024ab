"""Periodic delivery of the outbox (registered with core.schedule from InteropConfig.ready)."""

from __future__ import annotations

from django_tasks import task


@task()
def interop_sync() -> int:
    from motcua.interop.services import interop_sync as sync

    return sync().sent


@task()
def interop_reconcile() -> bool:
    from motcua.interop.services import interop_reconcile as run

    return run().complete


@task()
def interop_inbound_pull() -> int:
    from motcua.interop.inbound import interop_inbound_pull as pull

    return pull().taken
