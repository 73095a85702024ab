"""The small province of the dossier tests, with fast password hashing."""

from tests.dossiers.conftest import _fast_passwords, world  # noqa: F401 - fixtures re-exported
