"""REST endpoints: comparisons (blind results, the pilot's analysis and publication) and the MRA matrix."""

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import StrictFloat

from nqi.core.api import READ_ERRORS, WRITE_AUTH, WRITE_ERRORS, ChangeOut, Pagination, change_history
from nqi.core.search import ranked
from nqi.metrology import mra
from nqi.metrology.api.procedures import BodyID, Date, Number, reader
from nqi.metrology.models import (
    Comparison,
    ComparisonKind,
    ComparisonStatus,
    Participant,
    Service,
)
from nqi.metrology.services import comparisons as services
from nqi.organizations.models import Organization

router = Router(tags=["metrology"])

ID = Annotated[int, Field(ge=1, le=2_147_483_647)]  # in queries (text by nature)
PathID = Annotated[int, Path(ge=1, le=2_147_483_647)]
Method = Annotated[str, Field(pattern="^(" + "|".join(sorted(services.METHODS)) + ")$")]


class ComparisonFilters(Schema):
    q: str | None = Field(
        None, max_length=200, description="Search words (identifier, title, measurand, pilot)"
    )
    kind: ComparisonKind | None = None
    status: ComparisonStatus | None = None
    service_id: ID | None = None
    pilot_id: ID | None = None


class ComparisonOut(Schema):
    id: int
    identifier: str
    title: str
    kind: str
    service_id: int | None = None
    service_code: str | None = None
    measurand: str
    quantity: str
    unit: str
    nominal: float | None = None
    pilot_id: int
    pilot: str
    linked_to_id: int | None = None
    protocol: str
    protocol_url: str
    starts_on: dt.date | None = None
    results_due: dt.date | None = None
    ends_on: dt.date | None = None
    status: str
    method: str
    published_on: dt.date | None = None
    updated_at: dt.datetime

    @staticmethod
    def resolve_service_code(obj: Comparison) -> str | None:
        return obj.service.code if obj.service_id else None

    @staticmethod
    def resolve_pilot(obj: Comparison) -> str:
        return obj.pilot.acronym or obj.pilot.name


class ComparisonIn(Schema):
    identifier: str = Field(
        ..., min_length=1, max_length=60, description="e.g. CCM.M-K1, APMP.M.M-K1, NPT-2026-01"
    )
    title: str = Field(..., min_length=1, max_length=300)
    kind: ComparisonKind
    service_id: BodyID | None = None
    measurand: str = Field(..., min_length=1, max_length=300)
    quantity: str = Field("", max_length=200, description="Taken from the service when empty")
    unit: str = Field("", max_length=40, description="Taken from the service when empty")
    nominal: Number | None = None
    pilot_id: BodyID
    linked_to_id: BodyID | None = None
    protocol: str = Field("", max_length=20000)
    protocol_url: str = Field("", max_length=200)
    starts_on: Date | None = None
    results_due: Date | None = None
    ends_on: Date | None = None
    method: Method = "weighted_mean"


class ComparisonPatch(Schema):
    identifier: str | None = Field(None, min_length=1, max_length=60)
    title: str | None = Field(None, min_length=1, max_length=300)
    kind: ComparisonKind | None = None
    service_id: BodyID | None = None
    measurand: str | None = Field(None, min_length=1, max_length=300)
    quantity: str | None = Field(None, max_length=200)
    unit: str | None = Field(None, max_length=40)
    nominal: Number | None = None
    pilot_id: BodyID | None = None
    linked_to_id: BodyID | None = None
    protocol: str | None = Field(None, max_length=20000)
    protocol_url: str | None = Field(None, max_length=200)
    starts_on: Date | None = None
    results_due: Date | None = None
    ends_on: Date | None = None
    method: Method | None = None


class StatusIn(Schema):
    status: ComparisonStatus = Field(
        description="planned, running or cancelled (analysis and publication have their own endpoints)"
    )


class ParticipantOut(Schema):
    id: int
    laboratory_id: int
    laboratory: str
    code: str
    submitted: bool
    value: float | None = Field(
        None, description="Hidden (null) until publication, except for the pilot and the participant"
    )
    uncertainty: float | None = None
    coverage_factor: float | None = None
    budget: dict[str, Any] | None = None
    degree_of_equivalence: float | None = None
    doe_uncertainty: float | None = None
    score: float | None = Field(None, description="|En|")
    equivalent: bool | None = None


