"""Every reference of the ISO and IEC catalogue snapshots parses and round-trips.

Data: /work/shared/data (ISO: (c) ISO - ISO Open Data, ODC-By 1.0; IEC: IEC catalogue metadata,
webstore.iec.ch). Skipped when the directory is absent.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from nqi.pubid import Identifier, parse, render

DATA = Path("/work/shared/data")
FILES = {
    "iso": DATA / "iso" / "iso_deliverables_metadata.jsonl.gz",
    "iec": DATA / "iec" / "iec_deliverables_metadata.jsonl.gz",
}


def _references(style: str) -> list[str]:
    path = FILES[style]
    if not path.exists():
        pytest.skip(f"shared catalogue snapshot {path} is absent (not every checkout has /work/shared/data)")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line)["reference"] for line in fh]


def _documented_normalisation(reference: str) -> str:
    """The normalisations documented in docs/pubid.md, applied to the catalogue spelling."""
    text = re.sub(r"-/(\d)", r"-\1", reference)  # IEC 60285-/1 -> IEC 60285-1
    text = re.sub(r"(\d)/(\d{1,3})(?=[:/]|$)", r"\1-\2", text)  # old slash parts / sheets
    text = re.sub(r"(\d)([a-z])(?=:)", lambda m: m.group(1) + m.group(2).upper(), text)  # 2a -> 2A
    return text.removesuffix(":")  # dangling colon


@pytest.mark.parametrize("style", ["iso", "iec"])
def test_every_catalogue_reference_parses_and_round_trips(style: str) -> None:
    references = _references(style)
    assert len(references) > 30_000
    failures: list[str] = []
    for reference in references:
        ident = parse(reference)
        assert isinstance(ident, Identifier), reference
        spelled = render(ident, style)  # type: ignore[arg-type]
        if spelled != reference and spelled != _documented_normalisation(reference):
            failures.append(f"{reference!r} rendered {spelled!r}")
        if parse(ident.canonical) != ident:
            failures.append(f"{reference!r}: canonical {ident.canonical!r} does not round-trip")
    assert not failures, failures[:20]


def test_catalogue_canonical_forms_are_unique_per_meaning() -> None:
    """Different catalogue references never collapse onto the same identifier, except the
    documented style differences (ISO- vs IEC-style spellings of one document)."""
    iso = _references("iso")
    seen: dict[Identifier, str] = {}
    clashes = []
    for reference in iso:
        ident = parse(reference)
        assert isinstance(ident, Identifier)
        if ident in seen and seen[ident] != reference:
            clashes.append((seen[ident], reference))
        seen[ident] = reference
    assert not clashes, clashes[:10]
