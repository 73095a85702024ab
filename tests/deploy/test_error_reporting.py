"""Error reporting (Sentry-compatible), on only with SENTRY_DSN: an unhandled error reaches the
service with the request id and without query string, cookies or personal data."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import brotli
import pytest

from tests.deploy.conftest import SRC, motcua_env

pytestmark = pytest.mark.django_db  # only for the suite's session fixtures

CHILD = """
import io, django
from django.test.utils import override_settings
django.setup()
from django.core.wsgi import get_wsgi_application
import sentry_sdk
environ = {
    "REQUEST_METHOD": "GET", "PATH_INFO": "/hong/", "QUERY_STRING": "so_giay_to=001099012345",
    "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1",
    "HTTP_X_REQUEST_ID": "req-sentry-0001", "HTTP_COOKIE": "csrftoken=phien-bi-mat",
    "wsgi.input": io.BytesIO(), "wsgi.errors": io.StringIO(), "wsgi.url_scheme": "http",
    "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": True,
    "wsgi.run_once": False, "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "10.1.2.3",
}
status = []
with override_settings(ROOT_URLCONF="tests.deploy.error_urls"):
    body = b"".join(get_wsgi_application()(environ, lambda s, h, e=None: status.append(s)))
print(status[0].split()[0], sentry_sdk.is_initialized())
sentry_sdk.flush(10)
"""


@pytest.fixture
def error_service():
    """A stand-in for the Sentry server: it keeps every envelope it is sent."""
    received: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            encoding = self.headers.get("Content-Encoding", "")
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "br":
                body = brotli.decompress(body)
            received.append(body.decode())
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://motcuakey@127.0.0.1:{server.server_port}/1", received
    server.shutdown()


def run_child(var_dir, **env):
    root = Path(SRC).parent
    return subprocess.run(
        [sys.executable, "-c", CHILD],
        env=motcua_env(var_dir, PYTHONPATH=f"{SRC}:{root}", **env),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def test_an_unhandled_error_is_reported_without_personal_data(var_dir, error_service):
    dsn, received = error_service
    done = run_child(var_dir, SENTRY_DSN=dsn)
    assert done.stdout.split()[:2] == ["500", "True"]
    events = [
        line for envelope in received for line in envelope.splitlines() if '"exception"' in line
    ]
    assert len(events) == 1
    event = json.loads(events[0])
    assert event["exception"]["values"][-1]["value"] == "hỏng có chủ đích"
    assert event["tags"]["request_id"] == "req-sentry-0001"
    assert event["request"]["url"].endswith("/hong/")
    everything = "\n".join(received)
    assert "001099012345" not in everything and "so_giay_to" not in everything
    assert "phien-bi-mat" not in everything


def test_nothing_is_sent_without_a_dsn(var_dir, error_service):
    _, received = error_service
    done = run_child(var_dir)
    assert done.stdout.split()[:2] == ["500", "False"]
    assert received == []
