"""The equipment register: instruments and standards, their quantities, due dates and due lists.

A quantity's due date is always ``last_calibrated + interval_days`` (none before its first known
calibration); ``Instrument.next_due`` is the earliest due date of its quantities, so a due list is
one indexed range query on ``(status, next_due)`` or ``(owner, status, next_due)``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, Min, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from nqi.core.audit import audited
from nqi.core.search import ranked
from nqi.metrology import permissions
from nqi.metrology.models import (
    CalibrationRecord,
    Instrument,
    InstrumentQuantity,
    InstrumentStatus,
    IntervalMethod,
    RecordStatus,
)
from nqi.metrology.services.common import apply, prefix_errors, save

# Interval changes are part of an instrument's history (its page merges both trails). The due
# date and last calibration follow from calibrations and are not changes anyone made.
audited(exclude=("last_calibrated", "due_on"))(InstrumentQuantity)

INSTRUMENT_FIELDS = frozenset(
    {
        "owner",
        "asset_number",
        "name",
        "level",
        "manufacturer",
        "model",
        "serial_number",
        "location",
        "status",
        "traceable",
        "notes",
    }
)
QUANTITY_FIELDS = frozenset(
    {
        "quantity",
        "unit",
        "range_low",
        "range_high",
        "resolution",
        "mpe",
        "interval_days",
        "interval_method",
        "last_calibrated",
    }
)
# Instruments in these states are not due: they are out of service.
OUT_OF_SERVICE = (InstrumentStatus.LOST, InstrumentStatus.RETIRED, InstrumentStatus.DORMANT)
IN_SERVICE = (InstrumentStatus.ACTIVE, InstrumentStatus.DAMAGED)
# A status change to one of these needs a note saying what happened.
NOTE_REQUIRED = (InstrumentStatus.DAMAGED, InstrumentStatus.LOST, InstrumentStatus.RETIRED)
DUE_STATES = ("overdue", "due", "ok", "never")
MAX_INTERVAL_DAYS = 36500


def can_change(user, instrument: Instrument) -> bool:
    return permissions.can_write(user, "change_instrument", instrument.owner_id)


def _refuse_nul(data: dict[str, Any], prefix: str = "") -> None:
    """PostgreSQL cannot store NUL characters; say so per field instead of failing on save."""
    bad = {f"{prefix}{k}": _("NUL characters are not allowed.") for k, v in data.items() if "\x00" in str(v)}
    if bad:
        raise ValidationError(bad)


def _check_asset_number(instrument: Instrument) -> None:
    taken = Instrument.objects.filter(owner_id=instrument.owner_id, asset_number=instrument.asset_number)
    if instrument.owner_id and taken.exclude(pk=instrument.pk).exists():
        raise ValidationError(
            {"asset_number": _("This owner already has an instrument with this asset number.")}
        )


@transaction.atomic
def save_instrument(
    user, instrument: Instrument | None, data: dict[str, Any], quantities: list[dict[str, Any]] | None = None
) -> Instrument:
    """Create or change an instrument; ``quantities`` (if given) replaces its measured quantities.

    A quantity row may carry the ``id`` of an existing quantity of the instrument; otherwise rows
    are matched to existing quantities by name, and quantities not matched are removed.
    """
    owner = data.get("owner", instrument.owner if instrument else None)
    codename = "add_instrument" if instrument is None else "change_instrument"
    if instrument is not None and not permissions.can_write(user, codename, instrument.owner_id):
        raise PermissionDenied(_("You may not change this instrument."))
    if not permissions.can_write(user, codename, owner.pk if owner else None):
        raise PermissionDenied(_("You may not register instruments for this owner."))
    _refuse_nul(data)
    instrument = instrument or Instrument()
    apply(instrument, data, INSTRUMENT_FIELDS)
    _check_asset_number(instrument)
    save(instrument)
    if quantities is not None:
        _replace_quantities(instrument, quantities)
    return instrument


def _replace_quantities(instrument: Instrument, rows: list[dict[str, Any]]) -> None:
    existing = {q.pk: q for q in instrument.quantities.all()}
    by_name = {q.quantity: q for q in existing.values()}
    errors: dict[str, Any] = {}
    by_id = {row.get("id") for row in rows} & set(existing)  # rows naming their quantity come first
    matched: list[InstrumentQuantity] = []
    seen: set[str] = set()
    for index, row in enumerate(rows):
        pk, name = row.get("id"), str(row.get("quantity", "")).strip()
        if pk is not None and pk not in existing:
            errors[f"quantities[{index}].id"] = _("No such quantity of this instrument.")
        elif name.casefold() in seen:
            errors[f"quantities[{index}].quantity"] = _("This quantity is listed twice.")
        seen.add(name.casefold())
        same_name = by_name.get(name)
        if pk is None and same_name is not None and same_name.pk not in by_id:
            by_id.add(same_name.pk)
            pk = same_name.pk
        matched.append(existing[pk] if pk in existing else InstrumentQuantity(instrument=instrument))
    if errors:
        raise ValidationError(errors)
    keep = {q.pk for q in matched if q.pk}
    instrument.quantities.exclude(pk__in=keep).delete()
    for index, (quantity, raw) in enumerate(zip(matched, rows, strict=True)):
        row = {k: v for k, v in raw.items() if k != "id"}
        try:
            _refuse_nul(row)
            apply(quantity, row, QUANTITY_FIELDS)
            if quantity.last_calibrated and quantity.last_calibrated > timezone.localdate():
                raise ValidationError({"last_calibrated": _("A calibration date cannot be in the future.")})
            quantity.due_on = _due_on(quantity)
            save(quantity)
        except ValidationError as exc:
            errors.update(prefix_errors(exc, f"quantities[{index}]").error_dict)
    if errors:
        raise ValidationError(errors)
    refresh_due(instrument)


def _due_on(quantity: InstrumentQuantity) -> dt.date | None:
    if quantity.last_calibrated is None or not quantity.interval_days:
        return None
    return quantity.last_calibrated + dt.timedelta(days=int(quantity.interval_days))


@transaction.atomic
def change_status(user, instrument: Instrument, status: str, note: str = "") -> Instrument:
    """Put an instrument in or out of service; the dated note is kept in its notes (and audit)."""
    if not can_change(user, instrument):
        raise PermissionDenied(_("You may not change this instrument."))
    if status not in InstrumentStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == instrument.status:
        raise ValidationError({"status": _("The instrument already has this status.")})
    note = (note or "").strip()
    if status in NOTE_REQUIRED and not note:
        raise ValidationError({"note": _("Say what happened (a note is required for this status).")})
    _refuse_nul({"note": note})
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    instrument.status = status
    line = f"{timezone.localdate().isoformat()} {InstrumentStatus(status).label}" + (
        f": {note}" if note else ""
    )
    instrument.notes = f"{instrument.notes.rstrip()}\n{line}".strip()
    save(instrument)
    return instrument


@transaction.atomic
def apply_interval(user, quantity: InstrumentQuantity, method: str, adopt_method: bool = False) -> int:
    """Set the interval a method recommends for ``quantity`` (recomputed here, not trusted from the
    caller); with ``adopt_method`` the method also adjusts the interval at every calibration."""
    from nqi.metrology import intervals

    if not can_change(user, quantity.instrument):
        raise PermissionDenied(_("You may not change this instrument."))
    if method not in IntervalMethod.values:
        raise ValidationError({"method": _("Unknown interval method.")})
    days = intervals.recommend(quantity).days(method)
    if days is None:
        raise ValidationError({"method": _("Not enough calibration history for a statistical interval.")})
    quantity = InstrumentQuantity.objects.select_for_update().get(pk=quantity.pk)
    quantity.interval_days = days
    if adopt_method:
        quantity.interval_method = method
    quantity.due_on = _due_on(quantity)
    save(quantity)
    refresh_due(quantity.instrument)
    return days


def refresh_due(instrument: Instrument) -> None:
    """Recompute the instrument's next due date: the earliest due date of its quantities."""
    aggregate = instrument.quantities.aggregate(due=Min("due_on"))
    last = (
        CalibrationRecord.objects.filter(item=instrument, status=RecordStatus.ISSUED)
        .order_by("-calibrated_on")
        .values_list("calibrated_on", flat=True)
        .first()
    )
    Instrument.objects.filter(pk=instrument.pk).update(next_due=aggregate["due"], last_calibrated=last)
    instrument.next_due, instrument.last_calibrated = aggregate["due"], last


