"""REST endpoints: CMCs (with KCDB JSON export and import), accreditations, services, the network."""

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictBool

from nqi.core.api import READ_ERRORS, WRITE_AUTH, WRITE_ERRORS, ChangeOut, Pagination, change_history
from nqi.core.search import ranked
from nqi.metrology import kcdb, network, permissions
from nqi.metrology.models import Accreditation, Cmc, CmcStatus, Procedure, Service, UncertaintyKind
from nqi.metrology.services import capabilities as services
from nqi.metrology.validators import validate_unit
from nqi.organizations.models import Organization

router = Router(tags=["metrology"])

ID = Annotated[int, Field(ge=1, le=2_147_483_647)]
Number = Annotated[float, Field(ge=-services.MAX_MAGNITUDE, le=services.MAX_MAGNITUDE, allow_inf_nan=False)]
Pair = Annotated[list[Number], Field(min_length=2, max_length=2)]
Country = Annotated[str, Field(pattern="^[A-Za-z]{2}$")]


class CmcParameterIO(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    value: str = Field("", max_length=300)


class CmcOut(Schema):
    id: int
    kcdb_code: str
    laboratory_id: int
    laboratory: str
    country: str | None = None
    service_id: int
    service_code: str
    area: str
    rmo: str
    quantity: str
    instrument: str
    instrument_type: str
    method: str
    range_low: float
    range_high: float
    unit: str
    parameters: list[dict[str, Any]]
    uncertainty_kind: UncertaintyKind
    uncertainty_low: float | None = None
    uncertainty_high: float | None = None
    uncertainty_unit: str
    uncertainty_equation: str
    uncertainty_table: list[Any]
    coverage_factor: float
    confidence_level: float
    traceability: str
    traceability_source_id: int | None = None
    procedure_id: int | None = None
    status: CmcStatus
    approved_on: dt.date | None = None
    published_on: dt.date | None = None
    updated_at: dt.datetime
    url: str

    @staticmethod
    def resolve_laboratory(obj: Cmc) -> str:
        return obj.laboratory.acronym or obj.laboratory.name

    @staticmethod
    def resolve_country(obj: Cmc) -> str | None:
        return obj.laboratory.country.code if obj.laboratory.country_id else None

    @staticmethod
    def resolve_service_code(obj: Cmc) -> str:
        return obj.service.code

    @staticmethod
    def resolve_area(obj: Cmc) -> str:
        return obj.service.area.code

    @staticmethod
    def resolve_url(obj: Cmc) -> str:
        return obj.get_absolute_url()


class CmcIn(Schema):
    laboratory_id: ID
    service_id: ID
    kcdb_code: str = Field("", max_length=60)
    rmo: str = Field("", max_length=20)
    quantity: str = Field("", max_length=200, description="Default: the service's quantity")
    instrument: str = Field("", max_length=300)
    instrument_type: str = Field("", max_length=200)
    method: str = Field("", max_length=300)
    range_low: Number
    range_high: Number
    unit: str = Field("", max_length=40, description="Default: the service's unit")
    parameters: list[CmcParameterIO] = Field(default_factory=list, max_length=50)
    uncertainty_kind: UncertaintyKind = UncertaintyKind.ABSOLUTE
    uncertainty_low: Number | None = None
    uncertainty_high: Number | None = None
    uncertainty_unit: str = Field("", max_length=40)
    uncertainty_equation: str = Field("", max_length=300, description="U(x), e.g. Q[0.5, 2e-6*x]")
    uncertainty_table: list[Pair] = Field(default_factory=list, max_length=1000, description="[[x, U], …]")
    coverage_factor: Number = 2.0
    confidence_level: Number = 95.0
    traceability: str = Field("", max_length=300)
    traceability_source_id: ID | None = None
    procedure_id: ID | None = None


class CmcPatch(Schema):
    laboratory_id: ID | None = None
    service_id: ID | None = None
    kcdb_code: str | None = Field(None, max_length=60)
    rmo: str | None = Field(None, max_length=20)
    quantity: str | None = Field(None, max_length=200)
    instrument: str | None = Field(None, max_length=300)
    instrument_type: str | None = Field(None, max_length=200)
    method: str | None = Field(None, max_length=300)
    range_low: Number | None = None
    range_high: Number | None = None
    unit: str | None = Field(None, max_length=40)
    parameters: list[CmcParameterIO] | None = Field(None, max_length=50)
    uncertainty_kind: UncertaintyKind | None = None
    uncertainty_low: Number | None = None
    uncertainty_high: Number | None = None
    uncertainty_unit: str | None = Field(None, max_length=40)
    uncertainty_equation: str | None = Field(None, max_length=300)
    uncertainty_table: list[Pair] | None = Field(None, max_length=1000)
    coverage_factor: Number | None = None
    confidence_level: Number | None = None
    traceability: str | None = Field(None, max_length=300)
    traceability_source_id: ID | None = None
    procedure_id: ID | None = None


class CmcStatusIn(Schema):
    status: CmcStatus
    approved_on: dt.date | None = Field(None, description="Publication only (administrators)")
    published_on: dt.date | None = Field(None, description="Publication only (administrators)")


class CmcExportFilters(Schema):
    laboratory: str | None = Field(None, max_length=50, description="Laboratory acronym")
    country: Country | None = None
    service: str | None = Field(None, max_length=40, description="Service code")
    status: CmcStatus | None = None


class CmcUncertaintyQuery(Schema):
    x: Number
    unit: str | None = Field(None, max_length=40, description="Unit of x (default: the CMC's)")


class NetworkQuery(Schema):
    country: Country | None = Field(None, description="Gaps are given for a country only")
    published_only: bool = False


class CmcUncertaintyOut(Schema):
    x: float
    unit: str
    covered: bool
    expanded_uncertainty: float | None = Field(None, description="In the CMC's unit")
    cmc_unit: str


class CmcImportIn(Schema):
    data: list[Any] = Field(..., max_length=kcdb.MAX_RECORDS, description="KCDB-shaped CMC records (objects)")
    dry_run: StrictBool = False


class CmcImportOut(Schema):
    total: int
    created: int
    updated: int
    unchanged: int
    dry_run: bool


class AccreditationOut(Schema):
    id: int
    laboratory_id: int
    body_id: int
    standard: str
    number: str
    scope: str
    scope_url: str
    valid_from: dt.date
    valid_until: dt.date
    status: Accreditation.Status
    is_current: bool


class AccreditationIn(Schema):
    laboratory_id: ID
    body_id: ID
    standard: str = Field("ISO/IEC 17025:2017", min_length=1, max_length=80)
    number: str = Field(..., min_length=1, max_length=80)
    scope: str = Field("", max_length=20_000)
    scope_url: str = Field("", max_length=200)
    valid_from: dt.date
    valid_until: dt.date
    status: Accreditation.Status = Accreditation.Status.ACTIVE


class AccreditationPatch(Schema):
    body_id: ID | None = None
    standard: str | None = Field(None, min_length=1, max_length=80)
    number: str | None = Field(None, min_length=1, max_length=80)
    scope: str | None = Field(None, max_length=20_000)
    scope_url: str | None = Field(None, max_length=200)
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    status: Accreditation.Status | None = None


class AccreditationFilters(Schema):
    laboratory: int | None = Field(None, ge=1, le=2_147_483_647, description="Laboratory id")
    country: Country | None = None
    current: bool | None = Field(None, description="Only accreditations valid today (or only not)")


class CalibrationServiceOut(Schema):
    id: int
    code: str
    area: str
    branch: str
    service: str
    sub_service: str
    name: str
    names: dict[str, str]
    quantity: str
    unit: str

    @staticmethod
    def resolve_area(obj: Service) -> str:
        return obj.area.code

    @staticmethod
    def resolve_names(obj: Service) -> dict[str, str]:
        return {"en": obj.name, **(obj.name_i18n or {})}


class CalibrationServiceFilters(Schema):
    area: str | None = Field(None, max_length=10)
    q: str | None = Field(None, max_length=200)


class NetworkOfferOut(Schema):
    cmc_id: int
    laboratory_id: int
    laboratory: str
    kind: str
    low: float = Field(description="In the service's unit")
    high: float
    status: str
    uncertainty: str


class NetworkServiceOut(Schema):
    service: str
    name: str
    unit: str
    offers: list[NetworkOfferOut]
    nmi_only: bool
    holes: list[list[float]]


class NetworkAreaOut(Schema):
    code: str
    name: str
    services: list[NetworkServiceOut]


class NetworkExpiredOut(Schema):
    laboratory_id: int
    laboratory: str
    accreditation: str
    valid_until: dt.date
    status: str


class NetworkGapsOut(Schema):
    country: str
    uncovered: list[str] = Field(description="Codes of services no laboratory offers")
    nmi_only: list[str]
    holes: dict[str, list[list[float]]]
    expired: list[NetworkExpiredOut]


class NetworkOut(Schema):
    country: str | None = None
    areas: list[NetworkAreaOut]
    gaps: NetworkGapsOut | None = None


# --------------------------------------------------------------------------------------------


def _lookup(model, pk: int | None, name: str, errors: dict[str, str], **conditions):
    if pk is None:
        return None
    found = model.objects.filter(pk=pk, **conditions).first()
    if found is None:
        errors[name] = _("No such object (id %(id)s).") % {"id": pk}
    return found


def _resolve(data: dict[str, Any]) -> dict[str, Any]:
    """Ids in the payload → objects; unknown ids are field errors."""
    errors: dict[str, str] = {}
    for name, model in (
        ("laboratory", Organization),
        ("service", Service),
        ("traceability_source", Organization),
        ("procedure", Procedure),
        ("body", Organization),
    ):
        if f"{name}_id" in data:
            data[name] = _lookup(model, data.pop(f"{name}_id"), f"{name}_id", errors)
    if errors:
        raise ValidationError(errors)
    return data


def _cmc_data(payload: Schema, **options) -> dict[str, Any]:
    data = _resolve(payload.model_dump(**options))
    if data.get("parameters") is not None:
        data["parameters"] = [{"name": p["name"], "value": p["value"]} for p in data["parameters"]]
    return data


def _cmcs():
    return Cmc.objects.select_related("laboratory__country", "service__area")


@router.get(
    "/cmcs", response={200: list[CmcOut], **READ_ERRORS}, summary="Search CMCs (q, laboratory, covers=…)"
)
@paginate(Pagination)
def list_cmcs(request, filters: Query[network.CmcFilters]):
    return network.filter_cmcs(filters)


@router.get(
    "/cmcs/export.json",
    response={200: dict[str, Any], **READ_ERRORS},
    summary="CMCs as KCDB-shaped JSON (laboratory acronym, country, service code, status)",
)
def export_cmcs(request, filters: Query[CmcExportFilters]):
    statuses = [filters.status] if filters.status else None
    queryset = kcdb.export_queryset(filters.laboratory, filters.country, filters.service, statuses)
    return kcdb.export_document(queryset)


@router.post(
    "/cmcs/import",
    response={200: CmcImportOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Import KCDB-shaped CMC records, all or nothing (422 lists every rejected record)",
)
def import_cmcs(request, payload: CmcImportIn):
    if not permissions.can_add_any(request.auth, "add_cmc"):
        raise PermissionDenied(_("You may not record CMCs."))
    report = kcdb.import_records(payload.data, user=request.auth, dry_run=payload.dry_run)
    if report.errors:
        raise report.as_validation_error()
    return {name: getattr(report, name) for name in ("total", "created", "updated", "unchanged", "dry_run")}


@router.get("/cmcs/{cmc_id}", response={200: CmcOut, **READ_ERRORS}, summary="One CMC")
def get_cmc(request, cmc_id: int):
    return get_object_or_404(_cmcs(), pk=cmc_id)


@router.get(
    "/cmcs/{cmc_id}/uncertainty",
    response={200: CmcUncertaintyOut, **READ_ERRORS},
    summary="The expanded uncertainty a CMC claims at a value",
)
def cmc_uncertainty(request, cmc_id: int, query: Query[CmcUncertaintyQuery]):
    cmc = get_object_or_404(_cmcs(), pk=cmc_id)
    x, unit = query.x, query.unit
    if unit:
        try:
            validate_unit(unit)
        except ValidationError as exc:
            raise ValidationError({"unit": exc.messages}) from None
    unit = unit or cmc.unit
    covered = services.covers(cmc, x, unit)
    value = services.cmc_uncertainty_at(cmc, services.convert(x, unit, cmc.unit)) if covered else None
    return {"x": x, "unit": unit, "covered": covered, "expanded_uncertainty": value, "cmc_unit": cmc.unit}


@router.get(
    "/cmcs/{cmc_id}/history",
    response={200: list[ChangeOut], **READ_ERRORS},
    summary="Change history of a CMC",
)
def cmc_history(request, cmc_id: int):
    return change_history(get_object_or_404(Cmc, pk=cmc_id))


@router.post("/cmcs", response={201: CmcOut, **WRITE_ERRORS}, auth=WRITE_AUTH, summary="Add a draft CMC")
def create_cmc(request, payload: CmcIn):
    return Status(201, services.save_cmc(request.auth, None, _cmc_data(payload)))


@router.patch(
    "/cmcs/{cmc_id}",
    response={200: CmcOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Change a CMC that is not published (a change under review sends it back to draft)",
)
def update_cmc(request, cmc_id: int, payload: CmcPatch):
    cmc = get_object_or_404(Cmc, pk=cmc_id)
    return services.save_cmc(request.auth, cmc, _cmc_data(payload, exclude_unset=True))


@router.post(
    "/cmcs/{cmc_id}/status",
    response={200: CmcOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Move a CMC along draft → internal review → regional review → published → withdrawn",
)
def change_cmc_status(request, cmc_id: int, payload: CmcStatusIn):
    cmc = get_object_or_404(Cmc, pk=cmc_id)
    services.set_cmc_status(request.auth, cmc, payload.status, payload.approved_on, payload.published_on)
    return _cmcs().get(pk=cmc.pk)


@router.get(
    "/accreditations",
    response={200: list[AccreditationOut], **READ_ERRORS},
    summary="Accreditations of laboratories",
)
@paginate(Pagination)
def list_accreditations(request, filters: Query[AccreditationFilters]):
    queryset = Accreditation.objects.order_by("laboratory_id", "-valid_until", "pk")
    if filters.laboratory:
        queryset = queryset.filter(laboratory_id=filters.laboratory)
    if filters.country:
        queryset = queryset.filter(laboratory__country__code=filters.country.upper())
    if filters.current is not None:
        today = timezone.localdate()
        valid = {"status": Accreditation.Status.ACTIVE, "valid_from__lte": today, "valid_until__gte": today}
        queryset = queryset.filter(**valid) if filters.current else queryset.exclude(**valid)
    return queryset


@router.post(
    "/accreditations",
    response={201: AccreditationOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Record a laboratory's accreditation",
)
def create_accreditation(request, payload: AccreditationIn):
    return Status(201, services.save_accreditation(request.auth, None, _resolve(payload.model_dump())))


@router.patch(
    "/accreditations/{accreditation_id}",
    response={200: AccreditationOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Change an accreditation (renewal, suspension, withdrawal)",
)
def update_accreditation(request, accreditation_id: int, payload: AccreditationPatch):
    accreditation = get_object_or_404(Accreditation, pk=accreditation_id)
    data = _resolve(payload.model_dump(exclude_unset=True))
    return services.save_accreditation(request.auth, accreditation, data)


@router.get(
    "/services",
    response={200: list[CalibrationServiceOut], **READ_ERRORS},
    summary="The calibration service taxonomy (KCDB-style areas, branches and services)",
)
@paginate(Pagination)
def list_services(request, filters: Query[CalibrationServiceFilters]):
    queryset = Service.objects.select_related("area")
    if filters.area:
        queryset = queryset.filter(area__code=filters.area)
    return ranked(queryset, filters.q, "area__code", "code", "pk")


@router.get(
    "/network",
    response={200: NetworkOut, **READ_ERRORS},
    summary="Who offers which service in which range; the gaps of a country's network",
)
def network_view(request, query: Query[NetworkQuery]):
    return network.as_dict(query.country, query.published_only)
