"""CMCs and accreditations: the review workflow, validation, and the uncertainty a CMC claims at x.

Workflow of a CMC (``status``)::

    draft → internal_review → regional_review → published → withdrawn
      ↑_________↓ ↑______________________↓        (any status before publication → withdrawn)

A metrologist of the CMC's laboratory (or of an organization above it) moves a CMC through the
reviews and may send it back to draft or withdraw it. Publishing (which sets the approval and
publication dates) needs an administrator: it stands for the RMO/JCRB approval. A published CMC
cannot be edited, only withdrawn; a withdrawn one is final. Editing a CMC under review sends it
back to draft, because the review was of other content.

``user=None`` means a trusted system caller (the CLI, data loads): no permission checks.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nqi.metrology import permissions
from nqi.metrology.models import Accreditation, Cmc, CmcStatus, UncertaintyKind
from nqi.metrology.services.common import apply, save
from nqi.metrology.validators import same_dimension, si_factor
from nqi.organizations.permissions import is_administrator
from nqi.uncertainty import parse_unit
from nqi.uncertainty.errors import ModelError, UncertaintyError
from nqi.uncertainty.expression import compile_scalar, parse_expression, symbols

CMC_FIELDS = frozenset(
    {
        "laboratory",
        "service",
        "kcdb_code",
        "rmo",
        "quantity",
        "instrument",
        "instrument_type",
        "method",
        "range_low",
        "range_high",
        "unit",
        "parameters",
        "uncertainty_kind",
        "uncertainty_low",
        "uncertainty_high",
        "uncertainty_unit",
        "uncertainty_equation",
        "uncertainty_table",
        "coverage_factor",
        "confidence_level",
        "traceability",
        "traceability_source",
        "procedure",
    }
)
ACCREDITATION_FIELDS = frozenset(
    {"laboratory", "body", "standard", "number", "scope", "scope_url", "valid_from", "valid_until", "status"}
)
# Organizations that may hold CMCs and accreditations.
LAB_KINDS = ("nmi", "metrology_centre", "laboratory", "international_org")
EDITABLE = (CmcStatus.DRAFT, CmcStatus.INTERNAL_REVIEW, CmcStatus.REGIONAL_REVIEW)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    CmcStatus.DRAFT: (CmcStatus.INTERNAL_REVIEW, CmcStatus.WITHDRAWN),
    CmcStatus.INTERNAL_REVIEW: (CmcStatus.REGIONAL_REVIEW, CmcStatus.DRAFT, CmcStatus.WITHDRAWN),
    CmcStatus.REGIONAL_REVIEW: (CmcStatus.PUBLISHED, CmcStatus.DRAFT, CmcStatus.WITHDRAWN),
    CmcStatus.PUBLISHED: (CmcStatus.WITHDRAWN,),
    CmcStatus.WITHDRAWN: (),
}
# Measured values beyond this are typing errors, and they would overflow unit conversions.
MAX_MAGNITUDE = 1e30

# --------------------------------------------------------------------------------------------
# Units: values of a quantity (with the offset of Celsius temperatures) and differences
# --------------------------------------------------------------------------------------------

_OFFSETS = {"°C": 273.15, "degC": 273.15, "℃": 273.15}


def has_offset(unit: str) -> bool:
    """Whether the unit's zero is not the quantity's zero (°C), so that ratios mean nothing."""
    return (unit or "").strip() in _OFFSETS


def to_si(value: float, unit: str) -> float:
    """A value in coherent SI units; ``°C`` values get the 273.15 K offset (a 1 °C step is 1 K)."""
    return value * si_factor(unit) + _OFFSETS.get((unit or "").strip(), 0.0)


def from_si(value: float, unit: str) -> float:
    return (value - _OFFSETS.get((unit or "").strip(), 0.0)) / si_factor(unit)


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """A measured value from one unit into another of the same dimension (20 °C → 293.15 K)."""
    if (from_unit or "") == (to_unit or ""):
        return value
    return from_si(to_si(value, from_unit), to_unit)


def is_relative_unit(uncertainty_unit: str, measurand_unit: str) -> bool:
    """A dimensionless uncertainty unit (%, µV/V) of a dimensioned quantity is a relative one."""
    try:
        return (
            parse_unit(uncertainty_unit or "1").dimensionless and not parse_unit(measurand_unit).dimensionless
        )
    except Exception:
        return False


# --------------------------------------------------------------------------------------------
# The expanded uncertainty a CMC claims at a value x
# --------------------------------------------------------------------------------------------

_Q = re.compile(r"Q\[([^\[\]]*)\]")
_PREFIX = re.compile(r"^\s*U\s*(\(\s*x\s*\))?\s*=")


def _split_top_level(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    return [*parts, text[start:]]


def normalise_equation(text: str) -> str:
    """KCDB notation to the expression language: ``Q[a, b]`` (root sum of squares), ``^``, ``U =``."""
    text = _PREFIX.sub("", text).replace("^", "**").replace("·", "*").replace("×", "*")
    for _round in range(20):  # nested Q[…], innermost first
        replaced = _Q.sub(
            lambda m: "sqrt(" + " + ".join(f"({p.strip()})**2" for p in _split_top_level(m.group(1))) + ")",
            text,
        )
        if replaced == text:
            break
        text = replaced
    return text


@lru_cache(maxsize=512)
def _compiled(equation: str):
    tree = parse_expression(normalise_equation(equation))
    unknown = sorted(symbols(tree) - {"x"})
    if unknown:
        raise ModelError(
            _("Unknown symbol “%(name)s”: write the measured value as x.") % {"name": unknown[0]}
        )
    return compile_scalar(tree)


def evaluate_equation(equation: str, x: float) -> float:
    """U(x) from the equation, safely (parsed and whitelisted by :mod:`nqi.uncertainty.expression`)."""
    return float(_compiled(equation)({"x": x}))


def interpolate_table(table: list, x: float) -> float:
    """Linear interpolation in ``[[x, U], …]`` rows; outside the table, the nearest end value."""
    rows = sorted((float(row[0]), float(row[1])) for row in table)
    if x <= rows[0][0]:
        return rows[0][1]
    for (x0, u0), (x1, u1) in itertools.pairwise(rows):
        if x <= x1:
            return u0 + (u1 - u0) * (x - x0) / (x1 - x0)
    return rows[-1][1]


def _across_range(cmc: Cmc, x: float) -> float:
    """The KCDB gives only the smallest and largest U: read them as a straight line over the range."""
    low, high = cmc.uncertainty_low or 0.0, cmc.uncertainty_high
    if high is None or cmc.range_high == cmc.range_low:
        return low
    fraction = min(max((x - cmc.range_low) / (cmc.range_high - cmc.range_low), 0.0), 1.0)
    return low + (high - low) * fraction


def cmc_uncertainty_at(cmc: Cmc, x: float) -> float | None:
    """The expanded uncertainty (absolute, in ``cmc.unit``) the CMC claims at the value ``x`` (in
    ``cmc.unit``), or None when it cannot be evaluated there."""
    unit = cmc.uncertainty_unit or cmc.unit
    try:
        if cmc.uncertainty_kind == UncertaintyKind.RELATIVE:
            return abs(x) * _across_range(cmc, x) * si_factor(unit)
        if cmc.uncertainty_kind == UncertaintyKind.EQUATION:
            value = evaluate_equation(cmc.uncertainty_equation, x)
        elif cmc.uncertainty_kind == UncertaintyKind.TABLE:
            value = interpolate_table(cmc.uncertainty_table, x)
        else:
            value = _across_range(cmc, x)
        if is_relative_unit(unit, cmc.unit):
            result = abs(x) * value * si_factor(unit)
        else:
            result = value * si_factor(unit) / si_factor(cmc.unit)
    except (ArithmeticError, ValueError, TypeError, IndexError, UncertaintyError):
        return None
    return result if math.isfinite(result) else None


def covers(cmc: Cmc, value: float, unit: str | None = None) -> bool:
    """Whether ``value`` (in ``unit``, default the CMC's) lies in the CMC's range, units converted."""
    unit = unit or cmc.unit
    if not same_dimension(unit, cmc.unit):
        return False
    converted = convert(value, unit, cmc.unit)
    tolerance = 1e-9 * max(abs(cmc.range_low), abs(cmc.range_high))
    return cmc.range_low - tolerance <= converted <= cmc.range_high + tolerance


def sample_points(cmc: Cmc, count: int = 5) -> list[float]:
    """Values across the range to show the claimed uncertainty at (log-spaced over decades)."""
    low, high = cmc.range_low, cmc.range_high
    if high == low:
        return [low]
    if low > 0 and high / low >= 100:
        return [low * (high / low) ** (i / (count - 1)) for i in range(count)]
    return [low + (high - low) * i / (count - 1) for i in range(count)]


# --------------------------------------------------------------------------------------------
# Validation beyond the model's clean()
# --------------------------------------------------------------------------------------------


def _finite(errors: dict[str, str], cmc: Cmc, names: Iterable[str]) -> None:
    for name in names:
        value = getattr(cmc, name)
        if value is not None and not (math.isfinite(value) and abs(value) <= MAX_MAGNITUDE):
            errors[name] = _("Give a finite number of magnitude at most 1e30.")


def _check_table(table: Any) -> str | None:
    if not isinstance(table, list) or not table or len(table) > 1000:
        return _("Give between 1 and 1000 rows of [x, U].")
    previous = None
    for row in table:
        if not (isinstance(row, list | tuple) and len(row) == 2):
            return _("Each row is a pair [x, U].")
        if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in row):
            return _("Each row is a pair of finite numbers [x, U].")
        if row[1] < 0:
            return _("Uncertainties cannot be negative.")
        if previous is not None and row[0] <= previous:
            return _("The x values must increase from row to row.")
        previous = row[0]
    return None


def _check_parameters(parameters: Any) -> str | None:
    if not isinstance(parameters, list) or len(parameters) > 50:
        return _("Give a list of at most 50 {name, value} pairs.")
    for item in parameters:
        if not (
            isinstance(item, dict) and set(item) <= {"name", "value"} and isinstance(item.get("name"), str)
        ):
            return _("Each parameter is a {name, value} pair of texts.")
        if not item["name"].strip() or not isinstance(item.get("value", ""), str):
            return _("Each parameter is a {name, value} pair of texts.")
    return None


def _check_uncertainty(cmc: Cmc, errors: dict[str, str], range_ok: bool) -> None:
    kind, unit = cmc.uncertainty_kind, cmc.uncertainty_unit
    if unit and cmc.unit and "uncertainty_unit" not in errors:
        relative = is_relative_unit(unit, cmc.unit)
        if kind == UncertaintyKind.RELATIVE and not parse_unit(unit).dimensionless:
            errors["uncertainty_unit"] = _("A relative uncertainty needs a ratio unit such as %, µV/V or 1.")
        elif kind == UncertaintyKind.ABSOLUTE and not same_dimension(unit, cmc.unit):
            errors["uncertainty_unit"] = _(
                "An absolute uncertainty needs a unit of the quantity (%(unit)s)."
            ) % {"unit": cmc.unit}
        elif kind in (UncertaintyKind.EQUATION, UncertaintyKind.TABLE) and not (
            relative or same_dimension(unit, cmc.unit)
        ):
            errors["uncertainty_unit"] = _("Use a unit of the quantity (%(unit)s) or a ratio such as %%.") % {
                "unit": cmc.unit
            }
    for name in ("uncertainty_low", "uncertainty_high"):
        value = getattr(cmc, name)
        if value is not None and value < 0 and name not in errors:
            errors[name] = _("Uncertainties cannot be negative.")
    if kind == UncertaintyKind.EQUATION and cmc.uncertainty_equation and range_ok:
        try:
            ends = [evaluate_equation(cmc.uncertainty_equation, x) for x in (cmc.range_low, cmc.range_high)]
        except UncertaintyError as exc:
            errors["uncertainty_equation"] = _("The equation is not valid: %(problem)s") % {"problem": exc}
        except (ArithmeticError, ValueError):
            errors["uncertainty_equation"] = _("The equation cannot be evaluated over the whole range.")
        else:
            if not all(math.isfinite(u) and u >= 0 for u in ends):
                errors["uncertainty_equation"] = _(
                    "The equation gives no positive finite value at the range ends."
                )
    if kind == UncertaintyKind.TABLE and cmc.uncertainty_table:
        problem = _check_table(cmc.uncertainty_table)
        if problem:
            errors["uncertainty_table"] = problem


def validate_cmc(cmc: Cmc) -> None:
    """``full_clean`` plus the checks the model cannot do alone; every problem named by field."""
    errors: dict[str, Any] = {}
    try:
        cmc.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    _finite(errors, cmc, ("range_low", "range_high", "uncertainty_low", "uncertainty_high"))
    _finite(errors, cmc, ("coverage_factor", "confidence_level"))
    if cmc.laboratory_id and cmc.laboratory.kind not in LAB_KINDS:
        errors["laboratory"] = _("%(org)s is not a laboratory.") % {"org": cmc.laboratory}
    problem = _check_parameters(cmc.parameters)
    if problem:
        errors["parameters"] = problem
    if not set(errors) & {"unit", "uncertainty_unit"}:
        _check_uncertainty(cmc, errors, range_ok=not set(errors) & {"range_low", "range_high"})
    if errors:
        raise ValidationError(errors)


# --------------------------------------------------------------------------------------------
# Writes
# --------------------------------------------------------------------------------------------


def may(user, codename: str, *organization_ids: int | None) -> bool:
    return user is None or permissions.can_write(user, codename, *organization_ids)


def may_publish(user) -> bool:
    return user is None or is_administrator(user)


_FOREIGN = {"laboratory", "service", "traceability_source", "procedure"}


def _content(cmc: Cmc) -> dict[str, Any]:
    return {name: getattr(cmc, f"{name}_id" if name in _FOREIGN else name) for name in CMC_FIELDS}


@transaction.atomic
def save_cmc(user, cmc: Cmc | None, data: dict[str, Any]) -> Cmc:
    """Create a draft CMC or change one that is not published (a change under review → draft)."""
    if cmc is not None:
        if not may(user, "change_cmc", cmc.laboratory_id):
            raise PermissionDenied(_("You may not change this CMC."))
        if cmc.status not in EDITABLE:
            raise ValidationError(
                _("A %(status)s CMC cannot be changed; withdraw it and submit a new one.")
                % {"status": cmc.get_status_display().lower()}
            )
    laboratory = data.get("laboratory", cmc.laboratory if cmc else None)
    codename = "add_cmc" if cmc is None else "change_cmc"
    if not may(user, codename, laboratory.pk if laboratory else None):
        raise PermissionDenied(_("You may not record CMCs for this laboratory."))
    before = _content(cmc) if cmc is not None else None
    cmc = cmc or Cmc(status=CmcStatus.DRAFT)
    apply(cmc, data, CMC_FIELDS)
    if cmc.service_id and not cmc.quantity:
        cmc.quantity = cmc.service.quantity
    if cmc.service_id and not cmc.unit:
        cmc.unit = cmc.service.unit
    if before is not None and before != _content(cmc) and cmc.status != CmcStatus.DRAFT:
        cmc.status = CmcStatus.DRAFT
    validate_cmc(cmc)
    cmc.save()
    return cmc


@transaction.atomic
def set_cmc_status(user, cmc: Cmc, status: str, approved_on=None, published_on=None) -> Cmc:
    """Move a CMC along the workflow (see the module docstring); publishing sets its dates."""
    if not may(user, "change_cmc", cmc.laboratory_id):
        raise PermissionDenied(_("You may not change this CMC."))
    cmc = Cmc.objects.select_for_update().get(pk=cmc.pk)
    if status not in TRANSITIONS.get(cmc.status, ()):
        raise ValidationError(
            {
                "status": _("A CMC cannot go from %(old)s to %(new)s.")
                % {
                    "old": cmc.get_status_display(),
                    "new": CmcStatus(status).label if status in CmcStatus.values else status,
                }
            }
        )
    if status == CmcStatus.PUBLISHED:
        if not may_publish(user):
            raise PermissionDenied(_("Only an administrator may publish a CMC."))
        today = timezone.localdate()
        cmc.approved_on = approved_on or cmc.approved_on or today
        cmc.published_on = published_on or today
        if cmc.published_on < cmc.approved_on:
            raise ValidationError({"published_on": _("A CMC cannot be published before it is approved.")})
    elif approved_on or published_on:
        raise ValidationError({"approved_on": _("Dates are set when the CMC is published.")})
    cmc.status = status
    save(cmc)
    return cmc


def allowed_transitions(user, cmc: Cmc) -> list[str]:
    """The statuses this user may move the CMC to (for the buttons)."""
    if user is not None and not permissions.can_write(user, "change_cmc", cmc.laboratory_id):
        return []
    return [s for s in TRANSITIONS.get(cmc.status, ()) if s != CmcStatus.PUBLISHED or may_publish(user)]


@transaction.atomic
def save_accreditation(user, accreditation: Accreditation | None, data: dict[str, Any]) -> Accreditation:
    """Record or change an accreditation, for a laboratory or an accreditation body in the user's scope."""
    codename = "add_accreditation" if accreditation is None else "change_accreditation"
    if accreditation is not None and not may(
        user, codename, accreditation.laboratory_id, accreditation.body_id
    ):
        raise PermissionDenied(_("You may not change this accreditation."))
    laboratory = data.get("laboratory", accreditation.laboratory if accreditation else None)
    body = data.get("body", accreditation.body if accreditation else None)
    if not may(user, codename, laboratory.pk if laboratory else None, body.pk if body else None):
        raise PermissionDenied(_("You may not record accreditations of this laboratory."))
    accreditation = accreditation or Accreditation()
    apply(accreditation, data, ACCREDITATION_FIELDS)
    errors: dict[str, Any] = {}
    try:
        accreditation.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if laboratory is not None and laboratory.kind not in LAB_KINDS:
        errors["laboratory"] = _("%(org)s is not a laboratory.") % {"org": laboratory}
    if errors:
        raise ValidationError(errors)
    accreditation.save()
    return accreditation
