"""Models of the metrology network, one module per area (see each module's docstring)."""

from nqi.metrology.models.calibrations import (
    CalibrationPoint,
    CalibrationRecord,
    DecisionRule,
    RecordStatus,
    StandardUse,
    Verdict,
)
from nqi.metrology.models.capabilities import (
    Accreditation,
    Cmc,
    CmcStatus,
    MetrologyArea,
    Service,
    UncertaintyKind,
)
from nqi.metrology.models.comparisons import Comparison, ComparisonKind, ComparisonStatus, Participant
from nqi.metrology.models.equipment import (
    Instrument,
    InstrumentLevel,
    InstrumentQuantity,
    InstrumentStatus,
    IntervalMethod,
)
from nqi.metrology.models.procedures import Procedure, ProcedureVersion

__all__ = [
    "Accreditation",
    "CalibrationPoint",
    "CalibrationRecord",
    "Cmc",
    "CmcStatus",
    "Comparison",
    "ComparisonKind",
    "ComparisonStatus",
    "DecisionRule",
    "Instrument",
    "InstrumentLevel",
    "InstrumentQuantity",
    "InstrumentStatus",
    "IntervalMethod",
    "MetrologyArea",
    "Participant",
    "Procedure",
    "ProcedureVersion",
    "RecordStatus",
    "Service",
    "StandardUse",
    "UncertaintyKind",
    "Verdict",
]
