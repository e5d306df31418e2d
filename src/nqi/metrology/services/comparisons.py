"""Comparisons: the pilot's set-up, the participants' blind submissions, analysis and publication.

Life cycle: ``planned`` → ``running`` (participants submit until ``results_due``) → ``analysis``
(submissions closed; the pilot runs :func:`nqi.interlab.analyse` and previews the report) →
``published`` (reference value, degrees of equivalence, scores and the chart become public and are
copied to each participant so that the mutual-recognition matrix is a query). A participant's
result stays hidden from the other participants and the public until publication.

``user=None`` means a trusted caller (the ``nqi`` command line run by the operator): no
permission check.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nqi.metrology import permissions
from nqi.metrology.models import Comparison, ComparisonKind, ComparisonStatus, Participant
from nqi.metrology.services.common import apply, prefix_errors, save
from nqi.metrology.validators import same_dimension
from nqi.organizations.permissions import scope_ids

# fmt: off
COMPARISON_FIELDS = frozenset((
    "identifier", "title", "kind", "service", "measurand", "quantity", "unit", "nominal", "pilot",
    "linked_to", "protocol", "protocol_url", "starts_on", "results_due", "ends_on", "method",
))
# fmt: on
# What the published report rests on cannot change afterwards.
FROZEN_WHEN_PUBLISHED = frozenset(
    {"identifier", "kind", "service", "measurand", "quantity", "unit", "nominal", "pilot", "method"}
)
RESULT_FIELDS = frozenset({"value", "uncertainty", "coverage_factor", "budget"})
# Stored with underscores (the model's default is ``weighted_mean``); nqi.interlab uses hyphens.
METHOD_CHOICES = [
    ("weighted_mean", gettext_lazy("Weighted mean with chi-square check (Cox 2002, procedure A)")),
    ("lcs", gettext_lazy("Largest consistent subset (Cox 2007)")),
    ("mean", gettext_lazy("Arithmetic mean")),
    ("median", gettext_lazy("Median (ISO 13528)")),
    ("dersimonian_laird", gettext_lazy("Random effects, DerSimonian–Laird")),
    ("mandel_paule", gettext_lazy("Random effects, Mandel–Paule")),
    ("algorithm_a", gettext_lazy("Robust mean, Algorithm A (ISO 13528)")),
    ("q_hampel", gettext_lazy("Robust mean, Q/Hampel (ISO 13528)")),
]
METHODS = frozenset(key for key, _label in METHOD_CHOICES)
# Status changes a pilot may make directly; analysis and publication have their own functions.
TRANSITIONS = {
    ComparisonStatus.PLANNED: {ComparisonStatus.RUNNING, ComparisonStatus.CANCELLED},
    ComparisonStatus.RUNNING: {ComparisonStatus.PLANNED, ComparisonStatus.CANCELLED},
    ComparisonStatus.ANALYSIS: {ComparisonStatus.RUNNING, ComparisonStatus.CANCELLED},
    ComparisonStatus.CANCELLED: {ComparisonStatus.PLANNED},
    ComparisonStatus.PUBLISHED: set(),
}
OPEN = (ComparisonStatus.PLANNED, ComparisonStatus.RUNNING)
IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-/_()]*$")
COVERAGE_K = 2.0  # coverage factor of the reported U(x_ref) and U(d_i)


def interlab_method(stored: str) -> str:
    return stored.replace("_", "-")


# Who sees and does what --------------------------------------------------------------------------


def can_manage(user, comparison: Comparison) -> bool:
    """The pilot laboratory's metrologists (and administrators) run the comparison."""
    return user is None or permissions.can_write(user, "change_comparison", comparison.pilot_id)


@dataclass
class Viewer:
    """What one user may see and do in one comparison; the scope is looked up once, not per row."""

    manages: bool
    published: bool
    may_write_results: bool
    scope: set[int] | None

    def may_submit(self, participant: Participant) -> bool:
        if not self.may_write_results:
            return False
        return self.scope is None or participant.laboratory_id in self.scope

    def sees_result(self, participant: Participant) -> bool:
        """Blind comparison: results are the pilot's and their own laboratory's until published."""
        return self.published or self.manages or self.may_submit(participant)

    @property
    def sees_analysis(self) -> bool:
        return self.published or self.manages


def viewer(user, comparison: Comparison) -> Viewer:
    writes = permissions.has(user, "change_participant") if user is not None else True
    return Viewer(
        manages=can_manage(user, comparison),
        published=comparison.status == ComparisonStatus.PUBLISHED,
        may_write_results=writes,
        scope=(scope_ids(user) if user is not None and writes else None),
    )


