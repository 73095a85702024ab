"""Printed pages as images, compared with reference images kept in the repository.

A PDF is turned into one grayscale PNG per page by poppler's ``pdftoppm`` at a low
resolution (``DPI``); each page is compared with its reference with some tolerance, since
font hinting and anti-aliasing may differ between machines: both images are softened (a
small blur), and a page passes while in every small square (``TILE``) fewer than
``MAX_SHARE`` of the pixels differ by more than ``LEVEL`` grey levels. A changed word, a line that wraps or text that runs off the
paper changes far more than that (``tests/dossiers/test_forms_edge_cases.py`` shows it).

To (re)make the references after a deliberate change of a printed form, run its tests with
``MOTCUA_UPDATE_FORM_IMAGES=1`` and look at the new PNGs before committing them
(docs/dossiers.md, "Printed forms").
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFilter

DPI = 50
LEVEL = 48  # grey levels (of 255) a softened pixel may differ by without counting
TILE = 24  # pixels: the squares compared (a short word at 50 dpi)
MAX_SHARE = 0.03  # share of a square's pixels that may differ by more than LEVEL
UPDATE = os.environ.get("MOTCUA_UPDATE_FORM_IMAGES") == "1"
FAIL_ON_SKIP = os.environ.get("MOTCUA_FAIL_ON_SKIP") == "1"


def pdftoppm() -> str:
    found = shutil.which("pdftoppm")
    if found is None:
        message = "pdftoppm not found (apt-get install -y poppler-utils)"
        if FAIL_ON_SKIP:  # CI installs it: the comparison must run there
            pytest.fail(message)
        pytest.skip(message)
    return found


def page_images(pdf: bytes, dpi: int = DPI) -> list[Image.Image]:
    """One grayscale image per page of ``pdf``."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [pdftoppm(), "-r", str(dpi), "-gray", "-png", "-", f"{folder}/p"],
            input=pdf,
            check=True,
            capture_output=True,
        )
        files = sorted(Path(folder).glob("p-*.png"), key=lambda f: int(f.stem.split("-")[-1]))
        images = []
        for file in files:
            with Image.open(file) as image:
                images.append(image.convert("L"))
        return images


def differing(image: Image.Image, reference: Image.Image) -> float:
    """The largest share, over the page's TILE × TILE squares, of pixels that differ by more
    than LEVEL once both images are softened: a changed word shows in its square, while
    hinting noise spread thinly over the page does not add up."""
    if image.size != reference.size:
        return 1.0
    soft = ImageFilter.GaussianBlur(1)
    diff = ImageChops.difference(image.filter(soft), reference.filter(soft))
    over = diff.point(lambda v: 255 if v > LEVEL else 0)
    width, height = over.size
    worst = 0
    for top in range(0, height, TILE // 2):  # overlapping squares: a word on a border counts
        for left in range(0, width, TILE // 2):
            box = over.crop((left, top, min(left + TILE, width), min(top + TILE, height)))
            worst = max(worst, box.histogram()[255])
    return worst / (TILE * TILE)


def mismatches(images: list[Image.Image], folder: Path, name: str) -> list[str]:
    """The pages of ``images`` that differ from ``folder/name-pN.png`` (none: it matches).

    With MOTCUA_UPDATE_FORM_IMAGES=1 the references are written instead (and old extra pages
    removed), and nothing is reported."""
    if UPDATE:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob(f"{name}-p*.png"):
            old.unlink()
        for number, image in enumerate(images, 1):
            image.save(folder / f"{name}-p{number}.png", optimize=True)
        return []
    references = sorted(
        folder.glob(f"{name}-p*.png"), key=lambda f: int(f.stem.rsplit("-p", 1)[-1])
    )
    if not references:
        return [f"{name}: no reference images in {folder} (MOTCUA_UPDATE_FORM_IMAGES=1 makes them)"]
    problems = []
    if len(references) != len(images):
        problems.append(f"{name}: {len(images)} pages, the reference has {len(references)}")
    for number, (image, file) in enumerate(zip(images, references, strict=False), 1):
        with Image.open(file) as reference:
            share = differing(image, reference.convert("L"))
        if share > MAX_SHARE:
            problems.append(f"{name} page {number}: {share:.2%} of the pixels differ")
    return problems
