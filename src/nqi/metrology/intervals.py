"""Recalibration intervals (ILAC-G24:2022 / OIML D 10:2022, "Guidelines for the determination of
recalibration intervals of measuring equipment").

The first half of this module is pure maths (no Django): two of the methods of ILAC-G24 §5.

* **Staircase** (method 1, "automatic adjustment"): after each routine calibration the interval
  is lengthened by a fraction ``a`` when the item was found in tolerance, and shortened by a
  fraction ``b`` when it was found out of tolerance: ``I' = I·(1 + a)`` or ``I' = I·(1 − b)``,
  bounded by ``[min_days, max_days]``. An indeterminate or missing as-found statement leaves the
  interval as it is. In the long run the interval settles where ``R·ln(1+a) + (1−R)·ln(1−b) = 0``,
  i.e. at the in-tolerance probability ``R* = −ln(1−b) / (ln(1+a) − ln(1−b))``
  (:func:`staircase_equilibrium`): 0.843 for the defaults a = 0.10, b = 0.40.
* **Statistical** ("other statistical methods" of OIML D 10 §5; NCSLI RP-1 exponential
  reliability model): an item stays in tolerance for a time ``t`` with probability
  ``R(t) = exp(−λt)``. From ``n`` as-found results after intervals ``t_i`` with ``r`` found out of
  tolerance, the maximum-likelihood failure rate of a time-truncated exponential life test is
  ``λ̂ = r / T`` with ``T = Σ t_i``. The interval that meets the reliability target ``R`` is
  ``I = −ln(R) / λ̂``. Its two-sided confidence interval follows from the chi-square limits of
  ``λ``: ``λ_L = χ²(α/2; 2r) / 2T`` and ``λ_U = χ²(1 − α/2; 2r + 2) / 2T``. The recommendation is
  the point estimate, never more than ``max_factor`` × the current interval (no failures at all
  gives exactly that jump), within ``[min_days, max_days]``; decreases are not damped, because a
  too-long interval is the unsafe side. Fewer than ``min_observations`` results are "insufficient
  data" (no recommendation).

The second half reads the calibration history from the database and applies the quantity's
method when a calibration is issued (:func:`next_interval`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

IN_TOLERANCE = frozenset({"pass", "pass_guard_band"})
OUT_OF_TOLERANCE = frozenset({"fail"})


@dataclass(frozen=True)
class IntervalSettings:
    """Parameters of both methods (defaults documented in docs/metrology/equipment.md)."""

    increase: float = 0.10  # a: staircase step after an in-tolerance result
    decrease: float = 0.40  # b: staircase step after an out-of-tolerance result
    min_days: int = 30
    max_days: int = 1825  # five years
    reliability: float = 0.95  # R: target probability of being in tolerance at the end of the interval
    confidence: float = 0.95  # of the two-sided confidence interval of the statistical estimate
    min_observations: int = 10  # fewer as-found results are "insufficient data"
    max_factor: float = 2.0  # a statistical recommendation never exceeds this × the current interval

    def __post_init__(self) -> None:
        checks = [
            (self.increase > 0, "increase must be positive"),
            (0 < self.decrease < 1, "decrease must be between 0 and 1"),
            (1 <= self.min_days <= self.max_days, "need 1 ≤ min_days ≤ max_days"),
            (self.max_days <= 36500, "max_days must not exceed 36500"),
            (0 < self.reliability < 1, "reliability must be between 0 and 1"),
            (0 < self.confidence < 1, "confidence must be between 0 and 1"),
            (self.min_observations >= 1, "min_observations must be at least 1"),
            (self.max_factor >= 1, "max_factor must be at least 1"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)

    @property
    def staircase_equilibrium(self) -> float:
        return staircase_equilibrium(self.increase, self.decrease)


DEFAULTS = IntervalSettings()


def conformity(verdict: str) -> bool | None:
    """True when found in tolerance, False when out of tolerance, None when nothing can be said."""
    if verdict in IN_TOLERANCE:
        return True
    if verdict in OUT_OF_TOLERANCE:
        return False
    return None


def bounded(days: float, settings: IntervalSettings = DEFAULTS) -> int:
    """``days`` rounded half up to whole days and kept within ``[min_days, max_days]``."""
    return int(min(settings.max_days, max(settings.min_days, math.floor(days + 0.5))))


def staircase(current: int, verdict: str, settings: IntervalSettings = DEFAULTS) -> int:
    """ILAC-G24 method 1: the interval after a calibration with this as-found ``verdict``."""
    found = conformity(verdict)
    if found is None:
        return int(current)
    factor = 1 + settings.increase if found else 1 - settings.decrease
    return bounded(current * factor, settings)


def staircase_equilibrium(increase: float = DEFAULTS.increase, decrease: float = DEFAULTS.decrease) -> float:
    """The in-tolerance probability at which the staircase neither lengthens nor shortens on average."""
    up, down = math.log1p(increase), -math.log1p(-decrease)
    return down / (up + down)


@dataclass(frozen=True)
class Observation:
    """One as-found result: the item was in service ``days`` since its previous calibration."""

    days: int
    in_tolerance: bool


def observations(history: Iterable[tuple[dt.date, str, str]]) -> list[Observation]:
    """Observations from one item's calibrations ``(date, as_found, as_left)`` in date order.

    Each calibration after the first tells whether the item stayed in tolerance since the previous
    one. Not counted: inconclusive as-found statements, a zero-day gap, and the interval after a
    calibration that left the item out of tolerance (it did not start in tolerance).
    """
    result: list[Observation] = []
    previous: tuple[dt.date, str, str] | None = None
    for row in history:
        if previous is not None:
            days = (row[0] - previous[0]).days
            found = conformity(row[1])
            if days > 0 and found is not None and previous[2] not in OUT_OF_TOLERANCE:
                result.append(Observation(days, found))
        previous = row
    return result


def chi2_quantile(probability: float, dof: int) -> float:
    """Quantile of the chi-square distribution (0 for zero degrees of freedom)."""
    if dof <= 0:
        return 0.0
    from scipy.stats import chi2  # imported here: scipy is slow to load and rarely needed

    return float(chi2.ppf(probability, dof))


@dataclass(frozen=True)
class StatisticalEstimate:
    observations: int
    failures: int
    exposure_days: int
    sufficient: bool
    failure_rate: float | None = None  # λ̂ per day
    interval: float | None = None  # −ln R / λ̂; None when no failure was seen (unbounded)
    interval_low: float | None = None  # lower confidence limit of the interval
    interval_high: float | None = None  # upper confidence limit; None when no failure was seen
    recommended: int | None = None  # bounded recommendation; None when insufficient data
    source: str = "instrument"  # "instrument" or "model" (all items of the same make and model)
    instruments: int = 1  # how many items the observations come from
    settings: IntervalSettings = field(default=DEFAULTS, repr=False)


def statistical(
    current: int, data: Sequence[Observation], settings: IntervalSettings = DEFAULTS
) -> StatisticalEstimate:
    """Exponential reliability model: the interval meeting the reliability target, see the module doc."""
    n = len(data)
    failures = sum(1 for o in data if not o.in_tolerance)
    exposure = sum(o.days for o in data)
    base = StatisticalEstimate(n, failures, exposure, sufficient=False, settings=settings)
    if n < settings.min_observations or exposure <= 0:
        return base
    target = -math.log(settings.reliability)
    alpha = 1 - settings.confidence
    rate_high = chi2_quantile(1 - alpha / 2, 2 * failures + 2) / (2 * exposure)
    rate_low = chi2_quantile(alpha / 2, 2 * failures) / (2 * exposure)
    cap = current * settings.max_factor
    if failures == 0:
        return replace(
            base,
            sufficient=True,
            failure_rate=0.0,
            interval_low=target / rate_high,
            recommended=bounded(cap, settings),
        )
    rate = failures / exposure
    point = target / rate
    return replace(
        base,
        sufficient=True,
        failure_rate=rate,
        interval=point,
        interval_low=target / rate_high,
        interval_high=target / rate_low if rate_low > 0 else None,
        recommended=bounded(min(point, cap), settings),
    )


# --- Django: histories from the database and the method in force ---------------------------------

HISTORY_LIMIT = 200  # calibrations of one item read for its interval (the newest)
POOL_INSTRUMENTS = 500  # items of the same make and model read for a pooled estimate
POOL_RECORDS = 5000


def settings_in_force() -> IntervalSettings:
    """The defaults, overridden by the Django setting ``NQI_METROLOGY_INTERVALS`` (a dict)."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        return replace(DEFAULTS, **getattr(settings, "NQI_METROLOGY_INTERVALS", {}))
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"NQI_METROLOGY_INTERVALS: {exc}") from exc


