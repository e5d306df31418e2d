"""Digital calibration certificates (DCC) in the PTB DCC 3.3.0 XML structure with D-SI 2.x.

Pure library (no Django)::

    from nqi.dcc import build, parse, validate

    xml = build(certificate)            # bytes, UTF-8 with XML declaration
    assert parse(xml) == certificate    # the inverse of build
    problems = validate(xml)            # built-in checks; validate(xml, schema=dir) adds the XSD

See ``docs/dcc.md``.
"""

from __future__ import annotations

from nqi.dcc.build import build
from nqi.dcc.errors import DccError, Problem
from nqi.dcc.model import (
    CERTIFICATE_REF_TYPE,
    SCHEMA_VERSION,
    CalibrationLaboratory,
    Certificate,
    Contact,
    CoreData,
    ExpandedUncertainty,
    ExpandedUncertaintyList,
    Identification,
    InfluenceCondition,
    Item,
    Location,
    MeasurementResult,
    MeasuringEquipment,
    Quantity,
    Real,
    RealList,
    RespPerson,
    Result,
    Software,
    Statement,
    Text,
    UsedMethod,
)
from nqi.dcc.numbers import dec, format_decimal
from nqi.dcc.parse import parse
from nqi.dcc.units import check_unit, is_valid_unit
from nqi.dcc.validate import validate

__all__ = [
    "CERTIFICATE_REF_TYPE",
    "SCHEMA_VERSION",
    "CalibrationLaboratory",
    "Certificate",
    "Contact",
    "CoreData",
    "DccError",
    "ExpandedUncertainty",
    "ExpandedUncertaintyList",
    "Identification",
    "InfluenceCondition",
    "Item",
    "Location",
    "MeasurementResult",
    "MeasuringEquipment",
    "Problem",
    "Quantity",
    "Real",
    "RealList",
    "RespPerson",
    "Result",
    "Software",
    "Statement",
    "Text",
    "UsedMethod",
    "build",
    "check_unit",
    "dec",
    "format_decimal",
    "is_valid_unit",
    "parse",
    "validate",
]
