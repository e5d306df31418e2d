"""The service taxonomy: metrology areas and calibration services from ``data/services.json``.

Loading is idempotent: areas are matched on their code, services on their classification code,
and a row is only written when a value differs, so running it again changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from nqi.core.audit import acting_as
from nqi.metrology.models import MetrologyArea, Service

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "services.json"


def read_taxonomy(path: Path = DATA_FILE) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _split_names(names: dict[str, str]) -> tuple[str, dict[str, str]]:
    """``{"en": …, "vi": …}`` → (English name, the other languages)."""
    return names["en"], {lang: text for lang, text in names.items() if lang != "en" and text}


def _upsert(model, lookup: dict[str, Any], values: dict[str, Any], counts: dict[str, int]):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        counts["created"] += 1
        return obj
    if any(getattr(obj, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(obj, name, value)
        obj.full_clean()
        obj.save()
        counts["updated"] += 1
    else:
        counts["unchanged"] += 1
    return obj


@transaction.atomic
def load_taxonomy(path: Path = DATA_FILE) -> dict[str, int]:
    """Create or update every area and service of the taxonomy file; returns the counts."""
    data = read_taxonomy(path)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with acting_as(None, "demo"):
        areas = {}
        for row in data["areas"]:
            name, name_i18n = _split_names(row["name"])
            areas[row["code"]] = _upsert(
                MetrologyArea, {"code": row["code"]}, {"name": name, "name_i18n": name_i18n}, counts
            )
        for row in data["services"]:
            name, name_i18n = _split_names(row["name"])
            values = {
                "area": areas[row["area"]],
                "branch": row["branch"],
                "service": row["service"],
                "sub_service": row.get("sub_service", ""),
                "quantity": row["quantity"],
                "unit": row["unit"],
                "name": name,
                "name_i18n": name_i18n,
            }
            _upsert(Service, {"code": row["code"]}, values, counts)
    return counts
