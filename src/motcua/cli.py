"""The `motcua` command: every Django management command, plus short names.

motcua demo [--if-empty] [--seed N]   load the demo province
motcua serve [--port 8000] [--dev]    start the web server (gunicorn; --dev: Django's)
motcua worker                         run background tasks (db_worker)
motcua logins                         print the demo accounts
motcua <any manage.py command>
"""

from __future__ import annotations

import os
import sys

ALIASES = {"serve": "serve", "worker": "db_worker"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    from django.core.management import execute_from_command_line

    if argv and argv[0] in ALIASES:
        argv[0] = ALIASES[argv[0]]
    execute_from_command_line(["motcua", *argv])


if __name__ == "__main__":
    main()
