"""Traceability over many records: broken chains, standards at risk, reverse traceability.

Split from :mod:`nqi.metrology.traceability`, which checks one chain and re-exports these names.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from nqi.metrology.models import (
    CalibrationRecord,
    Instrument,
    InstrumentLevel,
    RecordStatus,
    StandardUse,
    Verdict,
)
from nqi.metrology.traceability import RECORD_RELATED, Tracer, TraceResult, record_node_id
from nqi.organizations.models import Organization

# -- lists over many records: broken chains, standards at risk -----------------------------------
MAX_WINDOW_DAYS = 3 * 366
MAX_CANDIDATES = 2000


@dataclass
class BrokenChains:
    """Issued records of a laboratory in a window whose chain is broken, with their results."""

    rows: list[TraceResult]
    checked: int  # records issued in the window
    truncated: bool  # more suspects than MAX_CANDIDATES: narrow the window


def broken_chains(laboratory: Organization, start: dt.date, end: dt.date) -> BrokenChains:
    """Check the records a laboratory issued in ``start…end`` without checking each one fully.

    The certificates those records link to are few (the laboratory's standards): they are checked
    first, together. Only the records with a suspect link (missing, not issued, failed, not valid
    on the date, or to a broken certificate), no standards, or performed abroad are then checked
    fully; the others are traceable by construction (issued records are immutable).
    """
    window = CalibrationRecord.objects.filter(
        laboratory=laboratory, status=RecordStatus.ISSUED, calibrated_on__range=(start, end)
    )
    linked = StandardUse.objects.filter(record__in=window, standard_calibration__isnull=False)
    certificate_ids = set(linked.values_list("standard_calibration_id", flat=True).distinct())
    tracer = Tracer()
    tracer.add(CalibrationRecord.objects.filter(pk__in=certificate_ids).select_related(*RECORD_RELATED))
    broken_ids = [pk for pk in certificate_ids if not tracer.nodes[record_node_id(pk)].ok]
    uses = StandardUse.objects.filter(record=OuterRef("pk")).exclude(standard__level=InstrumentLevel.NATIONAL)
    suspect_use = uses.filter(
        Q(standard_calibration__isnull=True)
        | ~Q(standard_calibration__status=RecordStatus.ISSUED)
        | Q(standard_calibration__as_left_verdict=Verdict.FAIL)
        | Q(standard_calibration__valid_until__isnull=True)
        | Q(standard_calibration__valid_until__lt=F("calibrated_on"))
        | Q(standard_calibration__calibrated_on__gt=F("calibrated_on"))
        | Q(standard_calibration_id__in=broken_ids)
    )
    abroad = Q(external=True) | (
        ~Q(item__level=InstrumentLevel.INSTRUMENT) & ~Q(item__owner__country_id=laboratory.country_id)
    )
    no_standards = ~Exists(StandardUse.objects.filter(record=OuterRef("pk"))) & ~Q(
        item__level=InstrumentLevel.NATIONAL
    )
    suspects = window.filter(Exists(suspect_use) | no_standards | abroad).select_related(*RECORD_RELATED)
    suspects = list(suspects.order_by("-calibrated_on", "-pk")[: MAX_CANDIDATES + 1])
    truncated = len(suspects) > MAX_CANDIDATES
    tracer.add(suspects[:MAX_CANDIDATES])
    rows = [tracer.result(record) for record in suspects[:MAX_CANDIDATES]]
    return BrokenChains([row for row in rows if not row.ok], window.count(), truncated)


@dataclass
class AtRisk:
    standard: Instrument
    code: str
    message: str
    last_used: dt.date
    certificate: CalibrationRecord | None


def standards_at_risk(laboratory: Organization, start: dt.date, end: dt.date) -> list[AtRisk]:
    """Standards a laboratory used in ``start…end`` after their calibration expired or failed.

    Also those whose latest calibration found them out of tolerance: what they supported since
    their last good calibration is suspect (see :func:`reverse_trace`).
    """
    used = (
        StandardUse.objects.filter(record__laboratory=laboratory, record__calibrated_on__range=(start, end))
        .exclude(record__status=RecordStatus.DRAFT)
        .exclude(standard__level=InstrumentLevel.INSTRUMENT)
        .values("standard_id")
        .annotate(last_used=Max("calibrated_on"))
    )
    last_used = {row["standard_id"]: row["last_used"] for row in used}
    calibrations: dict[int, list[CalibrationRecord]] = defaultdict(list)
    kept = (RecordStatus.ISSUED, RecordStatus.WITHDRAWN)
    history = CalibrationRecord.objects.filter(item_id__in=last_used, status__in=kept)
    fields = ("item_id", "certificate_number", "status", "calibrated_on", "valid_until")
    for record in history.only(*fields, "as_found_verdict", "as_left_verdict").order_by(
        "item_id", "-calibrated_on", "-revision", "-pk"
    ):
        calibrations[record.item_id].append(record)
    standards = Instrument.objects.filter(pk__in=last_used).select_related("owner")
    found = []
    for standard in standards.order_by("asset_number", "pk"):
        risk = _risk(standard, last_used[standard.pk], calibrations[standard.pk])
        if risk is not None:
            found.append(AtRisk(standard, risk[0], risk[1], last_used[standard.pk], risk[2]))
    return found


def _risk(standard: Instrument, day: dt.date, history: list[CalibrationRecord]):
    """(code, message, certificate) when ``standard``, last used on ``day``, is at risk."""
    issued = [c for c in history if c.status == RecordStatus.ISSUED]
    before = next((c for c in history if c.calibrated_on <= day), None)
    names = {"date": day.isoformat(), "number": before}
    if issued and issued[0].as_found_verdict == Verdict.FAIL:
        names["number"] = issued[0]
        message = _("Found out of tolerance by %(number)s: check what it supported before.")
        return "found_out_of_tolerance", message % names, issued[0]
    if before is not None and before.as_left_verdict == Verdict.FAIL:
        return (
            "failed_as_left",
            _("Used until %(date)s after %(number)s found it out of tolerance.") % names,
            before,
        )
    if standard.level == InstrumentLevel.NATIONAL:  # its link to the SI is by comparisons
        return None
    if before is None:
        return "never_calibrated", _("Used on %(date)s without any calibration before.") % names, None
    if before.status == RecordStatus.WITHDRAWN:
        message = _("Used until %(date)s although its calibration %(number)s was withdrawn.")
        return "calibration_withdrawn", message % names, before
    if before.valid_until is None or before.valid_until < day:
        return "expired", _("Used until %(date)s after its calibration %(number)s expired.") % names, before
    return None


# -- reverse traceability ------------------------------------------------------------------------
IMPACT_RELATED = (
    "record__item",
    "record__item__owner",
    "record__customer",
    "record__laboratory",
    "standard_calibration",
)
PASSING = (Verdict.PASS, Verdict.PASS_GUARD_BAND)
MAX_IMPACTS = 10_000


def failing_calibrations(standard: Instrument) -> QuerySet[CalibrationRecord]:
    """Calibrations of ``standard`` that found it out of tolerance (as found), latest first."""
    return (
        CalibrationRecord.objects.filter(item=standard, as_found_verdict=Verdict.FAIL)
        .exclude(status__in=(RecordStatus.DRAFT, RecordStatus.WITHDRAWN))
        .order_by("-calibrated_on", "-revision", "-pk")
    )


def last_good_before(standard: Instrument, failing: CalibrationRecord) -> CalibrationRecord | None:
    """The latest calibration before ``failing`` after which the standard was in tolerance."""
    return (
        CalibrationRecord.objects.filter(item=standard, calibrated_on__lt=failing.calibrated_on)
        .exclude(status__in=(RecordStatus.DRAFT, RecordStatus.WITHDRAWN))
        .filter(Q(as_found_verdict__in=PASSING) | Q(as_left_verdict__in=PASSING))
        .order_by("-calibrated_on", "-revision", "-pk")
        .first()
    )


@dataclass
class Impact:
    level: int  # 0: used the standard itself; n: used a standard calibrated by a level n-1 record
    use: StandardUse


@dataclass
class ReverseTrace:
    standard: Instrument
    failing: CalibrationRecord
    last_good: CalibrationRecord | None
    start: dt.date | None  # None: since the standard was first used
    end: dt.date
    impacts: list[Impact]
    truncated: bool

    def by_customer(self) -> list[tuple[object, int]]:
        """Who to write to: the customer (or owner) of each affected item, with the count."""
        counts: dict[int, list] = {}
        for impact in self.impacts:
            whom = impact.use.record.customer or impact.use.record.item.owner
            counts.setdefault(whom.pk, [whom, 0])[1] += 1
        return sorted(((w, n) for w, n in counts.values()), key=lambda pair: (str(pair[0]), pair[0].pk))


def reverse_trace(
    standard: Instrument, failing: CalibrationRecord, transitive: bool = False, depth: int = 3
) -> ReverseTrace:
    """Every calibration the standard supported from its last good calibration to ``failing``.

    The window is inclusive at both ends (a use on the day of either calibration is suspect). With
    ``transitive``, the certificates of affected items that are themselves standards are followed
    through the links stored at issue (``StandardUse.standard_calibration``), ``depth`` levels.
    """
    last_good = last_good_before(standard, failing)
    start = last_good.calibrated_on if last_good else None
    direct = StandardUse.objects.filter(standard=standard, calibrated_on__lte=failing.calibrated_on)
    if start is not None:
        direct = direct.filter(calibrated_on__gte=start)
    direct = direct.exclude(record__status=RecordStatus.DRAFT).select_related(*IMPACT_RELATED)
    found = [Impact(0, use) for use in direct.order_by("calibrated_on", "pk")[: MAX_IMPACTS + 1]]
    seen = {impact.use.record_id for impact in found}
    frontier = [i.use.record_id for i in found if i.use.record.item.level != InstrumentLevel.INSTRUMENT]
    for level in range(1, depth + 1 if transitive else 1):
        if not frontier or len(found) > MAX_IMPACTS:
            break
        revisions = CalibrationRecord.objects.filter(supersedes_id__in=frontier).values_list("pk", flat=True)
        uses = StandardUse.objects.filter(standard_calibration_id__in=[*frontier, *revisions])
        uses = uses.exclude(record__status=RecordStatus.DRAFT).select_related(*IMPACT_RELATED)
        frontier = []
        for use in uses.order_by("calibrated_on", "pk")[: MAX_IMPACTS + 1]:
            if use.record_id not in seen:
                seen.add(use.record_id)
                found.append(Impact(level, use))
                if use.record.item.level != InstrumentLevel.INSTRUMENT:
                    frontier.append(use.record_id)
    truncated = len(found) > MAX_IMPACTS
    return ReverseTrace(
        standard, failing, last_good, start, failing.calibrated_on, found[:MAX_IMPACTS], truncated
    )


def window(start: dt.date | None, end: dt.date | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """The date window of a list: by default up to today, from 365 days before the end; at most
    MAX_WINDOW_DAYS long."""
    errors = {}
    for name, day in (("date_from", start), ("date_to", end)):
        if day is not None and not 1900 <= day.year <= 2999:
            errors[name] = _("Give a date between 1900 and 2999.")
    if errors:
        raise ValidationError(errors)
    end = end or today
    start = start or end - dt.timedelta(days=365)
    if start > end:
        raise ValidationError({"date_to": _("The end of the period is before its start.")})
    if (end - start).days > MAX_WINDOW_DAYS:
        raise ValidationError(
            {"date_from": _("Choose a period of at most %(days)d days.") % {"days": MAX_WINDOW_DAYS}}
        )
    return start, end
