"""Reading model files (TOML). The format is described in ``docs/uncertainty.md``.

A model file is the :meth:`Model.to_dict` mapping written as TOML, plus two optional tables of
settings: ``[monte_carlo]`` (``trials``, ``seed``, ``adaptive``, ``ndig``) and ``[gum]``
(``second_order``, ``dof_rounding``, ``k``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ModelError
from .model import Model

__all__ = ["ModelFile", "load_model", "loads_model"]

_MC_KEYS = {"trials", "seed", "adaptive", "ndig", "max_trials"}
_GUM_KEYS = {"second_order", "dof_rounding", "k"}


@dataclass(frozen=True)
class ModelFile:
    model: Model
    monte_carlo: dict[str, Any] = field(default_factory=dict)
    gum: dict[str, Any] = field(default_factory=dict)
    reference: str = ""
    description: str = ""


def _table(data: Mapping[str, Any], key: str, allowed: set[str]) -> dict[str, Any]:
    t = data.get(key, {})
    if not isinstance(t, Mapping):
        raise ModelError(f"[{key}] must be a table")
    extra = sorted(set(t) - allowed)
    if extra:
        raise ModelError(f"unknown field(s) in [{key}]: {', '.join(extra)}")
    return dict(t)


def model_file_from_dict(data: Mapping[str, Any]) -> ModelFile:
    mc = _table(data, "monte_carlo", _MC_KEYS)
    g = _table(data, "gum", _GUM_KEYS)
    body = {k: v for k, v in data.items() if k not in ("monte_carlo", "gum")}
    model = Model.from_dict(body)
    return ModelFile(model, mc, g, str(data.get("reference", "")), str(data.get("description", "")))


def loads_model(text: str) -> ModelFile:
    """Parse the TOML text of a model file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ModelError(f"not valid TOML: {exc}") from None
    return model_file_from_dict(data)


def load_model(path: str | Path) -> ModelFile:
    """Read a TOML model file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ModelError(f"cannot read model file {str(p)!r}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ModelError(f"model file {str(p)!r} is not UTF-8 text") from None
    return loads_model(text)