def _require_manager(user, comparison: Comparison) -> None:
    if not can_manage(user, comparison):
        raise PermissionDenied(_("Only the pilot laboratory may manage this comparison."))


# The comparison ----------------------------------------------------------------------------------


def _check(comparison: Comparison) -> None:
    errors: dict[str, str] = {}
    if comparison.identifier and not IDENTIFIER.match(comparison.identifier):
        errors["identifier"] = _("Use letters, digits and . - / _ ( ) only, e.g. APMP.M.M-K1 or NPT-2026-01.")
    if comparison.method not in METHODS:
        errors["method"] = _("Unknown method; choose one of: %(methods)s") % {
            "methods": ", ".join(sorted(METHODS))
        }
    if comparison.starts_on and comparison.results_due and comparison.results_due < comparison.starts_on:
        errors["results_due"] = _("The results are due before the measurements start.")
    if comparison.results_due and comparison.ends_on and comparison.ends_on < comparison.results_due:
        errors["ends_on"] = _("The report is due before the results.")
    if (
        comparison.service_id
        and comparison.unit
        and not same_dimension(comparison.unit, comparison.service.unit)
    ):
        errors["unit"] = _("The unit does not measure the service's quantity (%(unit)s).") % {
            "unit": comparison.service.unit
        }
    linked = comparison.linked_to
    if linked is not None:
        if comparison.pk and linked.pk == comparison.pk:
            errors["linked_to"] = _("A comparison cannot be linked to itself.")
        elif linked.kind != ComparisonKind.KEY:
            errors["linked_to"] = _("Link to a key comparison.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_comparison(user, comparison: Comparison | None, data: dict[str, Any]) -> Comparison:
    """Create or change a comparison. The pilot's staff (or an administrator) may do this."""
    pilot = data.get("pilot", comparison.pilot if comparison else None)
    if comparison is None:
        if user is not None and not permissions.can_write(
            user, "add_comparison", pilot.pk if pilot else None
        ):
            raise PermissionDenied(_("You may only create comparisons piloted by your laboratory."))
        comparison = Comparison()
    else:
        _require_manager(user, comparison)
        if pilot is not None and not can_manage(user, Comparison(pilot=pilot)):
            raise PermissionDenied(_("You may not hand the comparison to another pilot laboratory."))
        if comparison.status == ComparisonStatus.PUBLISHED:
            frozen = sorted(
                name for name in FROZEN_WHEN_PUBLISHED & set(data) if data[name] != getattr(comparison, name)
            )
            if frozen:
                raise ValidationError(
                    {name: _("The report is published; this cannot change.") for name in frozen}
                )
    apply(comparison, data, COMPARISON_FIELDS)
    if comparison.service_id and not comparison.quantity:
        comparison.quantity = comparison.service.quantity
    if comparison.service_id and not comparison.unit:
        comparison.unit = comparison.service.unit
    _check(comparison)
    save(comparison)
    return comparison


@transaction.atomic
def change_status(user, comparison: Comparison, status: str) -> Comparison:
    """Open, reopen, put back to planning or cancel (analysis and publication: see below)."""
    _require_manager(user, comparison)
    allowed = TRANSITIONS.get(comparison.status, set())
    if status not in allowed:
        raise ValidationError(
            {
                "status": _("A comparison that is %(current)s cannot become %(new)s.")
                % {"current": comparison.get_status_display(), "new": status}
            }
        )
    comparison.status = status
    save(comparison)
    return comparison


# Participants and their results ----------------------------------------------------------------


def _default_code(comparison: Comparison, laboratory) -> str:
    base = (laboratory.acronym or f"LAB{laboratory.pk}").replace(" ", "")[:36]
    taken = set(comparison.participants.values_list("code", flat=True))
    code, serial = base, 2
    while code in taken:
        code, serial = f"{base}-{serial}", serial + 1
    return code


@transaction.atomic
def add_participant(user, comparison: Comparison, laboratory, code: str = "") -> Participant:
    _require_manager(user, comparison)
    if comparison.status not in OPEN:
        raise ValidationError(_("Participants can be added only before the analysis."))
    if comparison.participants.filter(laboratory=laboratory).exists():
        raise ValidationError({"laboratory": _("%(lab)s already takes part.") % {"lab": laboratory}})
    code = (code or "").strip()
    if code and comparison.participants.filter(code=code).exists():
        raise ValidationError(
            {"code": _("Another participant already has the code %(code)s.") % {"code": code}}
        )
    participant = Participant(comparison=comparison, laboratory=laboratory)
    participant.code = code or _default_code(comparison, laboratory)
    save(participant)
    return participant


@transaction.atomic
def remove_participant(user, participant: Participant) -> None:
    comparison = participant.comparison
    _require_manager(user, comparison)
    if comparison.status not in OPEN:
        raise ValidationError(_("Participants can be removed only before the analysis."))
    participant.delete()


def compute_budget(spec: Any, coverage_factor: float) -> dict[str, Any]:
    """Evaluate a budget spec with :func:`nqi.metrology.budget.compute_budget` (the calibrations'
    evaluation with :mod:`nqi.uncertainty`); errors are named ``budget.<part>``.

    The spec is ``{"model": "y = …", "inputs": [{name, value, uncertainty, …}], …}``; without its
    own ``k`` the participant's coverage factor is used (EA-4/02: k = 2).
    """
    from nqi.metrology.budget import compute_budget as evaluate

    if not isinstance(spec, dict):
        raise ValidationError({"budget": _('Give the budget as {"model": "y = …", "inputs": […]}.')})
    try:
        return evaluate({"k": coverage_factor, **spec})
    except ValidationError as exc:
        raise prefix_errors(exc, "budget") from None


@transaction.atomic
def submit_result(
    user, participant: Participant, data: dict[str, Any], today: dt.date | None = None
) -> Participant:
    """A participant's result: value, expanded U and k, optionally an uncertainty budget.

    Only the participant laboratory's metrologists, only while the comparison is running and not
    after the due date (the pilot extends it by editing ``results_due``). With a budget and no
    value or U, the budget's value and expanded uncertainty are used.
    """
    comparison = participant.comparison
    if not viewer(user, comparison).may_submit(participant):
        raise PermissionDenied(
            _("Only the metrologists of %(lab)s may submit its result.") % {"lab": participant.laboratory}
        )
    if comparison.status != ComparisonStatus.RUNNING:
        raise ValidationError(
            _("Results are accepted only while the measurements are running; this comparison is %(status)s.")
            % {"status": comparison.get_status_display()}
        )
    today = today or timezone.localdate()
    if comparison.results_due and today > comparison.results_due:
        raise ValidationError(
            {"value": _("The results were due on %(date)s.") % {"date": comparison.results_due.isoformat()}}
        )
    data = dict(data)
    apply(participant, {k: v for k, v in data.items() if k != "budget"}, RESULT_FIELDS)
    if participant.coverage_factor is None:
        participant.coverage_factor = COVERAGE_K
    spec = data.get("budget")
    participant.budget = compute_budget(spec, participant.coverage_factor) if spec else {}
    if spec:
        result = participant.budget["result"]
        if participant.value is None:
            participant.value = result["value"]
        if participant.uncertainty is None:
            participant.uncertainty = result["expanded_uncertainty"]
            participant.coverage_factor = result["coverage_factor"]
    errors: dict[str, str] = {}
    if participant.value is None or not math.isfinite(participant.value):
        errors["value"] = _("Give the measured value.")
    if participant.uncertainty is None:
        if comparison.kind != ComparisonKind.PROFICIENCY:
            errors["uncertainty"] = _("Give the expanded uncertainty U.")
    elif not math.isfinite(participant.uncertainty) or participant.uncertainty <= 0:
        errors["uncertainty"] = _("The expanded uncertainty must be a positive number.")
    if errors:
        raise ValidationError(errors)
    participant.submitted_at = timezone.now()
    participant.submitted_by = user if getattr(user, "is_authenticated", False) else None
    save(participant)
    return participant


# Analysis and publication ----------------------------------------------------------------------


def _results(comparison: Comparison):
    from nqi.interlab import ParticipantResult

    participants = list(comparison.participants.select_related("laboratory").order_by("code", "pk"))
    submitted = [p for p in participants if p.value is not None]
    results = [
        ParticipantResult(p.code, p.value, u=(p.uncertainty / p.coverage_factor) if p.uncertainty else None)
        for p in submitted
    ]
    return participants, results


def analyse_results(comparison: Comparison, sigma_pt: float | None = None):
    """:func:`nqi.interlab.analyse` on the submitted results (read-only; no permission check)."""
    from nqi.interlab import MIN_PARTICIPANTS, InterlabError, analyse

    method = interlab_method(comparison.method)
    if method not in MIN_PARTICIPANTS:
        raise ValidationError({"method": _("Unknown method %(method)s.") % {"method": comparison.method}})
    _participants, results = _results(comparison)
    needed = MIN_PARTICIPANTS[method]
    if len(results) < needed:
        raise ValidationError(
            _("The method needs at least %(needed)d results; %(count)d have been submitted.")
            % {"needed": needed, "count": len(results)}
        )
    try:
        return analyse(results, method, k=COVERAGE_K, sigma_pt=sigma_pt)
    except InterlabError as exc:
        raise ValidationError(_("The analysis failed: %(error)s") % {"error": exc}) from None


def _link(comparison: Comparison, participants: list[Participant], results) -> dict[str, Any] | None:
    """Link to the published key comparison through the laboratories in both (nqi.interlab.linking)."""
    from nqi.interlab import InterlabError, link_to_key_comparison

    key = comparison.linked_to
    if key is None or key.status != ComparisonStatus.PUBLISHED:
        return None
    k_key = float((key.analysis.get("reference") or {}).get("k") or COVERAGE_K)
    theirs = {
        p.laboratory_id: p
        for p in key.participants.filter(degree_of_equivalence__isnull=False, doe_uncertainty__isnull=False)
    }
    cipm_doe = {
        p.code: (
            theirs[p.laboratory_id].degree_of_equivalence,
            theirs[p.laboratory_id].doe_uncertainty / k_key,
        )
        for p in participants
        if p.laboratory_id in theirs and p.value is not None
    }
    base = {"key_comparison": key.identifier, "key_comparison_id": key.pk}
    if not cipm_doe:
        return {**base, "error": _("No laboratory took part in both comparisons.")}
    try:
        link = link_to_key_comparison(results, cipm_doe, k=COVERAGE_K)
    except InterlabError as exc:
        return {**base, "error": str(exc)}
    degrees = [
        {"participant": d.participant, "d": d.d, "u": d.u, "expanded": d.expanded, "linking": d.linking}
        for d in link.degrees
    ]
    return {
        **base,
        "link_value": link.link_value,
        "u_link": link.u_link,
        "linking_laboratories": link.linking_laboratories,
        "degrees": degrees,
    }


def _chart(analysis, identifier: str) -> str:
    from nqi.interlab.plots import doe_chart

    svg = doe_chart(analysis, title=f"{identifier}: {_('degrees of equivalence')}")
    return svg[svg.find("<svg") :]  # inline in HTML: no XML declaration or DOCTYPE


def _store_analysis(comparison: Comparison, sigma_pt: float | None):
    analysis = analyse_results(comparison, sigma_pt)
    participants, results = _results(comparison)
    payload = analysis.to_dict()
    payload["sigma_pt_given"] = sigma_pt
    payload["link"] = _link(comparison, participants, results)
    comparison.analysis = payload
    comparison.chart_svg = _chart(analysis, comparison.identifier)
    return analysis, participants


@transaction.atomic
def run_analysis(user, comparison: Comparison, sigma_pt: float | None = None) -> dict[str, Any]:
    """Close submissions and compute the report for the pilot to preview (status ``analysis``)."""
    _require_manager(user, comparison)
    if comparison.status not in (ComparisonStatus.RUNNING, ComparisonStatus.ANALYSIS):
        raise ValidationError(_("Only a running comparison can be analysed."))
    if sigma_pt is not None and not (math.isfinite(sigma_pt) and sigma_pt > 0):
        raise ValidationError(
            {"sigma_pt": _("The standard deviation for proficiency assessment must be positive.")}
        )
    _store_analysis(comparison, sigma_pt)
    comparison.status = ComparisonStatus.ANALYSIS
    save(comparison)
    return comparison.analysis


def equivalence(score) -> tuple[float | None, bool | None]:
    """|En| and the verdict: |En| = |d|/U(d) ≤ 1 (the DoE is consistent with zero at k = 2); a
    participant without U (proficiency test) is judged by |z| ≤ 2 instead; otherwise unknown."""
    if score.en is not None:
        return abs(score.en), abs(score.en) <= 1.0
    if score.z is not None:
        return None, abs(score.z) <= 2.0
    return None, None


@transaction.atomic
def publish(user, comparison: Comparison, today: dt.date | None = None) -> Comparison:
    """Publish the report: recompute from the results, copy DoE, U, |En| and equivalence to each participant."""
    _require_manager(user, comparison)
    if comparison.status != ComparisonStatus.ANALYSIS or not comparison.analysis:
        raise ValidationError(_("Run the analysis before publishing."))
    analysis, participants = _store_analysis(comparison, comparison.analysis.get("sigma_pt_given"))
    degrees = {d.participant: d for d in analysis.degrees_of_equivalence}
    scores = {s.participant: s for s in analysis.scores}
    for participant in participants:
        doe, score = degrees.get(participant.code), scores.get(participant.code)
        participant.degree_of_equivalence = doe.d if doe else None
        participant.doe_uncertainty = doe.expanded if doe else None
        participant.score, participant.equivalent = equivalence(score) if score else (None, None)
        participant.save(update_fields=["degree_of_equivalence", "doe_uncertainty", "score", "equivalent"])
    comparison.status = ComparisonStatus.PUBLISHED
    comparison.published_on = today or timezone.localdate()
    save(comparison)
    return comparison
