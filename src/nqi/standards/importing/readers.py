"""Streaming readers: one (file, line, record) at a time from JSONL, CSV or XML, plain or compressed.

ISO Open Data publishes the same datasets as JSONL and as CSV; the CSV form flattens nested fields
into dotted columns (``title.en``) and writes lists as bracketed strings (``[1619, 2064]``). Both are
turned into the JSONL shape here so the importers see one record form.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import json
import lzma
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from defusedxml import ElementTree


class RowError(ValueError):
    """A record that cannot be imported; the message says why."""


@dataclass(frozen=True)
class Record:
    file: str
    line: int
    data: dict[str, Any] | None  # None when the line itself could not be read
    error: str = ""


def open_text(path: Path) -> io.TextIOBase:
    name = path.name.lower()
    if name.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    if name.endswith(".xz"):
        return lzma.open(path, "rt", encoding="utf-8-sig", newline="")
    if name.endswith(".bz2"):
        return bz2.open(path, "rt", encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def data_format(path: Path) -> str:
    stem = path.name.lower()
    for suffix in (".gz", ".xz", ".bz2"):
        stem = stem.removesuffix(suffix)
    for fmt in ("jsonl", "ndjson", "json", "csv", "xml"):
        if stem.endswith("." + fmt):
            return "jsonl" if fmt in ("ndjson", "json") else fmt
    raise RowError(f"{path.name}: unknown file type (expected .jsonl, .csv or .xml, optionally compressed)")


def read_records(path: Path) -> Iterator[Record]:
    fmt = data_format(path)
    if fmt == "jsonl":
        yield from _read_jsonl(path)
    elif fmt == "csv":
        yield from _read_csv(path)
    else:
        yield from _read_xml(path)


def _read_jsonl(path: Path) -> Iterator[Record]:
    with open_text(path) as handle:
        for number, line in enumerate(handle, 1):
            text = line.strip()
            if not text:
                continue
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                yield Record(path.name, number, None, f"not valid JSON: {exc.msg} at column {exc.colno}")
                continue
            if not isinstance(data, dict):
                yield Record(path.name, number, None, "expected a JSON object")
                continue
            yield Record(path.name, number, data)


def _split_list(value: str) -> list[str]:
    value = value.strip()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    return [item.strip().strip("'\"") for item in value.split(",") if item.strip()]


def unflatten(row: dict[str, str]) -> dict[str, Any]:
    """``{"title.en": "x", "pMembers.id": "[1, 2]", "pMembers.acronym": "[A, B]"}`` → nested JSONL shape."""
    nested: dict[str, Any] = {}
    grouped: dict[str, dict[str, str]] = {}
    for key, value in row.items():
        if key is None:
            continue
        if "." in key:
            head, tail = key.split(".", 1)
            grouped.setdefault(head, {})[tail] = value
        else:
            nested[key] = value
    for head, parts in grouped.items():
        if all(v.strip().startswith("[") for v in parts.values() if v.strip()) and any(
            v.strip() for v in parts.values()
        ):
            columns = {tail: _split_list(v) for tail, v in parts.items()}
            length = max(len(items) for items in columns.values())
            nested[head] = [
                {tail: (items[i] if i < len(items) else None) for tail, items in columns.items()}
                for i in range(length)
            ]
        elif any(v.strip() for v in parts.values()):
            nested[head] = {tail: (v if v != "" else None) for tail, v in parts.items()}
        else:
            nested[head] = None
    return nested


def _read_csv(path: Path) -> Iterator[Record]:
    with open_text(path) as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames:
            raise RowError(f"{path.name}: the CSV file has no header row")
        try:
            for row in reader:
                # csv counts physical lines, so rows with embedded newlines still get their real line
                yield Record(path.name, reader.line_num, unflatten(row))
        except csv.Error as exc:
            yield Record(path.name, reader.line_num, None, f"malformed CSV: {exc}")


def _read_xml(path: Path) -> Iterator[Record]:
    """Generic record XML: a root holding one element per record whose children are the fields."""
    with open_text(path) as handle:
        content = handle.read()
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError as exc:
        raise RowError(f"{path.name}: not well-formed XML: {exc}") from exc
    for index, element in enumerate(root, 1):
        fields = {_local(child.tag): (child.text or "").strip() for child in element}
        fields.update({_local(k): v for k, v in element.attrib.items()})
        line = getattr(element, "sourceline", None) or index
        yield Record(path.name, line, unflatten(fields))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
