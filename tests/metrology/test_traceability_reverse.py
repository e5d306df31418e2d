"""Reverse traceability (what a standard found out of tolerance supported), standards at risk and
the broken-chains list of a laboratory."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from nqi.metrology import traceability
from tests.metrology.test_traceability_chains import chain, make_record, revise, set_status  # noqa: F401

D = dt.date


@pytest.fixture
def drift(chain):  # noqa: F811
    """QUATEST's working weight W: good on 2024-01-10, out of tolerance as found on 2025-01-10.

    W supported: a balance on 2023-12-01 (before the window), a balance and the standard S2 inside
    it, a balance after it; S2's certificate then supported two more calibrations (transitive).
    """
    net, make = chain.net, chain.make_instrument
    w = make(net.quatest, "Q-W2", "Working weight 2", level="working")
    s2 = make(net.quatest, "Q-S2", "Check standard", level="working")
    b1, b2, b3, b4 = (make(net.quatest, f"Q-I{n}", f"Balance {n}", level="instrument") for n in range(1, 5))
    make_record(w, net.vmi, D(2023, 1, 10), [(chain.national, None)], number="W-2023")
    good = make_record(w, net.vmi, D(2024, 1, 10), [(chain.national, None)], number="W-2024")
    bad = make_record(w, net.vmi, D(2025, 1, 10), [(chain.national, None)], number="W-2025", as_found="fail")
    c_b1 = make_record(b1, net.quatest, D(2023, 12, 1), [(w, None)], number="B1")
    c_b2 = make_record(b2, net.quatest, D(2024, 3, 1), [(w, good)], number="B2", customer=net.uznim)
    c_s2 = make_record(s2, net.quatest, D(2024, 8, 1), [(w, good)], number="S2-2024")
    c_b3 = make_record(b3, net.quatest, D(2025, 2, 1), [(w, bad)], number="B3")
    c_via1 = make_record(b4, net.quatest, D(2024, 9, 1), [(s2, c_s2)], number="VIA-1", customer=net.kriss)
    c_via2 = make_record(b1, net.quatest, D(2025, 3, 1), [(s2, c_s2)], number="VIA-2")
    draft = make_record(b3, net.quatest, D(2024, 5, 1), [(w, good)], number="DRAFT", status="draft")
    return SimpleNamespace(**locals())


def numbers(trace):
    return [impact.use.record.certificate_number for impact in trace.impacts]


def test_failing_and_last_good(drift):
    assert list(traceability.failing_calibrations(drift.w)) == [drift.bad]
    assert traceability.last_good_before(drift.w, drift.bad) == drift.good


def test_direct_impact_is_the_window_since_the_last_good_calibration(drift):
    trace = traceability.reverse_trace(drift.w, drift.bad)
    assert (trace.start, trace.end) == (D(2024, 1, 10), D(2025, 1, 10))
    assert numbers(trace) == ["B2", "S2-2024"]  # not B1 (before), B3 (after) or the draft
    assert [impact.level for impact in trace.impacts] == [0, 0]
    whom = {str(org.acronym): count for org, count in trace.by_customer()}
    assert whom == {"UzNIM": 1, "QUATEST 1": 1}


def test_transitive_impact_follows_the_affected_certificates(drift):
    trace = traceability.reverse_trace(drift.w, drift.bad, transitive=True)
    assert numbers(trace) == ["B2", "S2-2024", "VIA-1", "VIA-2"]
    assert [impact.level for impact in trace.impacts] == [0, 0, 1, 1]
    assert trace.impacts[2].use.standard_calibration == drift.c_s2
    assert numbers(traceability.reverse_trace(drift.w, drift.bad, transitive=True, depth=1)) == numbers(trace)


def test_transitive_impact_includes_uses_of_a_revision(drift):
    revision = revise(drift.c_s2)
    b5 = drift.chain.make_instrument(drift.net.quatest, "Q-I5", "Balance 5", level="instrument")
    make_record(b5, drift.net.quatest, D(2025, 4, 1), [(drift.s2, revision)], number="VIA-REV")
    trace = traceability.reverse_trace(drift.w, drift.bad, transitive=True)
    assert "VIA-REV" in numbers(trace)


def test_without_good_calibration_every_earlier_use_is_suspect(drift):
    for record in (drift.good,):
        set_status(record, "withdrawn")
    trace = traceability.reverse_trace(drift.w, drift.bad)
    assert trace.last_good.certificate_number == "W-2023" and trace.start == D(2023, 1, 10)
    assert numbers(trace) == ["B1", "B2", "S2-2024"]


def test_standards_at_risk(drift):
    net = drift.net
    expired = drift.chain.make_instrument(net.quatest, "Q-EXP", "Expired weight", level="working")
    make_record(expired, net.vmi, D(2023, 1, 1), [(drift.chain.national, None)], valid_days=365, number="E-1")
    make_record(drift.b4, net.quatest, D(2024, 6, 1), [(expired, None)], number="USED-EXPIRED")
    rows = traceability.standards_at_risk(net.quatest, D(2024, 1, 1), D(2025, 12, 31))
    found = {row.standard.asset_number: row.code for row in rows}
    assert found == {"Q-W2": "found_out_of_tolerance", "Q-EXP": "expired"}


def test_broken_chains_list_checks_only_suspects(drift, django_assert_max_num_queries):
    net = drift.net
    found = traceability.broken_chains(net.quatest, D(2024, 1, 1), D(2025, 12, 31))
    # B3 links the failed-as-found certificate W-2025: as left it passed, so it is fine.
    assert [row.record.certificate_number for row in found.rows] == []
    assert found.checked == 6 and not found.truncated
    set_status(drift.c_s2, "withdrawn")
    found = traceability.broken_chains(net.quatest, D(2024, 1, 1), D(2025, 12, 31))
    assert [row.record.certificate_number for row in found.rows] == ["VIA-2", "VIA-1"]
    assert {p.code for row in found.rows for p in row.problems} == {"link_withdrawn"}
    with django_assert_max_num_queries(25):
        traceability.broken_chains(net.quatest, D(2024, 1, 1), D(2025, 12, 31))
