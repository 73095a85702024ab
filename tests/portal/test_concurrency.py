"""A double click that reaches two workers at the same time still makes one dossier."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from motcua.dossiers.models import Dossier
from motcua.portal import services
from motcua.portal.models import Submission
from tests.portal.conftest import APPLICANT, two_files

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_submissions_with_one_key_make_one_dossier(world, citizen):
    barrier = threading.Barrier(2)
    results, errors = [], []
    files = [two_files(world), two_files(world)]

    def press(files):
        try:
            barrier.wait(timeout=10)
            results.append(
                services.submission_create(
                    user=citizen.user,
                    procedure_code=world.procedure.code,
                    unit_code=world.commune.code,
                    idempotency_key="khoa-dong-thoi",
                    applicant=APPLICANT,
                    files=files,
                )
            )
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(f,)) for f in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    # then
    assert errors == []
    assert sorted(r.created for r in results) == [False, True]
    assert {r.dossier.code for r in results} == {Dossier.objects.get().code}
    assert Submission.objects.count() == 1
