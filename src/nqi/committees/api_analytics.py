"""REST endpoints for participation analytics: P/O counts, comparison, coverage, voting record."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from nqi.committees import analytics, deadlines
from nqi.core.api import READ_ERRORS
from nqi.organizations.models import Organization

router = Router(tags=["committees"])

MEMBER_HELP = "ISO member-body id, ISO acronym (e.g. STAMEQ) or country code of a registry member body"


class MemberCount(Schema):
    member_id: int
    acronym: str
    p: int
    o: int


class KindCount(Schema):
    kind: str
    p: int
    o: int


class Summary(Schema):
    member_id: int
    acronym: str
    country: str | None = None
    p: int
    o: int
    by_kind: list[KindCount]
    secretariats: list[str]


class Comparison(Schema):
    members: list[Summary]
    unknown: list[str]


class Gap(Schema):
    committee: str
    title: str
    documents: int


class Coverage(Schema):
    acronym: str
    fields: list[str]
    relevant_committees: int
    p: int
    o: int
    p_share: float = Field(description="P-memberships / committees working in the country's ICS fields")
    gaps: list[Gap] = Field(description="Committees with current documents in those fields but no membership")


class RecordRow(Schema):
    due: int
    voted: int
    missed: int
    open: int


class CommitteeRecord(RecordRow):
    committee: str


class YearRecord(RecordRow):
    year: int


class AtRisk(Schema):
    committee: str
    status: str
    closed: int
    missed: int
    streak: int
    at_risk: bool


class VotingRecord(Schema):
    per_committee: list[CommitteeRecord]
    per_year: list[YearRecord]
    committees: list[AtRisk]


def _member(key: str) -> dict:
    member = analytics.resolve_member(key[:60])
    if member is None:
        raise Http404(f"No member body {key[:60]!r} in the committee data.")
    return member


@router.get(
    "/participation/member-bodies",
    response={200: list[MemberCount], **READ_ERRORS},
    summary="Every member body's P and O memberships (active ISO committees)",
)
def member_bodies(request, limit: int = Query(300, ge=1, le=500)):
    return analytics.member_bodies(limit)


@router.get(
    "/participation/compare",
    response={200: Comparison, **READ_ERRORS},
    summary="Side-by-side P/O counts and secretariats of several member bodies",
)
def compare(
    request,
    members: str = Query("UZ,VN,KZ,KR", max_length=300, description="Comma-separated: " + MEMBER_HELP),
    include_inactive: bool = False,
):
    keys = [key.strip() for key in members.split(",") if key.strip()][:20]
    found, unknown = analytics.compare(keys, include_inactive)
    return {"members": found, "unknown": unknown}


@router.get(
    "/participation/{member}",
    response={200: Summary, **READ_ERRORS},
    summary="P/O counts and secretariats of one member body",
)
def participation_summary(request, member: str, include_inactive: bool = False):
    return analytics.summary(_member(member), include_inactive)


@router.get(
    "/participation/{member}/coverage",
    response={200: Coverage, **READ_ERRORS},
    summary="Coverage of the country's ICS fields by P-memberships, and the gaps",
)
def coverage(
    request,
    member: str,
    ics: str | None = Query(None, max_length=300, description="Comma-separated ICS fields, e.g. 03,13,91"),
    limit: int = Query(50, ge=1, le=1000),
):
    fields = [code for code in (ics or "").split(",") if code.strip()]
    result = analytics.coverage(_member(member), fields or None)
    result["gaps"] = result["gaps"][:limit]
    return result


@router.get(
    "/member-bodies/{org_id}/voting-record",
    response={200: VotingRecord, **READ_ERRORS},
    summary="Ballots due, voted and missed per committee and year; P-memberships at risk",
)
def voting_record(request, org_id: int):
    body = get_object_or_404(Organization, pk=org_id)
    record = deadlines.voting_record(body)
    streaks = [
        {**{k: v for k, v in row.items() if k != "committee"}, "committee": row["committee"].reference}
        for row in deadlines.missed_streaks(body).values()
    ]
    return {**record, "committees": sorted(streaks, key=lambda r: r["committee"])}
