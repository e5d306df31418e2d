"""Calibration records: drafts, issue (immutable from then on), revisions and withdrawal."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nqi.metrology import permissions, verdicts
from nqi.metrology.models import (
    CalibrationPoint,
    CalibrationRecord,
    Instrument,
    InstrumentLevel,
    RecordStatus,
    StandardUse,
)
from nqi.metrology.services import equipment
from nqi.metrology.services.common import apply, prefix_errors, save
from nqi.metrology.traceability import valid_calibration

RECORD_FIELDS = frozenset(
    {
        "certificate_number",
        "item",
        "laboratory",
        "customer",
        "cmc",
        "procedure",
        "method",
        "received_on",
        "calibrated_on",
        "temperature",
        "humidity",
        "pressure",
        "adjusted",
        "decision_rule",
        "guard_band_factor",
        "budget",
        "performed_by",
        "approved_by",
        "external",
        "remarks",
        "valid_until",
    }
)
POINT_FIELDS = frozenset(
    {
        "quantity",
        "unit",
        "nominal",
        "reference",
        "as_found",
        "as_left",
        "uncertainty",
        "coverage_factor",
        "mpe",
    }
)
_REVISION_SUFFIX = re.compile(r"/R\d+$")


def _check_lab(user, laboratory_id: int | None) -> None:
    if not permissions.can_write(user, "change_calibrationrecord", laboratory_id):
        raise PermissionDenied(_("You may not record calibrations for this laboratory."))


def next_certificate_number(laboratory, year: int) -> str:
    """``<lab acronym>-<year>-<serial>``: the next free serial of the laboratory in that year."""
    prefix = f"{re.sub(r'[^A-Za-z0-9]+', '', laboratory.acronym or '') or f'LAB{laboratory.pk}'}-{year}-"
    taken = CalibrationRecord.objects.filter(certificate_number__startswith=prefix).count()
    serial = taken + 1
    while CalibrationRecord.objects.filter(certificate_number=f"{prefix}{serial:05d}").exists():
        serial += 1
    return f"{prefix}{serial:05d}"


def _set_points(record: CalibrationRecord, points: list[dict[str, Any]]) -> None:
    record.points.all().delete()
    for index, row in enumerate(points):
        point = CalibrationPoint(record=record, position=index)
        try:
            apply(point, row, POINT_FIELDS)
            point.full_clean(exclude=["record"])
        except ValidationError as exc:
            raise prefix_errors(exc, f"points[{index}]") from None
        point.save()


def _set_standards(record: CalibrationRecord, standards: list[Instrument]) -> None:
    record.standards_used.all().delete()
    seen: set[int] = set()
    for index, standard in enumerate(standards):
        if standard.pk in seen:
            continue
        seen.add(standard.pk)
        if standard.pk == record.item_id:
            raise ValidationError({f"standards[{index}]": _("An item cannot be its own reference standard.")})
        StandardUse.objects.create(record=record, standard=standard)


@transaction.atomic
def save_draft(
    user,
    record: CalibrationRecord | None,
    data: dict[str, Any],
    points: list[dict[str, Any]] | None = None,
    standards: list[Instrument] | None = None,
) -> CalibrationRecord:
    """Create or change a draft record; ``points``/``standards`` (if given) replace the existing ones."""
    if record is not None:
        _check_lab(user, record.laboratory_id)
        if record.is_locked:
            raise ValidationError(
                _("Certificate %(number)s is issued and cannot change; issue a revision instead.")
                % {"number": record.certificate_number}
            )
    laboratory = data.get("laboratory", record.laboratory if record else None)
    _check_lab(user, laboratory.pk if laboratory else None)
    record = record or CalibrationRecord()
    apply(record, data, RECORD_FIELDS)
    if not record.certificate_number and record.laboratory_id and record.calibrated_on:
        record.certificate_number = next_certificate_number(record.laboratory, record.calibrated_on.year)
    save(record)
    if points is not None:
        _set_points(record, points)
    if standards is not None:
        _set_standards(record, standards)
    return record


def _compute_verdicts(record: CalibrationRecord) -> None:
    found, left = [], []
    for point in record.points.all():
        point.found_verdict = verdicts.verdict(
            point.error_found, point.uncertainty, point.mpe, record.decision_rule, record.guard_band_factor
        )
        point.left_verdict = verdicts.verdict(
            point.error_left, point.uncertainty, point.mpe, record.decision_rule, record.guard_band_factor
        )
        point.save(update_fields=["found_verdict", "left_verdict"])
        found.append(point.found_verdict)
        left.append(point.left_verdict)
    record.as_found_verdict = verdicts.overall(found)
    # Without separate as-left readings (no adjustment), the item was left as found.
    record.as_left_verdict = verdicts.overall(left) if any(left) else record.as_found_verdict


def _resolve_standards(record: CalibrationRecord) -> None:
    """Link each standard used to its certificate in force on the calibration date, or refuse."""
    problems = []
    for use in record.standards_used.select_related("standard"):
        certificate = valid_calibration(use.standard_id, record.calibrated_on)
        if certificate is None and use.standard.level != InstrumentLevel.NATIONAL and not record.external:
            problems.append(
                _("Standard %(standard)s had no valid calibration on %(date)s.")
                % {"standard": use.standard, "date": record.calibrated_on.isoformat()}
            )
        use.standard_calibration = certificate
        use.save(update_fields=["standard_calibration"])
    if problems:
        raise ValidationError({"standards": problems})


@transaction.atomic
def issue(user, record: CalibrationRecord, issued_on: dt.date | None = None) -> CalibrationRecord:
    """Issue a draft: verdicts, traceability links, validity, the validated DCC; then it is frozen."""
    from nqi.metrology.certificates.dcc import build_dcc, check_dcc

    _check_lab(user, record.laboratory_id)
    record = CalibrationRecord.objects.select_for_update().get(pk=record.pk)
    if record.status != RecordStatus.DRAFT:
        raise ValidationError(
            _("Only a draft can be issued; this record is %(status)s.")
            % {"status": record.get_status_display()}
        )
    if not record.points.exists():
        raise ValidationError({"points": _("A certificate needs at least one calibration point.")})
    _compute_verdicts(record)
    _resolve_standards(record)
    record.issued_on = issued_on or timezone.localdate()
    if record.valid_until is None:
        record.valid_until = record.calibrated_on + dt.timedelta(days=equipment.interval_for(record))
    record.issued_by = user if getattr(user, "is_authenticated", False) else None
    save(record)  # still a draft: verdicts and validity are stored first
    xml = build_dcc(record)
    problems = check_dcc(xml)
    if problems:
        raise ValidationError({"dcc": problems})
    record.dcc_xml = xml.decode("utf-8")
    record.dcc_sha256 = hashlib.sha256(xml).hexdigest()
    record.status = RecordStatus.ISSUED
    record.save()
    if record.supersedes_id:
        previous = record.supersedes
        previous.status = RecordStatus.SUPERSEDED
        previous.save()
    equipment.after_calibration(record)
    return record


@transaction.atomic
def revise(user, record: CalibrationRecord, reason: str) -> CalibrationRecord:
    """A new draft revision of an issued record (same content, number ``…/R<n>``) to correct it."""
    _check_lab(user, record.laboratory_id)
    if record.status != RecordStatus.ISSUED:
        raise ValidationError(_("Only the issued, current certificate can be revised."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the certificate is revised.")})
    if CalibrationRecord.objects.filter(supersedes=record).exists():
        raise ValidationError(_("A revision of this certificate is already in preparation."))
    base = _REVISION_SUFFIX.sub("", record.certificate_number)
    revision = CalibrationRecord.objects.get(pk=record.pk)
    revision.pk = revision.id = None
    revision._state.adding = True
    revision.certificate_number = f"{base}/R{record.revision + 1}"
    revision.revision = record.revision + 1
    revision.supersedes = record
    revision.revision_reason = reason.strip()
    revision.status = RecordStatus.DRAFT
    revision.issued_on = None
    revision.issued_by = None
    revision.valid_until = None
    revision.dcc_xml = revision.dcc_sha256 = ""
    revision.created_at = timezone.now()
    save(revision)
    for point in record.points.all():
        point.pk = point.id = None
        point._state.adding = True
        point.record = revision
        point.save()
    for use in record.standards_used.all():
        StandardUse.objects.create(record=revision, standard_id=use.standard_id)
    return revision


@transaction.atomic
def withdraw(user, record: CalibrationRecord, reason: str) -> CalibrationRecord:
    """Withdraw an issued certificate (it stays readable and verification says it is withdrawn)."""
    _check_lab(user, record.laboratory_id)
    if record.status not in (RecordStatus.ISSUED, RecordStatus.DRAFT):
        raise ValidationError(_("This certificate is already superseded or withdrawn."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the certificate is withdrawn.")})
    if record.status == RecordStatus.DRAFT:
        record.delete()
        return record
    record.status = RecordStatus.WITHDRAWN
    record.withdrawal_reason = reason.strip()
    record.save()
    equipment.refresh_due(record.item)
    return record
