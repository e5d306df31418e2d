"""Turn one catalogue record into the values NQI stores, or reject it with a reason."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from typing import Any

import nh3

from nqi.pubid import Identifier, PubidError, parse
from nqi.standards.importing.readers import RowError
from nqi.standards.stages import stage_group

SUPPLEMENT_TYPES = {"Amd", "Cor", "Add", "Suppl", "Ext", "ISH"}
_ALLOWED_TAGS = {
    "p",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "b",
    "i",
    "br",
    "sub",
    "sup",
    "a",
    "table",
    "tr",
    "td",
    "th",
}


def sanitize_html(html: str | None) -> str:
    """Scope HTML from the catalogue with anything active removed (scripts, styles, event handlers)."""
    if not html:
        return ""
    return nh3.clean(
        html, tags=_ALLOWED_TAGS, attributes={"a": {"href"}}, link_rel="noopener noreferrer"
    ).strip()


def parse_date(value: Any, field: str) -> tuple[dt.date | None, str]:
    """ISO dates with day or month precision (``2015-09-22`` or ``2015-09``)."""
    if value in (None, ""):
        return None, ""
    text = str(value).strip()
    try:
        if len(text) == 7:
            return dt.date(int(text[:4]), int(text[5:7]), 1), "month"
        return dt.date.fromisoformat(text[:10]), "day"
    except ValueError as exc:
        raise RowError(f"{field}: not a date: {text!r}") from exc


def _int(value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value).strip())
    except ValueError as exc:
        raise RowError(f"{field}: not a whole number: {value!r}") from exc


def _int_list(value: Any, field: str) -> list[int]:
    if value in (None, "", []):
        return []
    if isinstance(value, str):
        value = [v for v in value.strip("[]").split(",") if v.strip()]
    if not isinstance(value, list):
        raise RowError(f"{field}: expected a list of ids")
    return sorted({number for item in value if (number := _int(item, field)) is not None})


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def parent_reference(identifier: Identifier) -> str | None:
    """The canonical reference of what a supplement applies to (one supplement less)."""
    if not identifier.supplements:
        return None
    return dataclasses.replace(identifier, supplements=identifier.supplements[:-1]).canonical


def document_values(data: dict[str, Any], source: str) -> dict[str, Any]:
    """Normalized values of a deliverable record; raises RowError naming the bad field."""
    source_id = _int(data.get("id"), "id")
    if source_id is None:
        raise RowError("id: missing")
    reference = _text(data.get("reference"))
    if not reference:
        raise RowError("reference: missing")
    try:
        identifier = parse(reference)
    except PubidError as exc:
        raise RowError(f"reference: {exc}") from exc
    if not isinstance(identifier, Identifier):
        raise RowError(f"reference: {reference!r} is a national designation, not an international one")
    title = data.get("title") or {}
    if not isinstance(title, dict):
        raise RowError("title: expected an object with en and fr")
    # A few old records (ISO/DATA 1:1978 …) have no title at all: kept, shown by their reference.
    title_en = _text(title.get("en")) or _text(title.get("fr"))
    stage = _int(data.get("currentStage"), "currentStage")
    if stage is not None and not (0 <= stage <= 9999):
        raise RowError(f"currentStage: {stage} is not a stage code")
    published, precision = parse_date(data.get("publicationDate"), "publicationDate")
    stable_until, _p = parse_date(data.get("stableUntil"), "stableUntil")
    obsoleted, _p = parse_date(data.get("obsoletedDate"), "obsoletedDate")
    supplement_type = _text(data.get("supplementType"))
    if supplement_type and supplement_type not in SUPPLEMENT_TYPES:
        raise RowError(f"supplementType: unknown value {supplement_type!r}")
    ics_codes = data.get("icsCode") or []
    if isinstance(ics_codes, str):
        ics_codes = [c.strip() for c in ics_codes.strip("[]").replace("'", "").split(",") if c.strip()]
    status = _text(data.get("status"))
    scope = data.get("scope") or {}
    languages = data.get("languages") or []
    if isinstance(languages, str):
        languages = [
            lang.strip() for lang in languages.strip("[]").replace("'", "").split(",") if lang.strip()
        ]
    values = {
        "source": source,
        "source_id": source_id,
        "reference": reference,
        "canonical": identifier.canonical,
        "base": identifier.base.canonical,
        "edition_ref": identifier.dated_base.canonical,
        "sort_key": identifier.sort_key[:200],
        "publisher": "/".join(identifier.publishers),
        "deliverable_type": _text(data.get("deliverableType")) or "IS",
        "supplement_type": supplement_type,
        "title_en": title_en,
        "title_fr": _text(title.get("fr")),
        "publication_date": published,
        "date_precision": precision,
        "year": identifier.year or (published.year if published else None),
        "edition": _int(data.get("edition"), "edition"),
        "edition_label": _text(data.get("editionLabel")),
        "stage": stage,
        "stage_group": stage_group(stage, status),
        "status": status,
        "ics_codes": [str(c) for c in ics_codes],
        "ics_field": str(ics_codes[0])[:2] if ics_codes else "",
        "committee_ref": _text(data.get("ownerCommittee")),
        "languages": list(languages),
        "pages": _int(data.get("pages"), "pages"),
        "scope_html": sanitize_html(scope.get("en") if isinstance(scope, dict) else None),
        "stable_until": stable_until,
        "obsoleted_date": obsoleted,
        # kept out of the model row: resolved after every document of the run exists
        "_replaces": _int_list(data.get("replaces"), "replaces"),
        "_replaced_by": _int_list(data.get("replacedBy"), "replacedBy"),
        "_parent_ref": parent_reference(identifier),
    }
    values["content_hash"] = content_hash(values)
    return values


def content_hash(values: dict[str, Any]) -> str:
    """A fingerprint of everything imported for a row: equal hashes mean nothing changed."""
    payload = {k: v for k, v in values.items() if k != "content_hash"}
    return hashlib.sha1(
        json.dumps(payload, sort_keys=True, default=str).encode(), usedforsecurity=False
    ).hexdigest()
