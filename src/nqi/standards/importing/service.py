"""Which importer a file needs, and the bundled snapshot loaded by default."""

from __future__ import annotations

import shutil
import tempfile
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path

from nqi.standards.importing.classification import import_ics
from nqi.standards.importing.committees import import_committees
from nqi.standards.importing.documents import import_documents
from nqi.standards.importing.readers import RowError, read_records
from nqi.standards.models import ImportRun

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
BUNDLED_ISO = [
    DATA_DIR / "ICS.csv.gz",
    DATA_DIR / "iso_technical_committees.jsonl.gz",
    DATA_DIR / "iso_deliverables_metadata.jsonl.gz",
]
BUNDLED_ISO_UPDATE = [DATA_DIR / "iso_technical_committees_2026.csv.gz"]
BUNDLED_IEC = DATA_DIR / "iec_deliverables_metadata.jsonl.gz"

# ISO Open Data's published files (https://www.iso.org/open-data.html), used with --online.
ISO_OPEN_DATA_URLS = [
    "https://isopublicstorageprod.blob.core.windows.net/opendata/_latest/iso_ics/csv/ICS.csv",
    "https://isopublicstorageprod.blob.core.windows.net/opendata/_latest/iso_technical_committees/json/iso_technical_committees.jsonl",
    "https://isopublicstorageprod.blob.core.windows.net/opendata/_latest/iso_deliverables_metadata/json/iso_deliverables_metadata.jsonl",
]

ORDER = {"ics": 0, "committees": 1, "documents": 2}


def dataset_of(path: Path) -> str:
    """Which ISO Open Data dataset a file holds, from its first record."""
    for record in read_records(path):
        if record.data is None:
            continue
        keys = set(record.data)
        if "deliverableType" in keys or "currentStage" in keys:
            return "documents"
        if "pMembers" in keys or "secretariat" in keys:
            return "committees"
        if "identifier" in keys and ("titleEn" in keys or "parent" in keys):
            return "ics"
        raise RowError(f"{path.name}: not an ISO Open Data deliverables, committees or ICS file")
    raise RowError(f"{path.name}: the file holds no records")


def download(urls: Iterable[str], folder: Path, timeout: float = 30) -> list[Path]:
    paths = []
    for url in urls:
        target = folder / url.rsplit("/", 1)[-1]
        with urllib.request.urlopen(url, timeout=timeout) as response, open(target, "wb") as handle:
            shutil.copyfileobj(response, handle)
        paths.append(target)
    return paths


def import_iso_open_data(
    paths: Iterable[Path], *, all_or_nothing: bool = False, progress: Callable[[str, int], None] | None = None
) -> list[ImportRun]:
    """Import ICS, committees and deliverables files in dependency order (ICS and committees first)."""
    by_kind: dict[str, list[Path]] = {}
    for path in paths:
        if not path.exists():
            raise RowError(f"{path}: no such file")
        by_kind.setdefault(dataset_of(path), []).append(path)
    runs = []
    for kind in sorted(by_kind, key=ORDER.__getitem__):
        files = by_kind[kind]
        if kind == "ics":
            runs.append(import_ics(files, all_or_nothing=all_or_nothing))
        elif kind == "committees":
            runs.append(import_committees(files, all_or_nothing=all_or_nothing))
        else:
            report = (lambda done: progress("documents", done)) if progress else None
            runs.append(import_documents(files, "iso", all_or_nothing=all_or_nothing, progress=report))
    return runs


def import_from_urls(urls: Iterable[str], **options) -> list[ImportRun]:
    with tempfile.TemporaryDirectory(prefix="nqi-iso-") as folder:
        return import_iso_open_data(download(urls, Path(folder)), **options)
