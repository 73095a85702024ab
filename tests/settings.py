"""The test suite's settings: the production configuration (MOTCUA_ENV unset: no DEBUG, no
payment sandbox unless a test turns it on, no `motcua demo`), served over plain HTTP because
the test client and the live server speak HTTP (no SSL redirect, no secure-only cookies)."""

import os

os.environ.setdefault("MOTCUA_HTTPS", "0")

from motcua.settings import *  # noqa: E402,F403
