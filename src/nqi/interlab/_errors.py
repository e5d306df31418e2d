"""Exceptions and input validation shared by the interlab modules."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


class InterlabError(ValueError):
    """Invalid input to an interlaboratory computation (the message names the input)."""


def as_values(values: Sequence[float] | FloatArray, name: str = "values", minimum: int = 1) -> FloatArray:
    """Return ``values`` as a 1-D float array; reject NaN/inf and too short inputs."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InterlabError(f"{name}: not numeric ({exc})") from exc
    if arr.ndim != 1:
        raise InterlabError(f"{name}: expected a one-dimensional sequence, got shape {arr.shape}")
    if arr.size < minimum:
        raise InterlabError(f"{name}: at least {minimum} value(s) needed, got {arr.size}")
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise InterlabError(f"{name}: non-finite value (NaN or infinity) at position(s) {bad.tolist()}")
    return arr


def as_uncertainties(u: Sequence[float] | FloatArray, n: int, name: str = "uncertainties") -> FloatArray:
    """Return strictly positive, finite standard uncertainties of length ``n``."""
    arr = as_values(u, name)
    if arr.size != n:
        raise InterlabError(f"{name}: expected {n} values (one per result), got {arr.size}")
    bad = np.flatnonzero(arr <= 0.0)
    if bad.size:
        raise InterlabError(
            f"{name}: uncertainty must be strictly positive; zero or negative at position(s) {bad.tolist()}"
        )
    return arr


def check_positive(value: float, name: str) -> float:
    """Return ``value`` as float if finite and > 0."""
    v = float(value)
    if not math.isfinite(v) or v <= 0.0:
        raise InterlabError(f"{name}: must be a finite positive number, got {value!r}")
    return v


def check_probability(value: float, name: str) -> float:
    """Return ``value`` if strictly between 0 and 1."""
    v = float(value)
    if not (0.0 < v < 1.0):
        raise InterlabError(f"{name}: must lie strictly between 0 and 1, got {value!r}")
    return v
