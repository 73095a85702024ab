"""Storage backends chosen in settings: static files (hashed, compressed) and private files."""

from __future__ import annotations

import os

from django.contrib.staticfiles.storage import HashedFilesMixin
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's hashed names with gzip and brotli copies, written by ``collectstatic``.

    Pages name the hashed copies only in a process started with ``MOTCUA_STATIC_HASHED=1``
    (``motcua serve`` sets it; set it yourself when starting gunicorn another way) and once
    ``collectstatic`` has written the manifest. Elsewhere (tests, the shell, the development
    server) the plain names are used, served from the apps' folders by WhiteNoise's finders,
    so that a manifest left in ``var/`` by an earlier run changes nothing.
    The vendored bundles name source maps that we do not ship: only ``url()`` and ``@import``
    in CSS are rewritten.
    """

    manifest_strict = False
    patterns = (("*.css", HashedFilesMixin.patterns[0][1][:2]),)

    def stored_name(self, name):
        if not (self.hashed_files and os.environ.get("MOTCUA_STATIC_HASHED") == "1"):
            return name
        return super().stored_name(name)
