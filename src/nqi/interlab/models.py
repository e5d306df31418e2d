"""Typed inputs and outputs of :func:`nqi.interlab.analyse` (JSON-serialisable via ``to_dict``)."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Literal

Method = Literal[
    "weighted-mean",
    "lcs",
    "mean",
    "median",
    "dersimonian-laird",
    "mandel-paule",
    "algorithm-a",
    "q-hampel",
]
METHODS: tuple[str, ...] = (
    "weighted-mean",
    "lcs",
    "mean",
    "median",
    "dersimonian-laird",
    "mandel-paule",
    "algorithm-a",
    "q-hampel",
)


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    return obj


@dataclass(frozen=True)
class ParticipantResult:
    """One participant's result: value, standard uncertainty (``None`` if not reported), degrees of
    freedom (``None`` = infinite) and whether the result contributes to the reference value."""

    participant: str
    value: float
    u: float | None = None
    dof: float | None = None
    contributes: bool = True


@dataclass(frozen=True)
class ReferenceValue:
    """The reference (assigned) value: x_ref, u(x_ref), U = k u, dark uncertainty tau, participants used."""

    method: str
    value: float
    u: float
    expanded: float
    k: float
    tau: float
    used: list[str]
    details: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ConsistencyCheck:
    """Chi-square test about the weighted mean of ``participants``; Birge ratio sqrt(chi2/nu)."""

    participants: list[str]
    chi2_obs: float
    dof: int
    chi2_crit: float
    p_value: float
    birge_ratio: float
    alpha: float
    consistent: bool


@dataclass(frozen=True)
class DegreeOfEquivalence:
    """Unilateral DoE d = x - x_ref with u(d), U(d) (None without a participant uncertainty)."""

    participant: str
    d: float
    u: float | None
    expanded: float | None
    contributes: bool
    excluded: bool


@dataclass(frozen=True)
class PairwiseDegrees:
    """Pairwise DoE d_ij = x_i - x_j (row minus column) and U(d_ij) = k sqrt(u_i^2 + u_j^2 + 2 tau^2)."""

    participants: list[str]
    d: list[list[float]]
    expanded: list[list[float | None]]


@dataclass(frozen=True)
class ParticipantScores:
    """Scores against the reference value; E_n and zeta use U(d), u(d) (so they include the
    correlation of a contributing result with the reference), z and z' need sigma_pt."""

    participant: str
    en: float | None
    zeta: float | None
    z: float | None
    z_prime: float | None
    en_verdict: str | None
    z_verdict: str | None


@dataclass(frozen=True)
class ComparisonAnalysis:
    """Full analysis of a comparison, as returned by :func:`nqi.interlab.analyse`."""

    method: str
    reference: ReferenceValue
    consistency: ConsistencyCheck | None
    initial_consistency: ConsistencyCheck | None
    excluded: list[str]
    degrees_of_equivalence: list[DegreeOfEquivalence]
    pairwise: PairwiseDegrees
    scores: list[ParticipantScores]
    sigma_pt: float | None
    settings: dict[str, Any]
    warnings: list[str]

    def to_dict(self) -> dict[str, Any]:
        """Plain dict with only JSON types (non-finite floats become ``None``)."""
        result: dict[str, Any] = _jsonable(dataclasses.asdict(self))
        return result
