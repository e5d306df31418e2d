"""REST endpoints of the equipment register: instruments with their quantities, an instrument's
calibrations and history, status changes, recalibration intervals, and the due list."""

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import BeforeValidator, StrictBool, StrictFloat, StrictInt

from nqi.core.api import READ_ERRORS, WRITE_AUTH, WRITE_ERRORS, ChangeOut, Pagination, change_history
from nqi.metrology import intervals
from nqi.metrology.models import (
    CalibrationRecord,
    Instrument,
    InstrumentLevel,
    InstrumentQuantity,
    InstrumentStatus,
    IntervalMethod,
)
from nqi.metrology.services import equipment as services
from nqi.organizations.models import Organization

router = Router(tags=["metrology"])


def _iso_date(value: Any) -> Any:
    """JSON dates are strings: refuse the numbers pydantic would read as timestamps."""
    if not isinstance(value, str | dt.date) or isinstance(value, dt.datetime):
        raise ValueError("expected a date as YYYY-MM-DD")
    return value


# Request bodies are validated strictly (no "5" for 5, no 0 for false), as their schema says. Ids
# are bounded as the databases can hold them (a larger number is a 422, not an overflow).
ID = Annotated[StrictInt, Field(ge=1, le=2_147_483_647)]
QueryID = Annotated[int, Field(ge=1, le=2_147_483_647)]
Number = Annotated[StrictFloat, Field(allow_inf_nan=False)]
Date = Annotated[dt.date, BeforeValidator(_iso_date)]


class QuantityIn(Schema):
    id: ID | None = Field(None, description="An existing quantity to keep (else matched by name)")
    quantity: str = Field(..., min_length=1, max_length=200)
    unit: str = Field(..., max_length=40, description="SI symbol: kg, mV, °C, kPa, m/s^2 …")
    range_low: Number | None = None
    range_high: Number | None = None
    resolution: Number | None = None
    mpe: Number | None = Field(None, ge=0, description="Maximum permissible error (±), in the unit")
    interval_days: StrictInt = Field(365, ge=1, le=services.MAX_INTERVAL_DAYS)
    interval_method: IntervalMethod = IntervalMethod.FIXED
    last_calibrated: Date | None = Field(None, description="A calibration made before registration")


class QuantityOut(Schema):
    id: int
    quantity: str
    unit: str
    range_low: float | None = None
    range_high: float | None = None
    resolution: float | None = None
    mpe: float | None = None
    interval_days: int
    interval_method: str
    last_calibrated: dt.date | None = None
    due_on: dt.date | None = None


class InstrumentIn(Schema):
    owner_id: ID
    asset_number: str = Field(..., min_length=1, max_length=60)
    name: str = Field(..., min_length=1, max_length=200)
    level: InstrumentLevel = InstrumentLevel.INSTRUMENT
    manufacturer: str = Field("", max_length=200)
    model: str = Field("", max_length=200)
    serial_number: str = Field("", max_length=100)
    location: str = Field("", max_length=200)
    status: InstrumentStatus = InstrumentStatus.ACTIVE
    traceable: StrictBool = True
    notes: str = Field("", max_length=10000)
    quantities: list[QuantityIn] = Field(default_factory=list, max_length=50)


class InstrumentPatch(Schema):
    owner_id: ID | None = None
    asset_number: str | None = Field(None, min_length=1, max_length=60)
    name: str | None = Field(None, min_length=1, max_length=200)
    level: InstrumentLevel | None = None
    manufacturer: str | None = Field(None, max_length=200)
    model: str | None = Field(None, max_length=200)
    serial_number: str | None = Field(None, max_length=100)
    location: str | None = Field(None, max_length=200)
    status: InstrumentStatus | None = None
    traceable: StrictBool | None = None
    notes: str | None = Field(None, max_length=10000)
    quantities: list[QuantityIn] | None = Field(None, max_length=50, description="Replaces all quantities")


class InstrumentOut(Schema):
    id: int
    owner_id: int
    owner: str
    asset_number: str
    name: str
    level: str
    manufacturer: str
    model: str
    serial_number: str
    location: str
    status: str
    traceable: bool
    notes: str
    last_calibrated: dt.date | None = None
    next_due: dt.date | None = None
    due_state: str = Field(description="overdue, due (within 30 days), ok, never or out_of_service")
    quantities: list[QuantityOut]
    url: str

    @staticmethod
    def resolve_owner(obj: Instrument) -> str:
        return obj.owner.acronym or obj.owner.name

    @staticmethod
    def resolve_due_state(obj: Instrument) -> str:
        return services.due_state(obj, timezone.localdate())

    @staticmethod
    def resolve_quantities(obj: Instrument) -> list[InstrumentQuantity]:
        return list(obj.quantities.all())

    @staticmethod
    def resolve_url(obj: Instrument) -> str:
        return obj.get_absolute_url()


