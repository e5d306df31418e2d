"""Fixtures for the comparison tests (pytest collects this module too; it holds no tests).

``kc`` builds, through the services, the key comparison APMP.M.M-K1 (mass, 1 kg, results in mg
as deviation from nominal) piloted by VMI with four participants: VMI, QUATEST 1, UzNIM and KRISS.
Results are due in 30 days from today. ``kc.submit_all()`` submits the results of RESULTS
(value, expanded U at k = 2); KRISS's is far off, so it is not equivalent.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

# code → (value in mg, expanded U in mg, k = 2)
RESULTS = {
    "VMI": (10.15, 0.30),
    "QUATEST1": (10.30, 0.40),
    "UzNIM": (10.05, 0.30),
    "KRISS": (11.50, 0.40),
}


def comparison_data(net, **overrides) -> dict:
    from django.utils import timezone

    today = timezone.localdate()
    data = {
        "identifier": "APMP.M.M-K1",
        "title": "Mass standards of 1 kg",
        "kind": "key",
        "service": net.mass,
        "measurand": "Conventional mass of a 1 kg stainless-steel standard, deviation from nominal",
        "unit": "mg",
        "nominal": 0.0,
        "pilot": net.vmi,
        "protocol": "Measure the travelling standard twice; report the mean.",
        "starts_on": today - dt.timedelta(days=10),
        "results_due": today + dt.timedelta(days=30),
        "ends_on": today + dt.timedelta(days=90),
        "method": "weighted_mean",
    }
    return {**data, **overrides}


@pytest.fixture
def kc(net):
    from nqi.metrology.services import comparisons as services

    comparison = services.save_comparison(net.vmi_user, None, comparison_data(net))
    labs = {"VMI": net.vmi, "QUATEST1": net.quatest, "UzNIM": net.uznim, "KRISS": net.kriss}
    participants = {
        code: services.add_participant(net.vmi_user, comparison, lab, code) for code, lab in labs.items()
    }
    services.change_status(net.vmi_user, comparison, "running")
    comparison.refresh_from_db()

    def submit_all(results=RESULTS):
        for code, (value, big_u) in results.items():
            user = {"VMI": net.vmi_user, "QUATEST1": net.quatest_user}.get(code, net.admin)
            services.submit_result(
                user, participants[code], {"value": value, "uncertainty": big_u, "coverage_factor": 2.0}
            )

    return SimpleNamespace(net=net, comparison=comparison, participants=participants, submit_all=submit_all)
