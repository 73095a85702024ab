"""Long jobs: the kinds an app offers, and the progress a running job reports.

An app registers each kind of long work from its ``AppConfig.ready`` (``register_job_kind``):
what it is called, the function that does it, and who may follow it and download its result.
``core.services.job_start`` queues a ``Job`` for the task worker; the worker calls the kind's
``run(job=…, progress=…)``, which reports its steps to ``progress`` and returns the result
file (or ``None``) and a summary. The page polls ``/viec-nen/<id>/trang-thai/`` and shows a
progress bar (``core/_job_progress.html``); a command runs the same function with a
``Progress`` that prints one line on the terminal.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from django.db import connection

from motcua.core.formats import vn_number

if TYPE_CHECKING:
    from motcua.core.models import Job


@dataclass
class JobResult:
    """What a job leaves: a file to download (optional), a summary, details (e.g. errors)."""

    summary: str = ""
    content: bytes | None = None
    filename: str = ""
    details: list[str] = field(default_factory=list)
    #: the work was refused (e.g. a workbook with errors): shown as failed, with the details
    failed: bool = False


@dataclass(frozen=True)
class JobKind:
    code: str
    label: str
    #: does the work: run(job=Job, progress=Progress) -> JobResult
    run: Callable[..., JobResult]
    #: may this user follow the job and download its result? (the requester always may)
    may_see: Callable[[Any, Job], bool] = field(default=lambda user, job: False)


KINDS: dict[str, JobKind] = {}


def register_job_kind(
    code: str,
    *,
    label: str,
    run: Callable[..., JobResult],
    may_see: Callable[[Any, Job], bool] | None = None,
) -> JobKind:
    kind = JobKind(code=code, label=label, run=run, may_see=may_see or (lambda user, job: False))
    KINDS[code] = kind
    return kind


def kind_of(code: str) -> JobKind:
    return KINDS[code]


class Progress:
    """Where a job reports how far it is.

    ``step(message, done=, total=)`` names the current step (recorded as a ``JobEvent``);
    ``advance(n)`` moves within it. Writes to the job row at most every ``interval`` seconds
    (and at each new step). Inside a transaction the work opened itself (an all-or-nothing
    import) nothing is written, since no one could read it before the commit: the page keeps
    showing the step that began it; ``echo`` (a terminal) still sees every step.
    """

    def __init__(
        self,
        *,
        job: Job | None = None,
        echo: TextIO | None = None,
        interval: float = 0.5,
    ) -> None:
        self.job = job
        # a management command's OutputWrapper would end every write with a new line
        self.echo = getattr(echo, "_out", echo)
        self.interval = interval
        self.message = ""
        self.done = 0
        self.total = 0
        self._written = 0.0
        self._printed = 0.0
        self._depth = len(connection.atomic_blocks)
        self.started = time.monotonic()

    # ---- what the work calls

    def step(self, message: str, *, done: int = 0, total: int = 0) -> None:
        self.message, self.done, self.total = message, done, total
        self._write(new_step=True)
        self._print(force=True)

    def advance(self, n: int = 1) -> None:
        self.done = min(self.done + n, self.total) if self.total else self.done + n
        self._write(new_step=False)
        self._print(force=self.done == self.total)

    # ---- where it goes

    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    def _write(self, *, new_step: bool) -> None:
        if self.job is None:
            return
        now = time.monotonic()
        if not new_step and now - self._written < self.interval:
            return
        if len(connection.atomic_blocks) > self._depth:
            return  # inside the work's own transaction: invisible until it commits
        from motcua.core.services import job_progress

        job_progress(
            job=self.job,
            message=self.message,
            done=self.done,
            total=self.total,
            new_step=new_step,
        )
        self._written = now

    def _print(self, *, force: bool) -> None:
        if self.echo is None:
            return
        now = time.monotonic()
        if not force and now - self._printed < 0.2:
            return
        self._printed = now
        elapsed = now - self.started
        bar = ""
        if self.total:
            filled = int(20 * self.done / self.total)
            bar = f"[{'#' * filled}{'.' * (20 - filled)}] {self.percent():3d} % "
            bar += f"({self.done:,}/{self.total:,}) ".replace(",", ".")
        line = f"\r{bar}{self.message} · {elapsed:.0f} giây"
        self.echo.write(line.ljust(100))
        self.echo.flush()

    def finish(self, message: str = "") -> None:
        """Ends the terminal's line (the job row is finished by ``job_run``)."""
        if self.echo is not None:
            elapsed = time.monotonic() - self.started
            text = f"\r{message or self.message} · {vn_number(elapsed, 1)} giây"
            self.echo.write(text.ljust(100) + "\n")
            self.echo.flush()


def terminal_progress(stream: TextIO | None = None) -> Progress:
    """A progress line on the terminal (for the management commands)."""
    return Progress(echo=stream or sys.stdout)
