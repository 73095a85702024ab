import pytest

from motcua.interop.adapters import FakeNationalPortal, get_portal
from tests.dossiers.conftest import _fast_passwords, world  # noqa: F401 - shared fixtures


@pytest.fixture
def portal() -> FakeNationalPortal:
    fake = get_portal()
    assert isinstance(fake, FakeNationalPortal)
    fake.reset()
    yield fake
    fake.reset()
