"""Statements of conformity for calibration points (pure: no Django).

Follows ILAC-G8:09/2019 and JCGM 106:2012 for a symmetric tolerance ``±T`` (the maximum
permissible error) on the error ``e = indication − reference`` of an indication, with expanded
uncertainty ``U`` (coverage probability about 95 %):

* ``simple`` acceptance (guard band ``w = 0``, ILAC-G8 §4.2.1): *pass* when ``|e| ≤ T``, else
  *fail*. The uncertainty is not used; the customer must have agreed to the rule, and the
  certificate states it. The risk of a false accept can reach 50 % right at the limit.
* ``guard_band`` with ``w = r·U`` (ILAC-G8 §4.2.2–4.2.3, JCGM 106 §8): *pass with guard band*
  when ``|e| ≤ T − w`` (the acceptance zone is shrunk by the guard band; with ``r = 1`` the
  probability of a false accept is at most 2.5 %), *fail* when ``|e| > T + w`` (non-conformity
  stated with the same confidence), and *indeterminate* in between, where neither conformity nor
  non-conformity can be stated (ILAC-G8's "conditional pass" and "conditional fail" zones, which
  a certificate must not report as a plain pass or fail). When ``w ≥ T`` the measurement cannot
  show conformity at all: every result within the limits is indeterminate.

Edge cases, chosen so that both rules agree when ``w = 0``:

* a result exactly on a limit belongs to the inner zone (``|e| = T`` passes under the simple
  rule, ``|e| = T − w`` passes and ``|e| = T + w`` is indeterminate under the guard band);
* "exactly" allows for the floating-point rounding of ``indication − reference``: values that
  differ from a limit by less than 10⁻⁹ relative count as on the limit;
* a point without a tolerance or without an indication gets no statement (empty string).

The record's overall statement is the worst of its points (fail > indeterminate > pass with
guard band > pass > none): one failing point makes the item fail.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

PASS = "pass"
PASS_GUARD_BAND = "pass_guard_band"
INDETERMINATE = "indeterminate"
FAIL = "fail"
NONE = ""

SIMPLE = "simple"
GUARD_BAND = "guard_band"

# Order of severity used by :func:`overall` (higher is worse).
SEVERITY = {NONE: 0, PASS: 1, PASS_GUARD_BAND: 2, INDETERMINATE: 3, FAIL: 4}

# Relative tolerance for "on the limit" (rounding of the subtraction, not a metrological margin).
LIMIT_RTOL = 1e-9


def _within(magnitude: float, limit: float) -> bool:
    """``magnitude ≤ limit``, counting values equal to the limit up to rounding as on it."""
    return magnitude <= limit or math.isclose(magnitude, limit, rel_tol=LIMIT_RTOL, abs_tol=0.0)


def verdict(
    error: float | None,
    uncertainty: float,
    tolerance: float | None,
    rule: str = SIMPLE,
    guard_band_factor: float = 1.0,
) -> str:
    """The statement for one point; ``error`` is indication − reference, ``tolerance`` the MPE."""
    if error is None or tolerance is None:
        return NONE
    if uncertainty < 0 or tolerance < 0 or guard_band_factor < 0:
        raise ValueError("uncertainty, tolerance and guard band factor must not be negative")
    if rule not in (SIMPLE, GUARD_BAND):
        raise ValueError(f"unknown decision rule {rule!r}")
    magnitude = abs(error)
    if rule == SIMPLE:
        return PASS if _within(magnitude, tolerance) else FAIL
    w = guard_band_factor * uncertainty
    if tolerance - w >= 0 and _within(magnitude, tolerance - w):
        return PASS_GUARD_BAND
    if not _within(magnitude, tolerance + w):
        return FAIL
    return INDETERMINATE


def overall(statements: Iterable[str]) -> str:
    """The worst statement of a set of points (empty when no point has one)."""
    return max(statements, key=lambda v: SEVERITY[v], default=NONE)


def conforms(statement: str) -> bool | None:
    """True for pass statements, False for fail, None for no or an indeterminate statement."""
    if statement in (PASS, PASS_GUARD_BAND):
        return True
    if statement == FAIL:
        return False
    return None
