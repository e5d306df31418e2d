"""GUM uncertainty framework (JCGM 100:2008 §5, §6, Annex G; JCGM 102:2011 §6 for several outputs)."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy import stats  # type: ignore[import-untyped]

from .distributions import FloatArray
from .errors import UncertaintyError
from .model import Model

__all__ = ["GumOutput", "GumResult", "coverage_factor", "gum", "welch_satterthwaite"]

DofRounding = Literal["floor", "none"]


def welch_satterthwaite(u_c: float, contributions: FloatArray, dofs: FloatArray) -> float:
    """Effective degrees of freedom (GUM G.4.1, eq. G.2b): u_c⁴ / Σ u_i(y)⁴/ν_i.

    ``contributions`` are the u_i(y) = |c_i| u(x_i). Infinite ``dofs`` contribute nothing; the
    result is ``inf`` when every ν_i is infinite (or u_c = 0).
    """
    finite = np.isfinite(dofs) & (contributions != 0.0)
    denom = float(np.sum(contributions[finite] ** 4 / dofs[finite]))
    if denom == 0.0 or u_c == 0.0:
        return math.inf
    return u_c**4 / denom


def coverage_factor(p: float, dof: float = math.inf, rounding: DofRounding = "floor") -> float:
    """k_p = t_p(ν) (GUM G.3.4, G.6.4); normal quantile for infinite ν.

    With ``rounding="floor"`` a non-integer ν is truncated to the next lower integer as the
    GUM recommends (G.4.1 Note 1); ``"none"`` uses the t distribution with fractional ν.
    """
    if not 0.0 < p < 1.0:
        raise UncertaintyError(f"coverage probability must lie in (0, 1), got {p!r}")
    if math.isinf(dof) or dof > 1e7:
        return _quantile(p, math.inf)
    nu = max(1.0, math.floor(dof)) if rounding == "floor" else dof
    return _quantile(p, nu)


@functools.lru_cache(maxsize=4096)
def _quantile(p: float, nu: float) -> float:
    q = 0.5 * (1.0 + p)
    if math.isinf(nu):
        return float(stats.norm.ppf(q))
    return float(stats.t.ppf(q, nu))


@dataclass(frozen=True)
class GumOutput:
    """GUM result for one output quantity."""

    name: str
    value: float
    uncertainty: float
    dof: float
    coverage_factor: float
    expanded_uncertainty: float
    coverage_probability: float
    unit: str | None = None
    second_order: bool = False

    @property
    def interval(self) -> tuple[float, float]:
        return (self.value - self.expanded_uncertainty, self.value + self.expanded_uncertainty)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "unit": self.unit,
            "value": self.value,
            "standard_uncertainty": self.uncertainty,
            "dof": None if math.isinf(self.dof) else self.dof,
            "coverage_factor": self.coverage_factor,
            "expanded_uncertainty": self.expanded_uncertainty,
            "coverage_probability": self.coverage_probability,
            "interval": list(self.interval),
            "second_order": self.second_order,
        }


@dataclass(frozen=True)
class GumResult:
    """Result of the law of propagation of uncertainty for all outputs of a model."""

    model: Model
    outputs: tuple[GumOutput, ...]
    jacobian: FloatArray  # [output, input]
    covariance: FloatArray  # [output, output]
    input_covariance: FloatArray
    method: str

    def __getitem__(self, name: str) -> GumOutput:
        for o in self.outputs:
            if o.name == name:
                return o
        raise KeyError(name)

    @property
    def correlation(self) -> FloatArray:
        s = np.sqrt(np.diag(self.covariance))
        with np.errstate(all="ignore"):
            r = self.covariance / np.outer(s, s)
        r[~np.isfinite(r)] = 0.0
        np.fill_diagonal(r, 1.0)
        out: FloatArray = r
        return out

    def sensitivities(self, output: str | None = None) -> dict[str, float]:
        k = self._index(output)
        return {n: float(c) for n, c in zip(self.model.input_names, self.jacobian[k], strict=True)}

    def _index(self, output: str | None) -> int:
        if output is None:
            return 0
        try:
            return self.model.output_names.index(output)
        except ValueError:
            raise UncertaintyError(f"unknown output {output!r}") from None

    def budget(self, output: str | None = None) -> Any:
        """The uncertainty :class:`~nqi.uncertainty.budget.Budget` of one output (default: first)."""
        from .budget import Budget

        return Budget.from_gum(self, output)

    def coverage_region_factor(self, p: float | None = None) -> float:
        """k_p of the hyper-ellipsoidal coverage region for all outputs (JCGM 102 §6.5.2)."""
        p = self.model.coverage_probability if p is None else p
        return float(math.sqrt(stats.chi2.ppf(p, len(self.outputs))))

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "outputs": [o.to_dict() for o in self.outputs],
            "covariance": self.covariance.tolist(),
            "correlation": self.correlation.tolist(),
            "sensitivities": {
                o: {n: float(c) for n, c in zip(self.model.input_names, row, strict=True)}
                for o, row in zip(self.model.output_names, self.jacobian, strict=True)
            },
        }


def gum(
    model: Model,
    *,
    coverage_probability: float | None = None,
    second_order: bool = False,
    dof_rounding: DofRounding = "floor",
    k: float | None = None,
) -> GumResult:
    """Propagate the input uncertainties through ``model`` with the GUM law of propagation.

    First order (GUM eq. 13 / JCGM 102 eq. 3): ``U_y = J U_x Jᵀ`` with the sensitivity matrix
    ``J`` obtained by symbolic differentiation (expression models) or by central differences
    (callable models). With ``second_order=True`` the GUM 5.1.2 Note terms are added to the
    variance (uncorrelated inputs only). Effective degrees of freedom by Welch–Satterthwaite
    (correlations ignored there), coverage factor from the t distribution unless ``k`` is given.
    """
    p = model.coverage_probability if coverage_probability is None else float(coverage_probability)
    if k is not None and not k > 0:
        raise UncertaintyError(f"coverage factor must be positive, got {k!r}")
    x = model.estimates()
    y = model.value_at(x)
    jac = model.jacobian(x)
    ux = model.covariance()
    cov: FloatArray = jac @ ux @ jac.T
    if second_order:
        extra = model.second_order_variance(x)
        cov = cov + np.diag(extra)
    u_in = model.uncertainties()
    dofs = model.dofs()
    outs = []
    for idx, name in enumerate(model.output_names):
        var = float(cov[idx, idx])
        u_c = math.sqrt(max(var, 0.0))
        contributions = np.abs(jac[idx]) * u_in
        nu = welch_satterthwaite(u_c, contributions, dofs)
        kp = float(k) if k is not None else coverage_factor(p, nu, dof_rounding)
        outs.append(
            GumOutput(
                name=name,
                value=float(y[idx]),
                uncertainty=u_c,
                dof=nu,
                coverage_factor=kp,
                expanded_uncertainty=kp * u_c,
                coverage_probability=p,
                unit=model.output_units.get(name),
                second_order=second_order,
            )
        )
    method = "GUM law of propagation (JCGM 100 §5), " + ("second order" if second_order else "first order")
    method += f", sensitivities: {model.differentiation_method}"
    return GumResult(model, tuple(outs), jac, cov, ux, method)
