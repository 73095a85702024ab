"""The S3 object storage (``MOTCUA_S3_BUCKET``) with the same upload content check as the
file system storage (``motcua.core.files.ContentCheckMixin``)."""

from __future__ import annotations

from storages.backends.s3 import S3Storage

from motcua.core.files import ContentCheckMixin


class CheckedS3Storage(ContentCheckMixin, S3Storage):
    pass
