"""Downloads of a filtered set of catalogue documents, streamed row by row (CSV or JSON)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from nqi.standards.filters import RankedDocuments
from nqi.standards.models import InternationalDocument

MAX_ROWS = 100_000
CHUNK = 2000

COLUMNS = [
    "id",
    "source",
    "reference",
    "canonical",
    "publisher",
    "deliverable_type",
    "supplement_type",
    "title_en",
    "title_fr",
    "publication_date",
    "year",
    "edition",
    "stage",
    "stage_group",
    "status",
    "ics_codes",
    "committee_ref",
    "stable_until",
]


def _values(queryset, fields: list[str]) -> Iterator[tuple]:
    if isinstance(queryset, RankedDocuments):  # relevance order: fetch the ranked ids chunk by chunk
        ids = queryset.ids[:MAX_ROWS]
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            rows = {
                row[0]: row for row in queryset.queryset.order_by().filter(pk__in=chunk).values_list(*fields)
            }
            yield from (rows[pk] for pk in chunk if pk in rows)
    else:
        yield from queryset.values_list(*fields)[:MAX_ROWS].iterator(chunk_size=CHUNK)


def _rows(queryset: QuerySet[InternationalDocument] | RankedDocuments) -> Iterator[dict[str, object]]:
    fields = [("pk" if c == "id" else c) for c in COLUMNS]
    for values in _values(queryset, fields):
        row = dict(zip(COLUMNS, values, strict=True))
        for key in ("publication_date", "stable_until"):
            row[key] = row[key].isoformat() if row[key] else None
        row["ics_codes"] = [str(code) for code in row["ics_codes"] or []]
        yield row


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(queryset: QuerySet[InternationalDocument]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for row in _rows(queryset):
        row["ics_codes"] = " ".join(row["ics_codes"])
        yield writer.writerow(["" if row[c] is None else row[c] for c in COLUMNS])


def _json_chunks(queryset: QuerySet[InternationalDocument]) -> Iterator[str]:
    yield "["
    for number, row in enumerate(_rows(queryset)):
        yield ("," if number else "") + json.dumps(row, ensure_ascii=False)
    yield "]"


def csv_response(queryset: QuerySet[InternationalDocument]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_lines(queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="catalogue.csv"'
    return response


def json_response(queryset: QuerySet[InternationalDocument]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_json_chunks(queryset), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="catalogue.json"'
    return response
