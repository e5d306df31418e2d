"""Ballot deadlines, missed ballots and the P-member rule, and the work programme's overdue list.

ISO/IEC Directives Part 1 (1.7.4): a P-member that has failed to vote on two successive ballots
of a committee may have its status changed to O-member. Here a ballot counts as *missed* when it
has closed without a submitted national position.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q, QuerySet
from django.utils import timezone

from nqi.committees import participation
from nqi.committees.models import Ballot, Stage, WorkItem

DUE_SOON_DAYS = 14


def _pending(queryset: QuerySet[Ballot]) -> QuerySet[Ballot]:
    return queryset.filter(Q(position__isnull=True) | Q(position__submitted=False))


def due_soon(queryset: QuerySet[Ballot] | None = None, days: int = DUE_SOON_DAYS, today=None):
    today = today or timezone.localdate()
    queryset = Ballot.objects.all() if queryset is None else queryset
    return (
        _pending(queryset)
        .filter(closes__gte=today, closes__lte=today + dt.timedelta(days=days), opens__lte=today)
        .select_related("committee", "mirror", "position")
        .order_by("closes", "pk")
    )


def overdue(queryset: QuerySet[Ballot] | None = None, today=None):
    """Closed ballots without a submitted national position (missed)."""
    today = today or timezone.localdate()
    queryset = Ballot.objects.all() if queryset is None else queryset
    return (
        _pending(queryset)
        .filter(closes__lt=today)
        .select_related("committee", "mirror", "position")
        .order_by("-closes", "pk")
    )


def overdue_work_items(queryset: QuerySet[WorkItem] | None = None, today=None):
    today = today or timezone.localdate()
    queryset = WorkItem.objects.all() if queryset is None else queryset
    return (
        queryset.exclude(stage=Stage.PUBLICATION)
        .filter(Q(stage_target__lt=today) | Q(publication_target__lt=today))
        .select_related("committee")
        .order_by("stage_target", "pk")
    )


def _is_missed(ballot: Ballot, today: dt.date) -> bool:
    position = getattr(ballot, "position", None)
    return ballot.closes < today and not (position and position.submitted)


def missed_streaks(member_body, today=None) -> dict[int, dict]:
    """Per ISO/IEC committee: the member body's closed ballots, how many it missed and its current
    streak of successive missed ballots; ``at_risk`` when P-member with two or more in a row."""
    today = today or timezone.localdate()
    status = participation.statuses(member_body)
    ballots = (
        Ballot.objects.filter(mirror__member_body=member_body, closes__lt=today)
        .select_related("committee", "position")
        .order_by("committee_id", "closes", "pk")
    )
    result: dict[int, dict] = {}
    for ballot in ballots:
        row = result.setdefault(
            ballot.committee_id,
            {"committee": ballot.committee, "closed": 0, "missed": 0, "streak": 0, "status": ""},
        )
        row["closed"] += 1
        if _is_missed(ballot, today):
            row["missed"] += 1
            row["streak"] += 1
        else:
            row["streak"] = 0
    for committee_id, row in result.items():
        row["status"] = status.get(committee_id, "")
        row["at_risk"] = row["status"] == "P" and row["streak"] >= 2
    return result


def at_risk(member_body, today=None) -> list[dict]:
    return [row for row in missed_streaks(member_body, today).values() if row["at_risk"]]


def voting_record(member_body, today=None) -> dict[str, list[dict]]:
    """Ballots due (closed), voted and missed, per committee and per year."""
    today = today or timezone.localdate()
    per_committee: dict[str, dict] = {}
    per_year: dict[int, dict] = defaultdict(lambda: {"due": 0, "voted": 0, "missed": 0, "open": 0})
    ballots = Ballot.objects.filter(mirror__member_body=member_body).select_related("committee", "position")
    for ballot in ballots:
        row = per_committee.setdefault(
            ballot.committee.reference,
            {"committee": ballot.committee.reference, "due": 0, "voted": 0, "missed": 0, "open": 0},
        )
        year = per_year[ballot.closes.year]
        position = getattr(ballot, "position", None)
        submitted = bool(position and position.submitted)
        if ballot.closes >= today and not submitted:
            key = "open"
        else:
            for target in (row, year):
                target["due"] += 1
            key = "voted" if submitted else "missed"
        for target in (row, year):
            target[key] += 1
    return {
        "per_committee": sorted(per_committee.values(), key=lambda r: r["committee"]),
        "per_year": [{"year": year, **counts} for year, counts in sorted(per_year.items())],
    }
