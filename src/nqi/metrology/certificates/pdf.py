"""The printable calibration certificate: HTML rendered to an A4 PDF by WeasyPrint.

The PDF is rendered in the language asked for (the UI language by default) from
``metrology/certificate_pdf.html``. It carries the QR code of the public verification URL and the
SHA-256 of the DCC, so a reader can check both the paper and the XML. DejaVu Sans is used for
Vietnamese and Cyrillic text (Debian package ``fonts-dejavu-core``).
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from nqi.dcc import format_decimal
from nqi.metrology.certificates.dcc import build_dcc
from nqi.metrology.certificates.dcc_vocabulary import to_decimal
from nqi.metrology.certificates.qr import qr_svg
from nqi.metrology.models import CalibrationRecord, RecordStatus

__all__ = ["certificate_context", "certificate_html", "certificate_pdf", "point_groups"]


def number(value: float | Decimal | None) -> str:
    """A stored value as it was entered (shortest form), with a real minus sign; "—" if missing."""
    if value is None:
        return "—"
    text = format_decimal(value if isinstance(value, Decimal) else to_decimal(value))
    return text.replace("-", "−")


def point_groups(record: CalibrationRecord) -> list[dict]:
    """The points grouped by quantity (in order), each value formatted for the certificate."""
    groups: dict[str, dict] = {}
    for index, point in enumerate(record.points.order_by("position", "pk"), start=1):
        group = groups.setdefault(point.quantity, {"quantity": point.quantity, "rows": []})
        reference = to_decimal(point.reference_value)
        found = None if point.as_found is None else to_decimal(point.as_found) - reference
        left = None if point.as_left is None else to_decimal(point.as_left) - reference
        group["rows"].append(
            {
                "label": f"P{index}",
                "unit": point.unit,
                "nominal": number(point.nominal),
                "reference": number(point.reference),
                "as_found": number(point.as_found),
                "as_left": number(point.as_left),
                "error_found": number(found),
                "error_left": number(left),
                "uncertainty": number(point.uncertainty),
                "k": number(point.coverage_factor),
                "mpe": number(point.mpe),
                "found_verdict": point.found_verdict,
                "found_verdict_label": point.get_found_verdict_display() if point.found_verdict else "",
                "left_verdict": point.left_verdict,
                "left_verdict_label": point.get_left_verdict_display() if point.left_verdict else "",
            }
        )
    return list(groups.values())


def _dcc_hash(record: CalibrationRecord) -> str:
    if record.dcc_sha256:
        return record.dcc_sha256
    try:
        return hashlib.sha256(build_dcc(record)).hexdigest()
    except ValidationError:
        return ""


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string; every character outside printable ASCII is escaped."""
    escaped = "".join(
        ch if ch.isascii() and ch.isprintable() and ch not in '"\\<>&' else f"\\{ord(ch):x} " for ch in text
    )
    return f'"{escaped}"'


def _page_counter_css() -> str:
    """``content:`` value for "Page x of y" from one translatable sentence."""
    sentence = _("Page %(page)s of %(pages)s")
    parts = []
    for piece in sentence.replace("%(pages)s", "\0pages\0").replace("%(page)s", "\0page\0").split("\0"):
        if piece in ("page", "pages"):
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts)


def certificate_context(record: CalibrationRecord, verify_url: str) -> dict:
    """Everything the certificate template shows, in the active language."""
    record = (
        CalibrationRecord.objects.select_related(
            "item__owner__country",
            "laboratory__country",
            "customer__country",
            "procedure__procedure",
            "performed_by",
            "approved_by",
            "supersedes",
        )
        .filter(pk=record.pk)
        .first()
        or record
    )
    watermark = {
        RecordStatus.DRAFT: _("DRAFT"),
        RecordStatus.SUPERSEDED: _("SUPERSEDED"),
        RecordStatus.WITHDRAWN: _("WITHDRAWN"),
    }.get(record.status, "")
    successor = (
        CalibrationRecord.objects.filter(supersedes=record).exclude(status=RecordStatus.DRAFT).first()
        if record.status == RecordStatus.SUPERSEDED
        else None
    )
    uses = record.standards_used.select_related("standard", "standard_calibration").order_by(
        "standard__asset_number", "pk"
    )
    return {
        "record": record,
        "laboratory": record.laboratory,
        "customer": record.customer or record.item.owner,
        "item": record.item,
        "groups": point_groups(record),
        "uses": list(uses),
        "watermark": watermark,
        "successor": successor,
        "verify_url": verify_url,
        "qr": qr_svg(verify_url),
        "sha256": _dcc_hash(record),
        "page_counter": _page_counter_css(),
        "footer_number": css_string(record.certificate_number),
        "language": translation.get_language(),
    }


def certificate_html(record: CalibrationRecord, verify_url: str, language: str) -> str:
    """The certificate as HTML in ``language`` (what the PDF is made from)."""
    with translation.override(language):
        return render_to_string("metrology/certificate_pdf.html", certificate_context(record, verify_url))


def certificate_pdf(record: CalibrationRecord, verify_url: str, language: str) -> bytes:
    """The certificate as an A4 PDF in ``language``."""
    from weasyprint import HTML

    html = certificate_html(record, verify_url, language)
    return HTML(string=html, base_url=verify_url).write_pdf()
