"""Participation analytics from the imported ISO/IEC committee data.

Member bodies are identified by their ISO member-body id (``CommitteeMembership.member_id``); an
organization in the registry with that ``iso_member_id`` gets its manual overrides applied too.
Only active committees count unless ``include_inactive`` is given.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from nqi.committees import participation
from nqi.organizations.models import Organization
from nqi.standards.models import CommitteeMembership, InternationalCommittee, InternationalDocument
from nqi.standards.stages import StageGroup

CURRENT_STAGES = (StageGroup.PUBLISHED, StageGroup.REVIEW)


def _committees(include_inactive: bool = False):
    queryset = InternationalCommittee.objects.all()
    return queryset if include_inactive else queryset.filter(status__iexact="active")


def resolve_member(key: str | int) -> dict | None:
    """A member body by ISO id, ISO acronym, or country code of a registry member body."""
    text = str(key).strip()
    org = None
    if text.isdigit() and len(text) < 12:
        member_id = int(text)
        org = Organization.objects.filter(iso_member_id=member_id).select_related("country").first()
    else:
        org = (
            Organization.objects.filter(iso_member_id__isnull=False)
            .filter(Q(iso_acronym__iexact=text) | Q(country__code__iexact=text))
            .select_related("country")
            .order_by("pk")
            .first()
        )
        row = CommitteeMembership.objects.filter(member_acronym__iexact=text).values("member_id").first()
        member_id = org.iso_member_id if org else (row["member_id"] if row else None)
    if member_id is None:
        return None
    acronym = (
        CommitteeMembership.objects.filter(member_id=member_id)
        .values_list("member_acronym", flat=True)
        .first()
    )
    if acronym is None and org is None:
        return None
    return {
        "member_id": member_id,
        "acronym": acronym or (org.iso_acronym if org else ""),
        "organization": org,
        "country": org.country.code if org and org.country_id else None,
    }


def statuses_for(member: dict, include_inactive: bool = False) -> dict[int, str]:
    committee_ids = set(_committees(include_inactive).values_list("pk", flat=True))
    if member["organization"] is not None:
        status = participation.statuses(member["organization"])
    else:
        status = participation.imported_statuses(member["member_id"])
    return {pk: value for pk, value in status.items() if pk in committee_ids}


def summary(member: dict, include_inactive: bool = False) -> dict:
    """P/O counts (overall and per committee kind) and secretariats held."""
    status = statuses_for(member, include_inactive)
    kinds = dict(_committees(include_inactive).values_list("pk", "kind"))
    by_kind: dict[str, dict[str, int]] = {}
    for committee_id, value in status.items():
        row = by_kind.setdefault(kinds.get(committee_id) or "other", {"P": 0, "O": 0})
        row[value] += 1
    counts = Counter(status.values())
    secretariats = list(
        _committees(include_inactive)
        .filter(secretariat_id=member["member_id"])
        .order_by("sort_key")
        .values_list("reference", flat=True)
    )
    return {
        "member_id": member["member_id"],
        "acronym": member["acronym"],
        "country": member["country"],
        "p": counts.get("P", 0),
        "o": counts.get("O", 0),
        "by_kind": [{"kind": kind, "p": row["P"], "o": row["O"]} for kind, row in sorted(by_kind.items())],
        "secretariats": secretariats,
    }


def compare(keys: list[str], include_inactive: bool = False) -> tuple[list[dict], list[str]]:
    """Summaries of several member bodies side by side, and the keys that matched nothing."""
    found, unknown = [], []
    for key in keys:
        member = resolve_member(key)
        if member is None:
            unknown.append(key)
        else:
            found.append(summary(member, include_inactive))
    return found, unknown


def _committee_fields() -> dict[int, Counter]:
    """Per committee: its current documents counted by ICS field."""
    rows = (
        InternationalDocument.objects.filter(committee__isnull=False, stage_group__in=CURRENT_STAGES)
        .exclude(ics_field="")
        .values_list("committee_id", "ics_field")
        .annotate(n=Count("pk"))
    )
    fields: dict[int, Counter] = {}
    for committee_id, field, n in rows:
        fields.setdefault(committee_id, Counter())[field] += n
    return fields


def relevant_fields(member: dict, explicit: list[str] | None = None) -> list[str]:
    """The country's ICS fields: given explicitly, else those of its mirror committees' ISO/IEC
    committees, else of every committee it belongs to. (Hook: use the national catalogue's ICS
    fields once :mod:`nqi.standards.national` has standards.)"""
    if explicit:
        return sorted({code.strip()[:2] for code in explicit if code.strip()})
    fields = _committee_fields()
    committee_ids: set[int] = set()
    if member["organization"] is not None:
        committee_ids = set(
            InternationalCommittee.objects.filter(
                mirror_committees__member_body=member["organization"]
            ).values_list("pk", flat=True)
        )
    if not committee_ids:
        committee_ids = set(statuses_for(member))
    result: set[str] = set()
    for committee_id in committee_ids:
        result |= set(fields.get(committee_id, {}))
    return sorted(result)


def coverage(member: dict, explicit_fields: list[str] | None = None) -> dict:
    """Share of the committees working in the country's ICS fields where it is a P-member, and the
    committees there with current documents but no membership (gaps), most documents first."""
    fields = set(relevant_fields(member, explicit_fields))
    status = statuses_for(member)
    per_committee = _committee_fields()
    committees = {c.pk: c for c in _committees().only("pk", "reference", "title_en")}
    relevant, gaps = [], []
    for committee_id, counter in per_committee.items():
        if committee_id not in committees:
            continue
        documents = sum(n for field, n in counter.items() if field in fields)
        if not documents:
            continue
        relevant.append(committee_id)
        if committee_id not in status:
            committee = committees[committee_id]
            gaps.append(
                {"committee": committee.reference, "title": committee.title_en, "documents": documents}
            )
    p_count = sum(1 for pk in relevant if status.get(pk) == "P")
    o_count = sum(1 for pk in relevant if status.get(pk) == "O")
    gaps.sort(key=lambda row: (-row["documents"], row["committee"]))
    return {
        "acronym": member["acronym"],
        "fields": sorted(fields),
        "relevant_committees": len(relevant),
        "p": p_count,
        "o": o_count,
        "p_share": round(p_count / len(relevant), 4) if relevant else 0.0,
        "gaps": gaps,
    }


def member_bodies(limit: int = 500) -> list[dict]:
    """Every member body in the imported data with its P and O counts (active committees)."""
    rows = (
        CommitteeMembership.objects.filter(committee__status__iexact="active")
        .values("member_id", "member_acronym")
        .annotate(p=Count("pk", filter=Q(status="P")), o=Count("pk", filter=Q(status="O")))
        .order_by("-p", "member_acronym")[:limit]
    )
    return [
        {"member_id": r["member_id"], "acronym": r["member_acronym"], "p": r["p"], "o": r["o"]} for r in rows
    ]


def comparison_svg(rows: list[dict]) -> str:
    """A grouped bar chart of P and O memberships (SVG, labels translated)."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(max(4.0, 1.1 * len(rows) + 2), 3.4))
    axes = figure.subplots()
    labels = [row["acronym"] for row in rows]
    positions = range(len(rows))
    width = 0.38
    axes.bar([x - width / 2 for x in positions], [r["p"] for r in rows], width, label=_("P-member"))
    axes.bar([x + width / 2 for x in positions], [r["o"] for r in rows], width, label=_("O-member"))
    axes.set_xticks(list(positions), labels)
    axes.set_ylabel(_("Committees"))
    axes.set_title(_("Participation in ISO committees"))
    axes.legend()
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    svg = buffer.getvalue()
    return svg[svg.find("<svg") :]
