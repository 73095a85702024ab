"""Validation by shares (``--workers``: each process checks its share side by side): the
shares' problems together are exactly the whole file's, line for line, and so are the
counts; the rows of other shares are skipped without being read."""

from __future__ import annotations

import pytest

from motcua.imports.format import read_rows
from motcua.imports.replay import Refs
from motcua.imports.services import ImportInvalid, history_import
from motcua.imports.validate import Mapping, share_of, validate
from tests.imports.conftest import read_csv, write_csv


def _broken(source, tmp_path):
    rows = read_csv(source["history"])
    codes = list(dict.fromkeys(r["dossier"] for r in rows))
    first = [i for i, r in enumerate(rows) if r["seq"] == "1"]
    rows[first[0]]["procedure"] = "KHONG.CO"  # the first dossier: unknown procedure
    rows[first[3] + 1]["at"] = "2026-13-40"  # a bad time
    rows[first[5] + 1]["actor"] = "ai.do"  # an unknown officer
    # a dossier's rows again later, after other dossiers (of either share)
    again = dict(rows[first[2] + 1])
    rows.insert(first[8], again)
    # the same for a dossier whose next dossier in the file is of the other share
    other = next(
        i
        for i in range(1, len(codes) - 1)
        if share_of(codes[i], 2) != share_of(codes[i + 1], 2) and i not in (2, 3, 5)
    )
    start = next(i for i, r in enumerate(rows) if r["dossier"] == codes[other])
    after_next = next(i for i, r in enumerate(rows) if r["dossier"] == codes[other + 2])
    rows.insert(after_next, dict(rows[start + 1]))  # after the next dossier's rows
    return write_csv(tmp_path / "broken.csv", rows)


@pytest.mark.parametrize("workers", [2, 3])
def test_shares_find_exactly_the_whole_files_problems(source, world, tmp_path, workers):
    path = _broken(source, tmp_path)
    refs, mapping = Refs.load(), Mapping()
    whole = validate(path, mapping, refs, already=set())
    assert sum("trùng" in p.message for p in whole.problems) >= 2  # the file is broken
    parts = [
        validate(path, mapping, refs, already=set(), share=(k, workers)) for k in range(workers)
    ]
    together = sorted((p for s in parts for p in s.problems), key=lambda p: p.line)
    assert [str(p) for p in together] == [str(p) for p in whole.problems]
    assert sum(s.rows for s in parts) == whole.rows
    assert sum(s.dossiers for s in parts) == whole.dossiers
    assert sum(s.skipped for s in parts) == whole.skipped


def test_rows_of_other_shares_come_without_their_columns(source):
    path = source["history"]
    full = list(read_rows(path))
    mine = list(read_rows(path, keep=lambda code: share_of(code, 2) == 0))
    assert [n for n, _ in mine] == [n for n, _ in full]  # same lines, same numbers
    for (_, whole), (_, kept) in zip(full, mine, strict=True):
        if share_of(whole["dossier"].strip(), 2) == 0:
            assert kept == whole
        else:
            assert kept == {"dossier": whole["dossier"].strip()}


def test_parallel_validation_lists_the_same_problems(source, world, tmp_path, transactional_db):
    """``history_import(workers=2)``: validated by two processes on PostgreSQL (one
    elsewhere); the same problems, in line order, and nothing written."""
    path = _broken(source, tmp_path)
    with pytest.raises(ImportInvalid) as one:
        history_import(path=path)
    with pytest.raises(ImportInvalid) as two:
        history_import(path=path, workers=2)
    assert [str(p) for p in two.value.problems] == [str(p) for p in one.value.problems]
    assert len(one.value.problems) >= 5
