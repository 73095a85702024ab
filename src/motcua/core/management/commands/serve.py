"""motcua serve: the production web server (gunicorn); Django's development server with --dev.

Why gunicorn: a mature pre-fork WSGI server that runs Django's WSGI application unchanged, the
usual choice behind nginx; each worker is a separate process, so a slow request or a leak in
one worker does not hold the others (workers are recycled after ``--max-requests``). Our pages
and API are synchronous Django views doing database work, so an ASGI server would add an
event loop without removing any blocking.

Workers are threaded by default (gunicorn's ``gthread``): ``cores + 1`` processes of
``MOTCUA_WEB_THREADS`` (default 4) threads each, so that a connection is kept alive between
the requests of one client (nginx's ``keepalive`` to the upstream) and a thread waiting on
the database or Redis leaves the core to another. Measured with bench/load.py on 2 cores at
1 M dossiers (docs/operations.md §Measured): a kept public answer costs about half the CPU
of a sync worker's, which opens and closes a connection per request, and the same cores
answer about twice as many requests per second. ``WEB_CONCURRENCY`` or ``--workers`` sets the
processes, ``--threads`` the threads; ``--threads 1`` gives sync workers (``2 × cores + 1``,
gunicorn's own advice for them).

Static files are served by WhiteNoise from ``STATIC_ROOT`` with hashed names and gzip/brotli
copies: ``collectstatic`` runs first whenever the static sources changed since the last run
(a stamp of their names, sizes and times), so a restart without changes costs nothing.
"""

from __future__ import annotations

import copy
import gc
import hashlib
import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

STAMP = ".motcua-static-stamp"


#: a worker is recycled after this many requests (± 10 %), as a guard against slow leaks. At
#: a deadline day's 500 public look-ups per second shared by 3 workers that is one recycle per
#: worker every 10 minutes; 2,000 (the old default) recycled each one every 12 s, and each
#: recycle drops the worker's kept-alive connections and starts a cold process (measured:
#: connection errors and p99 of seconds at 500/s, docs/operations.md §Measured).
MAX_REQUESTS = 100_000


def default_threads() -> int:
    return int(os.environ.get("MOTCUA_WEB_THREADS") or 4)


def default_workers(threads: int | None = None) -> int:
    """``WEB_CONCURRENCY``, else ``cores + 1`` threaded workers (``2 × cores + 1`` sync)."""
    if env := os.environ.get("WEB_CONCURRENCY"):
        return int(env)
    cores = os.cpu_count() or 1
    threads = default_threads() if threads is None else threads
    return cores + 1 if threads > 1 else 2 * cores + 1


def static_fingerprint() -> str:
    """Names, sizes and modification times of every static source, and the storage used."""
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collect_static_if_changed(stdout=None) -> bool:
    """Run collectstatic unless the stamp in STATIC_ROOT matches the sources; True if it ran."""
    root = settings.STATIC_ROOT
    stamp = os.path.join(root, STAMP)
    fingerprint = static_fingerprint()
    try:
        with open(stamp, encoding="ascii") as f:
            if f.read().strip() == fingerprint:
                return False
    except FileNotFoundError:
        pass
    call_command("collectstatic", interactive=False, clear=True, verbosity=0, stdout=stdout)
    with open(stamp, "w", encoding="ascii") as f:
        f.write(fingerprint)
    return True


def gunicorn_options(
    *, host: str, port: str, workers: int, threads: int, max_requests: int
) -> dict:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "preload_app": True,  # Django is imported once, workers fork from it (less memory)
        "timeout": 60,
        "graceful_timeout": 30,
        "keepalive": 5,
        "max_requests": max_requests,
        "max_requests_jitter": max_requests // 10 if max_requests else 0,
        "accesslog": None,  # each request is logged once, by motcua.core.observability
        "errorlog": "-",
        "loglevel": os.environ.get("GUNICORN_LOG_LEVEL", "info"),
        "logconfig_dict": gunicorn_logging(),
        "proc_name": "motcua",
        # X-Forwarded-Proto believed from the same proxies as X-Forwarded-For
        "forwarded_allow_ips": settings.MOTCUA_TRUSTED_PROXIES or "127.0.0.1,::1",
        "pre_fork": _pre_fork,
        "post_fork": _post_fork,
    }


def gunicorn_logging() -> dict:
    """Django's LOGGING, with gunicorn's own lines (start, workers, timeouts) in the same
    format (JSON with MOTCUA_LOG_FORMAT=json) on the same stream."""
    config = copy.deepcopy(settings.LOGGING)
    level = os.environ.get("GUNICORN_LOG_LEVEL", "info").upper()
    config.setdefault("loggers", {}).update(
        {
            "gunicorn.error": {"level": level, "handlers": ["console"], "propagate": False},
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
        }
    )
    return config


def _pre_fork(server, worker):
    """The loaded application's objects moved out of the garbage collector's sight before a
    worker is forked (``gc.freeze``, Python's advice for pre-fork servers): a worker's full
    collections then walk only its own objects, not Django's hundreds of thousands, and do not
    write to (and so copy) the pages it shares with the arbiter."""
    gc.freeze()


def _post_fork(server, worker):
    from django.db import connections

    connections.close_all()  # never share a connection opened before the fork


def run_gunicorn(options: dict) -> None:
    from gunicorn.app.base import BaseApplication

    from motcua.wsgi import application

    class Server(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return application

    Server().run()


class Command(BaseCommand):
    help = (
        "Chạy máy chủ web: gunicorn (mặc định, http://127.0.0.1:8000); "
        "máy chủ phát triển của Django với --dev."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--dev", action="store_true", help="Máy chủ phát triển của Django (chỉ dùng thử)"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Số tiến trình (mặc định số lõi + 1; với --threads 1: 2 × số lõi + 1)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help="Số luồng mỗi tiến trình (mặc định MOTCUA_WEB_THREADS hoặc 4; 1: sync)",
        )
        parser.add_argument(
            "--max-requests",
            type=int,
            default=MAX_REQUESTS,
            help="Khởi động lại một tiến trình sau số yêu cầu này (0: không)",
        )
        parser.add_argument(
            "--no-collectstatic", action="store_true", help="Không chạy collectstatic"
        )
        parser.add_argument(
            "--collect-only",
            action="store_true",
            help="Chỉ thu thập tệp tĩnh rồi dừng (make run: song song với nạp dữ liệu mẫu)",
        )

    def handle(self, *args, **options):
        if options["dev"]:
            call_command("runserver", f"{options['host']}:{options['port']}", use_reloader=False)
            return
        os.environ["MOTCUA_STATIC_HASHED"] = "1"  # pages name the hashed, compressed copies
        if not options["no_collectstatic"] and collect_static_if_changed(stdout=self.stdout):
            self.stdout.write("Đã thu thập tệp tĩnh (collectstatic).")
        if options["collect_only"]:
            return
        threads = max(1, options["threads"] or default_threads())
        workers = options["workers"] or default_workers(threads)
        self.stdout.write(
            f"gunicorn: http://{options['host']}:{options['port']}/ — "
            f"{workers} tiến trình × {threads} luồng"
        )
        self.stdout.flush()
        run_gunicorn(
            gunicorn_options(
                host=options["host"],
                port=options["port"],
                workers=workers,
                threads=threads,
                max_requests=options["max_requests"],
            )
        )
