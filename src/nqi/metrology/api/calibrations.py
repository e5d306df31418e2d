"""REST endpoints: calibration records — list and read, drafts, budget, issue, revise, withdraw.

Writes go through :mod:`nqi.metrology.services.calibrations`. A change that the record's state
does not allow (editing an issued certificate, issuing twice, revising a superseded one) is a
``409 Conflict``; invalid data is a ``422`` whose errors name the field (``points[2].unit``).
"""

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import StrictBool, StrictFloat, StrictInt

from nqi.core.api import READ_ERRORS, WRITE_AUTH, WRITE_ERRORS, ChangeOut, Pagination, Problem, change_history
from nqi.metrology import permissions
from nqi.metrology.forms_calibrations import IsoDate, RecordFilters, filter_records
from nqi.metrology.models import (
    CalibrationRecord,
    Cmc,
    DecisionRule,
    Instrument,
    ProcedureVersion,
    RecordStatus,
    Verdict,
)
from nqi.metrology.services import calibrations as services
from nqi.organizations.models import Organization, Person

router = Router(tags=["metrology"])

# Request bodies are validated strictly (no "1" for a number, no 0 for a date or a boolean): what the
# OpenAPI document calls invalid is refused, as the schema fuzz test checks.
Number = Annotated[StrictFloat, Field(allow_inf_nan=False, ge=-1e300, le=1e300)]
BodyID = Annotated[StrictInt, Field(ge=1, le=2_147_483_647)]
Flag = StrictBool
CONFLICT_ERRORS: dict[int, Any] = {**WRITE_ERRORS, 409: Problem}
# API field → (model field, model) of the references a record holds.
REFERENCES = {
    "item_id": ("item", Instrument),
    "laboratory_id": ("laboratory", Organization),
    "customer_id": ("customer", Organization),
    "cmc_id": ("cmc", Cmc),
    "procedure_id": ("procedure", ProcedureVersion),
    "performed_by_id": ("performed_by", Person),
    "approved_by_id": ("approved_by", Person),
}
REQUIRED = frozenset({"item_id", "laboratory_id", "calibrated_on"})


class PointIn(Schema):
    quantity: str = Field(..., min_length=1, max_length=200)
    unit: str = Field("", max_length=40, description="SI symbol, e.g. kg, mV, °C")
    nominal: Number
    reference: Number | None = Field(None, description="Reference value (default: the nominal value)")
    as_found: Number | None = None
    as_left: Number | None = None
    uncertainty: Number = Field(..., description="Expanded uncertainty U")
    coverage_factor: Number = 2.0
    mpe: Number | None = Field(None, description="Maximum permissible error ± (tolerance)")


class PointOut(PointIn):
    position: int
    error_found: float | None = None
    error_left: float | None = None
    found_verdict: Verdict
    left_verdict: Verdict


class RecordFields(Schema):
    """Fields shared by creation and change (all optional here; creation requires some)."""

    certificate_number: str | None = Field(None, max_length=80, description="Default: numbered automatically")
    item_id: BodyID | None = None
    laboratory_id: BodyID | None = None
    customer_id: BodyID | None = None
    cmc_id: BodyID | None = None
    procedure_id: BodyID | None = Field(None, description="Procedure version id")
    method: str | None = Field(None, max_length=300)
    received_on: IsoDate | None = None
    calibrated_on: IsoDate | None = None
    valid_until: IsoDate | None = None
    temperature: Number | None = Field(None, description="°C")
    humidity: Number | None = Field(None, description="% relative humidity")
    pressure: Number | None = Field(None, description="hPa")
    adjusted: Flag | None = None
    decision_rule: DecisionRule | None = None
    guard_band_factor: Annotated[StrictFloat, Field(allow_inf_nan=False, ge=0, le=100)] | None = None
    performed_by_id: BodyID | None = None
    approved_by_id: BodyID | None = None
    external: Flag | None = None
    remarks: str | None = Field(None, max_length=10000)
    points: list[PointIn] | None = Field(None, max_length=500, description="Replaces all points")
    standard_ids: list[BodyID] | None = Field(None, max_length=100, description="Replaces the standards used")


class RecordIn(RecordFields):
    item_id: BodyID
    laboratory_id: BodyID
    calibrated_on: IsoDate