class InstrumentFilters(Schema):
    q: str | None = Field(None, max_length=200, description="Search words (asset number, name, maker…)")
    owner_id: QueryID | None = Field(None, description="Owner organization, with its units")
    level: InstrumentLevel | None = None
    status: InstrumentStatus | None = None
    due: Literal["overdue", "due", "ok", "never"] | None = Field(None, description="Due state (30 days)")


class StatusIn(Schema):
    status: InstrumentStatus
    note: str = Field("", max_length=2000, description="Required for damaged, lost and retired")


class CalibrationSummaryOut(Schema):
    id: int
    certificate_number: str
    revision: int
    status: str
    calibrated_on: dt.date
    valid_until: dt.date | None = None
    issued_on: dt.date | None = None
    laboratory_id: int
    laboratory: str
    as_found_verdict: str
    as_left_verdict: str
    external: bool
    url: str | None = None

    @staticmethod
    def resolve_laboratory(obj: CalibrationRecord) -> str:
        return obj.laboratory.acronym or obj.laboratory.name

    @staticmethod
    def resolve_url(obj: CalibrationRecord) -> str | None:
        try:
            return obj.get_absolute_url()
        except NoReverseMatch:  # the calibration pages are not installed
            return None


class DueOut(Schema):
    id: int
    owner_id: int
    owner: str
    asset_number: str
    name: str
    level: str
    status: str
    location: str
    next_due: dt.date
    days_overdue: int = Field(description="Days past the due date (negative: days left)")
    url: str

    @staticmethod
    def resolve_owner(obj: Instrument) -> str:
        return obj.owner.acronym or obj.owner.name

    @staticmethod
    def resolve_days_overdue(obj: Instrument) -> int:
        return (timezone.localdate() - obj.next_due).days

    @staticmethod
    def resolve_url(obj: Instrument) -> str:
        return obj.get_absolute_url()


class HistoryRowOut(Schema):
    record_id: int
    certificate_number: str
    calibrated_on: dt.date
    as_found: str
    as_left: str
    elapsed_days: int | None = None
    counted: bool


class StatisticalOut(Schema):
    sufficient: bool
    observations: int
    failures: int
    exposure_days: int
    failure_rate: float | None = Field(None, description="λ̂ per day")
    interval: float | None = Field(None, description="−ln(R)/λ̂; null when no failure was seen")
    interval_low: float | None = None
    interval_high: float | None = None
    recommended: int | None = None
    source: str = Field(description="instrument, or model (pooled over the same make and model)")
    instruments: int


class QuantityIntervalOut(Schema):
    quantity_id: int
    quantity: str
    unit: str
    interval_days: int
    interval_method: str
    last_calibrated: dt.date | None = None
    due_on: dt.date | None = None
    fixed: int
    staircase: int
    staircase_applied: bool
    statistical: StatisticalOut
    history: list[HistoryRowOut]


class IntervalSettingsOut(Schema):
    increase: float
    decrease: float
    min_days: int
    max_days: int
    reliability: float
    confidence: float
    min_observations: int
    max_factor: float
    staircase_equilibrium: float


class InstrumentIntervalOut(Schema):
    instrument_id: int
    settings: IntervalSettingsOut
    quantities: list[QuantityIntervalOut]


class ApplyIntervalIn(Schema):
    quantity_id: ID
    method: IntervalMethod
    adopt_method: StrictBool = Field(False, description="Also adjust with this method at every calibration")


