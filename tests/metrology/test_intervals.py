"""Recalibration intervals: the maths by hand-computed cases and properties, and the method in
force when a calibration is issued (staircase, statistical, revisions)."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nqi.metrology import intervals
from nqi.metrology.intervals import IntervalSettings, Observation, observations, staircase, statistical
from tests.metrology import test_calibrations_setup
from tests.metrology.test_calibrations_setup import DAY

D = dt.date
cal = test_calibrations_setup.cal  # the shared fixture


def test_staircase_by_hand():
    assert staircase(365, "pass") == 402  # 365 × 1.1 = 401.5, rounded half up
    assert staircase(365, "pass_guard_band") == 402
    assert staircase(365, "fail") == 219  # 365 × 0.6
    assert staircase(365, "indeterminate") == 365 and staircase(365, "") == 365
    assert staircase(1800, "pass") == 1825  # the upper bound
    assert staircase(40, "fail") == 30  # the lower bound
    custom = IntervalSettings(increase=0.25, decrease=0.5, min_days=7, max_days=730)
    assert staircase(100, "pass", custom) == 125 and staircase(100, "fail", custom) == 50
    assert intervals.staircase_equilibrium(0.1, 0.4) == pytest.approx(0.8428, abs=1e-4)


def test_settings_are_checked():
    with pytest.raises(ValueError, match="decrease"):
        IntervalSettings(decrease=1.0)
    with pytest.raises(ValueError, match="min_days"):
        IntervalSettings(min_days=400, max_days=300)
    with pytest.raises(ValueError, match="reliability"):
        IntervalSettings(reliability=1.0)


def test_observations_skip_inconclusive_zero_gaps_and_intervals_started_out_of_tolerance():
    history = [
        (D(2020, 1, 1), "", "pass"),  # the first calibration: nothing before it
        (D(2021, 1, 1), "pass", "pass"),  # 366 days (leap year), in tolerance
        (D(2021, 1, 1), "pass", "pass"),  # same day: no time in service
        (D(2022, 1, 1), "fail", "fail"),  # out of tolerance, and left so (not adjusted)
        (D(2023, 1, 1), "pass", "pass"),  # did not start in tolerance: not counted
        (D(2023, 7, 1), "indeterminate", "pass"),
        (D(2024, 1, 1), "fail", "pass"),  # adjusted: the next interval counts
        (D(2025, 1, 1), "pass_guard_band", "pass"),
    ]
    assert observations(history) == [
        Observation(366, True),
        Observation(365, False),
        Observation(184, False),
        Observation(366, True),
    ]


def test_statistical_estimate_by_hand():
    settings = IntervalSettings(min_observations=5)
    data = [Observation(365, True)] * 4 + [Observation(365, False)]
    estimate = statistical(365, data, settings)
    # λ = 1 / 1825 per day; I = −ln 0.95 / λ = 0.051293 × 1825 = 93.61 days.
    assert estimate.sufficient and (estimate.failures, estimate.exposure_days) == (1, 1825)
    assert estimate.failure_rate == pytest.approx(1 / 1825)
    assert estimate.interval == pytest.approx(93.61, abs=0.01)
    assert estimate.recommended == 94
    # 95 % limits: λ_U = χ²(0.975; 4)/2T = 11.1433/3650, λ_L = χ²(0.025; 2)/2T = 0.050636/3650.
    assert estimate.interval_low == pytest.approx(16.80, abs=0.01)
    assert estimate.interval_high == pytest.approx(3697.4, abs=0.5)


def test_statistical_without_failures_grows_by_the_maximum_step_and_needs_enough_data():
    passes = [Observation(365, True)] * 10
    estimate = statistical(365, passes)
    assert estimate.sufficient and estimate.interval is None and estimate.interval_high is None
    assert estimate.recommended == 730  # 2 × 365, the maximum jump
    # χ²(0.975; 2) = 7.3778: λ_U = 7.3778 / 7300, lower limit 0.051293 / λ_U = 50.75 days.
    assert estimate.interval_low == pytest.approx(50.75, abs=0.01)
    assert statistical(1000, passes).recommended == 1825  # never beyond max_days
    short = statistical(365, passes[:9])
    assert not short.sufficient and short.recommended is None and short.observations == 9


@given(
    current=st.integers(min_value=30, max_value=1825),
    verdict=st.sampled_from(["pass", "pass_guard_band", "fail", "indeterminate", ""]),
)
def test_staircase_moves_the_right_way_within_bounds(current, verdict):
    result = staircase(current, verdict)
    assert 30 <= result <= 1825
    if verdict in ("pass", "pass_guard_band"):
        assert result >= current
    elif verdict == "fail":
        assert result <= current
    else:
        assert result == current


@given(
    a=st.integers(min_value=1, max_value=3000),
    b=st.integers(min_value=1, max_value=3000),
    verdict=st.sampled_from(["pass", "fail"]),
)
def test_staircase_is_monotonic_in_the_current_interval(a, b, verdict):
    low, high = sorted((a, b))
    assert staircase(low, verdict) <= staircase(high, verdict)


@given(
    current=st.integers(min_value=1, max_value=3000),
    days=st.lists(st.integers(min_value=1, max_value=1000), min_size=10, max_size=40),
    failures=st.integers(min_value=0, max_value=40),
)
def test_more_failures_never_lengthen_the_statistical_interval(current, days, failures):
    failures = min(failures, len(days))

    def with_failures(count: int):
        data = [Observation(d, i >= count) for i, d in enumerate(days)]
        return statistical(current, data)

    estimate = with_failures(failures)
    assert estimate.sufficient and 30 <= estimate.recommended <= 1825
    assert estimate.recommended <= max(30, min(1825, math.floor(current * 2 + 0.5)))
    if failures:
        assert estimate.interval_low <= estimate.interval <= estimate.interval_high
    if failures < len(days):
        assert with_failures(failures + 1).recommended <= estimate.recommended


# --- next_interval when a calibration is issued ------------------------------------------------


def _use_method(cal, method: str, interval: int = 365) -> None:
    from nqi.metrology.services.equipment import save_instrument

    quantity = {"quantity": "mass", "unit": "kg", "mpe": 1.6e-6, "interval_days": interval}
    save_instrument(cal.net.admin, cal.item, {}, [{**quantity, "interval_method": method}])


def _mass(cal):
    return cal.item.quantities.get(quantity="mass")


@pytest.mark.django_db
def test_staircase_adjusts_at_each_issue_but_not_for_a_revision(cal):
    from nqi.metrology.services.calibrations import issue, revise

    _use_method(cal, "staircase")
    first = issue(cal.net.vmi_user, cal.draft())  # in tolerance: 365 → 402
    assert first.valid_until == DAY + dt.timedelta(days=402)
    assert (_mass(cal).interval_days, _mass(cal).due_on) == (402, DAY + dt.timedelta(days=402))
    later = D(2026, 6, 1)
    second = issue(cal.net.vmi_user, cal.draft(errors=(5e-7, -2.1e-6), calibrated_on=later))  # fails
    assert second.as_found_verdict == "fail" and _mass(cal).interval_days == 241  # 402 × 0.6
    cal.item.refresh_from_db()
    assert cal.item.next_due == later + dt.timedelta(days=241)
    revision = issue(cal.net.vmi_user, revise(cal.net.vmi_user, second, "Wrong customer address."))
    assert _mass(cal).interval_days == 241 and revision.valid_until == later + dt.timedelta(days=241)


@pytest.mark.django_db
def test_statistical_method_uses_the_history_including_the_new_record(cal, settings):
    from nqi.metrology.models import CalibrationRecord
    from nqi.metrology.services.calibrations import issue

    settings.NQI_METROLOGY_INTERVALS = {"min_observations": 2}
    _use_method(cal, "statistical")
    for number, (day, verdict) in enumerate([(D(2024, 3, 2), "pass"), (D(2025, 3, 2), "pass")]):
        CalibrationRecord.objects.create(
            certificate_number=f"OLD-{number}",
            item=cal.item,
            laboratory=cal.net.vmi,
            calibrated_on=day,
            status="issued",
            as_found_verdict=verdict,
            as_left_verdict=verdict,
        )
    record = issue(cal.net.vmi_user, cal.draft(errors=(5e-7, -2.1e-6)))  # out of tolerance on DAY
    # Observations: 365 days in tolerance, 365 days out: λ = 1/730, I = 0.051293 × 730 = 37.4 days.
    assert _mass(cal).interval_days == 37 and record.valid_until == DAY + dt.timedelta(days=37)
    recommendation = intervals.recommend(_mass(cal))
    assert [row.counted for row in recommendation.history] == [False, True, True]
    assert recommendation.statistical.recommended == 37 and recommendation.staircase_applied is False


@pytest.mark.django_db
def test_statistical_without_enough_history_falls_back_to_the_staircase(cal):
    from nqi.metrology.services.calibrations import issue

    _use_method(cal, "statistical")
    issue(cal.net.vmi_user, cal.draft())
    assert _mass(cal).interval_days == 402
