"""The equipment register: instruments and standards, their quantities, due dates and due lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from nqi.metrology import permissions
from nqi.metrology.models import CalibrationRecord, Instrument, InstrumentQuantity, InstrumentStatus
from nqi.metrology.services.common import apply, prefix_errors, save

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
    {"quantity", "unit", "range_low", "range_high", "resolution", "mpe", "interval_days", "interval_method"}
)
# Instruments in these states are not due: they are out of service.
OUT_OF_SERVICE = (InstrumentStatus.LOST, InstrumentStatus.RETIRED, InstrumentStatus.DORMANT)


@transaction.atomic
def save_instrument(
    user, instrument: Instrument | None, data: dict[str, Any], quantities: list[dict[str, Any]] | None = None
) -> Instrument:
    """Create or change an instrument; ``quantities`` (if given) replaces its measured quantities."""
    owner = data.get("owner", instrument.owner if instrument else None)
    codename = "add_instrument" if instrument is None else "change_instrument"
    if instrument is not None and not permissions.can_write(user, codename, instrument.owner_id):
        raise PermissionDenied(_("You may not change this instrument."))
    if not permissions.can_write(user, codename, owner.pk if owner else None):
        raise PermissionDenied(_("You may not register instruments for this owner."))
    instrument = instrument or Instrument()
    apply(instrument, data, INSTRUMENT_FIELDS)
    save(instrument)
    if quantities is not None:
        keep = []
        for index, row in enumerate(quantities):
            existing = instrument.quantities.filter(quantity=row.get("quantity", "")).first()
            quantity = existing or InstrumentQuantity(instrument=instrument)
            try:
                apply(quantity, row, QUANTITY_FIELDS)
                save(quantity)
            except Exception as exc:
                from django.core.exceptions import ValidationError

                if isinstance(exc, ValidationError):
                    raise prefix_errors(exc, f"quantities[{index}]") from None
                raise
            keep.append(quantity.pk)
        instrument.quantities.exclude(pk__in=keep).delete()
        refresh_due(instrument)
    return instrument


def refresh_due(instrument: Instrument) -> None:
    """Recompute the instrument's next due date: the earliest due date of its quantities."""
    aggregate = instrument.quantities.aggregate(due=Min("due_on"))
    last = (
        CalibrationRecord.objects.filter(item=instrument, status="issued")
        .order_by("-calibrated_on")
        .values_list("calibrated_on", flat=True)
        .first()
    )
    Instrument.objects.filter(pk=instrument.pk).update(next_due=aggregate["due"], last_calibrated=last)
    instrument.next_due, instrument.last_calibrated = aggregate["due"], last


def after_calibration(record: CalibrationRecord) -> None:
    """Move the due dates of the calibrated quantities on from an issued record.

    Only the item's latest calibration moves them (a late-entered older record does not). The
    interval in force is the quantity's own; :func:`nqi.metrology.intervals` methods adjust it.
    """
    from nqi.metrology import intervals

    instrument = record.item
    calibrated = {p.quantity for p in record.points.all()}
    quantities = list(instrument.quantities.all())
    matched = [q for q in quantities if q.quantity in calibrated] or quantities
    for quantity in matched:
        if quantity.last_calibrated and quantity.last_calibrated > record.calibrated_on:
            continue
        quantity.interval_days = intervals.next_interval(quantity, record)
        quantity.last_calibrated = record.calibrated_on
        quantity.due_on = record.calibrated_on + dt.timedelta(days=quantity.interval_days)
        quantity.save(update_fields=["interval_days", "last_calibrated", "due_on"])
    refresh_due(instrument)


def interval_for(record: CalibrationRecord) -> int:
    """Days a record stays valid: the shortest interval among the calibrated quantities (365 if none)."""
    calibrated = {p.quantity for p in record.points.all()}
    intervals = [
        q.interval_days for q in record.item.quantities.all() if q.quantity in calibrated or not calibrated
    ]
    if not intervals:
        intervals = [q.interval_days for q in record.item.quantities.all()]
    return min(intervals, default=365)


def due_list(
    owner_ids: set[int] | None = None, days: int = 30, today: dt.date | None = None
) -> QuerySet[Instrument]:
    """Instruments in service whose calibration falls due within ``days`` (overdue ones included)."""
    today = today or timezone.localdate()
    queryset = Instrument.objects.exclude(status__in=OUT_OF_SERVICE).filter(
        next_due__isnull=False, next_due__lte=today + dt.timedelta(days=days)
    )
    if owner_ids is not None:
        queryset = queryset.filter(owner_id__in=owner_ids)
    return queryset.select_related("owner").order_by("next_due", "pk")


def overdue(owner_ids: set[int] | None = None, today: dt.date | None = None) -> QuerySet[Instrument]:
    today = today or timezone.localdate()
    return due_list(owner_ids, days=0, today=today).filter(next_due__lt=today)
