"""Import of the ICS (International Classification for Standards) from ISO Open Data CSV or XML."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from nqi.standards.importing.documents import RolledBack, reject
from nqi.standards.importing.normalize import sanitize_html
from nqi.standards.importing.readers import read_records
from nqi.standards.models import IcsCode, ImportRun

_CODE = re.compile(r"^\d{2}(\.\d{3}(\.\d{2})?)?$")


def import_ics(paths: Iterable[Path], *, all_or_nothing: bool = False) -> ImportRun:
    paths = list(paths)
    run = ImportRun.objects.create(source="ics", started_at=timezone.now(), files=[p.name for p in paths])
    try:
        with transaction.atomic():
            rows: dict[str, dict] = {}
            for path in paths:
                for record in read_records(path):
                    data = record.data
                    if data is None:
                        reject(run, record, record.error)
                        continue
                    code = str(data.get("identifier") or "").strip()
                    if not _CODE.match(code):
                        reject(run, record, f"identifier: {code!r} is not an ICS code")
                        continue
                    title = str(data.get("titleEn") or "").strip()
                    if not title:
                        reject(run, record, "titleEn: missing")
                        continue
                    rows[code] = {
                        "title_en": title,
                        "title_fr": str(data.get("titleFr") or "").strip(),
                        "scope_en": sanitize_html(data.get("scopeEn")),
                        "level": code.count(".") + 1,
                        "parent_code": str(data.get("parent") or "").strip(),
                    }
            existing = {c.code: c for c in IcsCode.objects.all()}
            for code in sorted(rows, key=len):  # parents (shorter codes) first
                values = dict(rows[code])
                parent_code = values.pop("parent_code") or (code.rsplit(".", 1)[0] if "." in code else "")
                values["parent"] = existing.get(parent_code)
                current = existing.get(code)
                if current is None:
                    existing[code] = IcsCode.objects.create(code=code, **values)
                    run.added += 1
                elif any(getattr(current, k) != v for k, v in values.items()):
                    for k, v in values.items():
                        setattr(current, k, v)
                    current.save()
                    run.changed += 1
                else:
                    run.unchanged += 1
            if all_or_nothing and run.rejected:
                raise RolledBack
            run.applied = True
    except RolledBack:
        run.added = run.changed = run.unchanged = 0
    run.finished_at = timezone.now()
    run.save()
    return run
