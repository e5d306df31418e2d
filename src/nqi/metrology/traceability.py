"""Traceability of calibrations to the SI: chains, broken chains and reverse traceability.

A calibration record R (date d) is traceable when every standard it used links to a certificate of
that standard valid on d — issued (a superseded link is replaced by its current revision), not
failed as left, ``calibrated_on ≤ d ≤ valid_until`` — that is traceable in turn. A chain ends well
at a national measurement standard (level ``national``; its own link to the SI is by key
comparisons) or at an accepted external source: a record performed abroad (``external`` or a
laboratory of another country) by the BIPM, or under a published CMC of its laboratory covering
the points (the record's own published CMC, or one matching the quantity and range). Everything
else is a problem with a code, a translated message and the node it occurs at.

:class:`Tracer` fetches a whole level of the graph per query and memoizes what it resolved, so one
check costs a handful of indexed queries per level, and many checks (the broken-chains list) share
the certificates of their standards. The lists over a laboratory (broken chains, standards at
risk) and reverse traceability (what a standard found out of tolerance supported) follow.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from nqi.metrology.models import (
    CalibrationRecord,
    Cmc,
    CmcStatus,
    Instrument,
    InstrumentLevel,
    Participant,
    RecordStatus,
    StandardUse,
    Verdict,
)
from nqi.metrology.validators import same_dimension, si_factor

MAX_DEPTH = 12
ACCEPTED_ORGANIZATIONS = ("int-bipm",)  # seed keys of sources accepted without a CMC
NATIONAL_COMPARISONS = 5  # comparisons shown per national standard
RECORD_RELATED = ("item", "item__owner", "laboratory", "cmc")
# The standards' certificates need their item and laboratory (to draw and to tell if performed
# abroad); the item's owner and the CMC are loaded only when a check needs them.
USE_RELATED = (
    "standard",
    "standard__owner",
    "standard_calibration__item",
    "standard_calibration__laboratory",
)
_OFFSETS = {"°C": 273.15, "degC": 273.15}  # CMC ranges in K and points in °C must compare as kelvins
SI = "si"
_ROOT = object()  # reference country of a record checked for itself


def _valid_certificates(standard_id: int, day: dt.date) -> QuerySet[CalibrationRecord]:
    return (
        CalibrationRecord.objects.filter(
            item_id=standard_id, status=RecordStatus.ISSUED, calibrated_on__lte=day, valid_until__gte=day
        )
        .exclude(as_left_verdict=Verdict.FAIL)
        .order_by("-calibrated_on", "-revision", "-pk")
    )


def valid_calibration(standard: Instrument | int, day: dt.date) -> CalibrationRecord | None:
    """The certificate of ``standard`` in force on ``day`` (the latest one), or None."""
    standard_id = standard if isinstance(standard, int) else standard.pk
    return _valid_certificates(standard_id, day).first()


def record_node_id(pk: int) -> str:
    return f"r{pk}"


@dataclass
class Problem:
    code: str
    message: str
    node: str


@dataclass
class Node:
    """A record, or a terminal: ``national`` standard, accepted ``external`` record, ``missing``
    certificate of a standard, the ``si``."""

    id: str
    kind: str
    record: CalibrationRecord | None = None
    instrument: Instrument | None = None
    ok: bool = True
    comparisons: list[Participant] = field(default_factory=list)

    @property
    def label(self) -> str:
        if self.record is not None:
            return f"{self.record.certificate_number} — {self.record.item}"
        return str(self.instrument) if self.instrument is not None else "SI"


@dataclass
class Edge:
    source: str  # the record that used a standard …
    target: str  # … and the standard's certificate (or terminal)
    cycle: bool = False


@dataclass
class TraceResult:
    root: str
    nodes: dict[str, Node]
    edges: list[Edge]
    problems: list[Problem]
    notes: list[Problem]
    layers: dict[str, int]  # 0 is the record checked; the SI is on the highest layer

    @property
    def ok(self) -> bool:
        return self.nodes[self.root].ok

    @property
    def record(self) -> CalibrationRecord:
        return self.nodes[self.root].record

    def targets(self, node_id: str) -> list[Edge]:
        return [edge for edge in self.edges if edge.source == node_id]


class Tracer:
    """Builds the traceability graph of one or many records, sharing what it resolved."""

    def __init__(self, max_depth: int = MAX_DEPTH):
        self.max_depth = max_depth
        self.nodes: dict[str, Node] = {}
        self.out: dict[str, list[str]] = defaultdict(list)
        self.cycles: set[tuple[str, str]] = set()
        self.problems: dict[str, list[Problem]] = defaultdict(list)
        self.notes: dict[str, list[Problem]] = defaultdict(list)
        self._reference: dict[int, object] = {}  # record pk → country of the laboratory relying on it
        self._valid: dict[tuple[int, dt.date], CalibrationRecord | None] = {}
        self._cmcs: dict[int, list[Cmc]] = {}

    # -- building ------------------------------------------------------------------------------
    def add(self, records: Iterable[CalibrationRecord]) -> None:
        frontier = []
        for record in records:
            if record_node_id(record.pk) not in self.nodes:
                self._reference[record.pk] = _ROOT
                self.nodes[record_node_id(record.pk)] = Node(record_node_id(record.pk), "record", record)
                frontier.append(record)
        depth = 0
        while frontier:
            frontier = self._expand(frontier, at_limit=depth >= self.max_depth)
            depth += 1
        self._national_comparisons()
        self._evaluate()

    def _problem(self, node: str, code: str, message: str, notes: bool = False) -> None:
        (self.notes if notes else self.problems)[node].append(Problem(code, message, node))

    def _link(self, source: str, target: str) -> None:
        if target not in self.out[source]:
            self.out[source].append(target)

    def _terminal(self, node_id: str, kind: str, instrument: Instrument | None = None) -> str:
        if node_id not in self.nodes:
            self.nodes[node_id] = Node(node_id, kind, instrument=instrument, ok=kind != "missing")
            if kind in ("national", "external"):
                self._link(node_id, self._terminal(SI, "si"))
        return node_id

    def _expand(self, records: list[CalibrationRecord], at_limit: bool) -> list[CalibrationRecord]:
        internal = []
        for record in records:
            if self._is_external(record):
                self._external(record)
            else:
                internal.append(record)
        uses: dict[int, list[StandardUse]] = defaultdict(list)
        query = StandardUse.objects.filter(record_id__in=[r.pk for r in internal]).select_related(
            *USE_RELATED
        )
        for use in sorted(query, key=lambda u: (u.standard.asset_number, u.pk)):  # sorting here is cheaper
            uses[use.record_id].append(use)
        following = []
        for record in internal:
            node = record_node_id(record.pk)
            if not uses[record.pk]:
                if record.item.level == InstrumentLevel.NATIONAL:
                    self._link(node, self._terminal(SI, "si"))
                else:
                    self._problem(node, "no_standards", _("No reference standards are recorded."))
                continue
            if at_limit:
                self._problem(
                    node, "depth_limit", _("The chain is longer than %(n)d links.") % {"n": self.max_depth}
                )
                continue
            for use in uses[record.pk]:
                if use.standard.level == InstrumentLevel.NATIONAL:
                    self._link(node, self._terminal(f"n{use.standard_id}", "national", use.standard))
                    continue
                certificate = self._resolve(use, record)
                if certificate is None:
                    self._link(node, self._terminal(f"s{use.standard_id}", "missing", use.standard))
                    continue
                target = record_node_id(certificate.pk)
                self._link(node, target)
                if target not in self.nodes:
                    self.nodes[target] = Node(target, "record", certificate)
                    self._reference[certificate.pk] = record.laboratory.country_id
                    following.append(certificate)
        return following

    # -- links ---------------------------------------------------------------------------------
    def _resolve(self, use: StandardUse, record: CalibrationRecord) -> CalibrationRecord | None:
        """The certificate of the standard that supports ``record``, or None (with the problem)."""
        node, day, standard = record_node_id(record.pk), record.calibrated_on, use.standard
        certificate = use.standard_calibration
        if certificate is None:
            key = (use.standard_id, day)
            if key not in self._valid:
                self._valid[key] = (
                    _valid_certificates(use.standard_id, day).select_related(*RECORD_RELATED).first()
                )
            certificate = self._valid[key]
            if certificate is None:
                self._problem(node, *self._diagnose(standard, day))
            elif record.status != RecordStatus.DRAFT:
                message = _(
                    "No certificate of %(standard)s was stored; %(number)s, valid on that date, is used."
                )
                self._problem(
                    node, "link_resolved", message % {"standard": standard, "number": certificate}, True
                )
            return certificate
        for _hop in range(self.max_depth):
            if certificate.status != RecordStatus.SUPERSEDED:
                break
            revision = (
                CalibrationRecord.objects.filter(supersedes_id=certificate.pk)
                .select_related(*RECORD_RELATED)
                .first()
            )
            if revision is None:
                break
            message = _(
                "Certificate %(old)s of %(standard)s was superseded; its revision %(new)s is checked."
            )
            self._problem(
                node,
                "link_superseded",
                message % {"old": certificate, "standard": standard, "new": revision},
                True,
            )
            certificate = revision
        names = {"number": certificate, "standard": standard, "date": day.isoformat()}
        if certificate.status == RecordStatus.WITHDRAWN:
            message = _("Certificate %(number)s of %(standard)s has been withdrawn.")
            self._problem(node, "link_withdrawn", message % names)
        elif certificate.status != RecordStatus.ISSUED:
            self._problem(
                node, "not_issued", _("Certificate %(number)s of %(standard)s is not issued.") % names
            )
        elif certificate.as_left_verdict == Verdict.FAIL:
            message = _("Certificate %(number)s found %(standard)s out of tolerance as left.")
            self._problem(node, "failed_as_left", message % names)
        elif not (certificate.calibrated_on <= day <= (certificate.valid_until or dt.date.min)):
            message = _("Certificate %(number)s of %(standard)s was not valid on %(date)s.")
            self._problem(node, "expired", message % names)
        else:
            return certificate
        return None

    @staticmethod
    def _diagnose(standard: Instrument, day: dt.date) -> tuple[str, str]:
        """Why ``standard`` had no valid certificate on ``day``: the latest one before tells."""
        latest = (
            CalibrationRecord.objects.filter(item_id=standard.pk, calibrated_on__lte=day)
            .exclude(status=RecordStatus.DRAFT)
            .order_by("-calibrated_on", "-revision", "-pk")
            .first()
        )
        names = {"standard": standard, "date": day.isoformat(), "number": latest}
        if latest is None:
            return "never_calibrated", _("%(standard)s had never been calibrated by %(date)s.") % names
        if latest.status == RecordStatus.WITHDRAWN:
            return "calibration_withdrawn", _(
                "The calibration of %(standard)s in force on %(date)s (%(number)s) was withdrawn."
            ) % names
        if latest.as_left_verdict == Verdict.FAIL:
            return "failed_as_left", _("%(standard)s failed its calibration %(number)s as left.") % names
        names["until"] = latest.valid_until.isoformat() if latest.valid_until else "—"
        return "expired", _("The calibration of %(standard)s (%(number)s) expired on %(until)s.") % names

    # -- external sources ----------------------------------------------------------------------
    def _is_external(self, record: CalibrationRecord) -> bool:
        """Performed abroad: flagged external, or by a laboratory of another country than the one
        relying on it (for a record checked for itself: a standard calibrated abroad)."""
        if record.external:
            return True
        reference = self._reference.get(record.pk, _ROOT)
        if reference is _ROOT:
            return record.item.is_standard and record.laboratory.country_id != record.item.owner.country_id
        return record.laboratory.country_id != reference

    def _external(self, record: CalibrationRecord) -> None:
        node = self.nodes[record_node_id(record.pk)]
        if self._accepted(record):
            node.kind = "external"
            self._link(node.id, self._terminal(SI, "si"))
            return
        message = _("%(lab)s is not an accepted source: no published CMC covers this calibration.")
        self._problem(node.id, "external_not_accepted", message % {"lab": record.laboratory})

    def _accepted(self, record: CalibrationRecord) -> bool:
        laboratory = record.laboratory
        if laboratory.seed_key in ACCEPTED_ORGANIZATIONS:
            return True
        if (
            record.cmc_id
            and record.cmc.status == CmcStatus.PUBLISHED
            and record.cmc.laboratory_id == laboratory.pk
        ):
            return True
        if laboratory.pk not in self._cmcs:
            published = Cmc.objects.filter(laboratory=laboratory, status=CmcStatus.PUBLISHED)
            self._cmcs[laboratory.pk] = list(published.select_related("service").order_by("pk"))
        cmcs = self._cmcs[laboratory.pk]
        ranges = [(p.unit, p.reference_value, p.reference_value) for p in record.points.all()]
        if not ranges:  # no points recorded: the ranges of the item's quantities must be covered
            ranges = [
                (q.unit, q.range_low, q.range_high)
                for q in record.item.quantities.all()
                if q.range_low is not None and q.range_high is not None
            ]
        return bool(cmcs and ranges) and all(any(_covers(c, *span) for c in cmcs) for span in ranges)

    def _national_comparisons(self) -> None:
        national = [n for n in self.nodes.values() if n.kind == "national" and not n.comparisons]
        owners = {n.instrument.owner_id for n in national}
        if not owners:
            return
        found: dict[int, list[Participant]] = defaultdict(list)
        participations = Participant.objects.filter(laboratory_id__in=owners, comparison__status="published")
        ordered = participations.select_related("comparison").order_by("-comparison__published_on", "pk")
        for participant in ordered[: NATIONAL_COMPARISONS * len(owners) * 4]:
            found[participant.laboratory_id].append(participant)
        for node in national:
            # Only comparisons of what this standard realizes (a mass standard is not shown a
            # temperature comparison of the same institute).
            units = [q.unit for q in node.instrument.quantities.all()]
            relevant = [
                p
                for p in found[node.instrument.owner_id]
                if not units or any(same_dimension(p.comparison.unit, u) for u in units)
            ]
            node.comparisons = relevant[:NATIONAL_COMPARISONS]

    # -- evaluation ----------------------------------------------------------------------------
    def _evaluate(self) -> None:
        """Find cycles (back edges of a depth-first search) and set each node's ok bottom-up."""
        state: dict[str, int] = {}  # 1 on the current path, 2 finished
        for start in list(self.nodes):
            if start in state:
                continue
            state[start] = 1
            stack = [(start, iter(list(self.out[start])))]
            while stack:
                node, targets = stack[-1]
                target = next(targets, None)
                if target is None:
                    stack.pop()
                    state[node] = 2
                    kids = [t for t in self.out[node] if (node, t) not in self.cycles]
                    item = self.nodes[node]
                    item.ok = item.kind != "missing" and not self.problems[node]
                    item.ok = item.ok and all(self.nodes[t].ok for t in kids)
                elif state.get(target) == 1:
                    if (node, target) not in self.cycles:
                        self.cycles.add((node, target))
                        self._problem(
                            node,
                            "cycle",
                            _("The chain loops back to %(node)s.") % {"node": self.nodes[target].label},
                        )
                elif target not in state:
                    state[target] = 1
                    stack.append((target, iter(list(self.out[target]))))

    def result(self, record: CalibrationRecord | int) -> TraceResult:
        root = record_node_id(record if isinstance(record, int) else record.pk)
        order, seen = [root], {root}
        for node in order:  # reachable nodes, breadth first
            for target in self.out[node]:
                if target not in seen:
                    seen.add(target)
                    order.append(target)
        layers = {node: 0 for node in order}
        for _round in range(len(order)):  # longest path from the record (the graph is a DAG now)
            changed = False
            for node in order:
                for target in self.out[node]:
                    if (node, target) not in self.cycles and layers[target] < layers[node] + 1:
                        layers[target] = layers[node] + 1
                        changed = True
            if not changed:
                break
        if SI in layers:  # the ends of the chain side by side, just below the SI
            for node in order:
                if self.nodes[node].kind in ("national", "external"):
                    layers[node] = layers[SI] - 1
        edges = [Edge(s, t, (s, t) in self.cycles) for s in order for t in self.out[s]]
        position = {node: index for index, node in enumerate(order)}
        ranked = sorted(order, key=lambda n: (layers[n], position[n]))
        return TraceResult(
            root=root,
            nodes={n: self.nodes[n] for n in ranked},
            edges=edges,
            problems=[p for n in ranked for p in self.problems[n]],
            notes=[p for n in ranked for p in self.notes[n]],
            layers=layers,
        )


