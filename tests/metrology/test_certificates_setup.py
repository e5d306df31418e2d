"""Fixtures for the certificate tests: a real issued certificate with two quantities and standards.

Imported by the ``test_certificates_*`` modules (pytest collects this module too; it holds no tests).
The chain: a national standard NS-1 (no certificate needed) calibrates the working standard W-1
(certificate ``VMI-2026-00001``); both are used to calibrate a thermohygrometer of QUATEST 1
(temperature in °C and relative humidity in %, three points each).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

TEMPERATURE_POINTS = [
    {
        "quantity": "temperature",
        "unit": "°C",
        "nominal": 0,
        "reference": 0.02,
        "as_found": 0.1,
        "as_left": 0.05,
    },
    {"quantity": "temperature", "unit": "°C", "nominal": 20, "reference": 20.01, "as_found": 20.2},
    {
        "quantity": "temperature",
        "unit": "°C",
        "nominal": 40,
        "reference": 39.98,
        "as_found": 40.3,
        "as_left": 40.0,
    },
]
HUMIDITY_POINTS = [
    {"quantity": "relative humidity", "unit": "%", "nominal": 30, "as_found": 31.2},
    {"quantity": "relative humidity", "unit": "%", "nominal": 50, "as_found": 52.5},
    {"quantity": "relative humidity", "unit": "%", "nominal": 80, "as_found": 84.1},
]


def point_rows() -> list[dict]:
    rows = [{**row, "uncertainty": 0.12, "coverage_factor": 2.0, "mpe": 0.3} for row in TEMPERATURE_POINTS]
    rows += [{**row, "uncertainty": 1.5, "coverage_factor": 2.1, "mpe": 3.0} for row in HUMIDITY_POINTS]
    return rows


@pytest.fixture
def certs(net, make_instrument):
    """Issued certificate ``record`` (VMI), its standard's certificate, and helpers to make more."""
    from nqi.metrology.services.calibrations import issue, save_draft
    from nqi.organizations.models import Person

    national = make_instrument(asset="NS-1", name="National temperature standard", level="national")
    working = make_instrument(
        asset="W-1",
        name="Reference thermometer",
        manufacturer="Fluke",
        model="5615",
        serial_number="RT-5615-01",
        quantities=[{"quantity": "temperature", "unit": "°C", "interval_days": 730}],
    )
    standard_record = save_draft(
        net.admin,
        None,
        {"item": working, "laboratory": net.vmi, "calibrated_on": dt.date(2026, 1, 10)},
        points=[
            {"quantity": "temperature", "unit": "°C", "nominal": 20, "as_found": 20.001, "uncertainty": 0.01}
        ],
        standards=[national],
    )
    standard_record = issue(net.admin, standard_record, issued_on=dt.date(2026, 1, 12))
    item = make_instrument(
        owner=net.quatest,
        asset="TH-7",
        name="Thermohygrometer",
        manufacturer="Vaisala",
        model="HMT330",
        serial_number="SN-330-4411",
        level="instrument",
        quantities=[
            {"quantity": "temperature", "unit": "°C", "interval_days": 365},
            {"quantity": "relative humidity", "unit": "%", "interval_days": 365},
        ],
    )
    people = list(Person.objects.order_by("pk")[:2])

    def draft(**data):
        fields = {
            "item": item,
            "laboratory": net.vmi,
            "customer": net.quatest,
            "calibrated_on": dt.date(2026, 3, 2),
            "received_on": dt.date(2026, 2, 27),
            "temperature": 20.4,
            "humidity": 48.0,
            "pressure": 1008.5,
            "method": "Comparison in a climatic chamber",
            "decision_rule": "guard_band",
            "guard_band_factor": 0.5,
            "adjusted": True,
            "performed_by": people[0],
            "approved_by": people[1],
            **data,
        }
        return save_draft(net.admin, None, fields, points=point_rows(), standards=[working, national])

    record = issue(net.admin, draft(), issued_on=dt.date(2026, 3, 5))
    return SimpleNamespace(
        net=net,
        record=record,
        standard_record=standard_record,
        item=item,
        working=working,
        national=national,
        people=people,
        draft=draft,
    )
