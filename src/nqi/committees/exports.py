"""National comments in the layout of the ISO commenting template (XLSX and CSV).

Columns as in the ISO/IEC template (form 13): MB/NC, line number, clause, paragraph/figure/table,
type of comment, comments, proposed change, observations of the secretariat.
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from nqi.committees.models import Ballot


def headers() -> list[str]:
    return [
        _("MB/NC"),
        _("Line number"),
        _("Clause/Subclause"),
        _("Paragraph/Figure/Table"),
        _("Type of comment"),
        _("Comments"),
        _("Proposed change"),
        _("Observations of the secretariat"),
    ]


def rows(ballot: Ballot) -> list[list[str]]:
    member_body = ""
    if ballot.mirror_id:
        body = ballot.mirror.member_body
        member_body = body.iso_acronym or body.acronym or body.name
    result = []
    for number, comment in enumerate(ballot.comments.filter(included=True).order_by("created_at", "pk"), 1):
        result.append(
            [
                member_body,
                str(number),
                comment.clause,
                comment.paragraph,
                comment.comment_type,
                comment.comment,
                comment.proposed_change,
                comment.observations,
            ]
        )
    return result


def _safe(value: str) -> str:
    """Neutralise spreadsheet formulas in user text (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def to_csv(ballot: Ballot) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers())
    for row in rows(ballot):
        writer.writerow([_safe(cell) for cell in row])
    return buffer.getvalue()


def to_xlsx(ballot: Ballot) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Comments")[:31]
    sheet.append([_("Date"), ballot.closes.isoformat(), _("Document"), ballot.reference])
    sheet.append([])
    sheet.append(headers())
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in rows(ballot):
        sheet.append([_safe(cell) for cell in row])
    for column, width in zip("ABCDEFGH", (10, 8, 14, 18, 10, 50, 50, 40), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A4"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
