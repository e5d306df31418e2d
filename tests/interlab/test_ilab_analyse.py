"""The one-call analysis used by the metrology app: analyse() and ComparisonAnalysis.to_dict()."""

from __future__ import annotations

import json
import math

import pytest

from nqi.interlab import METHODS, InterlabError, ParticipantResult, analyse, weighted_mean

R = ParticipantResult
RESULTS = [
    R("A", 10.10, 0.10, 50),
    R("B", 10.30, 0.20, 20),
    R("C", 9.90, 0.15),
    R("D", 11.50, 0.20, 30),
    R("E", 10.05, 0.10, contributes=False),
    R("F", 10.20, 0.30, 5),
]


@pytest.mark.parametrize("method", METHODS)
def test_every_method_gives_a_json_serialisable_analysis(method: str) -> None:
    a = analyse(RESULTS, method, bootstrap=200 if method in ("lcs", "q-hampel") else None)
    data = a.to_dict()
    text = json.dumps(data, allow_nan=False)
    assert json.loads(text)["method"] == method
    assert len(data["degrees_of_equivalence"]) == 6
    assert len(data["pairwise"]["d"]) == 6
    assert "E" not in data["reference"]["used"]
    for doe in a.degrees_of_equivalence:
        assert doe.u is not None and doe.u > 0
        assert doe.d == pytest.approx(
            next(r.value for r in RESULTS if r.participant == doe.participant) - a.reference.value
        )


def test_weighted_mean_analysis() -> None:
    a = analyse(RESULTS, "weighted-mean")
    contrib = [r for r in RESULTS if r.contributes]
    wm = weighted_mean([r.value for r in contrib], [r.u for r in contrib if r.u is not None])
    assert a.reference.value == pytest.approx(wm.value)
    assert a.reference.expanded == pytest.approx(2 * wm.u)
    assert a.consistency is not None and not a.consistency.consistent
    assert any("chi-square test failed" in w for w in a.warnings)
    a_doe = {d.participant: d for d in a.degrees_of_equivalence}
    assert a_doe["A"].u == pytest.approx(math.sqrt(0.1**2 - wm.u**2))  # contributed
    assert a_doe["E"].u == pytest.approx(math.sqrt(0.1**2 + wm.u**2))  # did not contribute
    sc = {s.participant: s for s in a.scores}
    assert sc["D"].en == pytest.approx(a_doe["D"].d / a_doe["D"].expanded)
    assert sc["D"].en_verdict == "unsatisfactory"
    assert sc["A"].z is None  # no sigma_pt given
    assert a.pairwise.d[0][1] == pytest.approx(10.10 - 10.30)


def test_lcs_analysis_excludes_d() -> None:
    a = analyse(RESULTS, "lcs")
    assert a.excluded == ["D"]
    assert a.consistency is not None and a.consistency.consistent
    assert a.initial_consistency is not None and not a.initial_consistency.consistent
    assert a.reference.used == ["A", "B", "C", "F"]
    d = {x.participant: x for x in a.degrees_of_equivalence}
    assert d["D"].excluded and d["D"].u == pytest.approx(math.sqrt(0.2**2 + a.reference.u**2))


def test_proficiency_test_without_uncertainties() -> None:
    values = [24.140, 20.155, 19.500, 20.300, 20.705, 17.570, 20.100, 20.940, 21.185]
    rs = [R(f"L{i}", v) for i, v in enumerate(values, 1)]
    a = analyse(rs, "algorithm-a")
    assert a.consistency is None
    assert a.sigma_pt == pytest.approx(a.reference.details["robust_sd"])
    s1 = a.scores[0]
    assert s1.z == pytest.approx((24.140 - a.reference.value) / a.sigma_pt)
    assert s1.z_verdict == "unsatisfactory" and s1.en is None
    a2 = analyse(rs, "median", sigma_pt=1.0)
    assert a2.scores[0].z == pytest.approx(24.140 - 20.300)
    assert a2.settings["sigma_pt_source"] == "given"
    with pytest.raises(InterlabError, match="needs a standard uncertainty"):
        analyse(rs, "weighted-mean")


def test_random_effects_analysis_reports_tau() -> None:
    a = analyse(RESULTS, "mandel-paule")
    assert a.reference.tau > 0
    assert any("dark uncertainty" in w for w in a.warnings)


@pytest.mark.parametrize(
    ("results", "method", "message"),
    [
        ([R("A", 1.0, 0.1), R("A", 2.0, 0.1)], "weighted-mean", "'A': duplicate"),
        ([R("A", 1.0, 0.1), R("B", float("nan"), 0.1)], "weighted-mean", "'B': value"),
        ([R("A", 1.0, 0.0), R("B", 2.0, 0.1)], "weighted-mean", "'A': standard uncertainty"),
        ([R("A", 1.0, -0.1), R("B", 2.0, 0.1)], "mean", "'A': standard uncertainty"),
        ([R("A", 1.0, 0.1), R("B", 2.0, 0.1)], "algorithm-a", "at least 3 contributing"),
        ([R("A", 1.0, 0.1), R("B", 2.0, 0.1, contributes=False)], "mean", "at least 2 contributing"),
        ([R("A", 1.0, 0.1), R(" ", 2.0, 0.1)], "mean", "empty"),
        ([R("A", 1.0, 0.1), R("B", 2.0, 0.1, dof=0)], "mean", "'B': degrees of freedom"),
        ([], "mean", "no participant"),
        ([R("A", 1.0, 0.1), R("B", 2.0, 0.1)], "mode", "unknown method"),
    ],
)
def test_errors(results: list[ParticipantResult], method: str, message: str) -> None:
    with pytest.raises(InterlabError, match=message):
        analyse(results, method)


def test_settings_validation() -> None:
    with pytest.raises(InterlabError, match="alpha"):
        analyse(RESULTS, alpha=0.0)
    with pytest.raises(InterlabError, match="sigma_pt"):
        analyse(RESULTS, sigma_pt=-1.0)
    with pytest.raises(InterlabError, match="bootstrap"):
        analyse(RESULTS, bootstrap=3)
    assert isinstance(InterlabError("x"), ValueError)


def test_decimal_inputs_from_a_database_are_accepted() -> None:
    from decimal import Decimal

    rs = [
        ParticipantResult("A", Decimal("10.10"), Decimal("0.10"), Decimal("12")),  # type: ignore[arg-type]
        ParticipantResult("B", Decimal("10.30"), Decimal("0.20")),  # type: ignore[arg-type]
        ParticipantResult("C", Decimal("9.90"), Decimal("0.15")),  # type: ignore[arg-type]
    ]
    a = analyse(rs, "median", bootstrap=100)
    assert a.reference.value == pytest.approx(10.10)
    with pytest.raises(InterlabError, match="'A': value"):
        analyse([ParticipantResult("A", "x", 0.1), *rs[1:]])  # type: ignore[arg-type]
