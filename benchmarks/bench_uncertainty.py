"""Benchmark of nqi.uncertainty (plain script; prints figures measured in this run, asserts nothing).

Run from the project root:

    .venv/bin/python benchmarks/bench_uncertainty.py

For the side-by-side comparison with GTC (law of propagation) and SUNCAL (Monte Carlo), run it
with an interpreter that has ``benchmarks/requirements-bench.txt`` installed (a separate virtual
environment, never the project's), e.g.

    python3 -m venv /tmp/benchvenv && /tmp/benchvenv/bin/pip install -r benchmarks/requirements-bench.txt numpy scipy
    PYTHONPATH=src /tmp/benchvenv/bin/python benchmarks/bench_uncertainty.py

A missing comparator is skipped with a note. Everything runs on one core (BLAS threads pinned).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

try:
    import nqi.uncertainty  # noqa: F401
except ImportError:  # run from a checkout without the project installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from nqi.uncertainty import Input, Model, Rectangular, gum, monte_carlo  # noqa: E402


def best_of(fn: Callable[[], Any], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def additive_model() -> Model:
    """JCGM 101 §9.2.2: Y = X1 + X2 + X3 + X4, X_i ~ N(0, 1)."""
    return Model("Y = X1 + X2 + X3 + X4", [Input.normal(f"X{i}", 0.0, 1.0) for i in range(1, 5)])


def mass_model() -> Model:
    """JCGM 101 §9.3: mass calibration."""
    return Model(
        "dm = (m_Rc + dm_Rc)*(1 + (rho_a - rho_a0)*(1/rho_W - 1/rho_R)) - m_nom",
        [
            Input.normal("m_Rc", 100_000.0, 0.050),
            Input.normal("dm_Rc", 1.234, 0.020),
            Input("rho_a", Rectangular(1.10, 1.30)),
            Input("rho_W", Rectangular(7_000.0, 9_000.0)),
            Input("rho_R", Rectangular(7_950.0, 8_050.0)),
        ],
        constants={"rho_a0": 1.2, "m_nom": 100_000.0},
    )


H2 = {  # JCGM 100 H.2, statistics of Table H.2
    "V": (4.9990, 0.0032093613071761794),
    "I": (0.019661, 9.471008394041336e-06),
    "phi": (1.04446, 0.0007520638270785368),
}
H2_R = {("V", "I"): -0.35531121981751196, ("V", "phi"): 0.8576242108399619, ("I", "phi"): -0.6451112176892567}


def h2_model() -> Model:
    return Model(
        ["R = V/I*cos(phi)", "X = V/I*sin(phi)", "Z = V/I"],
        [Input.normal(n, x, u) for n, (x, u) in H2.items()],
        correlations=H2_R,
    )


def section(title: str) -> None:
    print(f"\n== {title}")


def bench_nqi_monte_carlo() -> dict[str, Any]:
    out: dict[str, Any] = {}
    section("NQI Monte Carlo (one core)")
    add = additive_model()
    monte_carlo(add, 100_000, seed=0)  # warm-up
    m = 10_000_000
    for kind in ("symmetric", "both"):
        t = best_of(lambda kind=kind: monte_carlo(add, m, seed=1, intervals=kind, keep_samples=False))
        label = "symmetric interval" if kind == "symmetric" else "symmetric + shortest intervals"
        print(
            f"additive model (JCGM 101 §9.2.2), M = 10^7, {label}: {t:.3f} s = {m / t / 1e6:.1f} million trials/s"
        )
        out[f"add_{kind}"] = t
    mass = mass_model()
    t = best_of(lambda: monte_carlo(mass, 1_000_000, seed=2))
    r = monte_carlo(mass, 1_000_000, seed=2)["dm"]
    print(
        f"mass calibration (JCGM 101 §9.3), M = 10^6: {t:.3f} s = {1e6 / t / 1e6:.1f} million trials/s; "
        f"u = {r.uncertainty:.5f} mg, 95 % [{r.symmetric_interval[0]:.4f}, {r.symmetric_interval[1]:.4f}] mg"
    )
    out["mass"] = t
    out["mass_result"] = r
    t = best_of(lambda: monte_carlo(mass, seed=3, adaptive=True, ndig=2))
    ra = monte_carlo(mass, seed=3, adaptive=True, ndig=2)
    print(f"mass calibration, adaptive §7.9 (ndig = 2): {ra.trials} trials in {t:.3f} s")
    return out


def bench_nqi_gum() -> dict[str, Any]:
    section("NQI GUM (law of propagation, symbolic sensitivities)")
    out: dict[str, Any] = {}
    for name, build in (("mass", mass_model), ("H.2", h2_model)):
        n = 200
        t_build = best_of(lambda build=build: [gum(build()) for _ in range(20)]) / 20
        model = build()
        gum(model)
        t_eval = best_of(lambda model=model, n=n: [gum(model) for _ in range(n)]) / n
        print(
            f"{name}: model build + differentiation + gum(): {1e3 * t_build:.3f} ms; "
            f"gum() on a built model: {1e3 * t_eval:.3f} ms"
        )
        out[name] = (t_build, t_eval, gum(model))
    return out


def bench_gtc(nqi: dict[str, Any]) -> None:
    section("GTC (law of propagation) side by side")
    try:
        import GTC
        from GTC import type_b
    except ImportError:
        print(
            "GTC is not importable here: skipped (install benchmarks/requirements-bench.txt in a separate venv)"
        )
        return

    def gtc_mass() -> Any:
        m_rc = GTC.ureal(100_000.0, 0.050)
        dm_rc = GTC.ureal(1.234, 0.020)
        rho_a = GTC.ureal(1.2, type_b.uniform(0.1))
        rho_w = GTC.ureal(8_000.0, type_b.uniform(1_000.0))
        rho_r = GTC.ureal(8_000.0, type_b.uniform(50.0))
        return (m_rc + dm_rc) * (1 + (rho_a - 1.2) * (1 / rho_w - 1 / rho_r)) - 100_000.0

    def gtc_h2() -> list[Any]:
        v = GTC.ureal(*H2["V"], independent=False)
        i = GTC.ureal(*H2["I"], independent=False)
        phi = GTC.ureal(*H2["phi"], independent=False)
        GTC.set_correlation(H2_R[("V", "I")], v, i)
        GTC.set_correlation(H2_R[("V", "phi")], v, phi)
        GTC.set_correlation(H2_R[("I", "phi")], i, phi)
        return [v / i * GTC.cos(phi), v / i * GTC.sin(phi), v / i]

    print(f"GTC {getattr(GTC, 'version', '?')}")
    n = 200
    t = best_of(lambda: [gtc_mass() for _ in range(n)]) / n
    y = gtc_mass()
    t_nqi, t_nqi_eval, g = nqi["mass"]
    gd = g["dm"]
    print(
        f"mass: GTC {1e3 * t:.3f} ms per evaluation; NQI build+gum {1e3 * t_nqi:.3f} ms "
        f"(ratio GTC/NQI {t / t_nqi:.2f}), NQI gum() on built model {1e3 * t_nqi_eval:.3f} ms "
        f"(ratio {t / t_nqi_eval:.2f})"
    )
    print(
        f"      agreement: y {GTC.value(y):.6f} vs {gd.value:.6f} mg, u {GTC.uncertainty(y):.8f} vs "
        f"{gd.uncertainty:.8f} mg (relative difference {abs(GTC.uncertainty(y) / gd.uncertainty - 1):.1e})"
    )
    t = best_of(lambda: [gtc_h2() for _ in range(n)]) / n
    ys = gtc_h2()
    t_nqi, t_nqi_eval, g = nqi["H.2"]
    print(
        f"H.2 (3 outputs, correlated): GTC {1e3 * t:.3f} ms; NQI build+gum {1e3 * t_nqi:.3f} ms "
        f"(ratio GTC/NQI {t / t_nqi:.2f}), gum() on built model {1e3 * t_nqi_eval:.3f} ms (ratio {t / t_nqi_eval:.2f})"
    )
    worst = max(abs(GTC.uncertainty(a) / o.uncertainty - 1) for a, o in zip(ys, g.outputs, strict=True))
    r_rx = GTC.get_correlation(ys[0], ys[1])
    print(
        f"      agreement: u(R, X, Z) GTC {[round(GTC.uncertainty(a), 6) for a in ys]} vs NQI "
        f"{[round(o.uncertainty, 6) for o in g.outputs]} (worst relative difference {worst:.1e}); "
        f"r(R, X) {r_rx:.6f} vs {g.correlation[0, 1]:.6f}"
    )


def bench_suncal(nqi: dict[str, Any]) -> None:
    section("SUNCAL (Monte Carlo) side by side")
    try:
        import numpy as np
        import suncal
    except ImportError:
        print(
            "suncal is not importable here: skipped (install benchmarks/requirements-bench.txt in a separate venv)"
        )
        return
    print(f"suncal {getattr(suncal, 'version', None) and suncal.version.__version__}")
    np.random.seed(1)

    add = suncal.Model("Y = X1 + X2 + X3 + X4")
    for i in range(1, 5):
        add.var(f"X{i}").measure(0.0).typeb(dist="normal", std=1.0)
    m = 1_000_000
    t_s = best_of(lambda: add.monte_carlo(samples=m))
    rs = add.monte_carlo(samples=m)
    t_n = best_of(lambda: monte_carlo(additive_model(), m, seed=4))
    rn = monte_carlo(additive_model(), m, seed=4)["Y"]
    exp_s = rs.expand("Y", conf=0.95)
    print(
        f"additive, M = 10^6: SUNCAL {t_s:.3f} s, NQI {t_n:.3f} s (NQI speed ratio {t_s / t_n:.1f}x); "
        f"u {float(rs.uncertainty['Y']):.4f} vs {rn.uncertainty:.4f}, 95 % "
        f"[{float(exp_s.low):.3f}, {float(exp_s.high):.3f}] vs [{rn.symmetric_interval[0]:.3f}, "
        f"{rn.symmetric_interval[1]:.3f}]"
    )

    mass = suncal.Model("dm = (m_Rc + dm_Rc)*(1 + (rho_a - rho_a0)*(1/rho_W - 1/rho_R)) - m_nom")
    mass.var("m_Rc").measure(100_000.0).typeb(dist="normal", std=0.050)
    mass.var("dm_Rc").measure(1.234).typeb(dist="normal", std=0.020)
    mass.var("rho_a").measure(1.2).typeb(dist="uniform", a=0.1)
    mass.var("rho_W").measure(8_000.0).typeb(dist="uniform", a=1_000.0)
    mass.var("rho_R").measure(8_000.0).typeb(dist="uniform", a=50.0)
    mass.var("rho_a0").measure(1.2)
    mass.var("m_nom").measure(100_000.0)
    t_s = best_of(lambda: mass.monte_carlo(samples=m))
    rs = mass.monte_carlo(samples=m)
    exp_s = rs.expand("dm", conf=0.95)
    t_n = best_of(lambda: monte_carlo(mass_model(), m, seed=5))
    rn = monte_carlo(mass_model(), m, seed=5)["dm"]
    print(
        f"mass, M = 10^6: SUNCAL {t_s:.3f} s, NQI {t_n:.3f} s (NQI speed ratio {t_s / t_n:.1f}x); "
        f"u {float(rs.uncertainty['dm']):.5f} vs {rn.uncertainty:.5f} mg, 95 % "
        f"[{float(exp_s.low):.4f}, {float(exp_s.high):.4f}] vs [{rn.symmetric_interval[0]:.4f}, "
        f"{rn.symmetric_interval[1]:.4f}] mg"
    )


def main() -> None:
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs visible, BLAS threads pinned to 1")
    nqi_mc = bench_nqi_monte_carlo()
    nqi_gum = bench_nqi_gum()
    bench_gtc(nqi_gum)
    bench_suncal(nqi_mc)
    target = 10_000_000 / nqi_mc["add_both"]
    print(
        f"\nTarget >= 10 million trials/s (additive, both intervals): {target / 1e6:.1f} million/s; "
        f"mass 10^6 trials: {nqi_mc['mass']:.3f} s"
    )


if __name__ == "__main__":
    main()