def _calibrated_quantities(record: CalibrationRecord) -> list[InstrumentQuantity]:
    """The item's quantities a record calibrated (by point names); all of them if none matches."""
    calibrated = {p.quantity for p in record.points.all()}
    quantities = list(record.item.quantities.all())
    return [q for q in quantities if q.quantity in calibrated] or quantities


def after_calibration(record: CalibrationRecord) -> None:
    """Move the due dates of the calibrated quantities on from an issued record.

    Only the item's latest calibration moves them (a late-entered older record does not). The
    interval in force is adjusted by the quantity's method (:func:`nqi.metrology.intervals.next_interval`),
    except for a revision of a certificate, whose original already adjusted it.
    """
    from nqi.metrology import intervals

    for quantity in _calibrated_quantities(record):
        if quantity.last_calibrated and quantity.last_calibrated > record.calibrated_on:
            continue
        if not record.supersedes_id:
            quantity.interval_days = intervals.next_interval(quantity, record)
        quantity.last_calibrated = record.calibrated_on
        quantity.due_on = _due_on(quantity)
        quantity.save(update_fields=["interval_days", "last_calibrated", "due_on"])
    refresh_due(record.item)


def after_withdrawal(record: CalibrationRecord) -> None:
    """A withdrawn certificate no longer counts: each quantity it calibrated falls back on the
    item's latest certificate still in force for it (or has no due date at all)."""
    for quantity in _calibrated_quantities(record):
        if quantity.last_calibrated != record.calibrated_on:
            continue  # a later certificate governs this quantity
        previous = (
            CalibrationRecord.objects.filter(
                item_id=record.item_id, status=RecordStatus.ISSUED, points__quantity=quantity.quantity
            )
            .order_by("-calibrated_on", "-pk")
            .values_list("calibrated_on", flat=True)
            .first()
        )
        quantity.last_calibrated = previous
        quantity.due_on = _due_on(quantity) if previous else None
        quantity.save(update_fields=["last_calibrated", "due_on"])
    refresh_due(record.item)