def _covers(cmc: Cmc, unit: str, low: float, high: float) -> bool:
    """Does the CMC's range (in its unit) contain ``low…high`` (in ``unit``)?"""
    if not (same_dimension(unit, cmc.unit) and same_dimension(unit, cmc.service.unit)):
        return False

    def si(value: float, of: str) -> float:
        offset = _OFFSETS.get(of, 0.0) if _OFFSETS.get(unit) != _OFFSETS.get(cmc.unit) else 0.0
        return (value + offset) * si_factor(of)

    lo, hi = si(cmc.range_low, cmc.unit), si(cmc.range_high, cmc.unit)
    slack = 1e-9 * max(abs(lo), abs(hi), 1e-300)
    return lo - slack <= si(low, unit) and si(high, unit) <= hi + slack


def check(record: CalibrationRecord | int, max_depth: int = MAX_DEPTH) -> TraceResult:
    """The traceability chain of one record, checked (see the module docstring)."""
    pk = record if isinstance(record, int) else record.pk
    record = CalibrationRecord.objects.select_related(*RECORD_RELATED).get(pk=pk)
    tracer = Tracer(max_depth)
    tracer.add([record])
    return tracer.result(record)


# The lists over many records live in traceability_lists (this module stays one chain long);
# their names are served from here too, lazily, because that module imports this one.
_LIST_NAMES = frozenset(
    {
        "BrokenChains",
        "broken_chains",
        "AtRisk",
        "standards_at_risk",
        "failing_calibrations",
        "last_good_before",
        "Impact",
        "ReverseTrace",
        "reverse_trace",
        "window",
        "MAX_WINDOW_DAYS",
        "MAX_CANDIDATES",
        "IMPACT_RELATED",
        "PASSING",
        "MAX_IMPACTS",
    }
)


def __getattr__(name: str):
    if name in _LIST_NAMES:
        from nqi.metrology import traceability_lists

        return getattr(traceability_lists, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
