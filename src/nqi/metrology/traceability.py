"""Traceability of calibrations to the SI.

A calibration is traceable when every standard it used had a valid calibration on that date —
issued, not withdrawn, not failed as left, and ``calibrated_on ≤ date ≤ valid_until`` — whose own
chain is traceable in turn, up to a national measurement standard or an accepted external source.
"""

from __future__ import annotations

import datetime as dt

from nqi.metrology.models import CalibrationRecord, Instrument, RecordStatus, Verdict


def valid_calibration(standard: Instrument | int, day: dt.date) -> CalibrationRecord | None:
    """The certificate of ``standard`` in force on ``day`` (the latest one), or None."""
    standard_id = standard if isinstance(standard, int) else standard.pk
    return (
        CalibrationRecord.objects.filter(
            item_id=standard_id,
            status=RecordStatus.ISSUED,
            calibrated_on__lte=day,
            valid_until__gte=day,
        )
        .exclude(as_left_verdict=Verdict.FAIL)
        .order_by("-calibrated_on", "-revision", "-pk")
        .first()
    )