class ParticipantIn(Schema):
    laboratory_id: BodyID
    code: str = Field("", max_length=40)


class ResultIn(Schema):
    value: Number | None = Field(None, description="Measured value (from the budget when omitted)")
    uncertainty: Annotated[StrictFloat, Field(gt=0, le=1e300, allow_inf_nan=False)] | None = Field(
        None, description="Expanded uncertainty U (from the budget when omitted)"
    )
    coverage_factor: Annotated[StrictFloat, Field(ge=1, le=100, allow_inf_nan=False)] = 2.0
    budget: dict[str, Any] | None = Field(
        None,
        description='Optional: {"model": "y = …", "inputs": [{name, value, uncertainty, …}], "output_unit": …}',
    )


class AnalysisIn(Schema):
    sigma_pt: Annotated[StrictFloat, Field(gt=0, le=1e300, allow_inf_nan=False)] | None = Field(
        None, description="Standard deviation for proficiency assessment (z, z′ scores)"
    )


class MraFilters(Schema):
    countries: str | None = Field(None, max_length=200, description="Comma-separated ISO 3166 codes")
    area: str | None = Field(None, max_length=10, description="Metrology area code, e.g. M")


class MraServiceOut(Schema):
    id: int
    code: str
    name: str
    area: str


class MraLaboratoryOut(Schema):
    id: int
    acronym: str
    name: str
    country: str | None = None


class MraCellOut(Schema):
    service_id: int
    laboratory_id: int
    state: str = Field(description="recognised, cmc_only or comparison_only")
    cmc: bool
    comparison_id: int | None = None
    comparison: str | None = None
    degree_of_equivalence: float | None = None
    doe_uncertainty: float | None = None
    en: float | None = None


class MraOut(Schema):
    services: list[MraServiceOut]
    laboratories: list[MraLaboratoryOut]
    cells: list[MraCellOut]


def _lookup(model, pk: int | None, field: str, errors: dict[str, str]):
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        errors[field] = f"No object with id {pk}."
    return found


