"""Straight-line calibration by least squares, with the uncertainty of predictions.

* ordinary least squares (no uncertainties given, GUM H.3): the covariance of the parameters is
  ``s² (XᵀX)⁻¹`` with the residual variance ``s²`` on ``n - 2`` degrees of freedom;
* weighted least squares (``u_y`` given): weights ``1/u_y²``, covariance ``(XᵀWX)⁻¹`` from the
  stated uncertainties (the Birge ratio ``sqrt(χ²/(n-2))`` is reported as a consistency check);
* uncertain x and y (``u_x`` and ``u_y`` given): the weighted total least-squares straight line
  of York et al. (Am. J. Phys. 72 (2004) 367), the ISO/TS 28037 §7 "GDR" problem, solved by the
  fixed-point iteration on the slope.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .distributions import FloatArray
from .errors import InputError

__all__ = ["Line", "fit_line"]


@dataclass(frozen=True)
class Line:
    """``y = intercept + slope * x`` with the covariance matrix of (intercept, slope)."""

    intercept: float
    slope: float
    covariance: FloatArray
    dof: int
    residual_std: float
    method: str
    chi2: float | None = None

    @property
    def u_intercept(self) -> float:
        return math.sqrt(float(self.covariance[0, 0]))

    @property
    def u_slope(self) -> float:
        return math.sqrt(float(self.covariance[1, 1]))

    @property
    def correlation(self) -> float:
        return float(self.covariance[0, 1]) / (self.u_intercept * self.u_slope)

    def predict(self, x: float, include_residual: bool = False) -> tuple[float, float]:
        """Value of the line at ``x`` and its standard uncertainty (GUM H.3.4, eq. H.16).

        ``include_residual`` adds the residual variance ``s²`` (OLS): the uncertainty of predicting
        one new observation rather than the line itself.
        """
        y = self.intercept + self.slope * x
        var = self.covariance[0, 0] + x * x * self.covariance[1, 1] + 2.0 * x * self.covariance[0, 1]
        if include_residual:
            var += self.residual_std**2
        return float(y), math.sqrt(max(float(var), 0.0))

    def inverse(self, y: float, u_y: float = 0.0) -> tuple[float, float]:
        """Stimulus ``x = (y - a)/b`` for a response ``y`` with uncertainty ``u_y`` (first order)."""
        if self.slope == 0:
            raise InputError("cannot invert a line with zero slope")
        x = (y - self.intercept) / self.slope
        var = (
            u_y**2 + self.covariance[0, 0] + x * x * self.covariance[1, 1] + 2.0 * x * self.covariance[0, 1]
        ) / self.slope**2
        return float(x), math.sqrt(max(float(var), 0.0))


def _arrays(
    x: Sequence[float], y: Sequence[float], u: Sequence[float] | None, what: str
) -> FloatArray | None:
    if u is None:
        return None
    a = np.asarray(u, dtype=np.float64)
    if a.shape != (len(x),):
        raise InputError(f"{what} must have one value per point")
    if np.any(a < 0) or not np.all(np.isfinite(a)):
        raise InputError(f"{what}: uncertainties must be finite and non-negative")
    return a


def fit_line(
    x: Sequence[float],
    y: Sequence[float],
    u_y: Sequence[float] | None = None,
    u_x: Sequence[float] | None = None,
    *,
    max_iter: int = 200,
    tol: float = 1e-15,
) -> Line:
    """Fit a straight line; the method depends on which uncertainties are given (module doc)."""
    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    n = xa.size
    if xa.shape != ya.shape or xa.ndim != 1:
        raise InputError("x and y must be sequences of equal length")
    if n < 3:
        raise InputError("a straight-line fit needs at least three points")
    if not (np.all(np.isfinite(xa)) and np.all(np.isfinite(ya))):
        raise InputError("x and y must be finite numbers")
    if np.ptp(xa) == 0:
        raise InputError("all x values are equal")
    uy = _arrays(x, y, u_y, "u_y")
    ux = _arrays(x, y, u_x, "u_x")
    dof = n - 2
    if uy is None and ux is None:
        design = np.column_stack([np.ones(n), xa])
        coef, *_ = np.linalg.lstsq(design, ya, rcond=None)
        res = ya - design @ coef
        s2 = float(res @ res) / dof
        cov = s2 * np.linalg.inv(design.T @ design)
        return Line(float(coef[0]), float(coef[1]), cov, dof, math.sqrt(s2), "OLS")
    if uy is None:
        raise InputError("u_x without u_y: give u_y too (zeros are allowed)")
    if ux is None or not np.any(ux > 0):
        if np.any(uy <= 0):
            raise InputError("weighted least squares needs u_y > 0 for every point")
        w = 1.0 / uy**2
        design = np.column_stack([np.ones(n), xa])
        normal = design.T @ (design * w[:, None])
        cov = np.asarray(np.linalg.inv(normal), dtype=np.float64)
        coef = cov @ (design.T @ (w * ya))
        res = ya - design @ coef
        chi2 = float(np.sum(w * res**2))
        s = math.sqrt(float(res @ res) / dof)
        return Line(float(coef[0]), float(coef[1]), cov, dof, s, "WLS", chi2)
    # York (2004) iteration for uncorrelated errors in x and y
    if np.any((uy <= 0) & (ux <= 0)):
        raise InputError("every point needs u_x > 0 or u_y > 0")
    b = float(np.polyfit(xa, ya, 1)[0])
    for _ in range(max_iter):
        w = 1.0 / (uy**2 + b * b * ux**2)
        xbar = float(np.sum(w * xa) / np.sum(w))
        ybar = float(np.sum(w * ya) / np.sum(w))
        uu = xa - xbar
        vv = ya - ybar
        beta = w * (uu * uy**2 + b * vv * ux**2)
        b_new = float(np.sum(w * beta * vv) / np.sum(w * beta * uu))
        if abs(b_new - b) <= tol * max(abs(b), 1e-300):
            b = b_new
            break
        b = b_new
    w = 1.0 / (uy**2 + b * b * ux**2)
    xbar = float(np.sum(w * xa) / np.sum(w))
    ybar = float(np.sum(w * ya) / np.sum(w))
    a = ybar - b * xbar
    beta = w * ((xa - xbar) * uy**2 + b * (ya - ybar) * ux**2)
    xadj = xbar + beta
    xadj_bar = float(np.sum(w * xadj) / np.sum(w))
    var_b = 1.0 / float(np.sum(w * (xadj - xadj_bar) ** 2))
    var_a = 1.0 / float(np.sum(w)) + xadj_bar**2 * var_b
    cov_ab = -xadj_bar * var_b
    cov = np.array([[var_a, cov_ab], [cov_ab, var_b]])
    res = ya - a - b * xa
    chi2 = float(np.sum(w * res**2))
    s = math.sqrt(float(res @ res) / dof)
    return Line(a, b, cov, dof, s, "WTLS (York 2004)", chi2)
