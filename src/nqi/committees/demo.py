"""Demo mirror committees for Vietnam, Uzbekistan and Kazakhstan, built on the real ISO data.

For each country the national member body's real P-memberships in top-level ISO committees are
mirrored (the committees with the most current documents first). The members are the fictional
demo people of that country; the ballots, votes and projects are fictional too (``is_demo``).
Loading is idempotent: committees are matched on their number, ballots on (committee, reference).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from nqi.committees import participation
from nqi.committees.models import (
    Ballot,
    BallotType,
    Comment,
    CommitteeMember,
    MemberRole,
    MirrorCommittee,
    NationalPosition,
    Stage,
    Vote,
    WorkItem,
)
from nqi.core.audit import acting_as
from nqi.core.search import index_objects
from nqi.organizations.models import Organization, Person
from nqi.standards.models import InternationalCommittee

COUNTRIES = {
    "VN": {
        "body": "vn-stameq",
        "prefix": "TCVN/TC",
        "lang": "vi",
        "title": "Ban kỹ thuật tiêu chuẩn quốc gia {ref}",
    },
    "UZ": {"body": "uz-uzstandard", "prefix": "UZ/TC", "lang": "uz", "title": "{ref} texnik qo'mitasi"},
    "KZ": {"body": "kz-ktrm", "prefix": "KZ/TC", "lang": "kk", "title": "{ref} техникалық комитеті"},
}
ROLES = [MemberRole.CHAIR, MemberRole.SECRETARY, MemberRole.EXPERT, MemberRole.EXPERT, MemberRole.OBSERVER]


@dataclass
class DemoSummary:
    committees: list[str] = field(default_factory=list)
    ballots: int = 0
    work_items: int = 0

    def __str__(self) -> str:
        return (
            f"{len(self.committees)} committees ({', '.join(self.committees)}), "
            f"{self.ballots} ballots, {self.work_items} projects"
        )


def _chosen_committees(body: Organization, per_country: int) -> list[InternationalCommittee]:
    status = participation.statuses(body)
    p_ids = [pk for pk, value in status.items() if value == "P"] or list(status)
    return list(
        InternationalCommittee.objects.filter(pk__in=p_ids, parent__isnull=True, kind="TC")
        .annotate(n=Count("documents", filter=Q(documents__stage_group="published")))
        .order_by("-n", "sort_key")[:per_country]
    )


def _number(prefix: str, committee: InternationalCommittee) -> str:
    tail = committee.reference.split("/", 1)[-1]  # "TC 176", "IEC JTC 1/SC 27", "CASCO"
    return f"{prefix} {tail.removeprefix('TC ')}"


def _people(code: str) -> list[Person]:
    return list(Person.objects.filter(seed_key__startswith=f"demo-{code.lower()}-").order_by("seed_key"))


def _ballots(committee: MirrorCommittee, source: InternationalCommittee, members: list[Person], today) -> int:
    document = source.documents.filter(stage_group="published").order_by("-publication_date", "pk").first()
    reference = document.reference if document else f"{source.reference} N 1"
    plans = [
        (BallotType.SR, today - dt.timedelta(days=200), "submitted"),
        (BallotType.DIS, today - dt.timedelta(days=90), "missed"),
        (BallotType.CD, today - dt.timedelta(days=30), "missed"),
        (BallotType.FDIS, today + dt.timedelta(days=10), "open"),
    ]
    created = 0
    for kind, closes, state in plans:
        ballot, new = Ballot.objects.get_or_create(
            committee=source,
            mirror=committee,
            reference=f"{reference} ({kind.upper()})",
            defaults={
                "document": document,
                "title": document.title_en[:500] if document else "",
                "ballot_type": kind,
                "opens": closes - dt.timedelta(days=56),
                "closes": closes,
                "is_demo": True,
            },
        )
        created += new
        if not new:
            continue
        if state in ("submitted", "open") and members:
            for person, vote in zip(members[:3], ["approve", "approve", "abstain"], strict=False):
                Vote.objects.create(ballot=ballot, person=person, vote=vote)
            Comment.objects.create(
                ballot=ballot,
                author=members[0],
                clause="3.1",
                paragraph="Note 1",
                comment_type="ed",
                comment="The note repeats the definition.",
                proposed_change="Delete Note 1.",
            )
        if state == "submitted":
            NationalPosition.objects.create(
                ballot=ballot, vote="approve", submitted=True, submitted_at=timezone.now()
            )
    return created


@transaction.atomic
def load_demo(countries: tuple[str, ...] = ("VN", "UZ", "KZ"), per_country: int = 3) -> DemoSummary:
    summary = DemoSummary()
    today = timezone.localdate()
    with acting_as(None, "demo"):
        for code in countries:
            config = COUNTRIES.get(code.upper())
            body = Organization.objects.filter(seed_key=config["body"]).first() if config else None
            if body is None:
                continue
            members = _people(code)
            for source in _chosen_committees(body, per_country):
                number = _number(config["prefix"], source)
                committee, created = MirrorCommittee.objects.get_or_create(
                    number=number,
                    defaults={
                        "title": source.title_en[:300],
                        "title_i18n": {config["lang"]: config["title"].format(ref=number)},
                        "member_body": body,
                        "secretariat": body,
                        "scope": f"National mirror committee of {source.reference}.",
                        "is_demo": True,
                    },
                )
                summary.committees.append(number)
                if created:
                    committee.mirrors.add(source)
                    index_objects(MirrorCommittee, [committee])
                    for person, role in zip(members, ROLES, strict=False):
                        CommitteeMember.objects.create(
                            committee=committee, person=person, role=role, start=dt.date(2024, 1, 1)
                        )
                summary.ballots += _ballots(committee, source, members, today)
                document = source.documents.filter(stage_group="published").order_by("pk").first()
                _item, new = WorkItem.objects.get_or_create(
                    committee=committee,
                    reference=f"{number} DT-{today.year}-1",
                    defaults={
                        "title": f"Adoption of {document.reference}" if document else source.title_en[:300],
                        "adopts": document,
                        "stage": Stage.COMMITTEE_DRAFT,
                        "stage_target": today - dt.timedelta(days=15),
                        "publication_target": today + dt.timedelta(days=180),
                        "is_demo": True,
                    },
                )
                summary.work_items += new
    return summary
