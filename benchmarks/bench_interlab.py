"""Benchmark of nqi.interlab (plain script; prints figures measured in this run, asserts nothing).

Run from the project root:

    .venv/bin/python benchmarks/bench_interlab.py

For the side-by-side comparison with statsmodels' random-effects meta-analysis (DerSimonian-Laird and
Paule-Mandel), run it with an interpreter that has ``benchmarks/requirements-bench.txt`` installed
(a separate virtual environment, never the project's), e.g.

    python -m venv /tmp/bench && /tmp/bench/bin/pip install -r benchmarks/requirements-bench.txt
    PYTHONPATH=src /tmp/bench/bin/python benchmarks/bench_interlab.py
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from nqi.interlab import ParticipantResult, algorithm_a, algorithm_a_batch, analyse, mandel_paule
from nqi.interlab.analysis import _dl_batch, _mp_batch
from nqi.interlab.reference import dersimonian_laird


def best_of(fn: Callable[[], Any], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def naive_algorithm_a(x: list[float], tol: float = 1e-10, max_iter: int = 500) -> tuple[float, float]:
    """Naive reference: pure-Python Algorithm A (ISO 13528:2015 C.3.1), tolerance stopping rule."""
    m = statistics.median(x)
    s = 1.483 * statistics.median([abs(v - m) for v in x])
    for _ in range(max_iter):
        d = 1.5 * s
        w = [min(max(v, m - d), m + d) for v in x]
        nm = sum(w) / len(w)
        ns = 1.134 * math.sqrt(sum((v - nm) ** 2 for v in w) / (len(w) - 1))
        done = abs(ns - s) <= tol * ns and abs(nm - m) <= tol * ns
        m, s = nm, ns
        if done:
            break
    return m, s


def main() -> None:
    rng = np.random.default_rng(2026)
    print("nqi.interlab benchmark (times: best of 5 unless stated)")

    print("\n1. Algorithm A, one data set (ISO rule / tolerance 1e-12 / naive pure Python, tolerance)")
    for p in (30, 300, 3000):
        x = rng.normal(10.0, 1.0, p)
        x[: p // 10] += rng.normal(0, 8, p // 10)  # 10 % contamination
        t_iso = best_of(lambda x=x: algorithm_a(x))
        t_tol = best_of(lambda x=x: algorithm_a(x, stopping="tolerance"))
        t_naive = best_of(lambda x=x: naive_algorithm_a(list(x)))
        print(f"   p = {p:5d}: {t_iso * 1e3:8.3f} ms  {t_tol * 1e3:8.3f} ms  {t_naive * 1e3:8.3f} ms")

    print("\n2. Algorithm A on bootstrap draws: vectorised batch vs naive per-draw loop (p = 30)")
    for draws in (2000, 10000):
        sims = rng.normal(10.0, 1.0, (draws, 30))
        t_batch = best_of(lambda s=sims: algorithm_a_batch(s), repeat=3)
        t0 = time.perf_counter()
        naive = np.array([naive_algorithm_a(list(row))[0] for row in sims])
        t_naive = time.perf_counter() - t0
        diff = float(np.max(np.abs(algorithm_a_batch(sims)[0] - naive)))
        print(
            f"   {draws:6d} draws: batch {t_batch * 1e3:8.1f} ms, naive {t_naive * 1e3:8.1f} ms "
            f"(x{t_naive / t_batch:5.1f}), max |diff| = {diff:.1e}"
        )

    print("\n3. Full analyse() with parametric-bootstrap DoEs (n = 30 participants)")
    x = rng.normal(10.0, 0.2, 30)
    u = rng.uniform(0.05, 0.3, 30)
    rs = [
        ParticipantResult(f"L{i}", float(a), float(b), 20.0)
        for i, (a, b) in enumerate(zip(x, u, strict=True))
    ]
    for method, draws in (
        ("median", 2000),
        ("algorithm-a", 2000),
        ("algorithm-a", 10000),
        ("mandel-paule", 2000),
    ):
        t = best_of(lambda m=method, d=draws: analyse(rs, m, bootstrap=d), repeat=3)
        print(f"   {method:14s} {draws:6d} draws: {t * 1e3:8.1f} ms")

    print("\n4. Mandel-Paule on 2000 draws (n = 20): vectorised bisection vs per-draw brentq")
    xs, us = x[:20], u[:20]
    sims = xs[None, :] + us[None, :] * rng.standard_normal((2000, 20)) + 0.1 * rng.standard_normal((2000, 20))
    t_vec = best_of(lambda: _mp_batch(sims, us), repeat=3)
    t0 = time.perf_counter()
    loop = np.array([mandel_paule(row, us).value for row in sims])
    t_loop = time.perf_counter() - t0
    diff = float(np.max(np.abs(_mp_batch(sims, us) - loop)))
    print(f"   vectorised {t_vec * 1e3:.1f} ms, loop {t_loop * 1e3:.1f} ms, max |diff| = {diff:.1e}")
    dl_loop = np.array([dersimonian_laird(row, us).value for row in sims])
    dl_diff = float(np.max(np.abs(_dl_batch(sims, us) - dl_loop)))
    print(f"   DerSimonian-Laird batch vs loop: max |diff| = {dl_diff:.1e}")

    try:
        from statsmodels.stats.meta_analysis import combine_effects  # type: ignore[import-untyped]
    except ImportError:
        print("\n5. statsmodels not importable: side-by-side comparison skipped")
        return
    print("\n5. Side by side with statsmodels.stats.meta_analysis.combine_effects (n = 30)")
    for ours, name in ((dersimonian_laird, "dl"), (mandel_paule, "pm")):
        est = ours(x, u)
        ref = combine_effects(x, u**2, method_re=name)
        t_ours = best_of(lambda f=ours: f(x, u), repeat=20)
        t_sm = best_of(lambda n=name: combine_effects(x, u**2, method_re=n), repeat=20)
        print(
            f"   {name}: |dy| = {abs(est.value - ref.mean_effect_re):.1e}, "
            f"|du| = {abs(est.u - ref.sd_eff_w_re):.1e}, |dtau2| = {abs(est.tau**2 - ref.tau2):.1e}; "
            f"nqi {t_ours * 1e6:.0f} us, statsmodels {t_sm * 1e6:.0f} us"
        )


if __name__ == "__main__":
    main()
