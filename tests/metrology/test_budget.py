"""Uncertainty budgets of records: nqi.uncertainty results checked against a GUM computation by hand."""

from __future__ import annotations

import math

import pytest
from django.core.exceptions import ValidationError
from scipy import stats

from nqi.metrology.budget import MC_SEED, MC_TRIALS, compute_budget, rows

MASS = {
    "model": "E = I - (m_s + dm)",
    "inputs": [
        {"name": "I", "distribution": "normal", "value": 1000000.5, "uncertainty": 0.2, "unit": "mg"},
        {
            "name": "m_s",
            "distribution": "normal",
            "value": 1000000.0,
            "uncertainty": 0.15,
            "unit": "mg",
            "dof": 10,
        },
        {"name": "dm", "distribution": "rectangular", "value": 0.0, "half_width": 0.3, "unit": "mg"},
    ],
    "output_units": {"E": "mg"},
}


def test_linear_mass_model_against_hand_computation():
    computed = compute_budget(MASS)
    assert {k: v for k, v in computed.items() if k != "result"} == MASS  # the spec is kept as given
    result = computed["result"]
    u_dm = 0.3 / math.sqrt(3)
    u_c = math.sqrt(0.2**2 + 0.15**2 + u_dm**2)  # all sensitivities ±1
    nu_eff = u_c**4 / (0.15**4 / 10)  # Welch–Satterthwaite: only m_s has finite dof
    k = stats.t.ppf(0.975, math.floor(nu_eff))
    assert result["output"] == "E" and result["unit"] == "mg"
    assert result["value"] == pytest.approx(0.5, abs=1e-9)
    assert result["standard_uncertainty"] == pytest.approx(u_c, rel=1e-12)
    assert result["dof"] == pytest.approx(nu_eff, rel=1e-9)
    assert result["coverage_factor"] == pytest.approx(k, rel=1e-9)
    assert result["expanded_uncertainty"] == pytest.approx(k * u_c, rel=1e-9)
    table = {row["quantity"]: row for row in rows(computed)}
    assert [row["sensitivity"] for row in table.values()] == [1.0, -1.0, -1.0]
    assert table["dm"]["distribution"] == "rectangular"
    assert table["dm"]["standard_uncertainty"] == pytest.approx(u_dm, rel=1e-12)
    assert table["dm"]["contribution"] == pytest.approx(u_dm, rel=1e-12)
    assert table["I"]["dof"] is None and table["m_s"]["dof"] == 10
    assert sum(row["share"] for row in table.values()) == pytest.approx(1.0)
    assert "monte_carlo" not in result


def test_nonlinear_model_sensitivities_fixed_k_and_monte_carlo():
    spec = {
        "model": "P = V**2 / R",
        "inputs": [
            {"name": "V", "value": 10.0, "uncertainty": 0.01, "unit": "V"},
            {"name": "R", "distribution": "rectangular", "value": 100.0, "half_width": 0.05, "unit": "ohm"},
        ],
        "output_units": {"P": "W"},
        "k": 2,
        "monte_carlo": True,
    }
    result = compute_budget(spec)["result"]
    c_v, c_r = 2 * 10.0 / 100.0, -(10.0**2) / 100.0**2  # ∂P/∂V = 2V/R, ∂P/∂R = −V²/R²
    u_r = 0.05 / math.sqrt(3)
    u_c = math.hypot(c_v * 0.01, c_r * u_r)
    assert [row["sensitivity"] for row in result["rows"]] == pytest.approx([c_v, c_r], rel=1e-12)
    assert result["standard_uncertainty"] == pytest.approx(u_c, rel=1e-12)
    assert result["coverage_factor"] == 2 and result["expanded_uncertainty"] == pytest.approx(2 * u_c)
    mc = result["monte_carlo"]
    assert (mc["trials"], mc["seed"]) == (MC_TRIALS, MC_SEED)
    assert mc["standard_uncertainty"] == pytest.approx(u_c, rel=0.02)
    low, high = mc["symmetric_interval"]
    assert low < result["value"] < high
    assert compute_budget(spec)["result"]["monte_carlo"] == mc  # fixed seed: reproducible


@pytest.mark.parametrize(
    ("change", "field", "text"),
    [
        ({"inputs": [*MASS["inputs"][:2], {**MASS["inputs"][2], "half_width": -0.3}]}, "inputs[2]", "'dm'"),
        ({"inputs": [{**MASS["inputs"][0], "value": "heavy"}, *MASS["inputs"][1:]]}, "inputs[0]", "'I'"),
        (
            {"inputs": [*MASS["inputs"][:1], {**MASS["inputs"][1], "colour": "red"}, MASS["inputs"][2]]},
            "inputs[1]",
            "colour",
        ),
        ({"model": "E = I - (m_s + dm + drift)"}, "model", "drift"),
        ({"model": "E = I - __import__('os')"}, "model", ""),
        ({"model": ""}, "model", "measurement model"),
        ({"inputs": []}, "inputs", "at least one"),
        ({"output_units": {"E": "s"}}, "output_units", "declared in"),
        ({"correlations": [{"between": ["I", "nobody"], "r": 0.5}]}, "correlations", "nobody"),
        ({"k": -2}, "k", ""),
        ({"monte_carlo": "yes"}, "monte_carlo", ""),
        ({"output": "F"}, "output", "F"),
        ({"colour": "red"}, "colour", "Unknown"),
    ],
)
def test_errors_name_the_part_at_fault(change, field, text):
    with pytest.raises(ValidationError) as excinfo:
        compute_budget({**MASS, **change})
    errors = excinfo.value.message_dict
    assert list(errors) == [field], errors
    assert text in errors[field][0]


def test_not_an_object():
    with pytest.raises(ValidationError, match="JSON object"):
        compute_budget(["E = I"])  # type: ignore[arg-type]
    assert rows({}) == [] and rows(None) == []