def _instrument_data(data: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    """Payload → (service data, quantity rows); unset and null fields are left as they are."""
    quantities = data.pop("quantities", None)
    data = {key: value for key, value in data.items() if value is not None}
    if "owner_id" in data:
        owner_id = data.pop("owner_id")
        data["owner"] = Organization.objects.filter(pk=owner_id).first()
        if data["owner"] is None:
            raise ValidationError({"owner_id": f"No organization with id {owner_id}."})
    rows = None
    if quantities is not None:
        rows = [{k: v for k, v in row.items() if k != "id" or v is not None} for row in quantities]
    return data, rows


def _owner_ids(owner_id: int | None) -> set[int] | None:
    """An owner filter: the organization and its units (an unknown id matches nothing)."""
    if not owner_id:
        return None
    owner = Organization.objects.filter(pk=owner_id).first()
    return owner.descendant_ids() if owner else {owner_id}


def _interval_out(instrument: Instrument) -> dict[str, Any]:
    settings = intervals.settings_in_force()
    rows = []
    for quantity in instrument.quantities.select_related("instrument").order_by("quantity", "pk"):
        rec = intervals.recommend(quantity)
        row = {
            name: getattr(quantity, name)
            for name in QuantityIntervalOut.model_fields
            if hasattr(quantity, name)
        }
        row.update(quantity_id=quantity.pk, fixed=rec.fixed, staircase=rec.staircase)
        row.update(staircase_applied=rec.staircase_applied, history=[vars(h) for h in rec.history])
        row["statistical"] = {name: getattr(rec.statistical, name) for name in StatisticalOut.model_fields}
        rows.append(row)
    return {
        "instrument_id": instrument.pk,
        "settings": {name: getattr(settings, name) for name in IntervalSettingsOut.model_fields},
        "quantities": rows,
    }


@router.get(
    "/instruments",
    response={200: list[InstrumentOut], **READ_ERRORS},
    summary="Search and filter the equipment register",
)
@paginate(Pagination)
def list_instruments(request, filters: Query[InstrumentFilters]):
    query = services.InstrumentQuery(
        q=filters.q, owner_ids=_owner_ids(filters.owner_id), level=filters.level, status=filters.status
    )
    query.due = filters.due
    return services.filter_instruments(query).prefetch_related("quantities")


@router.post(
    "/instruments",
    response={201: InstrumentOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Register an instrument or standard with its quantities",
)
def create_instrument(request, payload: InstrumentIn):
    data, rows = _instrument_data(payload.model_dump())
    return Status(201, services.save_instrument(request.auth, None, data, rows or []))


@router.get(
    "/instruments/{instrument_id}",
    response={200: InstrumentOut, **READ_ERRORS},
    summary="One instrument with its quantities and due dates",
)
def get_instrument(request, instrument_id: int):
    return get_object_or_404(Instrument.objects.select_related("owner"), pk=instrument_id)


@router.patch(
    "/instruments/{instrument_id}",
    response={200: InstrumentOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Change an instrument; quantities, when given, replace the existing ones",
)
def update_instrument(request, instrument_id: int, payload: InstrumentPatch):
    instrument = get_object_or_404(Instrument, pk=instrument_id)
    data, rows = _instrument_data(payload.model_dump(exclude_unset=True))
    return services.save_instrument(request.auth, instrument, data, rows)


@router.post(
    "/instruments/{instrument_id}/status",
    response={200: InstrumentOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Put an instrument in or out of service (damaged, lost, retired need a note)",
)
def change_status(request, instrument_id: int, payload: StatusIn):
    instrument = get_object_or_404(Instrument, pk=instrument_id)
    return services.change_status(request.auth, instrument, payload.status, payload.note)


@router.get(
    "/instruments/{instrument_id}/calibrations",
    response={200: list[CalibrationSummaryOut], **READ_ERRORS},
    summary="An instrument's calibrations, newest first",
)
@paginate(Pagination)
def instrument_calibrations(request, instrument_id: int):
    instrument = get_object_or_404(Instrument, pk=instrument_id)
    return (
        CalibrationRecord.objects.filter(item=instrument)
        .select_related("laboratory")
        .defer("dcc_xml", "budget")
        .order_by("-calibrated_on", "-pk")
    )


@router.get(
    "/instruments/{instrument_id}/history",
    response={200: list[ChangeOut], **READ_ERRORS},
    summary="Change history of an instrument",
)
def instrument_history(request, instrument_id: int):
    return change_history(get_object_or_404(Instrument, pk=instrument_id))[:200]


@router.get(
    "/instruments/{instrument_id}/interval",
    response={200: InstrumentIntervalOut, **READ_ERRORS},
    summary="Recalibration interval per quantity: as-found history and each method's recommendation",
)
def instrument_interval(request, instrument_id: int):
    return _interval_out(get_object_or_404(Instrument, pk=instrument_id))


@router.post(
    "/instruments/{instrument_id}/interval",
    response={200: InstrumentIntervalOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Set a quantity's interval to a method's recommendation",
)
def apply_interval(request, instrument_id: int, payload: ApplyIntervalIn):
    instrument = get_object_or_404(Instrument, pk=instrument_id)
    quantity = get_object_or_404(
        InstrumentQuantity.objects.select_related("instrument"), pk=payload.quantity_id, instrument=instrument
    )
    services.apply_interval(request.auth, quantity, payload.method, payload.adopt_method)
    return _interval_out(instrument)


@router.get(
    "/due",
    response={200: list[DueOut], **READ_ERRORS},
    summary="Instruments in service due for calibration within `days` (overdue ones first)",
)
@paginate(Pagination)
def due(
    request,
    days: int = Query(30, ge=0, le=3650, description="Horizon in days from today"),
    owner: int | None = Query(None, ge=1, le=2_147_483_647, description="Owner organization, with its units"),
    overdue: bool | None = Query(None, description="true: overdue only; false: not yet overdue only"),
):
    today = timezone.localdate()
    queryset = services.due_list(_owner_ids(owner), days=days, today=today)
    if overdue is True:
        queryset = queryset.filter(next_due__lt=today)
    elif overdue is False:
        queryset = queryset.filter(next_due__gte=today)
    return queryset
