"""The draft national standardization programme: adoption candidates as CSV, XLSX or PDF."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

PDF_ROWS = 150  # a programme to print; the CSV and XLSX files have every candidate
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _header() -> list[str]:
    return [
        _("Rank"),
        _("International document"),
        _("Title"),
        _("ICS field"),
        _("Committee"),
        _("Year"),
        _("Score"),
        _("Why"),
    ]


def _rows(items) -> list[list]:
    return [
        [n, c.document, c.title, c.ics_field, c.committee, c.year or "", c.score, "; ".join(c.reasons)]
        for n, c in enumerate(items, start=1)
    ]


def programme(country, items, fmt: str) -> HttpResponse:
    name = f"programme-{country.code.lower()}-{dt.date.today():%Y%m%d}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(_header())
        writer.writerows(_rows(items))
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = _("Programme")[:31]
        sheet.append(_header())
        for row in _rows(items):
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(out.getvalue(), content_type=XLSX)
    else:
        from weasyprint import HTML

        html = render_to_string(
            "national/programme_pdf.html",
            {
                "country": country,
                "rows": _rows(items[:PDF_ROWS]),
                "header": _header(),
                "today": dt.date.today(),
            },
        )
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
