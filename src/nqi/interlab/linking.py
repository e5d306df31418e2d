"""Linking a regional (RMO) comparison to a CIPM key comparison through linking laboratories.

For each linking laboratory l, with CIPM degree of equivalence D_l (u(D_l)) and RMO result x_l (u_l),
K_l = x_l - D_l estimates the CIPM key comparison reference value (KCRV) on the scale of the RMO
comparison, u^2(K_l) = u_l^2 + u^2(D_l). The link value is their weighted mean
K = sum(w_l K_l), w_l proportional to 1/u^2(K_l), u^2(K) = 1/sum(1/u^2(K_l)); each RMO participant's
linked DoE is d_i = x_i - K with u^2(d_i) = u_i^2 + u^2(K) - 2 w_i u_i^2 (w_i = 0 if i is not a
linking laboratory). This is the usual "offset via linking laboratories" approach (e.g. Delahaye and
Witt, Metrologia 39 (2002) 01005); it neglects the correlation of the D_l through the KCRV and any
transfer-standard drift between the comparisons.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ._errors import InterlabError, check_positive
from .analysis import validate_results
from .models import ParticipantResult


@dataclass(frozen=True)
class LinkedDegree:
    """Linked DoE of an RMO participant relative to the CIPM KCRV."""

    participant: str
    d: float
    u: float
    expanded: float
    linking: bool


@dataclass(frozen=True)
class LinkResult:
    """Link value K (the KCRV on the RMO scale), its uncertainty and the linked DoEs."""

    link_value: float
    u_link: float
    linking_laboratories: list[str]
    weights: dict[str, float]
    k: float
    degrees: list[LinkedDegree]


def link_to_key_comparison(
    rmo_results: Sequence[ParticipantResult],
    cipm_doe: Mapping[str, tuple[float, float]],
    k: float = 2.0,
) -> LinkResult:
    """Link ``rmo_results`` to a CIPM KC; ``cipm_doe`` maps linking-laboratory ids to (D_l, u(D_l)).

    Every RMO result needs a standard uncertainty; at least one linking laboratory must appear in both.
    """
    validate_results(rmo_results)
    kk = check_positive(k, "k")
    missing_u = [r.participant for r in rmo_results if r.u is None]
    if missing_u:
        raise InterlabError(f"participant {missing_u[0]!r}: a standard uncertainty is needed for linking")
    by_id = {r.participant.strip(): r for r in rmo_results}
    links = [pid for pid in cipm_doe if pid in by_id]
    if not links:
        raise InterlabError("cipm_doe: no linking laboratory is among the RMO participants")
    kvals, kvars = [], []
    for pid in links:
        dl, udl = cipm_doe[pid]
        if not (math.isfinite(dl) and math.isfinite(udl)) or udl < 0.0:
            raise InterlabError(f"cipm_doe[{pid!r}]: need a finite D and a non-negative u(D)")
        r = by_id[pid]
        assert r.u is not None
        kvals.append(float(r.value) - dl)
        kvars.append(float(r.u) ** 2 + udl**2)
    kv = np.asarray(kvals)
    w = 1.0 / np.asarray(kvars)
    u_link = math.sqrt(1.0 / float(w.sum()))
    weights = {pid: float(wi) * u_link**2 for pid, wi in zip(links, w, strict=True)}
    link_value = float((w * kv).sum()) * u_link**2
    degrees = []
    for r in rmo_results:
        pid = r.participant.strip()
        assert r.u is not None
        wi = weights.get(pid, 0.0)
        u2 = float(r.u) ** 2
        ud = math.sqrt(max(u2 + u_link**2 - 2.0 * wi * u2, 0.0))
        degrees.append(LinkedDegree(pid, float(r.value) - link_value, ud, kk * ud, pid in weights))
    return LinkResult(link_value, u_link, links, weights, kk, degrees)
