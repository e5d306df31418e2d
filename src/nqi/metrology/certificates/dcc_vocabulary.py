"""Fixed vocabulary of the DCCs NQI writes: languages, refTypes, labels and number conversion.

Shared by :mod:`~nqi.metrology.certificates.dcc` (writing) and
:mod:`~nqi.metrology.certificates.dcc_reading` (reading NQI's own DCCs back). Labels are marked
with ``gettext_noop`` and translated into every used language when a DCC is built.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from nqi.dcc import Text, dec
from nqi.metrology.models import Verdict

#: UI languages NQI speaks besides English, by the country whose language they are.
LANGUAGE_OF_COUNTRY = {"VN": "vi", "UZ": "uz", "KZ": "kk", "RU": "ru"}
#: Coverage probability stated with every expanded uncertainty (GUM, k = 2 ≈ 95 %).
COVERAGE_PROBABILITY = Decimal("0.95")
CONFORMITY = {Verdict.PASS: "pass", Verdict.PASS_GUARD_BAND: "pass", Verdict.FAIL: "fail"}
#: refType of each point quantity written in a result; read back by the importer.
POINT_REF_TYPES = {
    "nominal": "nqi_nominalValue",
    "reference": "nqi_referenceValue",
    "as_found": "nqi_indicationAsFound",
    "as_left": "nqi_indicationAsLeft",
    "error_found": "nqi_errorAsFound",
    "error_left": "nqi_errorAsLeft",
    "mpe": "nqi_maximumPermissibleError",
}
RESULT_REF_TYPE = "nqi_calibrationPoints"
CONDITION_REF_TYPES = {
    "temperature": "nqi_ambientTemperature",
    "humidity": "nqi_relativeHumidity",
    "pressure": "nqi_airPressure",
}
CONDITION_UNITS = {"temperature": r"\degreecelsius", "humidity": r"\percent", "pressure": r"\hecto\pascal"}

# Labels written into the DCC, translated into every used language at build time.
LABELS = {
    "nominal": gettext_noop("Nominal value"),
    "reference": gettext_noop("Reference value"),
    "as_found": gettext_noop("Indication as found"),
    "as_left": gettext_noop("Indication as left"),
    "error_found": gettext_noop("Error of indication as found"),
    "error_left": gettext_noop("Error of indication as left"),
    "mpe": gettext_noop("Maximum permissible error"),
    "temperature": gettext_noop("Ambient temperature"),
    "humidity": gettext_noop("Relative humidity"),
    "pressure": gettext_noop("Air pressure"),
    "serial": gettext_noop("Serial number"),
    "asset": gettext_noop("Asset number"),
    "results": gettext_noop("Calibration results"),
    "as_found_statement": gettext_noop("Conformity as found"),
    "as_left_statement": gettext_noop("Conformity as left"),
    "decision_rule": gettext_noop("Decision rule"),
    "traceability": gettext_noop("Traceability"),
    "uncertainty": gettext_noop("Measurement uncertainty"),
}
VERDICT_TEXT = {
    Verdict.PASS: gettext_noop("Pass"),
    Verdict.PASS_GUARD_BAND: gettext_noop("Pass with guard band"),
    Verdict.INDETERMINATE: gettext_noop("Indeterminate"),
    Verdict.FAIL: gettext_noop("Fail"),
}
# Points whose value is the expanded uncertainty U of the calibration (not of the reference).
WITH_UNCERTAINTY = ("as_found", "as_left", "error_found", "error_left")


def dcc_languages(laboratory) -> tuple[str, ...]:
    """English plus the language of the laboratory's country when it is a UI language of NQI."""
    country = laboratory.country.code if laboratory.country_id else ""
    local = LANGUAGE_OF_COUNTRY.get(country)
    return ("en", local) if local else ("en",)


def label(message: str, languages: Iterable[str], **values: object) -> Text:
    contents = []
    for language in languages:
        with translation.override(language):
            text = _(message)
        contents.append((language, text % values if values else text))
    return Text(tuple(contents))


def to_decimal(value: float | int) -> Decimal:
    """A stored float as the Decimal of its shortest repr; whole numbers without ".0" (20, not 20.0)."""
    number = dec(value)
    return Decimal(int(number)) if number == number.to_integral_value() else number


def plain(text: str) -> Text:
    """Language-neutral text (names, serial numbers): allowed without mandatory-language copies."""
    return Text.of(text.strip() or "-")