@dataclass
class HistoryRow:
    record_id: int
    certificate_number: str
    calibrated_on: dt.date
    as_found: str
    as_left: str
    elapsed_days: int | None = None
    counted: bool = False  # an observation of the statistical method


def _records_for(quantity, item_ids: list[int]):
    """Issued calibrations of these items that calibrated ``quantity`` (by name).

    With a single quantity every record counts; otherwise a record counts when one of its points
    has the quantity's name, or when none of its points names any quantity of the item (as in
    :func:`nqi.metrology.services.equipment.after_calibration`).
    """
    from django.db.models import Exists, OuterRef, Q

    from nqi.metrology.models import CalibrationPoint, CalibrationRecord, RecordStatus

    records = CalibrationRecord.objects.filter(item_id__in=item_ids, status=RecordStatus.ISSUED)
    names = [q.quantity for q in quantity.instrument.quantities.all()]
    if len(names) > 1:
        points = CalibrationPoint.objects.filter(record=OuterRef("pk"))
        records = records.filter(
            Q(Exists(points.filter(quantity=quantity.quantity))) | ~Exists(points.filter(quantity__in=names))
        )
    return records


def quantity_history(quantity, extra=None) -> list[HistoryRow]:
    """The item's calibrations of ``quantity``, oldest first (the newest ``HISTORY_LIMIT``).

    ``extra`` is a record not yet issued that should count as the newest one (the one being issued).
    """
    fields = ("pk", "certificate_number", "calibrated_on", "as_found_verdict", "as_left_verdict")
    rows = list(
        _records_for(quantity, [quantity.instrument_id])
        .order_by("-calibrated_on", "-pk")
        .values_list(*fields)[:HISTORY_LIMIT]
    )
    rows.reverse()
    if extra is not None and extra.pk not in {row[0] for row in rows}:
        rows.append(tuple(getattr(extra, name) for name in fields))
        rows.sort(key=lambda row: (row[2], row[0] or 0))
    history = [HistoryRow(*row) for row in rows]
    for previous, row in itertools.pairwise(history):
        row.elapsed_days = (row.calibrated_on - previous.calibrated_on).days
        row.counted = bool(
            row.elapsed_days > 0
            and conformity(row.as_found) is not None
            and previous.as_left not in OUT_OF_TOLERANCE
        )
    return history


