"""/api/openapi.json is public: its schema is built once per process, not per request."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.api import api


@pytest.mark.django_db
def test_the_schema_is_built_once_and_served_from_memory(django_assert_num_queries):
    first = api.get_openapi_schema()
    assert api.get_openapi_schema() is first  # the same object: not built again
    assert "/api/portal/track" in first["paths"]
    # the public URL serves that schema, as JSON, without touching the database
    with django_assert_num_queries(0):
        answer = Client().get("/api/openapi.json")
    assert answer.status_code == 200
    assert answer.json()["paths"].keys() == first["paths"].keys()
