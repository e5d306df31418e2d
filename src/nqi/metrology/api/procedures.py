"""REST endpoints: the procedures library and its exchange files.

Unshared procedures answer 404 to anyone outside the owner laboratory's scope, as on the pages.
"""

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import BeforeValidator, StrictBool, StrictFloat, StrictInt

from nqi.core.api import READ_ERRORS, WRITE_AUTH, WRITE_ERRORS, Pagination, TokenAuth
from nqi.metrology.models import MetrologyArea, Procedure, ProcedureVersion, Service
from nqi.metrology.services import procedures as services
from nqi.organizations.models import Organization

router = Router(tags=["metrology"])

ID = Annotated[int, Field(ge=1, le=2_147_483_647)]  # in queries
PathID = Annotated[int, Path(ge=1, le=2_147_483_647)]
# In bodies, types are strict: "1", 0 for false or a number for a date are refused, not guessed.
BodyID = Annotated[StrictInt, Field(ge=1, le=2_147_483_647)]
Number = Annotated[StrictFloat, Field(allow_inf_nan=False, ge=-1e300, le=1e300)]


def _date_text(value: Any) -> Any:
    if not isinstance(value, str | dt.date):
        raise ValueError("Expected a date YYYY-MM-DD.")
    return value


Date = Annotated[dt.date, BeforeValidator(_date_text)]
Language = Annotated[str, Field(pattern="^(" + "|".join(sorted(services.LANGUAGES)) + ")$")]


