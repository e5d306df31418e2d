"""Statements of conformity for calibration points (pure: no Django).

Follows ILAC-G8:09/2019 and JCGM 106:2012 for a symmetric tolerance ``±T`` (the maximum
permissible error) on the error ``e`` of an indication, with expanded uncertainty ``U``:

* ``simple`` acceptance (guard band ``w = 0``): *pass* when ``|e| ≤ T``, else *fail*. The
  uncertainty is not used; the rule is stated on the certificate (ILAC-G8 §4.2.1, requires an
  agreed decision rule).
* ``guard_band`` with ``w = r·U``: *pass with guard band* when ``|e| ≤ T − w`` (the acceptance
  zone is shrunk by the guard band, so a pass holds with the stated confidence), *fail* when
  ``|e| > T + w``, and *indeterminate* in between, where neither conformity nor non-conformity
  can be stated (the result lies within the guard band either side of the limit).

A point without a tolerance or without an indication gets no statement (empty string). The
record's overall statement is the worst of its points: fail > indeterminate > pass with guard
band > pass.
"""

from __future__ import annotations

from collections.abc import Iterable

PASS = "pass"
PASS_GUARD_BAND = "pass_guard_band"
INDETERMINATE = "indeterminate"
FAIL = "fail"
NONE = ""

SIMPLE = "simple"
GUARD_BAND = "guard_band"

_SEVERITY = {NONE: 0, PASS: 1, PASS_GUARD_BAND: 2, INDETERMINATE: 3, FAIL: 4}


def verdict(
    error: float | None,
    uncertainty: float,
    tolerance: float | None,
    rule: str = SIMPLE,
    guard_band_factor: float = 1.0,
) -> str:
    """The statement for one point; ``error`` is indication − reference."""
    if error is None or tolerance is None:
        return NONE
    if uncertainty < 0 or tolerance < 0 or guard_band_factor < 0:
        raise ValueError("uncertainty, tolerance and guard band factor must not be negative")
    magnitude = abs(error)
    if rule == SIMPLE:
        return PASS if magnitude <= tolerance else FAIL
    if rule != GUARD_BAND:
        raise ValueError(f"unknown decision rule {rule!r}")
    w = guard_band_factor * uncertainty
    if magnitude <= tolerance - w:
        return PASS_GUARD_BAND
    if magnitude > tolerance + w:
        return FAIL
    return INDETERMINATE


def overall(verdicts: Iterable[str]) -> str:
    """The worst statement of a set of points (empty when no point has one)."""
    return max(verdicts, key=lambda v: _SEVERITY[v], default=NONE)


def conforms(statement: str) -> bool | None:
    """True for pass statements, False for fail, None for no or an indeterminate statement."""
    if statement in (PASS, PASS_GUARD_BAND):
        return True
    if statement == FAIL:
        return False
    return None
