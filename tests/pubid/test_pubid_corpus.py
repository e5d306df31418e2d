"""Table-driven corpus: real identifiers with their expected canonical form, URN and adoptions.

The expected values are written down in ``corpus/identifiers.csv`` (see docs/pubid.md for the
format and the sources); they are never computed by the library at test time.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from nqi.pubid import Identifier, NationalIdentifier, parse

CORPUS = Path(__file__).parent / "corpus" / "identifiers.csv"


def _rows() -> list[dict[str, str]]:
    with CORPUS.open(encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(lines))


ROWS = _rows()


def _adoptions(ident: Identifier | NationalIdentifier) -> str:
    if isinstance(ident, Identifier):
        return ""
    return " ; ".join(
        f"{a.identifier.canonical}|{a.degree.value if a.degree else ''}|{a.form}" for a in ident.adoptions
    )


def test_corpus_size_and_sources() -> None:
    assert len(ROWS) >= 800
    assert all(row["source"].strip() for row in ROWS)
    national = [row for row in ROWS if not row["urn"]]
    assert len(national) >= 100
    inputs = [row["input"] for row in ROWS]
    assert len(inputs) == len(set(inputs)), "duplicate corpus rows"


@pytest.mark.parametrize("row", ROWS, ids=[row["input"] for row in ROWS])
def test_corpus_row(row: dict[str, str]) -> None:
    ident = parse(row["input"])
    assert ident.canonical == row["canonical"]
    assert (ident.urn or "") == row["urn"]
    assert _adoptions(ident) == row["adoptions"]
    # the canonical form is a fixed point and means the same thing
    again = parse(row["canonical"])
    assert again == ident
    assert hash(again) == hash(ident)
    assert again.canonical == row["canonical"]