def _own_observations(history: list[HistoryRow]) -> list[Observation]:
    return observations((row.calibrated_on, row.as_found, row.as_left) for row in history)


def pooled_observations(quantity) -> tuple[list[Observation], int]:
    """Observations of every item of the same manufacturer and model (with this quantity)."""
    from nqi.metrology.models import Instrument

    instrument = quantity.instrument
    if not (instrument.manufacturer and instrument.model):
        return [], 0
    ids = list(
        Instrument.objects.filter(manufacturer=instrument.manufacturer, model=instrument.model)
        .order_by("pk")
        .values_list("pk", flat=True)[:POOL_INSTRUMENTS]
    )
    rows = (
        _records_for(quantity, ids)
        .order_by("item_id", "calibrated_on", "pk")
        .values_list("item_id", "calibrated_on", "as_found_verdict", "as_left_verdict")[:POOL_RECORDS]
    )
    by_item: dict[int, list[tuple[dt.date, str, str]]] = {}
    for item_id, day, found, left in rows:
        by_item.setdefault(item_id, []).append((day, found, left))
    result: list[Observation] = []
    for history in by_item.values():
        result += observations(history)
    return result, len(by_item)


def statistical_for(quantity, history: list[HistoryRow], settings: IntervalSettings) -> StatisticalEstimate:
    """The item's own history when long enough, else the pooled one of its make and model."""
    own = statistical(quantity.interval_days, _own_observations(history), settings)
    if own.sufficient:
        return own
    pooled, items = pooled_observations(quantity)
    if items > 1:
        estimate = statistical(quantity.interval_days, pooled, settings)
        if estimate.sufficient or estimate.observations > own.observations:
            return replace(estimate, source="model", instruments=items)
    return own


def next_interval(quantity, record) -> int:
    """The interval (days) in force after ``record``, by the quantity's method.

    fixed: unchanged. staircase: one step for the record's as-found statement. statistical: the
    recommendation from the history including ``record``; with insufficient data, the staircase.
    """
    from nqi.metrology.models import IntervalMethod

    method = quantity.interval_method
    if method == IntervalMethod.FIXED:
        return int(quantity.interval_days)
    settings = settings_in_force()
    if method == IntervalMethod.STATISTICAL:
        estimate = statistical_for(quantity, quantity_history(quantity, extra=record), settings)
        if estimate.recommended is not None:
            return estimate.recommended
    return staircase(quantity.interval_days, record.as_found_verdict, settings)


@dataclass
class Recommendations:
    """What each method would set for one quantity, with the history it is based on."""

    quantity: object
    history: list[HistoryRow]
    fixed: int
    staircase: int
    staircase_applied: bool  # the current interval already includes the latest staircase step
    statistical: StatisticalEstimate
    latest_verdict: str = ""

    def days(self, method: str) -> int | None:
        return {"fixed": self.fixed, "staircase": self.staircase}.get(method, self.statistical.recommended)


def recommend(quantity) -> Recommendations:
    from nqi.metrology.models import IntervalMethod

    settings = settings_in_force()
    history = quantity_history(quantity)
    latest = next((row for row in reversed(history) if conformity(row.as_found) is not None), None)
    verdict = latest.as_found if latest else ""
    applied = (
        quantity.interval_method == IntervalMethod.STAIRCASE
        and latest is not None
        and quantity.last_calibrated is not None
        and quantity.last_calibrated >= latest.calibrated_on
    )
    return Recommendations(
        quantity=quantity,
        history=history,
        fixed=int(quantity.interval_days),
        staircase=int(quantity.interval_days)
        if applied
        else staircase(quantity.interval_days, verdict, settings),
        staircase_applied=applied,
        statistical=statistical_for(quantity, history, settings),
        latest_verdict=verdict,
    )
