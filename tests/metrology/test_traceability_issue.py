"""End to end through the services: issue() stores the links, revise()/withdraw() move them on,
and the traceability check follows."""

from __future__ import annotations

import datetime as dt

import pytest

from nqi.metrology import traceability
from nqi.metrology.services import calibrations as services

pytestmark = pytest.mark.django_db

D = dt.date


def point(nominal=1.0, error=2e-7):
    return {
        "quantity": "mass",
        "unit": "kg",
        "nominal": nominal,
        "as_found": nominal + error,
        "uncertainty": 5e-7,
        "mpe": 1.6e-6,
    }


def test_issue_revise_withdraw_end_to_end(net, make_instrument):
    national = make_instrument(net.vmi, "N-1", "National kilogram", level="national")
    reference = make_instrument(net.vmi, "R-1", "Reference weight", level="reference")
    balance = make_instrument(net.vmi, "I-1", "Balance", level="instrument")
    user = net.vmi_user

    def issue(item, day, standards):
        draft = services.save_draft(
            user,
            None,
            {"item": item, "laboratory": net.vmi, "calibrated_on": day},
            points=[point()],
            standards=standards,
        )
        return services.issue(user, draft, issued_on=day)

    c_reference = issue(reference, D(2026, 1, 5), [national])
    c_balance = issue(balance, D(2026, 2, 1), [reference])
    assert c_balance.standards_used.get().standard_calibration == c_reference
    result = traceability.check(c_balance)
    assert result.ok and f"n{national.pk}" in result.nodes

    revision = services.issue(user, services.revise(user, c_reference, "Wrong serial number."))
    result = traceability.check(c_balance)
    assert result.ok and [note.code for note in result.notes] == ["link_superseded"]
    assert f"r{revision.pk}" in result.nodes

    services.withdraw(user, revision, "The reference weight was damaged before the calibration.")
    result = traceability.check(c_balance)
    assert not result.ok and [p.code for p in result.problems] == ["link_withdrawn"]
    found = traceability.broken_chains(net.vmi, D(2026, 1, 1), D(2026, 3, 1))
    assert [row.record for row in found.rows] == [c_balance]
