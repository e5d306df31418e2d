"""Fixtures for the calibration record tests (pytest collects this module too; it holds no tests).

``cal`` builds a national mass standard NS-M (ends a chain without a certificate), a reference
weight R-1 of VMI calibrated against it (certificate VMI-2026-00001 of 2026-01-10, valid until
2027-01-10), and the item: a 1 kg weight W-1 of QUATEST 1. ``cal.draft()`` makes
a draft calibration of the item by VMI with two points (MPE 1.6 mg, U 0.6 mg).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

DAY = dt.date(2026, 3, 2)
MPE = 1.6e-6  # kg, OIML R 111 class E2, 1 kg
U = 6e-7  # kg, expanded (k = 2)


def points(*errors: float, mpe: float = MPE, u: float = U) -> list[dict]:
    """One point per error (kg) at 1 kg: indication as found = 1 kg + error."""
    return [
        {
            "quantity": "mass",
            "unit": "kg",
            "nominal": 1.0,
            "as_found": 1.0 + error,
            "uncertainty": u,
            "coverage_factor": 2.0,
            "mpe": mpe,
        }
        for error in errors
    ]


def issued_reference(net, reference, national):
    """The reference weight's certificate, written in the state ``issue()`` leaves a record (the
    services tests go through ``issue()`` itself; this keeps the fixture fast)."""
    from nqi.metrology.models import CalibrationPoint, CalibrationRecord, StandardUse

    record = CalibrationRecord.objects.create(
        certificate_number="VMI-2026-00001",
        item=reference,
        laboratory=net.vmi,
        calibrated_on=dt.date(2026, 1, 10),
        valid_until=dt.date(2027, 1, 10),
        issued_on=dt.date(2026, 1, 11),
        as_found_verdict="pass",
        as_left_verdict="pass",
    )
    CalibrationPoint.objects.create(
        record=record, quantity="mass", unit="kg", nominal=1.0, as_found=1.0000001, uncertainty=1e-7, mpe=MPE
    )
    StandardUse.objects.create(record=record, standard=national)
    record.status = "issued"
    record.save()
    return record


@pytest.fixture
def cal(net, make_instrument):
    from nqi.metrology.services.calibrations import save_draft

    national = make_instrument(asset="NS-M", name="National kilogram", level="national")
    reference = make_instrument(asset="R-1", name="Reference weight 1 kg", level="reference")
    reference_record = issued_reference(net, reference, national)
    item = make_instrument(owner=net.quatest, asset="W-1", name="Weight 1 kg", level="instrument")

    def draft(user=None, errors=(5e-7, -2e-7), standards=None, **data):
        fields = {"item": item, "laboratory": net.vmi, "customer": net.quatest, "calibrated_on": DAY}
        return save_draft(
            user or net.vmi_user,
            None,
            {**fields, **data},
            points=points(*errors),
            standards=[reference] if standards is None else standards,
        )

    return SimpleNamespace(
        net=net,
        national=national,
        reference=reference,
        reference_record=reference_record,
        item=item,
        draft=draft,
    )
