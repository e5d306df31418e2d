"""Uncertainty budgets of calibration records, computed with :mod:`nqi.uncertainty`.

A record's ``budget`` JSON holds the *specification* of the measurement model — the shape of a
model file of ``nqi.uncertainty`` (``docs/uncertainty.md``) as JSON — plus the computed *result*::

    {
      "model": "E = I - (m_s + dm)",            # or "equations": [...], as in the TOML files
      "inputs": [{"name": "I", "distribution": "normal", "value": 1.0000021,
                  "uncertainty": 2e-7, "unit": "kg"}, ...],
      "output_units": {"E": "kg"},               # optional; also constants, correlations, outputs,
      "coverage_probability": 0.95,              #   coverage_probability, title
      "output": "E",                             # optional: the output the budget is for
      "k": 2,                                    # optional: fixed coverage factor (EA-4/02)
      "monte_carlo": true,                       # optional: also JCGM 101, 10^5 trials, fixed seed
      "result": {...}                            # written by compute_budget
    }

``result`` is ``Budget.to_dict()`` of the library (value, standard uncertainty, effective degrees
of freedom, coverage factor, expanded uncertainty and one row per input with estimate, standard
uncertainty, distribution, sensitivity coefficient, contribution, degrees of freedom and share),
plus the Monte Carlo result and the JCGM 101 §8 validation when asked for. The library does the
mathematics; this module only translates the stored JSON and its errors.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from nqi import uncertainty as unc

MC_TRIALS = 100_000
MC_SEED = 20261123  # fixed: the same budget always gives the same Monte Carlo numbers
MAX_INPUTS = 100
MAX_MODEL_CHARS = 4000

# Keys of the model itself (passed to nqi.uncertainty.Model.from_dict) and settings of this module.
MODEL_KEYS = frozenset(
    {"equations", "outputs", "coverage_probability", "inputs", "correlations", "constants", "output_units"}
)
MODEL_KEYS |= {"title", "description", "reference"}
SETTING_KEYS = frozenset({"model", "output", "k", "dof_rounding", "monte_carlo", "result"})

_INPUT_IN_MESSAGE = re.compile(r"input '([^']+)'")


def _error_field(exc: Exception, inputs: list[Any]) -> str:
    """Which part of the specification a library error is about (``inputs[2]``, ``model`` …)."""
    if isinstance(exc, unc.CorrelationError):
        return "correlations"
    match = _INPUT_IN_MESSAGE.search(str(exc))
    if match:
        names = [row.get("name") if isinstance(row, Mapping) else None for row in inputs]
        if match.group(1) in names:
            return f"inputs[{names.index(match.group(1))}]"
        return "inputs"
    if isinstance(exc, unc.InputError):
        return "inputs"
    if isinstance(exc, unc.UnitError):
        return "output_units" if "output" in str(exc) else "model"
    return "model"


def _model_mapping(spec: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(spec) - MODEL_KEYS - SETTING_KEYS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    model = {key: value for key, value in spec.items() if key in MODEL_KEYS}
    equations = spec.get("model", spec.get("equations"))
    if "model" in spec and "equations" in spec:
        raise ValidationError({"model": _("Give either “model” or “equations”, not both.")})
    if not equations:
        raise ValidationError({"model": _("Give the measurement model, e.g. “E = I - m_s”.")})
    text = equations if isinstance(equations, str) else " ".join(map(str, equations))
    if not isinstance(equations, (str, list)) or len(text) > MAX_MODEL_CHARS:
        raise ValidationError(
            {"model": _("The model must be text of at most %(n)d characters.") % {"n": MAX_MODEL_CHARS}}
        )
    model["equations"] = equations
    inputs = spec.get("inputs")
    if not isinstance(inputs, list) or not inputs:
        raise ValidationError({"inputs": _("Give at least one input quantity.")})
    if len(inputs) > MAX_INPUTS:
        raise ValidationError({"inputs": _("At most %(n)d input quantities.") % {"n": MAX_INPUTS}})
    return model


def _settings(spec: Mapping[str, Any]) -> tuple[str | None, float | None, str, bool]:
    output = spec.get("output")
    if output is not None and not isinstance(output, str):
        raise ValidationError({"output": _("Give the name of an output quantity.")})
    k = spec.get("k")
    if k is not None and (isinstance(k, bool) or not isinstance(k, (int, float)) or not 0 < k <= 100):
        raise ValidationError({"k": _("The coverage factor must be a number between 0 and 100.")})
    rounding = spec.get("dof_rounding", "floor")
    if rounding not in ("floor", "none"):
        raise ValidationError({"dof_rounding": _("Use “floor” or “none”.")})
    monte_carlo = spec.get("monte_carlo", False)
    if not isinstance(monte_carlo, bool):
        raise ValidationError({"monte_carlo": _("Use true or false.")})
    return output, None if k is None else float(k), rounding, monte_carlo


def compute_budget(spec: Mapping[str, Any]) -> dict[str, Any]:
    """Run the GUM (and Monte Carlo if asked) on ``spec``; return the spec with its ``result``.

    Raises :class:`ValidationError` whose field names the part of the specification at fault
    (``inputs[1]``, ``model``, ``correlations`` …) with the library's message.
    """
    if not isinstance(spec, Mapping):
        raise ValidationError(_("The budget must be a JSON object."))
    model_data = _model_mapping(spec)
    output, k, rounding, with_mc = _settings(spec)
    try:
        model = unc.Model.from_dict(model_data)
        if output is not None and output not in model.output_names:
            raise ValidationError(
                {"output": _("No output named “%(name)s” in the model.") % {"name": output}}
            )
        result = unc.gum(model, k=k, dof_rounding=rounding)  # type: ignore[arg-type]
        budget = result.budget(output).to_dict()
        if with_mc:
            mc = unc.monte_carlo(model, MC_TRIALS, seed=MC_SEED, keep_samples=False)
            name = budget["output"]
            budget["monte_carlo"] = {
                **next(o.to_dict() for o in mc.outputs if o.name == name),
                "trials": MC_TRIALS,
                "seed": MC_SEED,
            }
            budget["monte_carlo"]["gum_validated"] = bool(unc.validate(result, mc)[name].passed)
    except ValidationError:
        raise
    except (ValueError, TypeError, ArithmeticError, RecursionError, KeyError) as exc:
        # UncertaintyError is a ValueError; the others come from malformed numbers in the JSON.
        field = _error_field(exc, model_data["inputs"])
        raise ValidationError({field: str(exc) or exc.__class__.__name__}) from None
    computed = {key: value for key, value in spec.items() if key != "result"}
    computed["result"] = budget
    return computed


def rows(stored: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The budget rows of a stored budget (empty when it was never computed)."""
    result = (stored or {}).get("result") or {}
    return list(result.get("rows") or [])
