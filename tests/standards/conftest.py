"""Real catalogue records imported through the real importer (see data/README.md)."""

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def catalogue(db):
    """ICS, the 2025 committees, the ISO sample and the IEC sample, imported."""
    from nqi.standards.importing.documents import import_documents
    from nqi.standards.importing.service import import_iso_open_data

    runs = import_iso_open_data(
        [DATA / "ics_sample.csv", DATA / "committees_2025.jsonl", DATA / "iso_sample.jsonl"]
    )
    runs.append(import_documents([DATA / "iec_sample.jsonl"], "iec"))
    assert all(run.applied and run.rejected == 0 for run in runs), [run.rejections for run in runs]
    return runs
