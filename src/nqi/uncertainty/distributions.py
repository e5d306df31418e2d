"""Probability distributions of input quantities (JCGM 101:2008 §6.4).

Each distribution knows its expectation (the estimate ``x``), the standard uncertainty the GUM
law of propagation uses, and how to draw Monte Carlo samples. The conventions follow JCGM 101 §6.4:

=========================  =====================================  ==============================
kind                       parameters                             standard uncertainty
=========================  =====================================  ==============================
``normal``                 mean, sd                               sd
``t``                      mean, scale, dof (JCGM 101 §6.4.9)     scale (the GUM ``s/sqrt(n)``)
``rectangular``            low, high                              (high-low)/sqrt(12)
``triangular``             low, high (symmetric)                  (high-low)/sqrt(24)
``trapezoidal``            low, high, beta (top/base)             (high-low)*sqrt((1+beta²)/24)
``curvilinear_trapezoidal`` low, high, d (§6.4.3)                 sqrt((high-low)²/12 + d²/9)
``arcsine`` (U-shaped)     low, high                              (high-low)/sqrt(8)
``exponential``            mean (§6.4.10)                         mean
``gamma``                  shape, scale (§6.4.11)                 sqrt(shape)*scale
=========================  =====================================  ==============================

For the scaled and shifted t distribution the GUM standard uncertainty is the *scale* ``s/sqrt(n)``
with ``dof`` degrees of freedom (used by Welch–Satterthwaite); its actual standard deviation is
``scale*sqrt(dof/(dof-2))``, which is what Monte Carlo propagates (JCGM 101 §6.4.9.4).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .errors import InputError

FloatArray = npt.NDArray[np.float64]

__all__ = [
    "Arcsine",
    "CurvilinearTrapezoidal",
    "Distribution",
    "Exponential",
    "FloatArray",
    "Gamma",
    "Normal",
    "Rectangular",
    "StudentT",
    "Trapezoidal",
    "Triangular",
    "make_distribution",
]


def _finite(name: str, what: str, value: Any) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputError(f"input {name!r}: {what} must be a number, got {value!r}") from None
    if not math.isfinite(v):
        raise InputError(f"input {name!r}: {what} must be finite, got {value!r}")
    return v


@dataclass(frozen=True)
class Distribution:
    """Base class; subclasses define ``kind``, ``mean``, ``standard_uncertainty`` and ``sample``."""

    kind = "distribution"

    @property
    def mean(self) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def standard_uncertainty(self) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def std(self) -> float:
        """Standard deviation of the distribution (differs from the GUM uncertainty for ``t``)."""
        return self.standard_uncertainty

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:  # pragma: no cover
        raise NotImplementedError

    def params(self) -> dict[str, float]:  # pragma: no cover - abstract
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        return {"distribution": self.kind, **self.params()}

    def validate(self, name: str) -> None:
        """Raise :class:`InputError` naming the input if the parameters are invalid."""


@dataclass(frozen=True)
class Normal(Distribution):
    mu: float
    sd: float
    kind = "normal"

    @property
    def mean(self) -> float:
        return self.mu

    @property
    def standard_uncertainty(self) -> float:
        return self.sd

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        z = rng.standard_normal(n)
        z *= self.sd
        z += self.mu
        return z

    def params(self) -> dict[str, float]:
        return {"value": self.mu, "uncertainty": self.sd}

    def validate(self, name: str) -> None:
        if self.sd < 0:
            raise InputError(f"input {name!r}: negative standard uncertainty {self.sd!r}")


@dataclass(frozen=True)
class StudentT(Distribution):
    mu: float
    scale: float
    dof: float
    kind = "t"

    @property
    def mean(self) -> float:
        return self.mu

    @property
    def standard_uncertainty(self) -> float:
        return self.scale

    @property
    def std(self) -> float:
        return self.scale * math.sqrt(self.dof / (self.dof - 2.0)) if self.dof > 2 else math.inf

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        z = rng.standard_t(self.dof, n)
        z *= self.scale
        z += self.mu
        return z

    def params(self) -> dict[str, float]:
        return {"value": self.mu, "uncertainty": self.scale, "dof": self.dof}

    def validate(self, name: str) -> None:
        if self.scale < 0:
            raise InputError(f"input {name!r}: negative standard uncertainty {self.scale!r}")
        if not self.dof > 0 or math.isinf(self.dof):
            raise InputError(f"input {name!r}: a t distribution needs finite degrees of freedom > 0")


@dataclass(frozen=True)
class _Interval(Distribution):
    low: float
    high: float

    @property
    def mean(self) -> float:
        return 0.5 * (self.low + self.high)

    @property
    def width(self) -> float:
        return self.high - self.low

    def params(self) -> dict[str, float]:
        return {"low": self.low, "high": self.high}

    def validate(self, name: str) -> None:
        if self.high < self.low:
            raise InputError(
                f"input {name!r}: upper limit {self.high!r} is below lower limit {self.low!r}"
                " (negative half-width)"
            )


@dataclass(frozen=True)
class Rectangular(_Interval):
    kind = "rectangular"

    @property
    def standard_uncertainty(self) -> float:
        return self.width / math.sqrt(12.0)

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        r = rng.random(n)
        r *= self.width
        r += self.low
        return r


@dataclass(frozen=True)
class Trapezoidal(_Interval):
    beta: float = 0.0
    kind = "trapezoidal"

    @property
    def standard_uncertainty(self) -> float:
        return self.width * math.sqrt((1.0 + self.beta**2) / 24.0)

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        # JCGM 101 §6.4.4.4: a + (b-a)/2 [(1+beta) r1 + (1-beta) r2]
        r1 = rng.random(n)
        r2 = rng.random(n)
        out: FloatArray = self.low + 0.5 * self.width * ((1.0 + self.beta) * r1 + (1.0 - self.beta) * r2)
        return out

    def params(self) -> dict[str, float]:
        return {"low": self.low, "high": self.high, "beta": self.beta}

    def validate(self, name: str) -> None:
        super().validate(name)
        if not 0.0 <= self.beta <= 1.0:
            raise InputError(f"input {name!r}: trapezoid beta must lie in [0, 1], got {self.beta!r}")


@dataclass(frozen=True)
class Triangular(Trapezoidal):
    kind = "triangular"

    def params(self) -> dict[str, float]:
        return {"low": self.low, "high": self.high}


@dataclass(frozen=True)
class CurvilinearTrapezoidal(_Interval):
    d: float = 0.0
    kind = "curvilinear_trapezoidal"

    @property
    def standard_uncertainty(self) -> float:
        return math.sqrt(self.width**2 / 12.0 + self.d**2 / 9.0)

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        # JCGM 101 §6.4.3.4: lower limit a_s uniform on [a-d, a+d], b_s = a + b - a_s, then uniform.
        r1 = rng.random(n)
        r2 = rng.random(n)
        a_s = (self.low - self.d) + 2.0 * self.d * r1
        b_s = (self.low + self.high) - a_s
        out: FloatArray = a_s + (b_s - a_s) * r2
        return out

    def params(self) -> dict[str, float]:
        return {"low": self.low, "high": self.high, "d": self.d}

    def validate(self, name: str) -> None:
        super().validate(name)
        if self.d < 0 or self.d > 0.5 * self.width:
            raise InputError(
                f"input {name!r}: curvilinear trapezoid d must lie in [0, half-width], got {self.d!r}"
            )


@dataclass(frozen=True)
class Arcsine(_Interval):
    kind = "arcsine"

    @property
    def standard_uncertainty(self) -> float:
        return self.width / math.sqrt(8.0)

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        # JCGM 101 §6.4.6.4: (a+b)/2 + (b-a)/2 sin(2 pi r)
        r = rng.random(n)
        out: FloatArray = self.mean + 0.5 * self.width * np.sin(2.0 * np.pi * r)
        return out


@dataclass(frozen=True)
class Exponential(Distribution):
    mu: float
    kind = "exponential"

    @property
    def mean(self) -> float:
        return self.mu

    @property
    def standard_uncertainty(self) -> float:
        return self.mu

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.exponential(self.mu, n)

    def params(self) -> dict[str, float]:
        return {"value": self.mu}

    def validate(self, name: str) -> None:
        if not self.mu > 0:
            raise InputError(f"input {name!r}: an exponential distribution needs a positive value")


@dataclass(frozen=True)
class Gamma(Distribution):
    shape: float
    scale: float
    kind = "gamma"

    @property
    def mean(self) -> float:
        return self.shape * self.scale

    @property
    def standard_uncertainty(self) -> float:
        return math.sqrt(self.shape) * self.scale

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.gamma(self.shape, self.scale, n)

    def params(self) -> dict[str, float]:
        return {"shape": self.shape, "scale": self.scale}

    def validate(self, name: str) -> None:
        if not (self.shape > 0 and self.scale > 0):
            raise InputError(f"input {name!r}: a gamma distribution needs shape > 0 and scale > 0")


KINDS = (
    "normal",
    "t",
    "rectangular",
    "triangular",
    "trapezoidal",
    "curvilinear_trapezoidal",
    "arcsine",
    "exponential",
    "gamma",
)

_ALIASES = {
    "gaussian": "normal",
    "student": "t",
    "student_t": "t",
    "uniform": "rectangular",
    "u": "arcsine",
    "u_shaped": "arcsine",
    "u-shaped": "arcsine",
    "ctrap": "curvilinear_trapezoidal",
    "curvilinear_trapezoid": "curvilinear_trapezoidal",
    "trapezoid": "trapezoidal",
}


def _limits(name: str, spec: Mapping[str, Any]) -> tuple[float, float]:
    if "low" in spec or "high" in spec:
        if "low" not in spec or "high" not in spec:
            raise InputError(f"input {name!r}: give both 'low' and 'high'")
        return _finite(name, "low", spec["low"]), _finite(name, "high", spec["high"])
    if "value" in spec and "half_width" in spec:
        x = _finite(name, "value", spec["value"])
        a = _finite(name, "half_width", spec["half_width"])
        if a < 0:
            raise InputError(f"input {name!r}: negative half-width {a!r}")
        return x - a, x + a
    raise InputError(f"input {name!r}: give 'low' and 'high', or 'value' and 'half_width'")


def _uncertainty(name: str, spec: Mapping[str, Any]) -> float:
    if "uncertainty" in spec:
        u = _finite(name, "uncertainty", spec["uncertainty"])
    elif "expanded_uncertainty" in spec:
        if "coverage_factor" not in spec:
            raise InputError(f"input {name!r}: 'expanded_uncertainty' needs 'coverage_factor'")
        k = _finite(name, "coverage_factor", spec["coverage_factor"])
        if k <= 0:
            raise InputError(f"input {name!r}: coverage factor must be positive")
        u = _finite(name, "expanded_uncertainty", spec["expanded_uncertainty"]) / k
    else:
        raise InputError(f"input {name!r}: missing 'uncertainty'")
    if u < 0:
        raise InputError(f"input {name!r}: negative standard uncertainty {u!r}")
    return u


def make_distribution(name: str, spec: Mapping[str, Any]) -> Distribution:
    """Build a distribution from a plain mapping (TOML/JSON form), naming ``name`` in errors.

    Accepted forms (``distribution`` defaults to ``normal``):

    * ``normal``: ``value`` + ``uncertainty`` (or ``expanded_uncertainty`` + ``coverage_factor``)
    * ``t``: ``value`` + ``uncertainty`` (the scale) + ``dof``
    * ``rectangular``/``triangular``/``arcsine``: ``low`` + ``high``, or ``value`` + ``half_width``,
      or ``value`` + ``uncertainty`` (the half-width is derived)
    * ``trapezoidal``: as above + ``beta``; ``curvilinear_trapezoidal``: limits + ``d``
    * ``exponential``: ``value``; ``gamma``: ``shape`` + ``scale``, or ``value`` + ``uncertainty``
    """
    raw_kind = str(spec.get("distribution", "normal")).strip().lower()
    kind = _ALIASES.get(raw_kind, raw_kind)
    dist: Distribution
    if kind == "normal":
        dist = Normal(_finite(name, "value", spec.get("value")), _uncertainty(name, spec))
    elif kind == "t":
        if "dof" not in spec:
            raise InputError(f"input {name!r}: a t distribution needs 'dof'")
        dist = StudentT(
            _finite(name, "value", spec.get("value")),
            _uncertainty(name, spec),
            _finite(name, "dof", spec["dof"]),
        )
    elif kind in ("rectangular", "triangular", "arcsine", "trapezoidal", "curvilinear_trapezoidal"):
        beta = _finite(name, "beta", spec.get("beta", 0.0)) if kind == "trapezoidal" else 0.0
        if "uncertainty" in spec and "half_width" not in spec and "low" not in spec:
            u = _uncertainty(name, spec)
            x = _finite(name, "value", spec.get("value"))
            factor = {
                "rectangular": math.sqrt(3.0),
                "triangular": math.sqrt(6.0),
                "arcsine": math.sqrt(2.0),
                "trapezoidal": math.sqrt(6.0 / (1.0 + beta**2)),
            }.get(kind)
            if factor is None:
                raise InputError(f"input {name!r}: give limits for a curvilinear trapezoid")
            low, high = x - factor * u, x + factor * u
        else:
            low, high = _limits(name, spec)
        if kind == "rectangular":
            dist = Rectangular(low, high)
        elif kind == "triangular":
            dist = Triangular(low, high)
        elif kind == "arcsine":
            dist = Arcsine(low, high)
        elif kind == "trapezoidal":
            dist = Trapezoidal(low, high, beta)
        else:
            dist = CurvilinearTrapezoidal(low, high, _finite(name, "d", spec.get("d", 0.0)))
    elif kind == "exponential":
        dist = Exponential(_finite(name, "value", spec.get("value")))
    elif kind == "gamma":
        if "shape" in spec:
            dist = Gamma(_finite(name, "shape", spec["shape"]), _finite(name, "scale", spec.get("scale")))
        else:
            x = _finite(name, "value", spec.get("value"))
            u = _uncertainty(name, spec)
            if x <= 0 or u <= 0:
                raise InputError(f"input {name!r}: a gamma distribution needs value > 0 and uncertainty > 0")
            dist = Gamma((x / u) ** 2, u * u / x)
    else:
        raise InputError(f"input {name!r}: unknown distribution {raw_kind!r} (known: {', '.join(KINDS)})")
    dist.validate(name)
    return dist
