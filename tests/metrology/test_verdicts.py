"""Statements of conformity (ILAC-G8:09/2019): a table of cases, then properties of the rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nqi.metrology.verdicts import (
    FAIL,
    GUARD_BAND,
    INDETERMINATE,
    NONE,
    PASS,
    PASS_GUARD_BAND,
    SEVERITY,
    SIMPLE,
    conforms,
    overall,
    verdict,
)

# error, U, MPE, rule, r → statement. MPE 1.0, U 0.2: guard band w = 0.2 (r = 1) or 0.4 (r = 2).
CASES = [
    (0.0, 0.2, 1.0, SIMPLE, 1.0, PASS),
    (0.99, 0.2, 1.0, SIMPLE, 1.0, PASS),
    (1.0, 0.2, 1.0, SIMPLE, 1.0, PASS),  # on the limit: conforms
    (-1.0, 0.2, 1.0, SIMPLE, 1.0, PASS),
    (1.01, 0.2, 1.0, SIMPLE, 1.0, FAIL),
    (-3.0, 0.0, 1.0, SIMPLE, 1.0, FAIL),
    (0.5, 0.2, 1.0, GUARD_BAND, 1.0, PASS_GUARD_BAND),
    (0.8, 0.2, 1.0, GUARD_BAND, 1.0, PASS_GUARD_BAND),  # |e| = T − w
    (0.81, 0.2, 1.0, GUARD_BAND, 1.0, INDETERMINATE),  # conditional pass zone
    (1.0, 0.2, 1.0, GUARD_BAND, 1.0, INDETERMINATE),
    (-1.1, 0.2, 1.0, GUARD_BAND, 1.0, INDETERMINATE),  # conditional fail zone
    (1.2, 0.2, 1.0, GUARD_BAND, 1.0, INDETERMINATE),  # |e| = T + w
    (1.21, 0.2, 1.0, GUARD_BAND, 1.0, FAIL),
    (0.7, 0.2, 1.0, GUARD_BAND, 2.0, INDETERMINATE),  # r = 2: w = 0.4, T − w = 0.6
    (1.41, 0.2, 1.0, GUARD_BAND, 2.0, FAIL),
    (0.9, 0.2, 1.0, GUARD_BAND, 0.0, PASS_GUARD_BAND),  # r = 0 is simple acceptance
    (0.0, 2.0, 1.0, GUARD_BAND, 1.0, INDETERMINATE),  # U larger than the tolerance: nothing passes
    (None, 0.2, 1.0, SIMPLE, 1.0, NONE),  # no indication
    (0.5, 0.2, None, GUARD_BAND, 1.0, NONE),  # no tolerance
    # floating-point rounding of indication − reference: 10.3 − 10.2 is 0.10000000000000142
    (10.3 - 10.2, 0.0, 0.1, SIMPLE, 1.0, PASS),
]


@pytest.mark.parametrize(("error", "u", "mpe", "rule", "r", "expected"), CASES)
def test_statement_table(error, u, mpe, rule, r, expected):
    assert verdict(error, u, mpe, rule, r) == expected


def test_refuses_negative_inputs_and_unknown_rules():
    for args in ((0.1, -1.0, 1.0), (0.1, 0.1, -1.0), (0.1, 0.1, 1.0, GUARD_BAND, -1.0)):
        with pytest.raises(ValueError, match="negative"):
            verdict(*args)
    with pytest.raises(ValueError, match="unknown decision rule"):
        verdict(0.1, 0.1, 1.0, "shared_risk")


def test_overall_is_the_worst_and_conformity():
    assert overall([PASS, PASS_GUARD_BAND, NONE]) == PASS_GUARD_BAND
    assert overall([PASS, FAIL, INDETERMINATE]) == FAIL
    assert overall([]) == NONE and overall([NONE, NONE]) == NONE
    assert [conforms(v) for v in (PASS, PASS_GUARD_BAND, INDETERMINATE, FAIL, NONE)] == [
        True,
        True,
        None,
        False,
        None,
    ]


magnitudes = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)
errors = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
factors = st.floats(min_value=0, max_value=5, allow_nan=False, allow_infinity=False)


@given(errors, magnitudes, magnitudes, factors)
def test_guard_band_is_stricter_than_simple_acceptance(error, u, mpe, r):
    simple = verdict(error, u, mpe, SIMPLE)
    guarded = verdict(error, u, mpe, GUARD_BAND, r)
    if guarded == PASS_GUARD_BAND:
        assert simple == PASS  # a guarded pass is a pass
    if guarded == FAIL:
        assert simple == FAIL  # a guarded fail is a fail
    if simple == PASS:
        assert guarded != FAIL
    if simple == FAIL:
        assert guarded != PASS_GUARD_BAND


@given(errors, magnitudes, magnitudes)
def test_without_guard_band_both_rules_agree(error, u, mpe):
    simple = verdict(error, u, mpe, SIMPLE)
    for guarded in (verdict(error, u, mpe, GUARD_BAND, 0.0), verdict(error, 0.0, mpe, GUARD_BAND, 1.0)):
        assert guarded == {PASS: PASS_GUARD_BAND, FAIL: FAIL}[simple]


@given(errors, magnitudes, magnitudes, factors, st.sampled_from([SIMPLE, GUARD_BAND]))
def test_symmetric_in_the_sign_of_the_error(error, u, mpe, r, rule):
    assert verdict(error, u, mpe, rule, r) == verdict(-error, u, mpe, rule, r)


@given(magnitudes, magnitudes, magnitudes, magnitudes, factors, st.sampled_from([SIMPLE, GUARD_BAND]))
def test_a_larger_error_is_never_judged_better(e1, e2, u, mpe, r, rule):
    small, large = sorted((e1, e2))
    assert SEVERITY[verdict(small, u, mpe, rule, r)] <= SEVERITY[verdict(large, u, mpe, rule, r)]


@given(st.lists(st.sampled_from(list(SEVERITY)), max_size=12))
def test_overall_is_worst_of_and_order_free(statements):
    result = overall(statements)
    assert result == overall(list(reversed(statements)))
    assert all(SEVERITY[s] <= SEVERITY[result] for s in statements)
    assert result in statements or (result == NONE and not statements)
    if FAIL in statements:
        assert result == FAIL
    assert overall([*statements, NONE]) == result