def interval_for(record: CalibrationRecord) -> int:
    """Days a record stays valid: the shortest interval in force after it among the calibrated
    quantities (the same that :func:`after_calibration` sets), 365 if the item has none."""
    from nqi.metrology import intervals

    days = []
    for quantity in _calibrated_quantities(record):
        if record.supersedes_id or (
            quantity.last_calibrated and quantity.last_calibrated > record.calibrated_on
        ):
            days.append(int(quantity.interval_days))
        else:
            days.append(intervals.next_interval(quantity, record))
    return min(days, default=365)


# --- Reading: lists and due lists ----------------------------------------------------------------


def due_state(instrument: Instrument, today: dt.date, days: int = 30) -> str:
    """overdue, due (within ``days``), ok, never (no known calibration) or out_of_service."""
    if instrument.status in OUT_OF_SERVICE:
        return "out_of_service"
    if instrument.next_due is None:
        return "never"
    if instrument.next_due < today:
        return "overdue"
    return "due" if instrument.next_due <= today + dt.timedelta(days=days) else "ok"


@dataclass
class InstrumentQuery:
    q: str | None = None
    owner_ids: set[int] | None = None
    level: str | None = None
    status: str | None = None
    due: str | None = None  # one of DUE_STATES
    days: int = 30


def _due_filter(queryset: QuerySet[Instrument], state: str, today: dt.date, days: int) -> QuerySet:
    horizon = today + dt.timedelta(days=days)
    if state == "never":
        return queryset.filter(next_due__isnull=True)
    queryset = queryset.filter(status__in=IN_SERVICE)
    if state == "overdue":
        return queryset.filter(next_due__lt=today)
    if state == "due":
        return queryset.filter(next_due__gte=today, next_due__lte=horizon)
    return queryset.filter(next_due__gt=horizon)


def filter_instruments(query: InstrumentQuery, today: dt.date | None = None) -> QuerySet[Instrument]:
    """The instruments matching ``query``, best search match first, then by owner and asset number
    (the order of the unique index, so a page is an index range)."""
    today = today or timezone.localdate()
    queryset = Instrument.objects.select_related("owner")
    if query.owner_ids is not None:
        queryset = queryset.filter(owner_id__in=query.owner_ids)
    if query.level:
        queryset = queryset.filter(level=query.level)
    if query.status:
        queryset = queryset.filter(status=query.status)
    if query.due in DUE_STATES:
        queryset = _due_filter(queryset, query.due, today, query.days)
    q = (query.q or "").replace("\x00", "")[:200]
    return ranked(queryset, q, "owner_id", "asset_number", "pk")


def due_counts(queryset: QuerySet[Instrument], today: dt.date, days: int = 30) -> dict[str, int]:
    """How many of ``queryset`` are overdue and due within ``days`` (two indexed counts)."""
    base = queryset.order_by()
    return {
        "overdue": _due_filter(base, "overdue", today, days).count(),
        "due": _due_filter(base, "due", today, days).count(),
    }


def owners_with_instruments():
    """Organizations that own instruments (for filter choices; one index probe per organization)."""
    from nqi.organizations.models import Organization

    return Organization.objects.filter(Exists(Instrument.objects.filter(owner=OuterRef("pk")))).order_by(
        "name", "pk"
    )


def due_list(
    owner_ids: set[int] | None = None, days: int = 30, today: dt.date | None = None
) -> QuerySet[Instrument]:
    """Instruments in service whose calibration falls due within ``days`` (overdue ones included)."""
    today = today or timezone.localdate()
    queryset = Instrument.objects.filter(
        status__in=IN_SERVICE, next_due__isnull=False, next_due__lte=today + dt.timedelta(days=days)
    )
    if owner_ids is not None:
        queryset = queryset.filter(owner_id__in=owner_ids)
    return queryset.select_related("owner").order_by("next_due", "pk")


def overdue(owner_ids: set[int] | None = None, today: dt.date | None = None) -> QuerySet[Instrument]:
    today = today or timezone.localdate()
    return due_list(owner_ids, days=0, today=today).filter(next_due__lt=today)