class RecordOut(Schema):
    id: int
    certificate_number: str
    revision: int
    status: RecordStatus
    item_id: int
    item: str
    laboratory_id: int
    laboratory: str
    calibrated_on: dt.date
    issued_on: dt.date | None = None
    valid_until: dt.date | None = None
    as_found_verdict: Verdict
    as_left_verdict: Verdict
    url: str

    @staticmethod
    def resolve_item(obj: CalibrationRecord) -> str:
        return str(obj.item)

    @staticmethod
    def resolve_laboratory(obj: CalibrationRecord) -> str:
        return obj.laboratory.acronym or str(obj.laboratory)

    @staticmethod
    def resolve_url(obj: CalibrationRecord) -> str:
        return obj.get_absolute_url()


class StandardUseOut(Schema):
    standard_id: int
    standard: str
    standard_calibration_id: int | None = Field(None, description="Its certificate in force that day")
    standard_certificate: str | None = None

    @staticmethod
    def resolve_standard(obj) -> str:
        return str(obj.standard)

    @staticmethod
    def resolve_standard_certificate(obj) -> str | None:
        return obj.standard_calibration.certificate_number if obj.standard_calibration_id else None


class RecordDetailOut(RecordOut):
    customer_id: int | None = None
    cmc_id: int | None = None
    procedure_id: int | None = None
    method: str
    received_on: dt.date | None = None
    temperature: float | None = None
    humidity: float | None = None
    pressure: float | None = None
    adjusted: bool
    decision_rule: DecisionRule
    guard_band_factor: float
    performed_by_id: int | None = None
    approved_by_id: int | None = None
    external: bool
    remarks: str
    supersedes_id: int | None = None
    superseded_by_id: int | None = None
    revision_reason: str
    withdrawal_reason: str
    dcc_sha256: str
    points: list[PointOut]
    standards: list[StandardUseOut]
    budget: dict[str, Any]
    links: dict[str, str]

    @staticmethod
    def resolve_superseded_by_id(obj: CalibrationRecord) -> int | None:
        return CalibrationRecord.objects.filter(supersedes_id=obj.pk).values_list("pk", flat=True).first()

    @staticmethod
    def resolve_points(obj: CalibrationRecord) -> list:
        return list(obj.points.order_by("position", "pk"))

    @staticmethod
    def resolve_standards(obj: CalibrationRecord) -> list:
        return list(obj.standards_used.select_related("standard", "standard_calibration"))

    @staticmethod
    def resolve_links(obj: CalibrationRecord) -> dict[str, str]:
        base = obj.get_absolute_url()
        links = {"html": base, "traceability": f"{base}traceability/"}
        if obj.status != RecordStatus.DRAFT:
            links |= {"pdf": f"{base}certificate.pdf", "dcc": f"{base}dcc.xml"}
        return links


class ReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


class BudgetIn(Schema):
    spec: dict[str, Any] = Field(
        ...,
        description="Model and inputs for nqi.uncertainty: model, inputs, output_units, k, monte_carlo …",
    )
    point_index: StrictInt | None = Field(
        None, ge=0, le=499, description="Set U and k of this point (0-based)"
    )


def _record(record_id: int) -> CalibrationRecord:
    return get_object_or_404(CalibrationRecord.objects.select_related("item", "laboratory"), pk=record_id)


def _writable(request, record_id: int) -> CalibrationRecord:
    record = _record(record_id)
    if not permissions.can_write(request.auth, "change_calibrationrecord", record.laboratory_id):
        raise PermissionDenied("You may not record calibrations for this laboratory.")
    return record


def _service_data(payload: RecordFields, partial: bool) -> tuple[dict, list | None, list | None]:
    """The service's ``data``, ``points`` and ``standards`` from a payload; unknown ids are 422."""
    given = payload.model_dump(exclude_unset=partial)
    errors: dict[str, str] = {}
    for name in sorted(REQUIRED & {key for key, value in given.items() if value is None}):
        errors[name] = "This field cannot be null."
    points = given.pop("points", None)
    standard_ids = given.pop("standard_ids", None)
    data: dict[str, Any] = {}
    for name, value in given.items():
        if name in REFERENCES:
            field, model = REFERENCES[name]
            found = None if value is None else model.objects.filter(pk=value).first()
            if value is not None and found is None:
                errors[name] = f"No object with id {value}."
            data[field] = found
        else:
            data[name] = value
    # null for a text means empty; for a number with a default (or the certificate number) the
    # default, or no change when patching.
    for name in ("method", "remarks"):
        if name in data and data[name] is None:
            data[name] = ""
    for name in ("certificate_number", "adjusted", "external", "decision_rule", "guard_band_factor"):
        if data.get(name) is None:
            data.pop(name, None)
    standards = None
    if standard_ids is not None:
        found_standards = Instrument.objects.in_bulk(standard_ids)
        missing = [pk for pk in standard_ids if pk not in found_standards]
        if missing:
            errors["standard_ids"] = f"No instrument with id {', '.join(map(str, missing))}."
        standards = [found_standards[pk] for pk in standard_ids if pk in found_standards]
    if errors:
        raise ValidationError(errors)
    return data, points, standards


