"""REST endpoints: traceability chains, broken chains and standards at risk, reverse traceability.

All are reads (public). Semantics: :mod:`nqi.metrology.traceability`.
"""

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from nqi.core.api import READ_ERRORS, Pagination
from nqi.metrology import traceability
from nqi.metrology.models import CalibrationRecord, Instrument
from nqi.metrology.traceability import TraceResult
from nqi.organizations.models import Organization

router = Router(tags=["metrology"])

ID = Annotated[int, Field(ge=1, le=2_147_483_647)]


class ProblemOut(Schema):
    code: str = Field(description="e.g. no_standards, expired, link_withdrawn, cycle, external_not_accepted")
    message: str
    node: str = Field(description="id of the node the problem occurs at")


class ComparisonRefOut(Schema):
    comparison_id: int
    identifier: str
    equivalent: bool | None = None


class NodeOut(Schema):
    id: str = Field(
        description='"r<record id>", "n<standard id>" (national), "s<standard id>" (missing), "si"'
    )
    kind: str = Field(description="record, external, national, missing or si")
    ok: bool
    layer: int = Field(description="0 is the record checked; the SI is on the highest layer")
    label: str
    record_id: int | None = None
    certificate_number: str | None = None
    status: str | None = None
    item_id: int | None = None
    item: str | None = None
    laboratory_id: int | None = None
    laboratory: str | None = None
    calibrated_on: dt.date | None = None
    valid_until: dt.date | None = None
    instrument_id: int | None = None
    comparisons: list[ComparisonRefOut] = []


class EdgeOut(Schema):
    source: str = Field(description="the calibration that used a standard")
    target: str = Field(description="the certificate of that standard (or a terminal)")
    cycle: bool


class TraceOut(Schema):
    record_id: int
    certificate_number: str
    ok: bool
    nodes: list[NodeOut]
    edges: list[EdgeOut]
    problems: list[ProblemOut]
    notes: list[ProblemOut]


def trace_payload(result: TraceResult) -> dict[str, Any]:
    nodes = []
    for node in result.nodes.values():
        row: dict[str, Any] = {"id": node.id, "kind": node.kind, "ok": node.ok, "label": node.label}
        row["layer"] = result.layers[node.id]
        if node.record is not None:
            record = node.record
            row.update(
                record_id=record.pk,
                certificate_number=record.certificate_number,
                status=record.status,
                item_id=record.item_id,
                item=str(record.item),
                laboratory_id=record.laboratory_id,
                laboratory=str(record.laboratory),
                calibrated_on=record.calibrated_on,
                valid_until=record.valid_until,
            )
        if node.instrument is not None:
            row["instrument_id"] = node.instrument.pk
        row["comparisons"] = [
            {
                "comparison_id": p.comparison_id,
                "identifier": p.comparison.identifier,
                "equivalent": p.equivalent,
            }
            for p in node.comparisons
        ]
        nodes.append(row)
    return {
        "record_id": result.record.pk,
        "certificate_number": result.record.certificate_number,
        "ok": result.ok,
        "nodes": nodes,
        "edges": [{"source": e.source, "target": e.target, "cycle": e.cycle} for e in result.edges],
        "problems": [p.__dict__ for p in result.problems],
        "notes": [p.__dict__ for p in result.notes],
    }


@router.get(
    "/calibrations/{record_id}/traceability",
    response={200: TraceOut, **READ_ERRORS},
    summary="The traceability chain of a calibration, checked up to the SI",
)
def record_traceability(request, record_id: ID):
    record = get_object_or_404(CalibrationRecord, pk=record_id)
    return trace_payload(traceability.check(record))


class WindowQuery(Schema):
    laboratory_id: ID = Field(..., description="The laboratory that issued the certificates")
    date_from: dt.date | None = Field(None, description="Default: 365 days before date_to")
    date_to: dt.date | None = Field(None, description="Default: today")


def _window(query: WindowQuery) -> tuple[Organization, dt.date, dt.date]:
    laboratory = Organization.objects.filter(pk=query.laboratory_id).first()
    if laboratory is None:
        raise ValidationError({"laboratory_id": f"No organization with id {query.laboratory_id}."})
    start, end = traceability.window(query.date_from, query.date_to, timezone.localdate())
    return laboratory, start, end


class BrokenOut(Schema):
    record_id: int
    certificate_number: str
    calibrated_on: dt.date
    item_id: int
    item: str
    problems: list[ProblemOut]


@router.get(
    "/traceability/broken",
    response={200: list[BrokenOut], **READ_ERRORS},
    summary="Certificates a laboratory issued in a period whose traceability chain is broken",
)
@paginate(Pagination)
def broken_chains(request, query: Query[WindowQuery]):
    found = traceability.broken_chains(*_window(query))
    return [
        {
            "record_id": row.record.pk,
            "certificate_number": row.record.certificate_number,
            "calibrated_on": row.record.calibrated_on,
            "item_id": row.record.item_id,
            "item": str(row.record.item),
            "problems": [p.__dict__ for p in row.problems],
        }
        for row in found.rows
    ]


