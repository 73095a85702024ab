"""A local fake of the National Public Service Portal over HTTP (WSGI, standard library).

``POST /trang-thai`` takes a status record (201, or 200 with ``duplicate`` for a key it holds),
``GET /ho-so`` lists what it holds, ``GET /ho-so-moi?sau=N`` the dossiers submitted there after
position N (``POST /ho-so-moi`` plays a citizen submitting one), ``GET /thu-tuc`` the national
procedure database's export (``POST /thu-tuc`` replaces it), ``POST /_control`` tells it to fail or slow down:
``{"fail_next": 2}``, ``{"fail_always": true}``, ``{"delay": 0.5}``, ``{"reset": true}``.
Run it with ``serve()`` (tests) or ``python -m motcua.interop.fake_portal 8765`` (demo).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from motcua.interop.adapters import FakeNationalPortal, PortalError
from motcua.interop.catalog_source import FakeProcedureDatabase


class FakePortalApp:
    def __init__(self) -> None:
        self.portal = FakeNationalPortal()
        self.catalog = FakeProcedureDatabase()
        self.delay = 0.0

    def __call__(self, environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        query = parse_qs(environ.get("QUERY_STRING", ""))
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body: Any = json.loads(environ["wsgi.input"].read(length) or b"null") if length else None
        if self.delay:
            time.sleep(self.delay)
        status, answer = self.route(method, path, body, query)
        data = json.dumps(answer, ensure_ascii=False).encode()
        start_response(status, [("Content-Type", "application/json; charset=utf-8")])
        return [data]

    def route(self, method: str, path: str, body: Any, query=None) -> tuple[str, Any]:
        if method == "POST" and path == "/trang-thai":
            if not isinstance(body, dict) or "key" not in body or "ma_ho_so" not in body:
                return "400 Bad Request", {"error": "thiếu key hoặc ma_ho_so"}
            try:
                ack = self.portal.push_status(body)
            except PortalError as error:
                return "503 Service Unavailable", {"error": str(error)}
            created = "200 OK" if ack.duplicate else "201 Created"
            return created, {"key": ack.key, "duplicate": ack.duplicate}
        if method == "GET" and path == "/ho-so":
            return "200 OK", self.portal.list_dossiers()
        if method == "GET" and path == "/ho-so-moi":
            try:
                after = int((query or {}).get("sau", ["0"])[0])
                return "200 OK", self.portal.list_submissions(after)
            except ValueError:
                return "400 Bad Request", {"error": "sau phải là số"}
            except PortalError as error:
                return "503 Service Unavailable", {"error": str(error)}
        if method == "GET" and path == "/thu-tuc":
            return "200 OK", self.catalog.export()
        if method == "POST" and path == "/thu-tuc" and isinstance(body, list):
            self.catalog.publish(body)
            return "200 OK", {"ok": True}
        if method == "POST" and path == "/ho-so-moi" and isinstance(body, dict):
            return "201 Created", self.portal.add_submission(body)
        if method == "POST" and path == "/_control" and isinstance(body, dict):
            if body.get("reset"):
                self.portal.reset()
                self.delay = 0.0
            self.portal.fail_next = int(body.get("fail_next", self.portal.fail_next))
            self.portal.fail_always = bool(body.get("fail_always", self.portal.fail_always))
            self.delay = float(body.get("delay", self.delay))
            return "200 OK", {"ok": True}
        return "404 Not Found", {"error": "không có"}


class _Quiet(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the standard signature
        pass


def serve(port: int = 0) -> tuple[WSGIServer, FakePortalApp, str]:
    """Start the fake in a thread; returns the server (``shutdown()`` it), the app, its URL."""
    app = FakePortalApp()
    server = make_server("127.0.0.1", port, app, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, app, f"http://127.0.0.1:{server.server_port}"


if __name__ == "__main__":  # pragma: no cover - the demo
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8765
    server, _, url = serve(port)
    print(f"Cổng DVC quốc gia (giả lập) tại {url}")
    threading.Event().wait()
