"""The statements of a DCC: conformity as found / as left, decision rule, traceability, uncertainty.

Conformity (ILAC-G8:09/2019 → DCC ``dcc:conformity``): pass and pass with guard band → ``pass``,
fail → ``fail``; *indeterminate* (the result lies in the guard band around a limit) →
``conditionalPass`` when every indeterminate error is still within ±MPE, else ``conditionalFail``
(the ILAC-G8:2009 wording the DCC enumeration comes from). No statement → no conformity element.
A revision says in ``dcc:comment`` which certificate it replaces and why.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from nqi.dcc import Statement, Text
from nqi.metrology.certificates.dcc_vocabulary import CONFORMITY, LABELS, VERDICT_TEXT, label, to_decimal
from nqi.metrology.models import CalibrationRecord, DecisionRule, InstrumentLevel, Verdict

__all__ = ["comment", "statements"]


def _conformity(record: CalibrationRecord, which: str) -> str | None:
    overall = record.as_found_verdict if which == "found" else record.as_left_verdict
    if overall != Verdict.INDETERMINATE:
        return CONFORMITY.get(overall)
    for point in record.points.all():
        verdict = point.found_verdict if which == "found" else point.left_verdict
        error = point.error_found if which == "found" else point.error_left
        if (
            verdict == Verdict.INDETERMINATE
            and error is not None
            and point.mpe is not None
            and abs(error) > point.mpe
        ):
            return "conditionalFail"
    return "conditionalPass"


def statements(record: CalibrationRecord, languages, uses: list) -> tuple[Statement, ...]:
    statements = []
    for which, verdict in (("found", record.as_found_verdict), ("left", record.as_left_verdict)):
        if verdict:
            statements.append(
                Statement(
                    name=label(LABELS[f"as_{which}_statement"], languages),
                    declaration=label(VERDICT_TEXT[verdict], languages),
                    norms=("ILAC-G8:09/2019",),
                    conformity=_conformity(record, which),  # type: ignore[arg-type]
                    ref_type=f"nqi_conformityAs{which.title()}",
                )
            )
    if statements:
        if record.decision_rule == DecisionRule.GUARD_BAND:
            rule = label(
                gettext_noop(
                    "Guard-banded acceptance: a result conforms when |error| ≤ MPE − w, with guard band "
                    "w = r·U and r = %(r)s; between the limits ± w no statement can be made (indeterminate)."
                ),
                languages,
                r=format(to_decimal(record.guard_band_factor)),
            )
        else:
            rule = label(
                gettext_noop(
                    "Simple acceptance (w = 0): a result conforms when |error| ≤ MPE; the measurement "
                    "uncertainty is not taken into account."
                ),
                languages,
            )
        statements.append(
            Statement(
                label(LABELS["decision_rule"], languages),
                rule,
                ("ILAC-G8:09/2019",),
                ref_type="nqi_decisionRule",
            )
        )
    if uses:
        # A national standard ends the chain; every other standard needs its certificate in force.
        traceable = all(
            use.standard_calibration_id or use.standard.level == InstrumentLevel.NATIONAL for use in uses
        )
        statements.append(
            Statement(
                label(LABELS["traceability"], languages),
                label(
                    gettext_noop(
                        "The results are traceable to the SI through the reference standards listed, "
                        "each calibrated with a certificate valid on the date of calibration."
                    )
                    if traceable
                    else gettext_noop("Not every reference standard had a valid calibration on this date."),
                    languages,
                ),
                traceable=traceable,
                ref_type="nqi_traceability",
            )
        )
    statements.append(
        Statement(
            label(LABELS["uncertainty"], languages),
            label(
                gettext_noop(
                    "The expanded uncertainty U is the standard uncertainty multiplied by the coverage "
                    "factor k stated, evaluated according to the GUM (JCGM 100:2008); for a normal "
                    "distribution it corresponds to a coverage probability of approximately 95 %."
                ),
                languages,
            ),
            ("JCGM 100:2008",),
            ref_type="nqi_uncertainty",
        )
    )
    return tuple(statements)


def comment(record: CalibrationRecord, languages) -> Text | None:
    if not record.supersedes_id:
        return None
    return label(
        gettext_noop(
            "This certificate replaces certificate %(number)s (revision %(revision)s). Reason: %(reason)s"
        ),
        languages,
        number=record.supersedes.certificate_number,
        revision=record.revision,
        reason=record.revision_reason or "-",
    )
