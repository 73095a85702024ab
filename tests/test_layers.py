"""The layers drawn in docs/architecture.md are the import-linter contract in pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def contract_layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [contract] = [c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "layers"]
    return contract["layers"]


def drawn_layers() -> list[str]:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("\n## Layers\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```\n(.*?)```", section, re.S)
    assert block, "docs/architecture.md: the Layers section has no drawing"
    lines = (line.split("#", 1)[0].strip() for line in block.group(1).splitlines())
    return [line for line in lines if line]


def names(layer: str) -> set[str]:
    return {name.strip().strip("()") for name in layer.split("|")}


def test_the_documented_layers_are_the_contracts():
    assert drawn_layers() == contract_layers()


def test_every_app_has_its_layer():
    apps = {p.parent.name for p in (ROOT / "src" / "motcua").glob("*/apps.py")}
    layered = set().union(*(names(layer) for layer in contract_layers()))
    assert apps - layered == set(), "add the new app to the layers in pyproject.toml and the docs"