class AtRiskOut(Schema):
    standard_id: int
    standard: str
    code: str = Field(description="never_calibrated, expired, failed_as_left or found_out_of_tolerance")
    message: str
    last_used: dt.date
    certificate_number: str | None = None


@router.get(
    "/traceability/standards-at-risk",
    response={200: list[AtRiskOut], **READ_ERRORS},
    summary="Standards a laboratory used after their calibration expired or failed",
)
def standards_at_risk(request, query: Query[WindowQuery]):
    return [
        {
            "standard_id": row.standard.pk,
            "standard": str(row.standard),
            "code": row.code,
            "message": row.message,
            "last_used": row.last_used,
            "certificate_number": row.certificate.certificate_number if row.certificate else None,
        }
        for row in traceability.standards_at_risk(*_window(query))
    ]


class ReverseQuery(Schema):
    failing_id: ID | None = Field(None, description="The out-of-tolerance calibration; default the latest")
    transitive: bool = Field(False, description="Follow affected standards to what they supported")
    depth: int = Field(3, ge=1, le=5, description="Transitive levels to follow")
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=1_000_000)


class CertificateRefOut(Schema):
    record_id: int
    certificate_number: str
    calibrated_on: dt.date
    as_found_verdict: str
    as_left_verdict: str


class AffectedOut(Schema):
    level: int = Field(description="0: used the standard itself; n: used a standard affected at level n-1")
    record_id: int
    certificate_number: str
    calibrated_on: dt.date
    status: str
    item_id: int
    item: str
    item_level: str
    owner_id: int
    owner: str
    customer_id: int | None = None
    customer: str | None = None
    laboratory_id: int
    laboratory: str
    via_certificate: str | None = None


class CustomerOut(Schema):
    organization_id: int
    organization: str
    certificates: int


class ReverseOut(Schema):
    standard_id: int
    standard: str
    failing: CertificateRefOut | None = None
    last_good: CertificateRefOut | None = None
    window_start: dt.date | None = Field(None, description="None: since the standard was first used")
    window_end: dt.date | None = None
    transitive: bool
    count: int
    truncated: bool
    customers: list[CustomerOut]
    affected: list[AffectedOut]


def _certificate(record: CalibrationRecord | None) -> dict[str, Any] | None:
    if record is None:
        return None
    return {
        "record_id": record.pk,
        "certificate_number": record.certificate_number,
        "calibrated_on": record.calibrated_on,
        "as_found_verdict": record.as_found_verdict,
        "as_left_verdict": record.as_left_verdict,
    }


def _affected(impact: traceability.Impact) -> dict[str, Any]:
    record, via = impact.use.record, impact.use.standard_calibration
    return {
        "level": impact.level,
        "record_id": record.pk,
        "certificate_number": record.certificate_number,
        "calibrated_on": record.calibrated_on,
        "status": record.status,
        "item_id": record.item_id,
        "item": str(record.item),
        "item_level": record.item.level,
        "owner_id": record.item.owner_id,
        "owner": str(record.item.owner),
        "customer_id": record.customer_id,
        "customer": str(record.customer) if record.customer else None,
        "laboratory_id": record.laboratory_id,
        "laboratory": str(record.laboratory),
        "via_certificate": via.certificate_number if via is not None else None,
    }


@router.get(
    "/instruments/{instrument_id}/reverse-traceability",
    response={200: ReverseOut, **READ_ERRORS},
    summary="Calibrations a standard supported since its last good calibration before it failed",
)
def reverse_traceability(request, instrument_id: ID, query: Query[ReverseQuery]):
    standard = get_object_or_404(Instrument, pk=instrument_id)
    failing_list = traceability.failing_calibrations(standard)
    if query.failing_id is not None:
        failing = failing_list.filter(pk=query.failing_id).first()
        if failing is None:
            message = f"Calibration {query.failing_id} did not find this standard out of tolerance."
            raise ValidationError({"failing_id": message})
    else:
        failing = failing_list.first()
    payload: dict[str, Any] = {
        "standard_id": standard.pk,
        "standard": str(standard),
        "transitive": query.transitive,
        "count": 0,
        "truncated": False,
        "customers": [],
        "affected": [],
    }
    if failing is None:
        return payload
    trace = traceability.reverse_trace(standard, failing, query.transitive, query.depth)
    payload.update(
        failing=_certificate(trace.failing),
        last_good=_certificate(trace.last_good),
        window_start=trace.start,
        window_end=trace.end,
        count=len(trace.impacts),
        truncated=trace.truncated,
        customers=[
            {"organization_id": whom.pk, "organization": str(whom), "certificates": count}
            for whom, count in trace.by_customer()
        ],
        affected=[_affected(i) for i in trace.impacts[query.offset : query.offset + query.limit]],
    )
    return payload
