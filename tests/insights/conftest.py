from tests.dossiers.conftest import _fast_passwords, world  # noqa: F401 - shared fixtures
