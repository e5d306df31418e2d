"""Random-effects estimators on a published meta-analysis example.

Data: the BCG vaccine trials (Colditz et al., JAMA 271 (1994) 698), 13 trials, as distributed with
the R package metafor (``dat.bcg``); effect = log relative risk, variance by the usual delta-method
formula. The DerSimonian-Laird figures below (tau^2 = 0.3088, estimate -0.7141, SE 0.1787,
Q = 152.2330) are those printed by metafor's ``rma(yi, vi, method="DL")`` for these data (quoted from
memory of its documentation); because they were not read from the document here, we confirmed them
with an independent implementation: statsmodels 0.15.0 ``combine_effects(method_re="dl")`` agrees to
1e-15 (run in a separate virtual environment, see benchmarks/requirements-bench.txt). The
Mandel-Paule (Paule-Mandel) figures come from statsmodels ``method_re="pm"`` (agreement 1e-11), not
from a publication.
"""

from __future__ import annotations

import numpy as np
import pytest

from nqi.interlab import dersimonian_laird, mandel_paule

# tpos, tneg, cpos, cneg for the 13 trials of dat.bcg.
BCG = np.array(
    [
        [4, 119, 11, 128],
        [6, 300, 29, 274],
        [3, 228, 11, 209],
        [62, 13536, 248, 12619],
        [33, 5036, 47, 5761],
        [180, 1361, 372, 1079],
        [8, 2537, 10, 619],
        [505, 87886, 499, 87892],
        [29, 7470, 45, 7232],
        [17, 1699, 65, 1600],
        [186, 50448, 141, 27197],
        [5, 2493, 3, 2338],
        [27, 16886, 29, 17825],
    ],
    dtype=float,
)


def _log_rr() -> tuple[np.ndarray, np.ndarray]:
    a, b, c, d = BCG.T
    y = np.log((a / (a + b)) / (c / (c + d)))
    v = 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)
    return y, np.sqrt(v)


def test_dersimonian_laird_bcg() -> None:
    y, u = _log_rr()
    est = dersimonian_laird(y, u)
    assert round(est.details["Q"], 4) == 152.2330
    assert round(est.tau**2, 4) == 0.3088
    assert round(est.value, 4) == -0.7141
    assert round(est.u, 4) == 0.1787


def test_mandel_paule_bcg_against_statsmodels() -> None:
    y, u = _log_rr()
    est = mandel_paule(y, u)
    # statsmodels 0.15.0: tau2 = 0.3180684522038, mean = -0.714968153493, sd = 0.180892191537
    assert est.tau**2 == pytest.approx(0.3180684522038, abs=1e-9)
    assert est.value == pytest.approx(-0.714968153493, abs=1e-9)
    assert est.u == pytest.approx(0.180892191537, abs=1e-9)