def reader(request):
    """The user behind a read: a bearer token if one is sent (reads are public, so it is optional)."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = TokenAuth().authenticate(request, header[7:].strip())
        if user is not None:
            return user
    return request.user


class ProcedureFilters(Schema):
    q: str | None = Field(None, max_length=200, description="Search words (code, title, owner)")
    area: str | None = Field(None, max_length=10, description="Metrology area code")
    language: Language | None = Field(None, description="Has a version in this language")
    owner_id: ID | None = None


class OwnerOption(Schema):
    owner_id: ID | None = Field(None, description="Laboratory id")


class VersionOut(Schema):
    id: int
    version: str
    language: str
    status: str
    effective_from: dt.date | None = None
    document_url: str
    body: str


class ProcedureOut(Schema):
    id: int
    code: str
    title: str
    titles: dict[str, str]
    display_title: str
    owner_id: int
    owner: str
    area: str | None = None
    summary: str
    references: str
    shared: bool
    services: list[str]
    versions: list[VersionOut]
    cmc_ids: list[int]
    updated_at: dt.datetime

    @staticmethod
    def resolve_titles(obj: Procedure) -> dict[str, str]:
        return {"en": obj.title, **(obj.title_i18n or {})}

    @staticmethod
    def resolve_owner(obj: Procedure) -> str:
        return obj.owner.acronym or obj.owner.name

    @staticmethod
    def resolve_area(obj: Procedure) -> str | None:
        return obj.area.code if obj.area_id else None

    @staticmethod
    def resolve_services(obj: Procedure) -> list[str]:
        return sorted(s.code for s in obj.services.all())

    @staticmethod
    def resolve_versions(obj: Procedure) -> list[ProcedureVersion]:
        return sorted(obj.versions.all(), key=lambda v: (v.language, v.created_at, v.pk))

    @staticmethod
    def resolve_cmc_ids(obj: Procedure) -> list[int]:
        return sorted(c.pk for c in obj.cmcs.all())


class ProcedureIn(Schema):
    code: str = Field(..., min_length=1, max_length=60)
    title: str = Field(..., min_length=1, max_length=300)
    title_i18n: dict[str, Annotated[str, Field(max_length=300)]] = Field(
        default_factory=dict, description="Titles in vi, uz, kk, ru"
    )
    owner_id: BodyID
    area: str | None = Field(None, max_length=10, description="Metrology area code")
    summary: str = Field("", max_length=20000)
    references: str = Field("", max_length=500)
    shared: StrictBool = True
    services: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=200)


class ProcedurePatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=60)
    title: str | None = Field(None, min_length=1, max_length=300)
    title_i18n: dict[str, Annotated[str, Field(max_length=300)]] | None = None
    area: str | None = Field(None, max_length=10)
    summary: str | None = Field(None, max_length=20000)
    references: str | None = Field(None, max_length=500)
    shared: StrictBool | None = None
    services: list[Annotated[str, Field(max_length=40)]] | None = Field(None, max_length=200)


class VersionIn(Schema):
    version: str = Field(..., min_length=1, max_length=20)
    language: Language = "en"
    status: str = Field(
        "draft", pattern="^(draft|current)$", description="current supersedes the current one"
    )
    effective_from: Date | None = None
    document_url: str = Field("", max_length=200)
    body: str = Field("", max_length=200000)


class ExchangeIn(Schema):
    """The exchange document written by ``GET /procedures/export.json``."""

    format: str = Field(..., max_length=60, description="nqi.metrology.procedures/1")
    generator: str | None = Field(None, max_length=200)
    exported_at: str | None = Field(None, max_length=60)
    procedures: list[dict[str, Any]] = Field(..., max_length=2000)


class ImportOut(Schema):
    created: list[ProcedureOut]
    versions: int
    unknown_services: list[str]
    unknown_areas: list[str]


def _with_relations(queryset):
    return queryset.select_related("owner", "area").prefetch_related("services", "versions", "cmcs")


def _visible(user, procedure_id: int) -> Procedure:
    procedure = _with_relations(services.visible_procedures(user)).filter(pk=procedure_id).first()
    if procedure is None:
        raise Http404("No such procedure.")
    return procedure


def _procedure_data(data: dict[str, Any]) -> tuple[dict[str, Any], list[Service] | None]:
    errors: dict[str, str] = {}
    if "owner_id" in data:
        pk = data.pop("owner_id")
        data["owner"] = Organization.objects.filter(pk=pk).first()
        if data["owner"] is None:
            errors["owner_id"] = f"No organization with id {pk}."
    if "area" in data:
        code = data.pop("area")
        data["area"] = MetrologyArea.objects.filter(code=code).first() if code else None
        if code and data["area"] is None:
            errors["area"] = f"Unknown metrology area {code}."
    linked = None
    if "services" in data:
        codes = data.pop("services") or []
        linked = list(Service.objects.filter(code__in=codes))
        unknown = sorted(set(codes) - {s.code for s in linked})
        if unknown:
            errors["services"] = "Unknown service code(s): " + ", ".join(unknown)
    if errors:
        raise ValidationError(errors)
    return data, linked


@router.get(
    "/procedures", response={200: list[ProcedureOut], **READ_ERRORS}, summary="Search the procedures library"
)
@paginate(Pagination)
def list_procedures(request, filters: Query[ProcedureFilters]):
    queryset = services.filtered_procedures(
        reader(request), filters.q or "", filters.area or "", filters.language or "", filters.owner_id
    )
    return queryset.prefetch_related("services", "versions", "cmcs")


@router.post(
    "/procedures", response={201: ProcedureOut, **WRITE_ERRORS}, auth=WRITE_AUTH, summary="Add a procedure"
)
def create_procedure(request, payload: ProcedureIn):
    data, linked = _procedure_data(payload.model_dump())
    procedure = services.save_procedure(request.auth, None, data, linked)
    return 201, _with_relations(Procedure.objects.filter(pk=procedure.pk)).get()


@router.get(
    "/procedures/export.json",
    response={200: dict[str, Any], **READ_ERRORS},
    summary="Exchange file of the shared procedures (optionally of one laboratory)",
)
def export_procedures(request, options: Query[OwnerOption]):
    queryset = Procedure.objects.filter(shared=True)
    if options.owner_id is not None:
        queryset = queryset.filter(owner_id=options.owner_id)
    return services.export_procedures(queryset)


@router.post(
    "/procedures/import",
    response={201: ImportOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Import an exchange file, all or nothing (owner: the given laboratory or your own)",
)
def import_procedures(request, payload: ExchangeIn, options: Query[OwnerOption]):
    owner, owner_id = None, options.owner_id
    if owner_id is not None:
        owner = Organization.objects.filter(pk=owner_id).first()
        if owner is None:
            raise ValidationError({"owner_id": f"No organization with id {owner_id}."})
    report = services.import_procedures(request.auth, payload.model_dump(), owner)
    created = list(
        _with_relations(Procedure.objects.filter(pk__in=[p.pk for p in report.created])).order_by("code")
    )
    return 201, {
        "created": created,
        "versions": report.versions,
        "unknown_services": report.unknown_services,
        "unknown_areas": report.unknown_areas,
    }


@router.get(
    "/procedures/{procedure_id}",
    response={200: ProcedureOut, **READ_ERRORS},
    summary="One procedure with its versions",
)
def get_procedure(request, procedure_id: PathID):
    return _visible(reader(request), procedure_id)


@router.patch(
    "/procedures/{procedure_id}",
    response={200: ProcedureOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Change a procedure",
)
def update_procedure(request, procedure_id: PathID, payload: ProcedurePatch):
    procedure = _visible(request.auth, procedure_id)
    data, linked = _procedure_data(payload.model_dump(exclude_unset=True))
    services.save_procedure(request.auth, procedure, data, linked)
    return _visible(request.auth, procedure_id)


@router.post(
    "/procedures/{procedure_id}/versions",
    response={201: VersionOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Add a version (status current supersedes the current one in that language)",
)
def add_version(request, procedure_id: PathID, payload: VersionIn):
    procedure = _visible(request.auth, procedure_id)
    return 201, services.add_version(request.auth, procedure, payload.model_dump())
