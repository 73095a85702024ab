"""The small province of the dossier tests and the reform plan of the reform tests."""

from tests.dossiers.conftest import _fast_passwords, world  # noqa: F401 - fixtures re-exported
from tests.reform.conftest import (  # noqa: F401
    departments,
    frameworks,
    home_affairs_officer,
    small_plan,
)
