"""Traceability chains: what ends a chain well, what breaks it, and how a check finds it.

Records are written straight to the database in the state ``issue()`` leaves them (a real state,
see :mod:`nqi.metrology.services.calibrations`); :func:`test_issue_end_to_end` in
``test_traceability_issue.py`` goes through ``issue()`` itself.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nqi.metrology import traceability
from nqi.metrology.models import (
    CalibrationPoint,
    CalibrationRecord,
    Cmc,
    Comparison,
    Participant,
    StandardUse,
)

D = dt.date


def make_record(item, lab, day, uses=(), *, valid_days=400, status="issued", number=None, **fields):
    """A record as issue() leaves it: ``uses`` are (standard, certificate-or-None) pairs."""
    points = fields.pop("points", [("mass", "kg", 1.0)])
    record = CalibrationRecord.objects.create(
        certificate_number=number or f"{lab.acronym}-{item.asset_number}-{day.isoformat()}",
        item=item,
        laboratory=lab,
        calibrated_on=day,
        valid_until=day + dt.timedelta(days=valid_days),
        issued_on=day,
        as_found_verdict=fields.pop("as_found", "pass"),
        as_left_verdict=fields.pop("as_left", "pass"),
        **fields,
    )
    for index, (quantity, unit, nominal) in enumerate(points):
        CalibrationPoint.objects.create(
            record=record, position=index, quantity=quantity, unit=unit, nominal=nominal, uncertainty=1e-6
        )
    for standard, certificate in uses:
        StandardUse.objects.create(record=record, standard=standard, standard_calibration=certificate)
    if status != "draft":
        record.status = status
        record.save()
    return record


def set_status(record, status):
    record.status = status
    record.save()
    return record


def revise(record, **fields):
    """An issued revision of ``record`` (same uses), the old one superseded."""
    revision = make_record(
        record.item,
        record.laboratory,
        record.calibrated_on,
        [(u.standard, u.standard_calibration) for u in record.standards_used.all()],
        status="draft",
        number=f"{record.certificate_number}/R1",
        revision=record.revision + 1,
        supersedes=record,
        **fields,
    )
    set_status(revision, "issued")
    set_status(record, "superseded")
    return revision


@pytest.fixture
def chain(net, make_instrument):
    """VMI's national kilogram → VMI reference → QUATEST working standard → a customer's balance."""
    national = make_instrument(net.vmi, "VMI-N1", "National kilogram", level="national")
    reference = make_instrument(net.vmi, "VMI-R1", "Reference weight 1 kg", level="reference")
    working = make_instrument(net.quatest, "Q-W1", "Working weight 1 kg", level="working")
    balance = make_instrument(net.quatest, "Q-B1", "Customer balance", level="instrument")
    c_reference = make_record(reference, net.vmi, D(2025, 1, 10), [(national, None)])
    c_working = make_record(working, net.vmi, D(2025, 2, 1), [(reference, c_reference)])
    c_balance = make_record(balance, net.quatest, D(2025, 6, 1), [(working, c_working)])
    return SimpleNamespace(
        net=net,
        national=national,
        reference=reference,
        working=working,
        balance=balance,
        c_reference=c_reference,
        c_working=c_working,
        c_balance=c_balance,
        make_instrument=make_instrument,
    )


def codes(result):
    return [problem.code for problem in result.problems]


def test_chain_to_national_standard(chain):
    result = traceability.check(chain.c_balance)
    assert result.ok and result.problems == []
    ids = {
        "r": f"r{chain.c_balance.pk}",
        "w": f"r{chain.c_working.pk}",
        "ref": f"r{chain.c_reference.pk}",
        "n": f"n{chain.national.pk}",
    }
    assert [result.layers[ids[k]] for k in ("r", "w", "ref", "n")] == [0, 1, 2, 3]
    assert result.layers["si"] == 4 and result.nodes["si"].kind == "si"
    assert result.nodes[ids["n"]].kind == "national"
    assert [(e.source, e.target) for e in result.targets(ids["r"])] == [(ids["r"], ids["w"])]
    assert next(iter(result.nodes)) == ids["r"]  # nodes ordered from the record up


def test_national_standard_shows_its_key_comparisons(chain):
    net = chain.net
    comparison = Comparison.objects.create(
        identifier="APMP.M.M-K1",
        title="Mass 1 kg",
        kind="key",
        measurand="mass of 1 kg",
        quantity="mass",
        unit="kg",
        pilot=net.kriss,
        status="published",
        published_on=D(2024, 5, 1),
    )
    Participant.objects.create(comparison=comparison, laboratory=net.vmi, equivalent=True)
    node = traceability.check(chain.c_balance).nodes[f"n{chain.national.pk}"]
    assert [p.comparison.identifier for p in node.comparisons] == ["APMP.M.M-K1"]


def test_record_of_national_standard_without_standards_is_ok(chain):
    own = make_record(chain.national, chain.net.vmi, D(2025, 3, 1))
    assert traceability.check(own).ok
    working_alone = make_record(chain.working, chain.net.quatest, D(2025, 3, 1), number="W-ALONE")
    result = traceability.check(working_alone)
    assert not result.ok and codes(result) == ["no_standards"]
    assert result.problems[0].node == f"r{working_alone.pk}"


def test_chain_to_bipm(chain):
    net = chain.net
    prototype = chain.make_instrument(net.vmi, "VMI-K", "Copy of the kilogram", level="reference")
    by_bipm = make_record(prototype, net.bipm, D(2024, 11, 1), external=True, number="BIPM-1")
    weight = chain.make_instrument(net.vmi, "VMI-X", "Weight", level="instrument")
    record = make_record(weight, net.vmi, D(2025, 2, 1), [(prototype, by_bipm)])
    result = traceability.check(record)
    assert result.ok
    assert result.nodes[f"r{by_bipm.pk}"].kind == "external"
    assert ("si" in result.nodes) and result.layers["si"] == 2 and result.layers[f"r{by_bipm.pk}"] == 1


def kriss_cmc(net, status="published", low=0.001, high=10.0, unit="kg"):
    return Cmc.objects.create(
        laboratory=net.kriss,
        service=net.mass,
        kcdb_code="KRISS-M-1",
        quantity="mass",
        range_low=low,
        range_high=high,
        unit=unit,
        uncertainty_low=1e-8,
        uncertainty_unit="kg",
        status=status,
    )


def kriss_calibrated(chain, points=None):
    net = chain.net
    standard = chain.make_instrument(net.vmi, "VMI-KR", "Weight calibrated at KRISS", level="reference")
    by_kriss = make_record(
        standard, net.kriss, D(2024, 12, 1), number="KRISS-1", points=points or [("mass", "g", 1000.0)]
    )
    weight = chain.make_instrument(net.vmi, "VMI-Y", "Weight", level="instrument")
    record = make_record(weight, net.vmi, D(2025, 2, 1), [(standard, by_kriss)])
    return by_kriss, record


def test_external_nmi_accepted_with_published_cmc_covering_points(chain):
    kriss_cmc(chain.net)
    by_kriss, record = kriss_calibrated(chain)  # 1000 g is inside 0.001 … 10 kg
    result = traceability.check(record)
    assert result.ok and result.nodes[f"r{by_kriss.pk}"].kind == "external"


def test_external_nmi_not_accepted_without_matching_published_cmc(chain):
    by_kriss, record = kriss_calibrated(chain)

    def problems():
        result = traceability.check(record)
        assert not result.ok and all(p.node == f"r{by_kriss.pk}" for p in result.problems)
        return codes(result)

    assert problems() == ["external_not_accepted"]  # KRISS holds no CMC at all
    assert "KRISS" in traceability.check(record).problems[0].message
    Cmc.objects.create(  # another quantity
        laboratory=chain.net.kriss,
        service=chain.net.voltage,
        quantity="DC voltage",
        range_low=0.5,
        range_high=2.0,
        unit="V",
        uncertainty_low=1e-6,
        status="published",
    )
    assert problems() == ["external_not_accepted"]
    cmc = kriss_cmc(chain.net, status="regional_review")  # not published yet
    assert problems() == ["external_not_accepted"]
    Cmc.objects.filter(pk=cmc.pk).update(status="published", range_low=2.0)  # 1 kg is not covered
    assert problems() == ["external_not_accepted"]
    Cmc.objects.filter(pk=cmc.pk).update(range_low=1.0)  # the point is on the limit: covered
    assert traceability.check(record).ok


def test_external_record_with_its_own_published_cmc_is_accepted(chain):
    cmc = kriss_cmc(chain.net, low=5.0, high=10.0)  # the range does not matter: the record names it
    by_kriss, record = kriss_calibrated(chain)
    CalibrationRecord.objects.filter(pk=by_kriss.pk).update(cmc=cmc)
    assert traceability.check(record).ok


def test_expired_stored_link(chain):
    late = make_record(chain.balance, chain.net.quatest, D(2026, 4, 1), [(chain.working, chain.c_working)])
    result = traceability.check(late)  # c_working is valid until 2026-03-08
    assert codes(result) == ["expired"] and not result.ok
    assert result.nodes[f"s{chain.working.pk}"].kind == "missing"


def test_unresolved_link_is_diagnosed(chain):
    net, make = chain.net, chain.make_instrument
    never, expired, withdrawn, failed = (
        make(net.quatest, f"Q-X{n}", "Weight", level="working") for n in range(4)
    )
    make_record(expired, net.vmi, D(2024, 1, 1), [(chain.reference, None)], valid_days=30)
    certificate = make_record(withdrawn, net.vmi, D(2025, 5, 1), [(chain.reference, chain.c_reference)])
    set_status(certificate, "withdrawn")
    make_record(failed, net.vmi, D(2025, 5, 1), [(chain.reference, chain.c_reference)], as_left="fail")
    uses = [(standard, None) for standard in (never, expired, withdrawn, failed)]
    record = make_record(chain.balance, net.quatest, D(2025, 6, 2), uses)
    result = traceability.check(record)
    assert codes(result) == ["never_calibrated", "expired", "calibration_withdrawn", "failed_as_left"]


def test_unresolved_link_of_a_draft_is_resolved_on_the_fly(chain):
    draft = make_record(
        chain.balance, chain.net.quatest, D(2025, 7, 1), [(chain.working, None)], status="draft"
    )
    result = traceability.check(draft)
    assert result.ok and result.notes == []
    assert f"r{chain.c_working.pk}" in result.nodes


def test_withdrawn_link(chain):
    set_status(chain.c_working, "withdrawn")
    result = traceability.check(chain.c_balance)
    assert codes(result) == ["link_withdrawn"] and not result.ok
    assert chain.c_working.certificate_number in result.problems[0].message


def test_superseded_link_is_resolved_to_the_revision(chain):
    revision = revise(chain.c_working)
    result = traceability.check(chain.c_balance)
    assert result.ok
    assert [note.code for note in result.notes] == ["link_superseded"]
    assert f"r{revision.pk}" in result.nodes and f"r{chain.c_working.pk}" not in result.nodes
    set_status(revision, "withdrawn")
    assert codes(traceability.check(chain.c_balance)) == ["link_withdrawn"]


def test_superseded_link_whose_revision_failed(chain):
    revise(chain.c_working, as_left="fail")
    assert codes(traceability.check(chain.c_balance)) == ["failed_as_left"]


def test_broken_upstream_breaks_the_whole_chain(chain):
    set_status(chain.c_reference, "withdrawn")
    result = traceability.check(chain.c_balance)
    assert not result.ok and codes(result) == ["link_withdrawn"]
    assert result.problems[0].node == f"r{chain.c_working.pk}"
    assert not result.nodes[f"r{chain.c_working.pk}"].ok


def test_cycle(chain):
    net = chain.net
    a = chain.make_instrument(net.quatest, "Q-A", "Standard A", level="working")
    b = chain.make_instrument(net.quatest, "Q-B", "Standard B", level="working")
    c_a = make_record(a, net.quatest, D(2025, 1, 5), [(b, None)], status="draft", number="CA")
    c_b = make_record(b, net.quatest, D(2025, 1, 5), [(a, c_a)], status="draft", number="CB")
    StandardUse.objects.filter(record=c_a).update(standard_calibration=c_b)
    set_status(c_a, "issued")
    set_status(c_b, "issued")
    result = traceability.check(c_a)
    assert "cycle" in codes(result) and not result.ok
    assert any(edge.cycle for edge in result.edges)


def test_depth_limit(chain):
    result = traceability.check(chain.c_balance, max_depth=2)
    assert codes(result) == ["depth_limit"]
    assert result.problems[0].node == f"r{chain.c_reference.pk}"
    assert traceability.check(chain.c_balance, max_depth=3).ok


def test_check_is_a_handful_of_queries_per_level(chain):
    with CaptureQueriesContext(connection) as queries:
        traceability.check(chain.c_balance.pk)
    # the record, one query per level for the uses (3 levels + the last one), the comparisons
    assert len(queries) <= 6, [q["sql"] for q in queries]
    assert traceability.check(chain.c_balance).record == chain.c_balance  # a record or its id
    with pytest.raises(CalibrationRecord.DoesNotExist):
        traceability.check(10**9)
