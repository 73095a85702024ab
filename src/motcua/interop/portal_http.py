"""The adapter over HTTP (the real portal, or the fake of ``fake_portal``): swapping the
endpoint is configuration — ``INTEROP_PORTAL_URL`` and ``INTEROP_PORTAL_TOKEN`` in settings
(read from the environment there), never in code. The contract: docs/interop.md."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings

from motcua.interop.adapters import Ack, PortalError


class HttpNationalPortal:
    def __init__(self, url: str | None = None, token: str | None = None, timeout: float = 10):
        self.url = (url or getattr(settings, "INTEROP_PORTAL_URL", "")).rstrip("/")
        self.token = token if token is not None else getattr(settings, "INTEROP_PORTAL_TOKEN", "")
        self.timeout = timeout
        if not self.url.startswith(("http://", "https://")):
            raise PortalError("Chưa cấu hình địa chỉ http(s) của Cổng DVC quốc gia.")

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        url = f"{self.url}{path}"  # the scheme is http(s), checked in __init__
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310
        request.add_header("Content-Type", "application/json; charset=utf-8")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            raise PortalError(f"Cổng DVC quốc gia trả lỗi HTTP {error.code}.") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise PortalError(f"Không kết nối được Cổng DVC quốc gia: {error}") from error

    def push_status(self, record: dict[str, Any]) -> Ack:
        answer = self._call("POST", "/trang-thai", record)
        return Ack(key=answer["key"], duplicate=bool(answer.get("duplicate")))

    def list_dossiers(self) -> dict[str, dict[str, Any]]:
        return self._call("GET", "/ho-so")

    def list_submissions(self, after: int = 0) -> list[dict[str, Any]]:
        return self._call("GET", f"/ho-so-moi?sau={int(after)}")
