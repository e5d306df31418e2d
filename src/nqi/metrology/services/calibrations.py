"""Calibration records: drafts, uncertainty budgets, issue (immutable from then on), revisions and
withdrawal.

Every function checks that the user may record calibrations for the record's laboratory
(:func:`nqi.metrology.permissions.can_write`), validates whole objects and runs in a transaction;
bad input raises :class:`ValidationError` whose keys name the field (``points[2].unit``,
``standards``, ``budget.inputs[1]`` …), which pages, the API and the CLI show as they are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nqi.metrology import permissions, verdicts
from nqi.metrology.budget import compute_budget
from nqi.metrology.models import (
    CalibrationPoint,
    CalibrationRecord,
    Instrument,
    InstrumentLevel,
    InstrumentStatus,
    RecordStatus,
    StandardUse,
)
from nqi.metrology.services import equipment
from nqi.metrology.services.common import apply, prefix_errors, save
from nqi.metrology.traceability import valid_calibration
from nqi.metrology.validators import same_dimension, si_factor

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
# Levels of the calibration hierarchy that may serve as reference standards of a calibration.
STANDARD_LEVELS = (InstrumentLevel.NATIONAL, InstrumentLevel.REFERENCE, InstrumentLevel.WORKING)
# Items in these states cannot be given a certificate: they are not in the laboratory's hands.
NOT_CALIBRATABLE = (InstrumentStatus.LOST, InstrumentStatus.RETIRED)
_REVISION_SUFFIX = re.compile(r"/R\d+$")


def _check_lab(user, laboratory_id: int | None) -> None:
    if not permissions.can_write(user, "change_calibrationrecord", laboratory_id):
        raise PermissionDenied(_("You may not record calibrations for this laboratory."))


def _locked_error(record: CalibrationRecord) -> ValidationError:
    return ValidationError(
        _("Certificate %(number)s is issued and cannot change; issue a revision instead.")
        % {"number": record.certificate_number}
    )


def _prefix(laboratory) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "", laboratory.acronym or "") or f"LAB{laboratory.pk}"


def next_certificate_number(laboratory, year: int) -> str:
    """``<lab acronym>-<year>-<serial>``: the next free serial of the laboratory in that year.

    Counts the laboratory's first editions calibrated that year (the ``(laboratory,
    calibrated_on)`` index, not a scan of every certificate number), then skips numbers taken.
    """
    prefix = f"{_prefix(laboratory)}-{year}-"
    taken = CalibrationRecord.objects.filter(
        laboratory=laboratory,
        calibrated_on__gte=dt.date(year, 1, 1),
        calibrated_on__lte=dt.date(year, 12, 31),
        revision=0,
        certificate_number__startswith=prefix,
    ).count()
    serial = taken + 1
    while CalibrationRecord.objects.filter(certificate_number=f"{prefix}{serial:05d}").exists():
        serial += 1
    return f"{prefix}{serial:05d}"


def _set_points(record: CalibrationRecord, points: list[dict[str, Any]]) -> None:
    record.points.all().delete()
    errors: dict[str, Any] = {}
    for index, row in enumerate(points):
        point = CalibrationPoint(record=record, position=index)
        try:
            apply(point, row, POINT_FIELDS)
            point.full_clean(exclude=["record"])
        except ValidationError as exc:
            errors.update(prefix_errors(exc, f"points[{index}]").error_dict)
            continue
        point.save()
    if errors:  # every bad point at once, so a form can mark them all
        raise ValidationError(errors)


def _set_standards(record: CalibrationRecord, standards: list[Instrument]) -> None:
    record.standards_used.all().delete()
    seen: set[int] = set()
    for index, standard in enumerate(standards):
        if standard.pk in seen:
            continue
        seen.add(standard.pk)
        if standard.pk == record.item_id:
            raise ValidationError({f"standards[{index}]": _("An item cannot be its own reference standard.")})
        if standard.level not in STANDARD_LEVELS:
            raise ValidationError(
                {
                    f"standards[{index}]": _(
                        "%(standard)s is a measuring instrument, not a national, reference or working standard."
                    )
                    % {"standard": standard}
                }
            )
        StandardUse.objects.create(record=record, standard=standard)


def _save_numbered(record: CalibrationRecord) -> None:
    """Save a new record, numbering it if needed; a number taken meanwhile is retried."""
    automatic = not record.certificate_number
    for _attempt in range(5):
        if automatic and record.laboratory_id and record.calibrated_on:
            record.certificate_number = next_certificate_number(record.laboratory, record.calibrated_on.year)
        record.full_clean()
        try:
            with transaction.atomic():  # a savepoint, so a lost race leaves the transaction usable
                record.save()
            return
        except IntegrityError:
            if not automatic:
                raise
    raise ValidationError({"certificate_number": _("No free certificate number; give one.")})


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
            raise _locked_error(record)
    laboratory = data.get("laboratory", record.laboratory if record else None)
    _check_lab(user, laboratory.pk if laboratory else None)
    record = record or CalibrationRecord()
    apply(record, data, RECORD_FIELDS)
    if record.pk:
        save(record)
    else:
        _save_numbered(record)
    errors: dict[str, Any] = {}
    for replace, rows in ((_set_points, points), (_set_standards, standards)):
        if rows is None:
            continue
        try:
            replace(record, rows)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    return record


@transaction.atomic
def set_budget(
    user, record: CalibrationRecord, spec: dict[str, Any], point_index: int | None = None
) -> CalibrationRecord:
    """Compute ``spec`` with :func:`nqi.metrology.budget.compute_budget` and store it on the draft.

    With ``point_index``, that point (0-based, in record order) takes U and k from the budget;
    the budget's output unit is converted to the point's unit (same dimension required).
    Errors are keyed ``budget.<part>`` (``budget.inputs[1]`` …) or ``point_index``.
    """
    _check_lab(user, record.laboratory_id)
    record = CalibrationRecord.objects.select_for_update().get(pk=record.pk)
    if record.is_locked:
        raise _locked_error(record)
    try:
        computed = compute_budget(spec)
    except ValidationError as exc:
        raise prefix_errors(exc, "budget") from None
    record.budget = computed
    save(record)
    if point_index is not None:
        points = list(record.points.all())
        if not 0 <= point_index < len(points):
            raise ValidationError(
                {"point_index": _("The record has no point number %(n)d.") % {"n": point_index + 1}}
            )
        point, result = points[point_index], computed["result"]
        unit = result.get("unit") or ""
        if unit and point.unit and not same_dimension(unit, point.unit):
            raise ValidationError(
                {
                    "point_index": _("The budget is in %(unit)s, the point in %(point)s.")
                    % {"unit": unit, "point": point.unit}
                }
            )
        factor = si_factor(unit) / si_factor(point.unit) if unit and point.unit else 1.0
        point.uncertainty = abs(result["expanded_uncertainty"]) * factor
        point.coverage_factor = result["coverage_factor"]
        try:
            save(point)
        except ValidationError as exc:
            raise prefix_errors(exc, f"points[{point_index}]") from None
    return record


def _compute_verdicts(record: CalibrationRecord) -> None:
    """Statements per point and overall (:mod:`nqi.metrology.verdicts`).

    A point without an as-left reading was left as found, so its as-left statement is the
    as-found one; the record's as-left statement is then the worst over all points.
    """
    found, left = [], []
    for point in record.points.all():
        rule, factor = record.decision_rule, record.guard_band_factor
        point.found_verdict = verdicts.verdict(point.error_found, point.uncertainty, point.mpe, rule, factor)
        if point.as_left is None:
            point.left_verdict = point.found_verdict
        else:
            point.left_verdict = verdicts.verdict(
                point.error_left, point.uncertainty, point.mpe, rule, factor
            )
        point.save(update_fields=["found_verdict", "left_verdict"])
        found.append(point.found_verdict)
        left.append(point.left_verdict)
    record.as_found_verdict = verdicts.overall(found)
    record.as_left_verdict = verdicts.overall(left)


def _issue_problems(record: CalibrationRecord) -> dict[str, list[str]]:
    """Everything that stops a draft from being issued, by field, so the user sees it all at once."""
    problems: dict[str, list[str]] = {}
    points = list(record.points.all())
    if not points:
        problems["points"] = [_("A certificate needs at least one calibration point.")]
    elif record.adjusted and all(point.as_left is None for point in points):
        problems["points"] = [_("The item was adjusted: give the indications as left.")]
    if record.item.status in NOT_CALIBRATABLE:
        problems["item"] = [
            _("%(item)s is %(status)s; it cannot be given a certificate.")
            % {"item": record.item, "status": record.item.get_status_display().lower()}
        ]
    for use in record.standards_used.select_related("standard"):
        certificate = valid_calibration(use.standard_id, record.calibrated_on)
        if certificate is None and use.standard.level != InstrumentLevel.NATIONAL and not record.external:
            problems.setdefault("standards", []).append(
                _("Standard %(standard)s had no valid calibration on %(date)s.")
                % {"standard": use.standard, "date": record.calibrated_on.isoformat()}
            )
    return problems


def _resolve_standards(record: CalibrationRecord) -> None:
    """Link each standard used to its certificate in force on the calibration date."""
    for use in record.standards_used.all():
        use.standard_calibration = valid_calibration(use.standard_id, record.calibrated_on)
        use.save(update_fields=["standard_calibration"])


@transaction.atomic
def issue(user, record: CalibrationRecord, issued_on: dt.date | None = None) -> CalibrationRecord:
    """Issue a draft: verdicts, traceability links, validity, the validated DCC; then it is frozen.

    Refused (``ValidationError`` naming each problem) without points, with a standard that had
    no valid calibration that day, for a lost or retired item, or when the DCC is not valid;
    ``PermissionDenied`` for another laboratory's record.
    """
    from nqi.metrology.certificates.dcc import build_dcc, check_dcc

    _check_lab(user, record.laboratory_id)
    record = CalibrationRecord.objects.select_for_update().select_related("item").get(pk=record.pk)
    if record.status != RecordStatus.DRAFT:
        raise ValidationError(
            _("Only a draft can be issued; this record is %(status)s.")
            % {"status": record.get_status_display()}
        )
    problems = _issue_problems(record)
    if problems:
        raise ValidationError(problems)
    _compute_verdicts(record)
    _resolve_standards(record)
    record.issued_on = issued_on or timezone.localdate()
    if record.valid_until is None:
        try:
            record.valid_until = record.calibrated_on + dt.timedelta(days=equipment.interval_for(record))
        except OverflowError:
            raise ValidationError({"calibrated_on": _("The calibration date is out of range.")}) from None
    record.issued_by = user if getattr(user, "is_authenticated", False) else None
    save(record)  # still a draft: verdicts and validity are stored first
    if record.external:
        # Another laboratory issued this certificate: NQI records it (and keeps its original DCC if
        # one was imported) but never authors a DCC in that laboratory's name.
        if record.dcc_xml:
            record.dcc_sha256 = hashlib.sha256(record.dcc_xml.encode("utf-8")).hexdigest()
    else:
        xml = build_dcc(record)
        problems_in_dcc = check_dcc(xml)
        if problems_in_dcc:
            raise ValidationError({"dcc": problems_in_dcc})
        record.dcc_xml = xml.decode("utf-8")
        record.dcc_sha256 = hashlib.sha256(xml).hexdigest()
    record.status = RecordStatus.ISSUED
    record.save()
    if record.supersedes_id:
        previous = CalibrationRecord.objects.select_for_update().get(pk=record.supersedes_id)
        # A certificate withdrawn while its correction was prepared stays withdrawn.
        if previous.status == RecordStatus.ISSUED:
            previous.status = RecordStatus.SUPERSEDED
            previous.save()
    equipment.after_calibration(record)
    return record


@transaction.atomic
def revise(user, record: CalibrationRecord, reason: str) -> CalibrationRecord:
    """A new draft revision of an issued record (same content, number ``…/R<n>``) to correct it."""
    _check_lab(user, record.laboratory_id)
    record = CalibrationRecord.objects.select_for_update().get(
        pk=record.pk
    )  # the state now, not the caller's copy
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
    """Withdraw an issued certificate (it stays readable and verification says it is withdrawn).

    A draft is simply discarded (deleted): it was never a certificate.
    """
    _check_lab(user, record.laboratory_id)
    record = CalibrationRecord.objects.select_for_update().select_related("item").get(pk=record.pk)
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
    equipment.after_withdrawal(record)
    return record
