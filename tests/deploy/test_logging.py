"""Request ids and structured logs: one line per request, no query string, no personal data."""

from __future__ import annotations

import io
import json
import logging

import pytest

from motcua.core.observability import JsonFormatter, RequestIdFilter, init_error_reporting

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log():
    """Every log line of the process, as the JSON objects an operator would collect."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root, request_logger = logging.getLogger(), logging.getLogger("motcua.request")
    level = request_logger.level
    root.addHandler(handler)
    request_logger.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        request_logger.setLevel(level)


def test_the_request_id_of_the_proxy_is_echoed_and_a_new_one_made_otherwise(client):
    response = client.get("/thu-tuc/", HTTP_X_REQUEST_ID="nginx-0123456789abcdef")
    assert response["X-Request-ID"] == "nginx-0123456789abcdef"
    made = client.get("/thu-tuc/", HTTP_X_REQUEST_ID="bad id <script>")["X-Request-ID"]
    assert len(made) == 32 and int(made, 16) >= 0
    assert client.get("/thu-tuc/")["X-Request-ID"] != made


def test_one_json_line_per_request_without_the_query_string(client, json_log):
    # given a look-up whose query string carries personal data
    client.get(
        "/tra-cuu/?ma=000.00.31.H99-260101-0001&so_giay_to=001099012345",
        HTTP_X_REQUEST_ID="req-abcdefgh",
    )
    # then the request is logged once, with its path and route only
    lines = [line for line in json_log() if line["logger"] == "motcua.request"]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == "req-abcdefgh" and line["method"] == "GET"
    assert line["path"] == "/tra-cuu/" and line["route"] == "tra-cuu/"
    assert line["status"] in (200, 404, 429) and line["duration_ms"] >= 0
    assert line["user_id"] is None and line["level"] == "INFO" and line["time"].endswith("+00:00")
    everything = json.dumps(json_log())
    assert "001099012345" not in everything and "so_giay_to" not in everything


def test_the_user_id_is_logged_never_the_name(client, json_log, make_user):
    user = make_user(username="canbo.log")
    client.force_login(user)
    client.get("/can-bo/", HTTP_X_REQUEST_ID="req-user-0001")
    line = next(x for x in json_log() if x["logger"] == "motcua.request")
    assert line["user_id"] == user.pk
    assert "canbo.log" not in json.dumps(json_log())


def test_lines_written_during_a_request_carry_its_id(client, json_log):
    client.get("/khong-co-trang-nay/", HTTP_X_REQUEST_ID="req-missing-01")
    lines = json_log()
    not_found = [x for x in lines if x["logger"] == "django.request"]
    assert not_found and all(x["request_id"] == "req-missing-01" for x in not_found)


def test_secret_keys_in_the_path_are_masked(client, json_log):
    client.get("/thanh-toan/bien-lai/khoa-bi-mat-123/", HTTP_X_REQUEST_ID="req-receipt-1")
    line = next(x for x in json_log() if x["logger"] == "motcua.request")
    assert "khoa-bi-mat-123" not in line["path"] and "***" in line["path"]


def test_error_reporting_is_off_without_a_dsn():
    assert init_error_reporting(dsn="", environment="production") is False
