"""Performance scores (ISO 13528:2015, clause 9) and their conventional classification."""

from __future__ import annotations

import math
from typing import Literal

from ._errors import InterlabError, check_positive

Verdict = Literal["satisfactory", "questionable", "unsatisfactory"]


def _finite(value: float, name: str) -> float:
    v = float(value)
    if not math.isfinite(v):
        raise InterlabError(f"{name}: must be finite, got {value!r}")
    return v


def z_score(x: float, assigned: float, sigma_pt: float) -> float:
    """z = (x - x_pt) / sigma_pt (ISO 13528:2015, 9.4)."""
    return (_finite(x, "x") - _finite(assigned, "assigned value")) / check_positive(sigma_pt, "sigma_pt")


def z_prime_score(x: float, assigned: float, sigma_pt: float, u_assigned: float) -> float:
    """z' = (x - x_pt) / sqrt(sigma_pt^2 + u^2(x_pt)) (ISO 13528:2015, 9.5)."""
    sp = check_positive(sigma_pt, "sigma_pt")
    ua = _finite(u_assigned, "u(assigned value)")
    if ua < 0.0:
        raise InterlabError("u(assigned value): must not be negative")
    return (_finite(x, "x") - _finite(assigned, "assigned value")) / math.hypot(sp, ua)


def zeta_score(x: float, u_x: float, assigned: float, u_assigned: float) -> float:
    """zeta = (x - x_pt) / sqrt(u^2(x) + u^2(x_pt)) (ISO 13528:2015, 9.6), independent x and x_pt."""
    ux = check_positive(u_x, "u(x)")
    ua = _finite(u_assigned, "u(assigned value)")
    if ua < 0.0:
        raise InterlabError("u(assigned value): must not be negative")
    return (_finite(x, "x") - _finite(assigned, "assigned value")) / math.hypot(ux, ua)


def en_score(x: float, big_u_x: float, assigned: float, big_u_assigned: float) -> float:
    """E_n = (x - x_pt) / sqrt(U^2(x) + U^2(x_pt)) with expanded uncertainties (ISO 13528:2015, 9.7)."""
    ux = check_positive(big_u_x, "U(x)")
    ua = _finite(big_u_assigned, "U(assigned value)")
    if ua < 0.0:
        raise InterlabError("U(assigned value): must not be negative")
    return (_finite(x, "x") - _finite(assigned, "assigned value")) / math.hypot(ux, ua)


def classify_z(score: float, warning: float = 2.0, action: float = 3.0) -> Verdict:
    """z, z', zeta: |s| <= 2 satisfactory, 2 < |s| < 3 questionable, |s| >= 3 unsatisfactory (9.4.1)."""
    a = abs(score)
    if a <= warning:
        return "satisfactory"
    return "questionable" if a < action else "unsatisfactory"


def classify_en(score: float) -> Verdict:
    """E_n: |E_n| <= 1 satisfactory, otherwise unsatisfactory (ISO 13528:2015, 9.7.2)."""
    return "satisfactory" if abs(score) <= 1.0 else "unsatisfactory"
