"""Every app's error codes, found where the app declares them: ``motcua.<app>.errors``.

An app lists its stable codes in one ``StrEnum`` in ``<app>/errors.py`` (``DossierError``,
``PortalError``…; one member per code, a short English comment each); core's generic codes are
``CoreError`` in ``motcua.core.errors``. This module finds them through the installed apps (so
core imports no app), gives the OpenAPI one error schema per app that lists its codes
(``error_schema``; ``motcua.api`` declares it on every operation of the app), and renders the
list kept in docs/errors.md (``errors_markdown``; tests/test_error_codes.py compares them).
"""

from __future__ import annotations

import ast
import inspect
import io
import textwrap
import tokenize
from enum import StrEnum
from functools import cache
from importlib import import_module
from types import ModuleType
from typing import cast

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from ninja import Field, Schema
from pydantic import create_model

from motcua.core.errors import CoreError

#: the statuses a domain error may answer with (declared on every operation)
ERROR_STATUSES = (400, 401, 403, 404, 409, 429)
GENERIC_SCHEMA = "Error"  # the component that lists the generic codes


def enum_of(module: ModuleType) -> type[StrEnum]:
    """The one ``StrEnum`` declared in an app's errors module."""
    found = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, StrEnum)
        and value.__module__ == module.__name__
    ]
    if len(found) != 1:
        raise ImproperlyConfigured(
            f"{module.__name__} must declare exactly one StrEnum of error codes "
            f"(found {len(found)})."
        )
    return found[0]


@cache
def app_error_enums() -> dict[str, type[StrEnum]]:
    """App label → its error enum, for every installed ``motcua`` app with an errors module
    (in the order of INSTALLED_APPS: core first)."""
    enums: dict[str, type[StrEnum]] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("motcua."):
            continue
        name = f"{config.name}.errors"
        try:
            module = import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        enums[config.label] = enum_of(module)
    return enums


def enum_for_module(module: str) -> type[StrEnum] | None:
    """The error enum of the app that holds ``module`` (a dotted name), if it has one."""
    config = apps.get_containing_app_config(module)
    return app_error_enums().get(config.label) if config is not None else None


def _codes(enum: type[StrEnum]) -> str:
    return ", ".join(f"`{member.value}`" for member in enum)


@cache
def error_schema(enum: type[StrEnum]) -> type[Schema]:
    """The body of an app's API errors, its codes listed in the schema (``<Enum>Out``;
    ``Error`` for core's generic codes)."""
    if enum is CoreError:
        name, description = GENERIC_SCHEMA, "Mã lỗi chung, ổn định: " + _codes(CoreError)
    else:
        name = f"{enum.__name__}Out"
        description = (
            f"Mã lỗi ổn định: {_codes(enum)} (và các mã lỗi chung, xem schema `Error`)."
            if len(enum)
            else "Chỉ các mã lỗi chung (xem schema `Error`)."
        )
    model = create_model(
        name,
        __base__=Schema,
        __doc__="Một mã lỗi ổn định cho chương trình, một thông báo tiếng Việt cho người đọc.",
        code=(str, Field(..., description=description)),
        message=(str, Field(..., description="Thông báo tiếng Việt")),
        details=(dict | None, None),
    )
    return cast(type[Schema], model)


def error_responses(enum: type[StrEnum]) -> dict[int, type[Schema]]:
    """``response=`` entries of an endpoint: its app's error schema for every error status."""
    return dict.fromkeys(ERROR_STATUSES, error_schema(enum))


# ---------------------------------------------------------------- docs/errors.md


def code_comments(enum: type[StrEnum]) -> dict[str, str]:
    """Code → the comment beside its member (or on the lines just above it)."""
    source = textwrap.dedent(inspect.getsource(enum))
    trailing: dict[int, str] = {}
    whole_line: dict[int, str] = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            text = token.string.lstrip("#").strip()
            target = whole_line if token.line.lstrip().startswith("#") else trailing
            target[token.start[0]] = text
    comments: dict[str, str] = {}
    [klass] = ast.parse(source).body
    for node in cast(ast.ClassDef, klass).body:
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)):
            continue
        text = trailing.get(node.end_lineno or node.lineno, "")
        line, above = node.lineno - 1, []
        while not text and line in whole_line:
            above.insert(0, whole_line[line])
            line -= 1
        comments[str(node.value.value)] = text or " ".join(above)
    return comments


def errors_markdown() -> str:
    """The generated part of docs/errors.md: every app's codes with their meaning."""
    parts = []
    for label, enum in app_error_enums().items():
        path = f"src/{enum.__module__.replace('.', '/')}.py"
        parts.append(f"### {label} — `{enum.__name__}` ({path})\n")
        comments = code_comments(enum)
        if not len(enum):
            parts.append("No code of its own: only the generic codes.\n")
            continue
        parts.append("| Code | Meaning |\n|---|---|")
        parts.extend(f"| `{m.value}` | {comments.get(m.value, '')} |" for m in enum)
        parts.append("")
    return "\n".join(parts)


BEGIN = "<!-- begin: generated by `motcua error_codes` from every app's errors.py -->"
END = "<!-- end: generated -->"


def generated_part(doc: str) -> str:
    """The generated part of a document (between the markers)."""
    return doc.split(BEGIN, 1)[1].split(END, 1)[0].strip("\n")


def replace_generated(doc: str) -> str:
    """``doc`` with its generated part rendered anew from the enums."""
    head, rest = doc.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    return f"{head}{BEGIN}\n\n{errors_markdown()}\n{END}{tail}"
