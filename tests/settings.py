"""The test suite's settings: the production configuration (MOTCUA_ENV unset: no DEBUG, no
payment sandbox unless a test turns it on, no `motcua demo`), served over plain HTTP because
the test client and the live server speak HTTP (no SSL redirect, no secure-only cookies)."""

import os

os.environ.setdefault("MOTCUA_HTTPS", "0")

from motcua.settings import *  # noqa: E402,F403

# Django's advice for test speed: a fast hasher. The production hasher (PBKDF2, 1 M rounds)
# costs ~0.3-0.5 s per user created; fixtures create up to ten users per test.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