def _detail(record: CalibrationRecord) -> CalibrationRecord:
    return CalibrationRecord.objects.select_related("item", "laboratory").get(pk=record.pk)


@router.get(
    "/calibrations",
    response={200: list[RecordOut], **READ_ERRORS},
    summary="Calibration records (newest first; filter by certificate, item, laboratory, status, date)",
)
@paginate(Pagination)
def list_records(request, filters: Query[RecordFilters]):
    return filter_records(filters)


@router.get(
    "/calibrations/{record_id}",
    response={200: RecordDetailOut, **READ_ERRORS},
    summary="One calibration record with its points, standards, budget and revisions",
)
def get_record(request, record_id: int):
    return _record(record_id)


@router.get(
    "/calibrations/{record_id}/history",
    response={200: list[ChangeOut], **READ_ERRORS},
    summary="Audit trail of a calibration record",
)
def record_history(request, record_id: int):
    return change_history(_record(record_id))


@router.post(
    "/calibrations",
    response={201: RecordDetailOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Record a calibration as a draft (points and standards included)",
)
def create_record(request, payload: RecordIn):
    data, points, standards = _service_data(payload, partial=False)
    record = services.save_draft(request.auth, None, data, points or [], standards or [])
    return Status(201, _detail(record))


@router.patch(
    "/calibrations/{record_id}",
    response={200: RecordDetailOut, **CONFLICT_ERRORS},
    auth=WRITE_AUTH,
    summary="Change a draft (409 once issued: issue a revision instead)",
)
def update_record(request, record_id: int, payload: RecordFields):
    record = _writable(request, record_id)
    if record.is_locked:
        raise HttpError(409, f"Certificate {record.certificate_number} is issued and cannot change.")
    data, points, standards = _service_data(payload, partial=True)
    return _detail(services.save_draft(request.auth, record, data, points, standards))


@router.put(
    "/calibrations/{record_id}/budget",
    response={200: RecordDetailOut, **CONFLICT_ERRORS},
    auth=WRITE_AUTH,
    summary="Compute and store the uncertainty budget of a draft (GUM, optionally Monte Carlo)",
)
def put_budget(request, record_id: int, payload: BudgetIn):
    record = _writable(request, record_id)
    if record.is_locked:
        raise HttpError(409, f"Certificate {record.certificate_number} is issued and cannot change.")
    return _detail(services.set_budget(request.auth, record, payload.spec, payload.point_index))


@router.post(
    "/calibrations/{record_id}/issue",
    response={200: RecordDetailOut, **CONFLICT_ERRORS},
    auth=WRITE_AUTH,
    summary="Issue a draft: verdicts, traceability, DCC; then it is immutable",
)
def issue_record(request, record_id: int):
    record = _writable(request, record_id)
    if record.status != RecordStatus.DRAFT:
        raise HttpError(409, f"Only a draft can be issued; this record is {record.status}.")
    return _detail(services.issue(request.auth, record))


@router.post(
    "/calibrations/{record_id}/revise",
    response={201: RecordDetailOut, **CONFLICT_ERRORS},
    auth=WRITE_AUTH,
    summary="Start a revision (a new draft …/R<n>) of an issued certificate",
)
def revise_record(request, record_id: int, payload: ReasonIn):
    record = _writable(request, record_id)
    if record.status != RecordStatus.ISSUED:
        raise HttpError(
            409, f"Only the issued, current certificate can be revised; this one is {record.status}."
        )
    if CalibrationRecord.objects.filter(supersedes=record).exists():
        raise HttpError(409, "A revision of this certificate is already in preparation.")
    return Status(201, _detail(services.revise(request.auth, record, payload.reason)))


@router.post(
    "/calibrations/{record_id}/withdraw",
    response={200: RecordDetailOut, 204: None, **CONFLICT_ERRORS},
    auth=WRITE_AUTH,
    summary="Withdraw an issued certificate (200), or discard a draft (204)",
)
def withdraw_record(request, record_id: int, payload: ReasonIn):
    record = _writable(request, record_id)
    if record.status not in (RecordStatus.ISSUED, RecordStatus.DRAFT):
        raise HttpError(409, f"This certificate is already {record.status}.")
    was_draft = record.status == RecordStatus.DRAFT
    record = services.withdraw(request.auth, record, payload.reason)
    if was_draft:
        return Status(204, None)
    return _detail(record)
