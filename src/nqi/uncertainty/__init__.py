"""Measurement uncertainty: GUM (JCGM 100), Monte Carlo (JCGM 101), several outputs (JCGM 102).

Pure library (numpy + scipy; matplotlib only in :mod:`nqi.uncertainty.plots`). Typical use::

    from nqi.uncertainty import Input, Model, gum, monte_carlo, validate

    model = Model("P = V**2 / R", [Input.normal("V", 10.0, 0.01, unit="V"),
                                   Input.rectangular("R", 100.0, 0.05, unit="ohm")],
                  output_units={"P": "W"})
    g = gum(model)
    mc = monte_carlo(model, 10**6, seed=1)
    print(g["P"].value, g["P"].uncertainty, validate(g, mc).passed)
    budget = g.budget("P").to_dict()

See ``docs/uncertainty.md``.
"""

from __future__ import annotations

from .budget import Budget, BudgetRow, format_uncertainty
from .calibration import Line, fit_line
from .distributions import (
    Arcsine,
    CurvilinearTrapezoidal,
    Distribution,
    Exponential,
    Gamma,
    Normal,
    Rectangular,
    StudentT,
    Trapezoidal,
    Triangular,
    make_distribution,
)
from .errors import (
    CorrelationError,
    EvaluationError,
    InputError,
    ModelError,
    UncertaintyError,
    UnitError,
    UnknownSymbolError,
)
from .gum import GumOutput, GumResult, coverage_factor, gum, welch_satterthwaite
from .io import ModelFile, load_model, loads_model
from .model import Input, Model
from .montecarlo import (
    McOutput,
    MonteCarloResult,
    Validation,
    ValidationOutput,
    coverage_interval,
    monte_carlo,
    numerical_tolerance,
    shortest_interval,
    validate,
)
from .units import Unit, parse_unit

__all__ = [
    "Arcsine",
    "Budget",
    "BudgetRow",
    "CorrelationError",
    "CurvilinearTrapezoidal",
    "Distribution",
    "EvaluationError",
    "Exponential",
    "Gamma",
    "GumOutput",
    "GumResult",
    "Input",
    "InputError",
    "Line",
    "McOutput",
    "Model",
    "ModelError",
    "ModelFile",
    "MonteCarloResult",
    "Normal",
    "Rectangular",
    "StudentT",
    "Trapezoidal",
    "Triangular",
    "UncertaintyError",
    "Unit",
    "UnitError",
    "UnknownSymbolError",
    "Validation",
    "ValidationOutput",
    "coverage_factor",
    "coverage_interval",
    "fit_line",
    "format_uncertainty",
    "gum",
    "load_model",
    "loads_model",
    "make_distribution",
    "monte_carlo",
    "numerical_tolerance",
    "parse_unit",
    "shortest_interval",
    "validate",
    "welch_satterthwaite",
]
