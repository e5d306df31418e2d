"""Input quantities and measurement models."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import expression as ex
from .distributions import (
    Arcsine,
    Distribution,
    FloatArray,
    Normal,
    Rectangular,
    StudentT,
    Trapezoidal,
    Triangular,
    make_distribution,
)
from .errors import CorrelationError, EvaluationError, InputError, ModelError, UncertaintyError

__all__ = ["Input", "Model"]

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def _check_name(name: str, what: str) -> None:
    if not isinstance(name, str) or not _NAME.match(name):
        raise ModelError(f"invalid {what} name {name!r}: use letters, digits and '_', starting with a letter")
    if name in ex.FUNCTIONS or name in ex.CONSTANTS:
        raise ModelError(f"invalid {what} name {name!r}: reserved word")


@dataclass(frozen=True)
class Input:
    """An input quantity: a distribution (estimate + standard uncertainty), degrees of freedom, unit.

    ``dof`` is used by Welch–Satterthwaite only; ``math.inf`` (the default) means exactly known
    uncertainty. For a ``t`` distribution the default ``dof`` is the distribution's.
    """

    name: str
    distribution: Distribution
    dof: float = math.inf
    unit: str | None = None
    description: str = ""

    def __post_init__(self) -> None:
        _check_name(self.name, "input")
        if not isinstance(self.distribution, Distribution):
            raise InputError(f"input {self.name!r}: distribution must be a Distribution")
        self.distribution.validate(self.name)
        dof = float(self.dof)
        if isinstance(self.distribution, StudentT) and math.isinf(dof):
            dof = self.distribution.dof
        if math.isnan(dof) or dof <= 0:
            raise InputError(f"input {self.name!r}: degrees of freedom must be > 0, got {self.dof!r}")
        object.__setattr__(self, "dof", dof)

    # convenience constructors ---------------------------------------------------------------
    @classmethod
    def normal(
        cls, name: str, value: float, uncertainty: float, dof: float = math.inf, unit: str | None = None
    ) -> Input:
        return cls(name, _dist(name, Normal, value, uncertainty), dof, unit)

    @classmethod
    def t(cls, name: str, value: float, uncertainty: float, dof: float, unit: str | None = None) -> Input:
        return cls(name, StudentT(float(value), float(uncertainty), float(dof)), dof, unit)

    @classmethod
    def rectangular(
        cls, name: str, value: float, half_width: float, dof: float = math.inf, unit: str | None = None
    ) -> Input:
        _nonneg(name, half_width, "half-width")
        return cls(name, Rectangular(value - half_width, value + half_width), dof, unit)

    @classmethod
    def triangular(
        cls, name: str, value: float, half_width: float, dof: float = math.inf, unit: str | None = None
    ) -> Input:
        _nonneg(name, half_width, "half-width")
        return cls(name, Triangular(value - half_width, value + half_width), dof, unit)

    @classmethod
    def trapezoidal(
        cls,
        name: str,
        value: float,
        half_width: float,
        beta: float,
        dof: float = math.inf,
        unit: str | None = None,
    ) -> Input:
        _nonneg(name, half_width, "half-width")
        return cls(name, Trapezoidal(value - half_width, value + half_width, beta), dof, unit)

    @classmethod
    def arcsine(
        cls, name: str, value: float, half_width: float, dof: float = math.inf, unit: str | None = None
    ) -> Input:
        _nonneg(name, half_width, "half-width")
        return cls(name, Arcsine(value - half_width, value + half_width), dof, unit)

    @classmethod
    def type_a(cls, name: str, observations: Sequence[float], unit: str | None = None) -> Input:
        """Type A input from repeated observations: t distribution (JCGM 101 §6.4.9)."""
        from .typea import mean, std_of_mean

        obs = list(observations)
        if len(obs) < 2:
            raise InputError(f"input {name!r}: a type A evaluation needs at least two observations")
        return cls.t(name, mean(obs), std_of_mean(obs), len(obs) - 1, unit)

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any]) -> Input:
        if not isinstance(spec, Mapping):
            raise InputError(f"an input must be a table/mapping, got {spec!r}")
        name = spec.get("name")
        if not isinstance(name, str):
            raise InputError(f"an input needs a 'name', got {dict(spec)!r}")
        _check_name(name, "input")
        known = {
            "name",
            "distribution",
            "value",
            "uncertainty",
            "expanded_uncertainty",
            "coverage_factor",
            "dof",
            "low",
            "high",
            "half_width",
            "beta",
            "d",
            "shape",
            "scale",
            "unit",
            "description",
        }
        extra = sorted(set(spec) - known)
        if extra:
            raise InputError(f"input {name!r}: unknown field(s) {', '.join(extra)}")
        dist = make_distribution(name, spec)
        dof_raw = spec.get("dof", math.inf)
        try:
            dof = math.inf if dof_raw is None else float(dof_raw)
        except (TypeError, ValueError):
            raise InputError(f"input {name!r}: dof must be a number, got {dof_raw!r}") from None
        unit = spec.get("unit")
        return cls(name, dist, dof, None if unit is None else str(unit), str(spec.get("description", "")))

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, **self.distribution.to_dict()}
        d["dof"] = None if math.isinf(self.dof) else self.dof
        if self.unit is not None:
            d["unit"] = self.unit
        if self.description:
            d["description"] = self.description
        return d

    @property
    def estimate(self) -> float:
        return self.distribution.mean

    @property
    def uncertainty(self) -> float:
        return self.distribution.standard_uncertainty


def _nonneg(name: str, value: float, what: str) -> None:
    if value < 0:
        raise InputError(f"input {name!r}: negative {what} {value!r}")


def _dist(name: str, cls: type[Normal], value: float, u: float) -> Normal:
    if u < 0:
        raise InputError(f"input {name!r}: negative standard uncertainty {u!r}")
    return cls(float(value), float(u))


ModelFunction = Callable[..., Any]


@dataclass
class _Compiled:
    trees: list[ex.Node]  # outputs, intermediates and constants substituted
    raw: dict[str, ex.Node]  # every defined quantity, intermediates substituted, constants kept
    evaluators: list[ex.Evaluator]
    scalars: list[ex.ScalarEvaluator]
    grads: list[list[ex.Node]] = field(default_factory=list)
    grad_evals: list[list[ex.ScalarEvaluator]] = field(default_factory=list)


class Model:
    """A measurement model ``Y = f(X)`` with one or several outputs.

    Parameters
    ----------
    equations:
        ``"y = expr"`` text (several separated by newlines or ``;``), a list of such strings, a
        mapping ``{name: expr}``, or a bare expression (output named ``y``). Quantities defined
        by an equation may be used in later equations; those not listed in ``outputs`` are
        intermediate quantities.
    inputs:
        :class:`Input` objects (or mappings accepted by :meth:`Input.from_dict`).
    function:
        Instead of equations, a vectorised Python callable taking the inputs as keyword
        arguments and returning one value or a tuple with one value per output. Sensitivity
        coefficients are then obtained by central differences with Richardson extrapolation.
    correlations:
        ``{(a, b): r}``, a list of ``(a, b, r)`` or a list of ``{"between": [a, b], "r": r}``.
    constants:
        ``{name: value}`` or ``{name: {"value": v, "unit": "..."}}``.
    """

    def __init__(
        self,
        equations: str | Sequence[str] | Mapping[str, str] | None = None,
        inputs: Sequence[Input | Mapping[str, Any]] = (),
        *,
        function: ModelFunction | None = None,
        outputs: Sequence[str] | None = None,
        correlations: Any = None,
        constants: Mapping[str, Any] | None = None,
        output_units: Mapping[str, str] | None = None,
        coverage_probability: float = 0.95,
        title: str = "",
        check_units: bool = True,
    ) -> None:
        self.title = title
        self.inputs: list[Input] = [i if isinstance(i, Input) else Input.from_dict(i) for i in inputs]
        if not self.inputs:
            raise ModelError("a model needs at least one input")
        self.input_names = [i.name for i in self.inputs]
        dupes = sorted({n for n in self.input_names if self.input_names.count(n) > 1})
        if dupes:
            raise ModelError(f"input {dupes[0]!r} is defined more than once")
        if not 0.0 < coverage_probability < 1.0:
            raise ModelError(f"coverage probability must lie in (0, 1), got {coverage_probability!r}")
        self.coverage_probability = float(coverage_probability)
        self.constants: dict[str, float] = {}
        self.constant_units: dict[str, str] = {}
        for cname, cval in (constants or {}).items():
            _check_name(cname, "constant")
            if cname in self.input_names:
                raise ModelError(f"constant {cname!r} has the same name as an input")
            if isinstance(cval, Mapping):
                if "unit" in cval:
                    self.constant_units[cname] = str(cval["unit"])
                cval = cval.get("value")
            try:
                self.constants[cname] = float(cval)
            except (TypeError, ValueError):
                raise ModelError(f"constant {cname!r} must be a number, got {cval!r}") from None
        self.output_units: dict[str, str] = dict(output_units or {})
        self.function = function
        self.equations: list[tuple[str, str]] = []
        self._compiled: _Compiled | None = None
        if function is not None:
            if equations is not None:
                raise ModelError("give either equations or a function, not both")
            if not callable(function):
                raise ModelError("the model function is not callable")
            self.output_names = list(outputs) if outputs else ["y"]
        else:
            if equations is None:
                raise ModelError("a model needs equations or a function")
            self._compile(equations, outputs)
        for oname in self.output_names:
            _check_name(oname, "output")
        for uname in self.output_units:
            if uname not in self.output_names:
                raise ModelError(f"unit given for unknown output {uname!r}")
        self.correlation = self._correlation_matrix(correlations)
        if check_units and self._compiled is not None:
            from .units import check_model_units

            check_model_units(self)

    # ---------------------------------------------------------------------------------------
    # construction helpers
    # ---------------------------------------------------------------------------------------
    def _compile(
        self, equations: str | Sequence[str] | Mapping[str, str], outputs: Sequence[str] | None
    ) -> None:
        pairs: list[tuple[str, str]] = []
        if isinstance(equations, str):
            parts = [p.strip() for p in re.split(r"[;\n]", equations) if p.strip()]
            if len(parts) == 1 and "=" not in parts[0]:
                pairs.append(("y", parts[0]))
            else:
                for p in parts:
                    name, _ = ex.parse_equation(p)
                    pairs.append((name, p.split("=", 1)[1].strip()))
        elif isinstance(equations, Mapping):
            for k, v in equations.items():
                if not isinstance(v, str):
                    raise ModelError(f"the expression of {k!r} must be a string, got {v!r}")
                pairs.append((str(k), v))
        else:
            for p in equations:
                if not isinstance(p, str):
                    raise ModelError(f"an equation must be a string, got {p!r}")
                name, _ = ex.parse_equation(p)
                pairs.append((name, p.split("=", 1)[1].strip()))
        if not pairs:
            raise ModelError("the model has no equation")
        defined: dict[str, ex.Node] = {}
        known = set(self.input_names) | set(self.constants)
        for name, text in pairs:
            _check_name(name, "output")
            if name in self.input_names or name in self.constants:
                raise ModelError(f"equation for {name!r} redefines an input or constant")
            if name in defined:
                raise ModelError(f"quantity {name!r} is defined more than once")
            tree = ex.parse_expression(text)
            ex.check_symbols(tree, known | set(defined), f"equation for {name!r}")
            defined[name] = ex.substitute(tree, defined)
        self.equations = pairs
        self.output_names = list(outputs) if outputs else [n for n, _ in pairs]
        for o in self.output_names:
            if o not in defined:
                raise ModelError(f"output {o!r} has no equation")
        consts = {k: ex.Const(v) for k, v in self.constants.items()}
        trees = [ex.substitute(defined[o], consts) for o in self.output_names]
        self._compiled = _Compiled(
            trees, defined, [ex.compile_node(t) for t in trees], [ex.compile_scalar(t) for t in trees]
        )

    def _correlation_matrix(self, spec: Any) -> FloatArray:
        n = len(self.inputs)
        r = np.eye(n)
        if spec is None:
            return r
        items: list[tuple[Any, Any, Any]] = []
        if isinstance(spec, Mapping):
            for key, val in spec.items():
                if not (isinstance(key, tuple) and len(key) == 2):
                    raise CorrelationError(f"correlation keys must be pairs of input names, got {key!r}")
                items.append((key[0], key[1], val))
        else:
            for item in spec:
                if isinstance(item, Mapping):
                    between = item.get("between")
                    if not (isinstance(between, Sequence) and len(between) == 2):
                        raise CorrelationError(f"a correlation needs 'between' = [a, b], got {dict(item)!r}")
                    items.append((between[0], between[1], item.get("r")))
                else:
                    try:
                        a, b, val = item
                    except (TypeError, ValueError):
                        raise CorrelationError(f"a correlation must be (a, b, r), got {item!r}") from None
                    items.append((a, b, val))
        index = {name: i for i, name in enumerate(self.input_names)}
        for a, b, val in items:
            for nm in (a, b):
                if nm not in index:
                    raise CorrelationError(f"correlation refers to unknown input {nm!r}")
            if a == b:
                raise CorrelationError(f"correlation of input {a!r} with itself")
            try:
                rv = float(val)
            except (TypeError, ValueError):
                raise CorrelationError(f"correlation between {a!r} and {b!r} must be a number") from None
            if not -1.0 <= rv <= 1.0:
                raise CorrelationError(f"correlation between {a!r} and {b!r} is {rv!r}, outside [-1, 1]")
            r[index[a], index[b]] = r[index[b], index[a]] = rv
        if n > 1:
            w, v = np.linalg.eigh(r)
            if w[0] < -1e-10:
                involved = [self.input_names[i] for i in np.nonzero(np.abs(v[:, 0]) > 1e-6)[0]]
                raise CorrelationError(
                    "correlation matrix is not positive semi-definite (smallest eigenvalue "
                    f"{w[0]:.3g}); inputs involved: {', '.join(involved)}"
                )
        return r

    # ---------------------------------------------------------------------------------------
    # properties
    # ---------------------------------------------------------------------------------------
    @property
    def is_symbolic(self) -> bool:
        return self._compiled is not None

    @property
    def differentiation_method(self) -> str:
        if self._compiled is not None:
            return "symbolic"
        return "central differences with Richardson extrapolation"

    @property
    def is_correlated(self) -> bool:
        return bool(np.any(self.correlation != np.eye(len(self.inputs))))

    def estimates(self) -> FloatArray:
        return np.array([i.estimate for i in self.inputs], dtype=np.float64)

    def uncertainties(self) -> FloatArray:
        return np.array([i.uncertainty for i in self.inputs], dtype=np.float64)

    def dofs(self) -> FloatArray:
        return np.array([i.dof for i in self.inputs], dtype=np.float64)

    def covariance(self) -> FloatArray:
        u = self.uncertainties()
        cov: FloatArray = self.correlation * np.outer(u, u)
        return cov

    def input(self, name: str) -> Input:
        for i in self.inputs:
            if i.name == name:
                return i
        raise ModelError(f"unknown input {name!r}")

    def expression_of(self, output: str) -> str:
        if self._compiled is None:
            return "<python function>"
        return ex.to_text(self._compiled.raw[output])

    # ---------------------------------------------------------------------------------------
    # evaluation
    # ---------------------------------------------------------------------------------------
    def evaluate(self, values: Mapping[str, Any]) -> list[Any]:
        """Evaluate every output; ``values`` maps input names to floats or equal-length arrays."""
        if self._compiled is not None:
            env = dict(values)
            with np.errstate(all="ignore"):
                return [f(env) for f in self._compiled.evaluators]
        assert self.function is not None
        try:
            with np.errstate(all="ignore"):
                result = self.function(**{k: values[k] for k in self.input_names})
        except UncertaintyError:
            raise
        except Exception as exc:
            raise EvaluationError(f"the model function failed: {exc}") from exc
        if len(self.output_names) == 1 and not isinstance(result, tuple | list):
            return [result]
        out = list(result)
        if len(out) != len(self.output_names):
            raise EvaluationError(
                f"the model function returned {len(out)} values for {len(self.output_names)} outputs"
            )
        return out

    def _scalar(self, fn: ex.ScalarEvaluator, env: Mapping[str, float], what: str) -> float:
        try:
            return float(fn(env))
        except (ValueError, ZeroDivisionError, OverflowError) as exc:
            raise EvaluationError(f"{what} cannot be evaluated at the input estimates: {exc}") from None

    def value_at(self, x: FloatArray | None = None) -> FloatArray:
        """Output values at the input vector ``x`` (default: the estimates)."""
        x = self.estimates() if x is None else x
        env = dict(zip(self.input_names, (float(v) for v in x), strict=True))
        if self._compiled is not None:
            y = np.array(
                [
                    self._scalar(f, env, f"output {n!r}")
                    for f, n in zip(self._compiled.scalars, self.output_names, strict=True)
                ],
                dtype=np.float64,
            )
        else:
            vals = self.evaluate(env)
            y = np.array([float(np.asarray(v, dtype=np.float64)) for v in vals], dtype=np.float64)
        for name, yv in zip(self.output_names, y, strict=True):
            if not math.isfinite(yv):
                raise EvaluationError(f"output {name!r} is not finite at the input estimates")
        return y

    def _gradient_trees(self) -> _Compiled:
        comp = self._compiled
        assert comp is not None
        if not comp.grads:
            comp.grads = [[ex.diff(t, n) for n in self.input_names] for t in comp.trees]
            comp.grad_evals = [[ex.compile_scalar(g) for g in row] for row in comp.grads]
        return comp

    def jacobian(self, x: FloatArray | None = None) -> FloatArray:
        """Sensitivity coefficients ``J[k, i] = d y_k / d x_i`` at ``x`` (default: estimates)."""
        x = self.estimates() if x is None else x
        if self._compiled is not None:
            comp = self._gradient_trees()
            env = dict(zip(self.input_names, (float(v) for v in x), strict=True))
            jac = np.array(
                [
                    [
                        self._scalar(g, env, f"sensitivity of output {o!r} to input {i!r}")
                        for g, i in zip(row, self.input_names, strict=True)
                    ]
                    for row, o in zip(comp.grad_evals, self.output_names, strict=True)
                ],
                dtype=np.float64,
            )
        else:
            jac = self._numeric_jacobian(x)
        jac = jac + 0.0  # no negative zeros in budgets
        bad = np.argwhere(~np.isfinite(jac))
        if bad.size:
            k, i = bad[0]
            raise EvaluationError(
                f"sensitivity of output {self.output_names[k]!r} to input {self.input_names[i]!r} "
                "is not finite at the estimates"
            )
        return jac

    def _numeric_jacobian(self, x: FloatArray) -> FloatArray:
        u = self.uncertainties()
        n = len(x)
        jac = np.zeros((len(self.output_names), n))
        for i in range(n):
            h = 1e-3 * u[i] if u[i] > 0 else 1e-6 * max(abs(x[i]), 1.0)
            steps = np.array([h, -h, h / 2, -h / 2])
            env: dict[str, Any] = {}
            for j, name in enumerate(self.input_names):
                env[name] = np.full(4, x[j]) + (steps if j == i else 0.0)
            vals = self.evaluate(env)
            for k, v in enumerate(vals):
                f = np.broadcast_to(np.asarray(v, dtype=np.float64), (4,))
                d1 = (f[0] - f[1]) / (2 * h)
                d2 = (f[2] - f[3]) / h
                jac[k, i] = (4.0 * d2 - d1) / 3.0
        return jac

    def second_order_variance(self, x: FloatArray | None = None) -> FloatArray:
        """GUM 5.1.2 Note higher-order terms for each output (uncorrelated inputs only).

        ``sum_i sum_j [1/2 (d2f/dxi dxj)^2 + df/dxi d3f/(dxi dxj^2)] u^2(xi) u^2(xj)``,
        derived exactly by symbolic differentiation.
        """
        if self._compiled is None:
            raise ModelError("second-order terms need a model given by expressions")
        if self.is_correlated:
            raise ModelError("second-order terms (GUM 5.1.2) are defined for uncorrelated inputs only")
        comp = self._gradient_trees()
        x = self.estimates() if x is None else x
        u2 = self.uncertainties() ** 2
        env = dict(zip(self.input_names, (float(v) for v in x), strict=True))
        names = self.input_names
        out = np.zeros(len(self.output_names))
        what = "a second-order term"
        for k, row in enumerate(comp.grads):
            total = 0.0
            for i, gi in enumerate(row):
                if isinstance(gi, ex.Const) and gi.value == 0.0:
                    continue
                fi = self._scalar(comp.grad_evals[k][i], env, what)
                for j in range(len(names)):
                    gij = ex.diff(gi, names[j])
                    if isinstance(gij, ex.Const) and gij.value == 0.0:
                        continue
                    fij = self._scalar(ex.compile_scalar(gij), env, what)
                    fijj = self._scalar(ex.compile_scalar(ex.diff(gij, names[j])), env, what)
                    total += (0.5 * fij**2 + fi * fijj) * u2[i] * u2[j]
            out[k] = total
        return out

    # ---------------------------------------------------------------------------------------
    # serialisation
    # ---------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain mapping (JSON/TOML-friendly); expression models only."""
        if self._compiled is None:
            raise ModelError("a model given by a Python function cannot be serialised")
        corr = []
        n = len(self.inputs)
        for i in range(n):
            for j in range(i + 1, n):
                if self.correlation[i, j] != 0.0:
                    corr.append(
                        {
                            "between": [self.input_names[i], self.input_names[j]],
                            "r": float(self.correlation[i, j]),
                        }
                    )
        consts: dict[str, Any] = {}
        for k, v in self.constants.items():
            consts[k] = {"value": v, "unit": self.constant_units[k]} if k in self.constant_units else v
        d: dict[str, Any] = {
            "title": self.title,
            "equations": [f"{n} = {t}" for n, t in self.equations],
            "outputs": list(self.output_names),
            "coverage_probability": self.coverage_probability,
            "inputs": [i.to_dict() for i in self.inputs],
            "correlations": corr,
            "constants": consts,
            "output_units": dict(self.output_units),
        }
        return d

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Model:
        """Inverse of :meth:`to_dict` (also accepts the ``[model]`` table of a TOML file merged in)."""
        if not isinstance(data, Mapping):
            raise ModelError("a model must be a mapping")
        known = {
            "title",
            "equations",
            "outputs",
            "coverage_probability",
            "inputs",
            "correlations",
            "constants",
            "output_units",
            "description",
            "reference",
        }
        extra = sorted(set(data) - known)
        if extra:
            raise ModelError(f"unknown model field(s): {', '.join(extra)}")
        if "equations" not in data:
            raise ModelError("the model has no 'equations'")
        inputs = data.get("inputs", [])
        if not isinstance(inputs, list):
            raise ModelError("'inputs' must be a list")
        return cls(
            data["equations"],
            inputs,
            outputs=data.get("outputs") or None,
            correlations=data.get("correlations") or None,
            constants=data.get("constants") or None,
            output_units=data.get("output_units") or None,
            coverage_probability=float(data.get("coverage_probability", 0.95)),
            title=str(data.get("title", "")),
        )
