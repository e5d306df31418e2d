"""Load the bundled ISO/IEC snapshot on `nqi demo` — once per version of the bundled files."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from nqi.standards.importing.documents import import_documents
from nqi.standards.importing.service import BUNDLED_IEC, BUNDLED_ISO, BUNDLED_ISO_UPDATE, import_iso_open_data
from nqi.standards.models import ImportRun


def fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return f"{path.name}#sha256:{digest.hexdigest()[:16]}"


def _loaded() -> set[str]:
    return {
        name
        for files in ImportRun.objects.filter(applied=True).values_list("files", flat=True)
        for name in files
    }


def _mark(run: ImportRun, paths: list[Path]) -> None:
    run.files = [fingerprint(p) for p in paths]
    run.save(update_fields=["files"])


def load_catalogue(progress: Callable[[str, int], None] | None = None) -> list[str]:
    """Import whichever bundled files have not been imported yet; returns one summary line each."""
    loaded = _loaded()
    lines = []
    steps: list[tuple[str, list[Path]]] = [
        ("ISO Open Data", BUNDLED_ISO),
        ("ISO committees 2026", BUNDLED_ISO_UPDATE),
    ]
    for label, paths in steps:
        if all(fingerprint(p) in loaded for p in paths):
            lines.append(f"{label}: already loaded")
            continue
        runs = import_iso_open_data(paths, progress=progress)
        for run, path_group in zip(runs, _group(paths, runs), strict=True):
            _mark(run, path_group)
            lines.append(
                f"{label} ({run.source}): {run.added} added, {run.changed} changed, "
                f"{run.unchanged} unchanged, {run.rejected} rejected"
            )
    if fingerprint(BUNDLED_IEC) in loaded:
        lines.append("IEC catalogue: already loaded")
    else:
        run = import_documents(
            [BUNDLED_IEC], "iec", progress=(lambda done: progress("iec", done)) if progress else None
        )
        _mark(run, [BUNDLED_IEC])
        lines.append(
            f"IEC catalogue: {run.added} added, {run.changed} changed, {run.unchanged} unchanged, "
            f"{run.rejected} rejected"
        )
    return lines


def _group(paths: list[Path], runs: list[ImportRun]) -> list[list[Path]]:
    """The files behind each run (runs come back one per dataset, files keep their names)."""
    return [[p for p in paths if p.name in run.files] for run in runs]
