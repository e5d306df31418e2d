"""Propagation of distributions by Monte Carlo (JCGM 101:2008; JCGM 102:2011 for several outputs).

* vectorised: every input is sampled as a numpy array and the compiled model is evaluated once
  per block of trials (blocks of :data:`BLOCK` trials keep memory bounded);
* reproducible: ``seed`` fixes a :class:`numpy.random.Generator` (PCG64); the same seed, model and
  number of trials give bit-identical results;
* correlated inputs: groups of correlated Gaussian inputs are drawn from the multivariate normal
  distribution (JCGM 101 §6.4.8), groups of correlated t inputs with a common ν from the
  multivariate t distribution (JCGM 102 §6.4.10, via a common χ²_ν divisor);
* fixed ``trials`` or the adaptive procedure of JCGM 101 §7.9 (``adaptive=True``);
* probabilistically symmetric and shortest coverage intervals (§7.7); validation of a GUM
  result (§8) with :func:`validate`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from .distributions import FloatArray, Normal, StudentT
from .errors import EvaluationError, UncertaintyError
from .gum import GumResult
from .model import Model

__all__ = [
    "BLOCK",
    "McOutput",
    "MonteCarloResult",
    "Validation",
    "ValidationOutput",
    "coverage_interval",
    "monte_carlo",
    "numerical_tolerance",
    "shortest_interval",
    "validate",
]

BLOCK = 1 << 16  # trials per vectorised block: small enough to stay in cache
IntervalKind = Literal["symmetric", "shortest"]


# --------------------------------------------------------------------------------------------
# Coverage intervals (JCGM 101 §7.7) and numerical tolerance (§7.9.2)
# --------------------------------------------------------------------------------------------


def _q(m: int, p: float) -> int:
    pm = p * m
    q = round(pm) if abs(pm - round(pm)) < 1e-9 else math.floor(pm + 0.5)
    if q < 1 or q >= m:
        raise UncertaintyError(f"{m} trials are too few for a {100 * p:g}% coverage interval")
    return q


def _sym_rank(m: int, q: int) -> int:
    """1-based index r of the lower end of the symmetric interval (JCGM 101 §7.7.2)."""
    r = (m - q) // 2 if (m - q) % 2 == 0 else (m - q + 1) // 2
    return max(r, 1)


def _tails(y: FloatArray, c: int) -> tuple[FloatArray, FloatArray]:
    """The ``c`` smallest and the ``c`` largest values of ``y``, each sorted ascending.

    Exact order statistics in O(M): a thin sub-sample brackets the tail quantile, only the
    candidates beyond the bracket are selected and sorted; if the bracket misses (rare), a full
    ``np.partition`` is used instead.
    """
    m = y.size
    if c <= 0:
        empty: FloatArray = np.empty(0)
        return empty, empty
    if 4 * c > m or m < 50_000:
        s = np.sort(y)
        return s[:c], s[m - c :]
    step = max(1, m // 20_000)
    sub = np.sort(y[::step])
    ns = sub.size
    frac = c / m
    margin = 6.0 * math.sqrt(frac * (1.0 - frac) / ns) + 2.0 / ns
    hi_idx = min(ns - 1, math.ceil((frac + margin) * ns))
    lo_idx = max(0, math.floor((1.0 - frac - margin) * ns))
    t_low, t_high = sub[hi_idx], sub[lo_idx]
    cand = y[y <= t_low]
    src = cand if cand.size >= c else y
    low = np.sort(np.partition(src, c - 1)[:c])
    cand = y[y >= t_high]
    if cand.size >= c:
        k = cand.size - c
        high = np.sort(np.partition(cand, k)[k:])
    else:
        high = np.sort(np.partition(y, m - c)[m - c :])
    return low, high


def _intervals(
    y: FloatArray, p: float, shortest: bool
) -> tuple[tuple[float, float], tuple[float, float] | None]:
    m = y.size
    q = _q(m, p)
    c = m - q
    low, high = _tails(y, c)
    offset = m - c  # high[j] is the order statistic of 0-based index offset + j
    r = _sym_rank(m, q)
    sym = (float(low[r - 1]), float(high[r + q - 1 - offset]))
    if not shortest:
        return sym, None
    widths = high - low  # y_(j+q) - y_(j), j = 0..M-q-1 (§7.7.3)
    i = int(np.argmin(widths))
    return sym, (float(low[i]), float(high[i]))


def coverage_interval(values: FloatArray, p: float) -> tuple[float, float]:
    """Probabilistically symmetric 100p % coverage interval (JCGM 101 §7.7.2), in O(M)."""
    return _intervals(np.asarray(values, dtype=np.float64).ravel(), p, False)[0]


def shortest_interval(values: FloatArray, p: float) -> tuple[float, float]:
    """Shortest 100p % coverage interval (JCGM 101 §7.7.3), in O(M)."""
    short = _intervals(np.asarray(values, dtype=np.float64).ravel(), p, True)[1]
    assert short is not None
    return short


def numerical_tolerance(u: float, ndig: int = 2) -> float:
    """δ = ½ 10^l with u = c × 10^l, c an ``ndig``-digit integer (JCGM 101 §7.9.2)."""
    if ndig < 1:
        raise UncertaintyError("ndig must be at least 1")
    if not u > 0 or not math.isfinite(u):
        return 0.0
    c_exp = math.floor(math.log10(u))
    if round(u / 10.0 ** (c_exp - ndig + 1)) >= 10**ndig:  # e.g. 0.0996 -> c = 10 (ndig = 2)
        c_exp += 1
    return 0.5 * 10.0 ** (c_exp - ndig + 1)


# --------------------------------------------------------------------------------------------
# Sampling plan
# --------------------------------------------------------------------------------------------


@dataclass
class _Group:
    indices: list[int]
    kind: str  # "single", "mvn", "mvt"
    mean: FloatArray = field(default_factory=lambda: np.zeros(0))
    factor: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    dof: float = math.inf


def _factor(cov: FloatArray) -> FloatArray:
    try:
        out: FloatArray = np.asarray(np.linalg.cholesky(cov), dtype=np.float64)
        return out
    except np.linalg.LinAlgError:
        w, v = np.linalg.eigh(cov)
        out = np.asarray(v * np.sqrt(np.clip(w, 0.0, None)), dtype=np.float64)
        return out


def _plan(model: Model) -> list[_Group]:
    n = len(model.inputs)
    r = model.correlation
    seen = [False] * n
    groups: list[_Group] = []
    for start in range(n):
        if seen[start]:
            continue
        comp = []
        stack = [start]
        seen[start] = True
        while stack:
            i = stack.pop()
            comp.append(i)
            for j in range(n):
                if not seen[j] and r[i, j] != 0.0:
                    seen[j] = True
                    stack.append(j)
        comp.sort()
        if len(comp) == 1:
            groups.append(_Group(comp, "single"))
            continue
        dists = [model.inputs[i].distribution for i in comp]
        names = [model.inputs[i].name for i in comp]
        sub = r[np.ix_(comp, comp)]
        if all(type(d) is Normal for d in dists):
            s = np.array([d.standard_uncertainty for d in dists])
            cov = sub * np.outer(s, s)
            groups.append(_Group(comp, "mvn", np.array([d.mean for d in dists]), _factor(cov)))
        elif (
            all(isinstance(d, StudentT) for d in dists)
            and len({d.dof for d in dists if isinstance(d, StudentT)}) == 1
        ):
            s = np.array([d.standard_uncertainty for d in dists])
            cov = sub * np.outer(s, s)
            nu = next(d.dof for d in dists if isinstance(d, StudentT))
            groups.append(_Group(comp, "mvt", np.array([d.mean for d in dists]), _factor(cov), nu))
        else:
            odd = next(
                (nm for nm, d in zip(names, dists, strict=True) if type(d) is not Normal),
                names[0],
            )
            raise UncertaintyError(
                f"Monte Carlo: input {odd!r} is correlated with {', '.join(n for n in names if n != odd)} "
                f"but has a {dists[names.index(odd)].kind} distribution; correlated inputs must all be "
                "normal (multivariate normal) or all t with the same degrees of freedom (multivariate t)"
            )
    return groups


def _draw(model: Model, plan: list[_Group], rng: np.random.Generator, n: int) -> dict[str, Any]:
    env: dict[str, Any] = {}
    for g in plan:
        if g.kind == "single":
            inp = model.inputs[g.indices[0]]
            env[inp.name] = inp.distribution.sample(rng, n)
            continue
        z = rng.standard_normal((n, len(g.indices)))
        x = z @ g.factor.T
        if g.kind == "mvt":
            w = rng.chisquare(g.dof, n)
            x *= np.sqrt(g.dof / w)[:, None]
        x += g.mean
        for col, i in enumerate(g.indices):
            env[model.inputs[i].name] = np.ascontiguousarray(x[:, col])
    return env


def _run_block(model: Model, plan: list[_Group], rng: np.random.Generator, n: int, out: FloatArray) -> None:
    env = _draw(model, plan, rng, n)
    values = model.evaluate(env)
    for k, v in enumerate(values):
        arr = np.asarray(v, dtype=np.float64)
        out[k, :] = arr if arr.ndim else float(arr)


def _check_finite(model: Model, samples: FloatArray) -> None:
    for k, name in enumerate(model.output_names):
        bad = int(np.count_nonzero(~np.isfinite(samples[k])))
        if bad:
            raise EvaluationError(
                f"output {name!r}: {bad} of {samples.shape[1]} Monte Carlo trials gave a non-finite value"
            )


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class McOutput:
    """Monte Carlo result for one output (JCGM 101 §7.6, §7.7)."""

    name: str
    value: float
    uncertainty: float
    coverage_probability: float
    symmetric_interval: tuple[float, float]
    shortest_interval: tuple[float, float] | None
    unit: str | None = None

    def interval(self, kind: IntervalKind = "symmetric") -> tuple[float, float]:
        if kind == "shortest":
            if self.shortest_interval is None:
                raise UncertaintyError("the shortest interval was not computed (intervals='symmetric')")
            return self.shortest_interval
        return self.symmetric_interval

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "unit": self.unit,
            "value": self.value,
            "standard_uncertainty": self.uncertainty,
            "coverage_probability": self.coverage_probability,
            "symmetric_interval": list(self.symmetric_interval),
            "shortest_interval": None if self.shortest_interval is None else list(self.shortest_interval),
        }


@dataclass(frozen=True)
class MonteCarloResult:
    model: Model
    outputs: tuple[McOutput, ...]
    trials: int
    seed: int | None
    adaptive: bool
    converged: bool
    covariance: FloatArray
    samples: FloatArray | None  # [output, trial]
    ndig: int | None = None

    def __getitem__(self, name: str) -> McOutput:
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

    def coverage_region_factor(self, p: float | None = None) -> float:
        """k_p of the hyper-ellipsoidal coverage region from the trials (JCGM 102 §7.7.2)."""
        if self.samples is None:
            raise UncertaintyError("samples were not kept (keep_samples=False)")
        p = self.model.coverage_probability if p is None else p
        y = self.samples
        mean = y.mean(axis=1, keepdims=True)
        inv = np.linalg.pinv(np.atleast_2d(self.covariance))
        d = y - mean
        d2 = np.einsum("it,ij,jt->t", d, inv, d)
        return float(math.sqrt(np.quantile(d2, p)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "Monte Carlo (JCGM 101)" + (" adaptive §7.9" if self.adaptive else ""),
            "trials": self.trials,
            "seed": self.seed,
            "converged": self.converged,
            "ndig": self.ndig,
            "outputs": [o.to_dict() for o in self.outputs],
            "covariance": self.covariance.tolist(),
            "correlation": self.correlation.tolist(),
        }


def _summarise(
    model: Model, samples: FloatArray, p: float, shortest: bool
) -> tuple[list[McOutput], FloatArray]:
    outs = []
    for k, name in enumerate(model.output_names):
        y = samples[k]
        sym, short = _intervals(y, p, shortest)
        outs.append(
            McOutput(
                name,
                float(np.mean(y)),
                float(np.std(y, ddof=1)),
                p,
                sym,
                short,
                model.output_units.get(name),
            )
        )
    cov = np.atleast_2d(np.cov(samples)) if samples.shape[0] > 1 else np.array([[outs[0].uncertainty ** 2]])
    return outs, cov


def monte_carlo(
    model: Model,
    trials: int = 1_000_000,
    *,
    seed: int | None = None,
    adaptive: bool = False,
    ndig: int = 2,
    coverage_probability: float | None = None,
    intervals: Literal["both", "symmetric"] = "both",
    adaptive_interval: IntervalKind = "symmetric",
    max_trials: int = 50_000_000,
    keep_samples: bool = True,
) -> MonteCarloResult:
    """Propagate the input distributions through ``model`` by Monte Carlo.

    ``adaptive=True`` runs the adaptive procedure of JCGM 101 §7.9.4: batches of
    ``M = max(ceil(100/(1-p)), 10**4)`` trials until twice the standard deviations of the batch
    averages of y, u(y) and both interval endpoints are within the numerical tolerance δ of
    u(y) for ``ndig`` significant digits (§7.9.2), or ``max_trials`` is reached
    (``converged=False``). ``trials`` is ignored then.
    """
    p = model.coverage_probability if coverage_probability is None else float(coverage_probability)
    if not 0.0 < p < 1.0:
        raise UncertaintyError(f"coverage probability must lie in (0, 1), got {p!r}")
    rng = np.random.default_rng(seed)
    plan = _plan(model)
    n_out = len(model.output_names)
    shortest = intervals == "both"
    if not adaptive:
        trials = int(trials)
        j = math.ceil(100.0 / (1.0 - p))
        if trials < j:
            raise UncertaintyError(
                f"{trials} trials are too few for p = {p}: JCGM 101 §7.2.2 asks for at least {j}"
            )
        samples = np.empty((n_out, trials))
        done = 0
        while done < trials:
            n = min(BLOCK, trials - done)
            _run_block(model, plan, rng, n, samples[:, done : done + n])
            done += n
        _check_finite(model, samples)
        outs, cov = _summarise(model, samples, p, shortest)
        return MonteCarloResult(
            model, tuple(outs), trials, seed, False, True, cov, samples if keep_samples else None
        )

    m = max(math.ceil(100.0 / (1.0 - p)), 10_000)
    batches: list[FloatArray] = []
    stats: list[FloatArray] = []  # per batch: [output, (mean, u, low, high)]
    converged = False
    while True:
        block = np.empty((n_out, m))
        _run_block(model, plan, rng, m, block)
        _check_finite(model, block)
        batches.append(block)
        st = np.empty((n_out, 4))
        for k in range(n_out):
            y = block[k]
            sym, short = _intervals(y, p, adaptive_interval == "shortest")
            lo, hi = short if short is not None else sym
            st[k] = (y.mean(), y.std(ddof=1), lo, hi)
        stats.append(st)
        h = len(batches)
        if h < 2:
            continue
        arr = np.stack(stats)  # [h, output, 4]
        sdev = arr.std(axis=0, ddof=1) / math.sqrt(h)  # s_y, s_u, s_low, s_high (§7.9.4 e)
        ok = True
        for k in range(n_out):
            # u(y) from all h*M values, pooled from the batch means and variances
            means = arr[:, k, 0]
            var = ((m - 1) * np.sum(arr[:, k, 1] ** 2) + m * np.sum((means - means.mean()) ** 2)) / (
                h * m - 1
            )
            delta = numerical_tolerance(math.sqrt(var), ndig)
            if np.any(2.0 * sdev[k] > delta):
                ok = False
                break
        if ok:
            converged = True
            break
        if (h + 1) * m > max_trials:
            break
    samples = np.concatenate(batches, axis=1)
    outs, cov = _summarise(model, samples, p, shortest)
    return MonteCarloResult(
        model,
        tuple(outs),
        samples.shape[1],
        seed,
        True,
        converged,
        cov,
        samples if keep_samples else None,
        ndig,
    )


# --------------------------------------------------------------------------------------------
# Validation of the GUM uncertainty framework (JCGM 101 §8)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValidationOutput:
    name: str
    delta: float
    d_low: float
    d_high: float
    passed: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "delta": self.delta,
            "d_low": self.d_low,
            "d_high": self.d_high,
            "passed": self.passed,
        }


@dataclass(frozen=True)
class Validation:
    outputs: tuple[ValidationOutput, ...]
    ndig: int

    @property
    def passed(self) -> bool:
        return all(o.passed for o in self.outputs)

    def __getitem__(self, name: str) -> ValidationOutput:
        for o in self.outputs:
            if o.name == name:
                return o
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {"ndig": self.ndig, "passed": self.passed, "outputs": [o.to_dict() for o in self.outputs]}


def validate(
    gum_result: GumResult,
    mc_result: MonteCarloResult,
    ndig: int = 2,
    interval: IntervalKind = "symmetric",
) -> Validation:
    """Validate the GUM result against Monte Carlo (JCGM 101 §8.2).

    δ is the numerical tolerance of the GUM u(y) for ``ndig`` significant digits;
    ``d_low = |y - U_p - y_low|``, ``d_high = |y + U_p - y_high|`` with [y_low, y_high] the Monte
    Carlo coverage interval; the GUM result is validated when both are ≤ δ.
    """
    outs = []
    for g in gum_result.outputs:
        mc = mc_result[g.name]
        lo, hi = mc.interval(interval)
        delta = numerical_tolerance(g.uncertainty, ndig)
        d_low = abs(g.value - g.expanded_uncertainty - lo)
        d_high = abs(g.value + g.expanded_uncertainty - hi)
        outs.append(ValidationOutput(g.name, delta, d_low, d_high, d_low <= delta and d_high <= delta))
    return Validation(tuple(outs), ndig)
