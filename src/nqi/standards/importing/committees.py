"""Import of ISO technical committees (ISO Open Data JSONL or CSV) with membership change events."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from nqi.core.search import index_objects
from nqi.standards.importing.documents import RolledBack, reject
from nqi.standards.importing.normalize import content_hash, parse_date, sanitize_html
from nqi.standards.importing.readers import RowError, read_records
from nqi.standards.models import ChangeEvent, CommitteeMembership, ImportRun, InternationalCommittee
from nqi.text import natural_key

_KIND = re.compile(r"/(TC|SC|JTC|PC|WG|JSyC|SyC|CASCO|COPOLCO|DEVCO|TMBG)\b")


def committee_kind(reference: str) -> str:
    kinds = _KIND.findall(reference)
    if not kinds:
        return "JTC" if "JTC" in reference else "other"
    return kinds[-1]


def _members(value: Any, field: str) -> dict[int, str]:
    if not value:
        return {}
    if not isinstance(value, list):
        raise RowError(f"{field}: expected a list of member bodies")
    members = {}
    for item in value:
        try:
            members[int(item["id"])] = str(item.get("acronym") or "")
        except (KeyError, TypeError, ValueError) as exc:
            raise RowError(f"{field}: a member without a numeric id") from exc
    return members


def committee_values(data: dict[str, Any]) -> dict[str, Any]:
    try:
        source_id = int(data.get("id"))
    except (TypeError, ValueError) as exc:
        raise RowError("id: missing or not a number") from exc
    reference = str(data.get("reference") or "").strip()
    if not reference:
        raise RowError("reference: missing")
    title = data.get("title") or {}
    secretariat = data.get("secretariat") or {}
    created, _precision = parse_date(data.get("creationDate"), "creationDate")
    p_members = _members(data.get("pMembers"), "pMembers")
    o_members = _members(data.get("oMembers"), "oMembers")
    parent = data.get("parentId")
    values = {
        "source_id": source_id,
        "reference": reference,
        "kind": committee_kind(reference),
        "sort_key": natural_key(reference)[:120],
        "status": str(data.get("status") or ""),
        "title_en": str((title or {}).get("en") or reference),
        "title_fr": str((title or {}).get("fr") or ""),
        "secretariat_id": int(secretariat["id"])
        if isinstance(secretariat, dict) and secretariat.get("id")
        else None,
        "secretariat_acronym": str(secretariat.get("acronym") or "") if isinstance(secretariat, dict) else "",
        "creation_date": created,
        "scope_html": sanitize_html(
            (data.get("scope") or {}).get("en") if isinstance(data.get("scope"), dict) else None
        ),
        "liaisons": {
            "committees": [
                c.get("reference") for c in data.get("committeeLiaisons") or [] if isinstance(c, dict)
            ],
            "organizations": [
                o.get("acronym") for o in data.get("organizationLiaisons") or [] if isinstance(o, dict)
            ],
        },
        "_parent": int(parent) if parent not in (None, "", "null") else None,
        "_members": {
            **{m: ("O", a) for m, a in o_members.items()},
            **{m: ("P", a) for m, a in p_members.items()},
        },
    }
    values["content_hash"] = content_hash(values)
    return values


def import_committees(
    paths: Iterable[Path], *, all_or_nothing: bool = False, today: dt.date | None = None
) -> ImportRun:
    paths = list(paths)
    today = today or timezone.localdate()
    run = ImportRun.objects.create(
        source="iso-committees", started_at=timezone.now(), files=[p.name for p in paths]
    )
    initial = not InternationalCommittee.objects.exists()
    try:
        with transaction.atomic():
            parents: dict[int, int | None] = {}
            events: list[ChangeEvent] = []
            touched: list[InternationalCommittee] = []
            existing = {c.source_id: c for c in InternationalCommittee.objects.all()}
            for path in paths:
                for record in read_records(path):
                    if record.data is None:
                        reject(run, record, record.error)
                        continue
                    try:
                        values = committee_values(record.data)
                    except RowError as exc:
                        reject(run, record, str(exc))
                        continue
                    parents[values["source_id"]] = values.pop("_parent")
                    members = values.pop("_members")
                    committee = existing.get(values["source_id"])
                    if committee is None:
                        committee = InternationalCommittee.objects.create(**values)
                        existing[committee.source_id] = committee
                        run.added += 1
                        if not initial:
                            events.append(
                                ChangeEvent(
                                    kind=ChangeEvent.Kind.NEW_COMMITTEE,
                                    date=values["creation_date"] or today,
                                    committee=committee,
                                    new_value=committee.reference,
                                )
                            )
                    elif committee.content_hash != values["content_hash"]:
                        for key, value in values.items():
                            setattr(committee, key, value)
                        committee.save()
                        run.changed += 1
                    else:
                        run.unchanged += 1
                        continue
                    touched.append(committee)
                    events += _sync_members(committee, members, today, report=not initial)
            by_sid = {c.source_id: c for c in existing.values()}
            for sid, parent_sid in parents.items():
                committee, parent = by_sid[sid], by_sid.get(parent_sid) if parent_sid else None
                if committee.parent_id != (parent.pk if parent else None):
                    InternationalCommittee.objects.filter(pk=committee.pk).update(parent=parent)
            for event in events:
                event.import_run = run
            ChangeEvent.objects.bulk_create(events)
            index_objects(InternationalCommittee, touched)
            if all_or_nothing and run.rejected:
                raise RolledBack
            run.applied = True
    except RolledBack:
        run.added = run.changed = run.unchanged = 0
    run.finished_at = timezone.now()
    run.save()
    return run


def _sync_members(committee, members: dict[int, tuple[str, str]], today, report: bool) -> list[ChangeEvent]:
    current = {m.member_id: m for m in committee.memberships.all()}
    events = []
    for member_id, membership in current.items():
        if member_id not in members:
            membership.delete()
            if report:
                events.append(
                    ChangeEvent(
                        kind=ChangeEvent.Kind.MEMBERSHIP,
                        date=today,
                        committee=committee,
                        old_value=f"{membership.member_acronym} {membership.status}",
                        new_value="—",
                        detail={"member_id": member_id},
                    )
                )
    new_rows = []
    for member_id, (status, acronym) in members.items():
        membership = current.get(member_id)
        if membership is None:
            new_rows.append(
                CommitteeMembership(
                    committee=committee, member_id=member_id, member_acronym=acronym, status=status
                )
            )
            if report:
                events.append(
                    ChangeEvent(
                        kind=ChangeEvent.Kind.MEMBERSHIP,
                        date=today,
                        committee=committee,
                        old_value="—",
                        new_value=f"{acronym} {status}",
                        detail={"member_id": member_id},
                    )
                )
        elif membership.status != status or membership.member_acronym != acronym:
            if report and membership.status != status:
                events.append(
                    ChangeEvent(
                        kind=ChangeEvent.Kind.MEMBERSHIP,
                        date=today,
                        committee=committee,
                        old_value=f"{acronym} {membership.status}",
                        new_value=f"{acronym} {status}",
                        detail={"member_id": member_id},
                    )
                )
            membership.status, membership.member_acronym = status, acronym
            membership.save()
    CommitteeMembership.objects.bulk_create(new_rows)
    return events
