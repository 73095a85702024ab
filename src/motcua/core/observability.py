"""Logs an operator can search, and an error-reporting hook.

* ``RequestIdMiddleware``: every request gets an id (the proxy's ``X-Request-ID`` when it is a
  plain token, else a new one), echoed in the response and attached to every log line written
  while the request runs; one ``motcua.request`` line per request with method, path (never the
  query string, which carries look-up codes and ID numbers), route, status, duration, user id.
* ``JsonFormatter``: one JSON object per line (``MOTCUA_LOG_FORMAT=json``), for journald, Loki
  or any collector. The default stays plain text for a developer's console.
* ``init_error_reporting``: Sentry (or a Sentry-compatible service such as GlitchTip) when
  ``SENTRY_DSN`` is set and ``sentry-sdk`` is installed; off otherwise. No personal data is sent.
"""

from __future__ import annotations

import contextvars
import copy
import datetime as dt
import json
import logging
import re
import time
import uuid

from django.core.signals import request_finished
from django.dispatch import receiver

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
#: URL parts that are secrets in themselves (receipt keys, tokens): masked in logged paths.
SECRET_KWARGS = ("key", "token")

request_logger = logging.getLogger("motcua.request")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


# Attributes of every LogRecord: not copied as extra fields.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = (
                    value if isinstance(value, str | int | float | bool | None) else str(value)
                )
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


@receiver(request_finished, dispatch_uid="motcua-request-id-clear")
def _clear_request_id(**kwargs) -> None:
    request_id_var.set("")


def _user_id(request) -> int | None:
    """The user's id if authentication already ran for this request (no extra query)."""
    user = request.__dict__.get("_cached_user")
    if user is None:
        user = getattr(request, "auth", None)  # django-ninja's token auth
    if user is not None and getattr(user, "is_authenticated", False):
        return user.pk
    return None


def _logged_path(request) -> tuple[str, str]:
    path, route = request.path, ""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        route = match.route
        for name in SECRET_KWARGS:
            if value := match.kwargs.get(name):
                path = path.replace(str(value), "***")
    return path, route


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        # kept until the response is closed: Django logs 4xx/5xx after the middleware returns
        request_id_var.set(request_id)
        _tag_request(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        self._log(request, response.status_code, started)
        return response

    @staticmethod
    def _log(request, status: int, started: float) -> None:
        if not request_logger.isEnabledFor(logging.INFO):
            return
        user_id = _user_id(request)
        path, route = _logged_path(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        request_logger.info(
            "%s %s %s %sms",
            request.method,
            path,
            status,
            duration_ms,
            extra={
                "method": request.method,
                "path": path,
                "route": route,
                "status": status,
                "duration_ms": duration_ms,
                "user_id": user_id,
            },
        )


def structured_logging(config: dict, *, fmt: str, request_level: str) -> dict:
    """The LOGGING setting with request ids on every line, plain or JSON (``fmt="json"``).

    Extends the given configuration (its handlers keep their own filters) rather than
    replacing it.
    """
    config = copy.deepcopy(config)
    config.setdefault("filters", {})["request_id"] = {
        "()": "motcua.core.observability.RequestIdFilter"
    }
    config.setdefault("formatters", {}).update(
        {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {"()": "motcua.core.observability.JsonFormatter"},
        }
    )
    for name, handler in config.get("handlers", {}).items():
        handler["filters"] = [*handler.get("filters", []), "request_id"]
        if fmt == "json":
            handler["formatter"] = "json"
        elif name == "console":
            handler["formatter"] = "plain"
    config.setdefault("loggers", {})["motcua.request"] = {"level": request_level}
    return config


_reporting = {"on": False}


def _scrub(event: dict, hint: dict) -> dict:
    """What leaves for the error service: no query string, body, cookies or user details."""
    request = event.get("request") or {}
    for key in ("query_string", "data", "cookies"):
        request.pop(key, None)
    if isinstance(request.get("headers"), dict):
        request["headers"] = {
            k: v
            for k, v in request["headers"].items()
            if k.lower() not in ("cookie", "authorization")
        }
    if "url" in request:
        request["url"] = request["url"].split("?", 1)[0]
    user = event.get("user") or {}
    event["user"] = {"id": user["id"]} if "id" in user else {}
    return event


def init_error_reporting(*, dsn: str, environment: str, traces: float = 0.0) -> bool:
    """Start Sentry's SDK if it is installed; True when reporting is on."""
    if not dsn:
        return False
    try:
        import sentry_sdk
        from sentry_sdk.integrations.django import DjangoIntegration
    except ImportError:
        logging.getLogger("motcua").warning(
            "SENTRY_DSN is set but sentry-sdk is not installed: errors are not reported"
        )
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        send_default_pii=False,  # no user names, e-mails, addresses, cookies or bodies
        include_local_variables=False,  # a frame's locals hold requests, forms, ID numbers
        before_send=_scrub,
        traces_sample_rate=traces,
    )
    _reporting["on"] = True
    return True


def _tag_request(request_id: str) -> None:
    if _reporting["on"]:
        import sentry_sdk

        sentry_sdk.set_tag("request_id", request_id)