def _comparison_data(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    for name, model in (("service", Service), ("pilot", Organization), ("linked_to", Comparison)):
        if f"{name}_id" in data:
            data[name] = _lookup(model, data.pop(f"{name}_id"), f"{name}_id", errors)
    if errors:
        raise ValidationError(errors)
    return data


def _participant_out(participant: Participant, viewer: services.Viewer) -> dict[str, Any]:
    visible = viewer.sees_result(participant)
    return {
        "id": participant.pk,
        "laboratory_id": participant.laboratory_id,
        "laboratory": participant.laboratory.acronym or participant.laboratory.name,
        "code": participant.code,
        "submitted": participant.submitted_at is not None,
        "value": participant.value if visible else None,
        "uncertainty": participant.uncertainty if visible else None,
        "coverage_factor": participant.coverage_factor if visible else None,
        "budget": (participant.budget or None) if visible else None,
        "degree_of_equivalence": participant.degree_of_equivalence,
        "doe_uncertainty": participant.doe_uncertainty,
        "score": participant.score,
        "equivalent": participant.equivalent,
    }


def _comparison(comparison_id: int) -> Comparison:
    return get_object_or_404(Comparison.objects.select_related("pilot", "service"), pk=comparison_id)


@router.get(
    "/comparisons",
    response={200: list[ComparisonOut], **READ_ERRORS},
    summary="Search and filter comparisons",
)
@paginate(Pagination)
def list_comparisons(request, filters: Query[ComparisonFilters]):
    queryset = Comparison.objects.select_related("pilot", "service")
    for name in ("kind", "status", "service_id", "pilot_id"):
        value = getattr(filters, name)
        if value:
            queryset = queryset.filter(**{name: value})
    return ranked(queryset, filters.q, "-starts_on", "identifier", "pk")


@router.post(
    "/comparisons",
    response={201: ComparisonOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Create a comparison (pilot)",
)
def create_comparison(request, payload: ComparisonIn):
    return 201, services.save_comparison(request.auth, None, _comparison_data(payload.model_dump()))


@router.get(
    "/comparisons/{comparison_id}", response={200: ComparisonOut, **READ_ERRORS}, summary="One comparison"
)
def get_comparison(request, comparison_id: PathID):
    return _comparison(comparison_id)


@router.patch(
    "/comparisons/{comparison_id}",
    response={200: ComparisonOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Change a comparison (pilot)",
)
def update_comparison(request, comparison_id: PathID, payload: ComparisonPatch):
    comparison = _comparison(comparison_id)
    return services.save_comparison(
        request.auth, comparison, _comparison_data(payload.model_dump(exclude_unset=True))
    )


@router.post(
    "/comparisons/{comparison_id}/status",
    response={200: ComparisonOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Open, reopen, plan or cancel a comparison (pilot)",
)
def set_status(request, comparison_id: PathID, payload: StatusIn):
    return services.change_status(request.auth, _comparison(comparison_id), payload.status)


@router.get(
    "/comparisons/{comparison_id}/history",
    response={200: list[ChangeOut], **READ_ERRORS},
    summary="Change history of a comparison",
)
def comparison_history(request, comparison_id: PathID):
    return change_history(_comparison(comparison_id))


@router.get(
    "/comparisons/{comparison_id}/participants",
    response={200: list[ParticipantOut], **READ_ERRORS},
    summary="Participants; results are hidden until publication (blind comparison)",
)
def list_participants(request, comparison_id: PathID):
    comparison = _comparison(comparison_id)
    viewer = services.viewer(reader(request), comparison)
    participants = comparison.participants.select_related("laboratory").order_by("code", "pk")
    return [_participant_out(p, viewer) for p in participants]


@router.post(
    "/comparisons/{comparison_id}/participants",
    response={201: ParticipantOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Add a participant (pilot)",
)
def add_participant(request, comparison_id: PathID, payload: ParticipantIn):
    comparison = _comparison(comparison_id)
    errors: dict[str, str] = {}
    laboratory = _lookup(Organization, payload.laboratory_id, "laboratory_id", errors)
    if errors:
        raise ValidationError(errors)
    participant = services.add_participant(request.auth, comparison, laboratory, payload.code)
    return 201, _participant_out(participant, services.viewer(request.auth, comparison))


def _participant(comparison_id: int, participant_id: int) -> Participant:
    return get_object_or_404(
        Participant.objects.select_related("comparison__pilot", "laboratory"),
        pk=participant_id,
        comparison_id=comparison_id,
    )


@router.delete(
    "/comparisons/{comparison_id}/participants/{participant_id}",
    response={204: None, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Remove a participant (pilot, before the analysis)",
)
def remove_participant(request, comparison_id: PathID, participant_id: PathID):
    services.remove_participant(request.auth, _participant(comparison_id, participant_id))
    return 204, None


@router.put(
    "/comparisons/{comparison_id}/participants/{participant_id}/result",
    response={200: ParticipantOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Submit or replace the participant's result (its own metrologists, while running, before the due date)",
)
def submit_result(request, comparison_id: PathID, participant_id: PathID, payload: ResultIn):
    participant = _participant(comparison_id, participant_id)
    data = payload.model_dump()
    if not data.get("budget"):
        data.pop("budget", None)
    participant = services.submit_result(request.auth, participant, data)
    return _participant_out(participant, services.viewer(request.auth, participant.comparison))


@router.get(
    "/comparisons/{comparison_id}/analysis",
    response={200: dict[str, Any], **READ_ERRORS},
    summary="The analysis (nqi.interlab to_dict): public once published, the pilot's preview before",
)
def get_analysis(request, comparison_id: PathID):
    from django.http import Http404

    comparison = _comparison(comparison_id)
    if not comparison.analysis or not services.viewer(reader(request), comparison).sees_analysis:
        raise Http404("No published analysis.")
    return comparison.analysis


@router.post(
    "/comparisons/{comparison_id}/analysis",
    response={200: dict[str, Any], **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Close submissions and run the analysis (pilot; a preview until published)",
)
def run_analysis(request, comparison_id: PathID, payload: AnalysisIn):
    return services.run_analysis(request.auth, _comparison(comparison_id), payload.sigma_pt)


@router.post(
    "/comparisons/{comparison_id}/publish",
    response={200: ComparisonOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Publish the report (pilot)",
)
def publish(request, comparison_id: PathID):
    return services.publish(request.auth, _comparison(comparison_id))


@router.get(
    "/mra",
    response={200: MraOut, **READ_ERRORS},
    summary="Mutual-recognition matrix: published CMCs and comparison evidence",
)
def mra_matrix(request, filters: Query[MraFilters]):
    countries = [c.strip() for c in (filters.countries or "").split(",") if c.strip()][:30]
    return mra.build(countries or None, (filters.area or "").strip() or None).as_dict()
