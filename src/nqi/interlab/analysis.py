"""One-call analysis of a comparison: :func:`analyse`."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from ._errors import FloatArray, InterlabError, check_positive, check_probability
from ._sp import stats
from .doe import bootstrap_doe
from .models import (
    METHODS,
    ComparisonAnalysis,
    ConsistencyCheck,
    DegreeOfEquivalence,
    PairwiseDegrees,
    ParticipantResult,
    ParticipantScores,
    ReferenceValue,
)
from .reference import (
    ChiSquareCheck,
    Estimate,
    LcsStrategy,
    arithmetic_mean,
    chi_square_check,
    dersimonian_laird,
    largest_consistent_subset,
    mandel_paule,
    median_mad,
    weighted_mean,
)
from .robust import StoppingRule, algorithm_a, algorithm_a_batch, q_hampel
from .scores import classify_en, classify_z

#: Minimum number of contributing results for each method.
MIN_PARTICIPANTS: dict[str, int] = {
    "weighted-mean": 2,
    "lcs": 3,
    "mean": 2,
    "median": 3,
    "dersimonian-laird": 3,
    "mandel-paule": 3,
    "algorithm-a": 3,
    "q-hampel": 3,
}
#: Methods whose estimate uses the participants' uncertainties.
NEEDS_UNCERTAINTY = frozenset({"weighted-mean", "lcs", "dersimonian-laird", "mandel-paule"})
#: Methods whose estimate is not a linear function of the data (bootstrap DoE by default).
NONLINEAR = frozenset({"median", "algorithm-a", "q-hampel"})
DEFAULT_DRAWS = 2000


def validate_results(results: Sequence[ParticipantResult]) -> None:
    """Raise :class:`InterlabError` naming the offending participant for any invalid result."""
    if len(results) == 0:
        raise InterlabError("results: no participant results given")
    seen: set[str] = set()
    for pos, r in enumerate(results):
        name = r.participant.strip() if isinstance(r.participant, str) else ""
        if not name:
            raise InterlabError(f"results[{pos}]: participant id is empty")
        if name in seen:
            raise InterlabError(f"participant {name!r}: duplicate participant id")
        seen.add(name)
        value = _as_float(r.value)
        if value is None or not math.isfinite(value):
            raise InterlabError(f"participant {name!r}: value must be a finite number, got {r.value!r}")
        if r.u is not None:
            u = _as_float(r.u)
            if u is None or not math.isfinite(u) or u <= 0.0:
                raise InterlabError(
                    f"participant {name!r}: standard uncertainty must be a finite positive number, got {r.u!r}"
                )
        if r.dof is not None:
            dof = _as_float(r.dof)
            if dof is None or math.isnan(dof) or dof <= 0.0:
                raise InterlabError(
                    f"participant {name!r}: degrees of freedom must be positive, got {r.dof!r}"
                )


def _as_float(value: object) -> float | None:
    """``float(value)`` for numbers (int, float, Decimal, numpy scalars), else ``None``."""
    if isinstance(value, bool | str | bytes):
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _check(check: ChiSquareCheck, ids: list[str]) -> ConsistencyCheck:
    return ConsistencyCheck(
        ids,
        check.chi2_obs,
        check.dof,
        check.chi2_crit,
        check.p_value,
        check.birge_ratio,
        check.alpha,
        check.consistent,
    )


def _mp_batch(sims: FloatArray, u: FloatArray) -> FloatArray:
    """Mandel-Paule on each row, by vectorised bisection on tau^2."""
    m = sims.shape[1]
    u2 = u**2

    def excess(t2: FloatArray) -> FloatArray:
        w = 1.0 / (u2[None, :] + t2[:, None])
        y = (w * sims).sum(axis=1) / w.sum(axis=1)
        return np.asarray((w * (sims - y[:, None]) ** 2).sum(axis=1) - (m - 1), dtype=np.float64)

    lo = np.zeros(sims.shape[0])
    hi = np.full(sims.shape[0], 4.0 * (float(sims.var(axis=1, ddof=1).max()) + float(u2.max())))
    while np.any(excess(hi) > 0.0):
        hi *= 4.0
    positive = excess(lo) > 0.0
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        above = excess(mid) > 0.0
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
    t2 = np.where(positive, 0.5 * (lo + hi), 0.0)
    w = 1.0 / (u2[None, :] + t2[:, None])
    return np.asarray((w * sims).sum(axis=1) / w.sum(axis=1), dtype=np.float64)


def _dl_batch(sims: FloatArray, u: FloatArray) -> FloatArray:
    m = sims.shape[1]
    w = 1.0 / u**2
    s1 = float(w.sum())
    s2 = float((w**2).sum())
    xw = sims @ w / s1
    q = ((sims - xw[:, None]) ** 2 * w[None, :]).sum(axis=1)
    t2 = np.maximum(0.0, (q - (m - 1)) / (s1 - s2 / s1))
    ww = 1.0 / (u[None, :] ** 2 + t2[:, None])
    return np.asarray((ww * sims).sum(axis=1) / ww.sum(axis=1), dtype=np.float64)


def batch_estimator(
    method: str,
    u: FloatArray | None,
    alpha: float = 0.05,
    lcs_strategy: LcsStrategy = "sequential",
) -> Callable[[FloatArray], FloatArray]:
    """Vectorised reference-value estimator (rows = simulated data sets) for the bootstrap."""
    if method in NEEDS_UNCERTAINTY and u is None:
        raise InterlabError(f"method {method!r}: uncertainties are needed")
    if method == "weighted-mean":
        assert u is not None
        w = (1.0 / u**2) / float((1.0 / u**2).sum())
        return lambda s: np.asarray(s @ w, dtype=np.float64)
    if method == "mean":
        return lambda s: np.asarray(s.mean(axis=1), dtype=np.float64)
    if method == "median":
        return lambda s: np.asarray(np.median(s, axis=1), dtype=np.float64)
    if method == "algorithm-a":
        return lambda s: algorithm_a_batch(s)[0]
    if method == "dersimonian-laird":
        assert u is not None
        uu = u
        return lambda s: _dl_batch(s, uu)
    if method == "mandel-paule":
        assert u is not None
        uu = u
        return lambda s: _mp_batch(s, uu)
    if method == "lcs":
        assert u is not None
        uu = u
        return lambda s: np.array(
            [largest_consistent_subset(row, uu, alpha, lcs_strategy).estimate.value for row in s]
        )
    if method == "q-hampel":
        return lambda s: np.array([q_hampel(row).mean for row in s])
    raise InterlabError(f"method: unknown method {method!r}; choose one of {', '.join(METHODS)}")


def analyse(
    results: Sequence[ParticipantResult],
    method: str = "weighted-mean",
    *,
    alpha: float = 0.05,
    k: float = 2.0,
    sigma_pt: float | None = None,
    lcs_strategy: LcsStrategy = "sequential",
    stopping: StoppingRule = "third-significant-figure",
    bootstrap: int | None = None,
    seed: int | None = 1,
) -> ComparisonAnalysis:
    """Analyse a comparison: reference value, consistency check, DoEs, pairwise DoEs and scores.

    ``method`` is one of :data:`~nqi.interlab.models.METHODS`. Only results with
    ``contributes=True`` enter the reference value; all results get DoEs and scores. ``k`` is the
    coverage factor of the expanded uncertainties (a bootstrap uses the coverage probability
    2 Phi(k) - 1). ``sigma_pt`` (standard deviation for proficiency assessment) enables z and z';
    for the robust methods it defaults to the robust standard deviation (s* or MADe).
    ``bootstrap``: number of parametric-bootstrap draws for the DoE uncertainties; ``None`` means 2000
    for the non-linear estimators (median, Algorithm A, Q/Hampel) and analytic formulas otherwise;
    ``0`` forces analytic formulas.
    """
    if method not in METHODS:
        raise InterlabError(f"method: unknown method {method!r}; choose one of {', '.join(METHODS)}")
    validate_results(results)
    alpha = check_probability(alpha, "alpha")
    k = check_positive(k, "k")
    if sigma_pt is not None:
        sigma_pt = check_positive(sigma_pt, "sigma_pt")
    if bootstrap is not None and bootstrap != 0 and bootstrap < 10:
        raise InterlabError(f"bootstrap: at least 10 draws are needed, got {bootstrap}")
    warnings: list[str] = []
    ids = [r.participant.strip() for r in results]
    x = np.array([float(r.value) for r in results])
    n = x.size
    contrib = [i for i, r in enumerate(results) if r.contributes]
    cids = [ids[i] for i in contrib]
    if len(contrib) < MIN_PARTICIPANTS[method]:
        raise InterlabError(
            f"results: method {method!r} needs at least {MIN_PARTICIPANTS[method]} contributing "
            f"participants, got {len(contrib)}"
        )
    has_u = [r.u is not None for r in results]
    u_all = np.array([float(r.u) if r.u is not None else math.nan for r in results])
    contrib_have_u = all(has_u[i] for i in contrib)
    if method in NEEDS_UNCERTAINTY and not contrib_have_u:
        missing = [ids[i] for i in contrib if not has_u[i]]
        raise InterlabError(
            f"participant {missing[0]!r}: method {method!r} needs a standard uncertainty for every "
            "contributing participant"
        )
    xc = x[contrib]
    uc = u_all[contrib] if contrib_have_u else None

    # --- reference value -------------------------------------------------------------------------
    excluded: list[str] = []
    details: dict[str, float] = {}
    final_check: ChiSquareCheck | None = None
    robust_sd: float | None = None
    est: Estimate
    if method == "weighted-mean":
        assert uc is not None
        est = weighted_mean(xc, uc)
    elif method == "lcs":
        assert uc is not None
        lcs = largest_consistent_subset(xc, uc, alpha, lcs_strategy)
        est = lcs.estimate
        final_check = lcs.check
        excluded = [cids[i] for i in lcs.excluded]
        if lcs.alternatives:
            alts = "; ".join(", ".join(cids[i] for i in combo) for combo in lcs.alternatives)
            warnings.append(f"other consistent subsets of the same size exist: {alts}")
        if not lcs.check.consistent:
            warnings.append("no consistent subset of more than two results was found")
    elif method == "mean":
        est = arithmetic_mean(xc)
    elif method == "median":
        est = median_mad(xc)
        robust_sd = est.details["mad_e"]
    elif method == "dersimonian-laird":
        assert uc is not None
        est = dersimonian_laird(xc, uc)
    elif method == "mandel-paule":
        assert uc is not None
        est = mandel_paule(xc, uc)
    elif method == "algorithm-a":
        rob = algorithm_a(xc, stopping=stopping)
        if not rob.converged:
            warnings.append(f"Algorithm A did not converge in {rob.iterations} iterations")
        robust_sd = rob.sd
        est = Estimate(
            method,
            rob.mean,
            rob.u_mean,
            0.0,
            None,
            tuple(range(xc.size)),
            {"robust_sd": rob.sd, "iterations": float(rob.iterations)},
        )
    else:  # q-hampel
        rob = q_hampel(xc)
        robust_sd = rob.sd
        est = Estimate(method, rob.mean, rob.u_mean, 0.0, None, tuple(range(xc.size)), {"robust_sd": rob.sd})
    details.update(est.details)
    if method in NONLINEAR and len(contrib) < 12:
        warnings.append(
            f"only {len(contrib)} contributing results: robust estimates from fewer than 12 results "
            "are of limited reliability"
        )
    if est.tau > 0.0:
        warnings.append(f"dark uncertainty tau = {est.tau:.6g} added to each participant's uncertainty")

    # --- consistency -----------------------------------------------------------------------------
    initial_check: ChiSquareCheck | None = None
    if uc is not None and len(contrib) >= 2:
        initial_check = chi_square_check(xc, uc, alpha)
        if final_check is None:
            final_check = initial_check
        if not initial_check.consistent and method == "weighted-mean":
            warnings.append(
                f"chi-square test failed (chi2_obs = {initial_check.chi2_obs:.4g} > "
                f"{initial_check.chi2_crit:.4g}, Birge ratio {initial_check.birge_ratio:.3g}): the weighted "
                "mean and its uncertainty are not reliable; consider 'lcs' or a random-effects method"
            )
    elif method not in NEEDS_UNCERTAINTY:
        warnings.append("no consistency check: not every contributing participant reported an uncertainty")
    used_pos = [contrib[i] for i in est.used]
    consistency = _check(final_check, [ids[i] for i in used_pos]) if final_check is not None else None
    initial = _check(initial_check, cids) if initial_check is not None else None

    # --- degrees of equivalence ------------------------------------------------------------------
    weights = np.zeros(n)
    linear = est.weights is not None
    if est.weights is not None:
        weights[contrib] = np.asarray(est.weights)
    all_u = all(has_u)
    draws = (DEFAULT_DRAWS if method in NONLINEAR else 0) if bootstrap is None else bootstrap
    coverage = float(2.0 * stats.norm.cdf(k) - 1.0)
    u_d = np.full(n, math.nan)
    big_u_d = np.full(n, math.nan)
    doe_from = "analytic"
    if draws > 0 and all_u:
        boot = bootstrap_doe(
            x,
            u_all,
            batch_estimator(method, uc, alpha, lcs_strategy),
            contrib,
            draws,
            seed,
            [_as_float(r.dof) if r.dof is not None else None for r in results],
            est.tau,
            coverage,
        )
        u_d, big_u_d = boot.u_d, boot.expanded_d
        details["u_ref_bootstrap"] = boot.u_ref
        doe_from = "bootstrap"
    else:
        if draws > 0 and any(has_u):
            warnings.append("bootstrap skipped: not every participant reported a standard uncertainty")
        v = u_all**2 + est.tau**2
        var = v + est.u**2 - 2.0 * weights * v
        u_d = np.sqrt(np.clip(var, 0.0, None))
        big_u_d = k * u_d
        if not linear and any(has_u[i] for i in contrib):
            warnings.append(
                f"u(d_i) of contributing participants ignores their correlation with the {method} "
                "reference value (use bootstrap > 0)"
            )
    d = x - est.value
    contrib_set = set(contrib)
    excluded_set = set(excluded)
    does = [
        DegreeOfEquivalence(
            ids[i],
            float(d[i]),
            float(u_d[i]) if has_u[i] else None,
            float(big_u_d[i]) if has_u[i] else None,
            i in contrib_set,
            ids[i] in excluded_set,
        )
        for i in range(n)
    ]

    # --- pairwise --------------------------------------------------------------------------------
    dmat = (x[:, None] - x[None, :]).tolist()
    umat: list[list[float | None]] = []
    for i in range(n):
        row: list[float | None] = []
        for j in range(n):
            if i == j:
                row.append(0.0)
            elif has_u[i] and has_u[j]:
                row.append(k * math.sqrt(u_all[i] ** 2 + u_all[j] ** 2 + 2.0 * est.tau**2))
            else:
                row.append(None)
        umat.append(row)
    pairwise = PairwiseDegrees(ids, dmat, umat)

    # --- scores ----------------------------------------------------------------------------------
    spt = sigma_pt if sigma_pt is not None else robust_sd
    scores: list[ParticipantScores] = []
    for i, doe in enumerate(does):
        en = doe.d / doe.expanded if doe.expanded else None
        zeta = doe.d / doe.u if doe.u else None
        z = doe.d / spt if spt else None
        zp = doe.d / math.hypot(spt, est.u) if spt else None
        scores.append(
            ParticipantScores(
                ids[i],
                en,
                zeta,
                z,
                zp,
                classify_en(en) if en is not None else None,
                classify_z(z) if z is not None else None,
            )
        )

    reference = ReferenceValue(
        method, est.value, est.u, k * est.u, k, est.tau, [ids[i] for i in used_pos], details
    )
    settings = {
        "alpha": alpha,
        "k": k,
        "coverage": coverage,
        "lcs_strategy": lcs_strategy,
        "stopping": stopping,
        "bootstrap_draws": draws if doe_from == "bootstrap" else 0,
        "seed": seed,
        "doe_uncertainty": doe_from,
        "sigma_pt_source": "given" if sigma_pt is not None else ("robust" if spt else None),
    }
    return ComparisonAnalysis(
        method, reference, consistency, initial, excluded, does, pairwise, scores, spt, settings, warnings
    )
