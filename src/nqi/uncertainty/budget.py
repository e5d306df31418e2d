"""Uncertainty budgets: one row per input quantity, for storage (JSON) and certificates.

Field names are stable (``SCHEMA``). All numbers are plain ``float``; an infinite number of
degrees of freedom is stored as ``None`` (JSON ``null``) because JSON has no infinity.

``share`` is the input's share of the output variance, ``c_i Σ_j c_j u_ij / u_c²`` (GUM eq. 16
split by input): it equals ``(c_i u_i)² / u_c²`` for uncorrelated inputs and the shares always
sum to 1 (a share may be negative when inputs are correlated).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from .errors import UncertaintyError

if TYPE_CHECKING:
    from .gum import GumResult

__all__ = ["SCHEMA", "Budget", "BudgetRow", "format_uncertainty"]

SCHEMA = "nqi.uncertainty.budget/1"

ROW_FIELDS = (
    "quantity",
    "unit",
    "estimate",
    "standard_uncertainty",
    "distribution",
    "dof",
    "sensitivity",
    "contribution",
    "share",
)


def _dof_out(v: float) -> float | None:
    return None if math.isinf(v) else float(v)


def _dof_in(v: Any) -> float:
    return math.inf if v is None else float(v)


@dataclass(frozen=True)
class BudgetRow:
    quantity: str
    unit: str | None
    estimate: float
    standard_uncertainty: float
    distribution: str
    dof: float
    sensitivity: float
    contribution: float  # |c_i| u(x_i), in the unit of the output
    share: float  # share of the output variance (0..1 when uncorrelated)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["dof"] = _dof_out(self.dof)
        return d


@dataclass(frozen=True)
class Budget:
    output: str
    unit: str | None
    value: float
    standard_uncertainty: float
    dof: float
    coverage_factor: float
    expanded_uncertainty: float
    coverage_probability: float
    rows: tuple[BudgetRow, ...]
    method: str = ""
    correlated: bool = False

    @classmethod
    def from_gum(cls, result: GumResult, output: str | None = None) -> Budget:
        model = result.model
        name = model.output_names[0] if output is None else output
        if name not in model.output_names:
            raise UncertaintyError(f"unknown output {name!r}")
        k = model.output_names.index(name)
        g = result.outputs[k]
        c = result.jacobian[k]
        ux = result.input_covariance
        var = g.uncertainty**2
        rows = []
        for i, inp in enumerate(model.inputs):
            cov_part = float(c[i] * (ux[i] @ c)) + 0.0
            rows.append(
                BudgetRow(
                    quantity=inp.name,
                    unit=inp.unit,
                    estimate=float(inp.estimate),
                    standard_uncertainty=float(inp.uncertainty),
                    distribution=inp.distribution.kind,
                    dof=float(inp.dof),
                    sensitivity=float(c[i]),
                    contribution=float(abs(c[i]) * inp.uncertainty),
                    share=cov_part / var if var > 0 else 0.0,
                )
            )
        return cls(
            output=name,
            unit=g.unit,
            value=g.value,
            standard_uncertainty=g.uncertainty,
            dof=g.dof,
            coverage_factor=g.coverage_factor,
            expanded_uncertainty=g.expanded_uncertainty,
            coverage_probability=g.coverage_probability,
            rows=tuple(rows),
            method=result.method,
            correlated=model.is_correlated,
        )

    # serialisation -----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "output": self.output,
            "unit": self.unit,
            "value": self.value,
            "standard_uncertainty": self.standard_uncertainty,
            "dof": _dof_out(self.dof),
            "coverage_factor": self.coverage_factor,
            "expanded_uncertainty": self.expanded_uncertainty,
            "coverage_probability": self.coverage_probability,
            "method": self.method,
            "correlated": self.correlated,
            "rows": [r.to_dict() for r in self.rows],
        }

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), allow_nan=False, **kwargs)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Budget:
        try:
            if data.get("schema", SCHEMA) != SCHEMA:
                raise UncertaintyError(f"unsupported budget schema {data.get('schema')!r}")
            rows = tuple(
                BudgetRow(
                    quantity=str(r["quantity"]),
                    unit=r.get("unit"),
                    estimate=float(r["estimate"]),
                    standard_uncertainty=float(r["standard_uncertainty"]),
                    distribution=str(r["distribution"]),
                    dof=_dof_in(r.get("dof")),
                    sensitivity=float(r["sensitivity"]),
                    contribution=float(r["contribution"]),
                    share=float(r["share"]),
                )
                for r in data["rows"]
            )
            return cls(
                output=str(data["output"]),
                unit=data.get("unit"),
                value=float(data["value"]),
                standard_uncertainty=float(data["standard_uncertainty"]),
                dof=_dof_in(data.get("dof")),
                coverage_factor=float(data["coverage_factor"]),
                expanded_uncertainty=float(data["expanded_uncertainty"]),
                coverage_probability=float(data["coverage_probability"]),
                rows=rows,
                method=str(data.get("method", "")),
                correlated=bool(data.get("correlated", False)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, UncertaintyError):
                raise
            raise UncertaintyError(f"malformed budget: {exc!r}") from None

    @classmethod
    def from_json(cls, text: str) -> Budget:
        return cls.from_dict(json.loads(text))

    def to_csv(self) -> str:
        """Rows as CSV (header = :data:`ROW_FIELDS`), then a blank line and the result lines."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(ROW_FIELDS)
        for r in self.rows:
            d = r.to_dict()
            w.writerow(["" if d[f] is None else d[f] for f in ROW_FIELDS])
        w.writerow([])
        w.writerow(["output", "unit", "value", "standard_uncertainty", "dof", "coverage_factor",
                    "expanded_uncertainty", "coverage_probability"])  # fmt: skip
        w.writerow(
            [
                self.output,
                self.unit or "",
                self.value,
                self.standard_uncertainty,
                "" if math.isinf(self.dof) else self.dof,
                self.coverage_factor,
                self.expanded_uncertainty,
                self.coverage_probability,
            ]
        )
        return buf.getvalue()

    def table(self, digits: int = 2) -> tuple[list[str], list[list[str]]]:
        """Header and formatted rows for a certificate (uncertainties to ``digits`` significant
        digits, GUM 7.2.6; estimates to the matching decimal place)."""
        header = ["Quantity", "Estimate", "Std. uncertainty", "Distribution", "ν", "Sensitivity",
                  "Contribution", "Share"]  # fmt: skip
        body = []
        for r in self.rows:
            unit = f" {r.unit}" if r.unit else ""
            body.append(
                [
                    r.quantity,
                    format_uncertainty(r.estimate, r.standard_uncertainty, digits)[0] + unit,
                    _sig(r.standard_uncertainty, digits) + unit,
                    r.distribution,
                    "∞" if math.isinf(r.dof) else f"{r.dof:.3g}",
                    f"{r.sensitivity:.4g}",
                    _sig(r.contribution, digits) + (f" {self.unit}" if self.unit else ""),
                    f"{100 * r.share:.1f} %",
                ]
            )
        return header, body


def _sig(x: float, digits: int) -> str:
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    return f"{x:.{digits}g}" if 1e-4 <= abs(x) < 1e6 else f"{x:.{digits - 1}e}"


def format_uncertainty(value: float, u: float, digits: int = 2) -> tuple[str, str]:
    """Value and uncertainty as strings, ``u`` to ``digits`` significant digits and the value
    rounded to the same decimal place (GUM 7.2.6)."""
    if not (u > 0 and math.isfinite(u)):
        return f"{value:.6g}", f"{u:g}"
    exp = math.floor(math.log10(u)) - digits + 1
    decimals = max(0, -exp)
    scale = 10.0**exp
    v = round(value / scale) * scale
    uu = round(u / scale) * scale
    return f"{v:.{decimals}f}", f"{uu:.{decimals}f}"
