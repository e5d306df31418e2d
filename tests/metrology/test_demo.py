"""The metrology demo loads through the services and shows each scenario it promises."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from nqi.metrology.demo.network import load_demo
from nqi.metrology.models import CalibrationRecord, Cmc, Comparison, Instrument, RecordStatus


def test_demo_network_loads_once_with_its_scenarios(demo_data):
    today = dt.date(2026, 11, 23)
    summary = load_demo(today=today)
    assert summary.notes == []
    assert summary.certificates >= 25 and summary.instruments >= 20
    assert Cmc.objects.filter(status="published").count() >= 10
    # Every certificate issued here carries its DCC; external ones (BIPM, VNIIM) are only recorded.
    issued = CalibrationRecord.objects.filter(status=RecordStatus.ISSUED)
    assert not issued.filter(external=False, dcc_xml="").exists()
    assert issued.filter(external=True).count() == 2
    # A revision superseded its original; a withdrawn reference thermometer certificate.
    assert CalibrationRecord.objects.filter(status=RecordStatus.SUPERSEDED).count() == 1
    assert CalibrationRecord.objects.get(revision=1).supersedes.status == RecordStatus.SUPERSEDED
    assert CalibrationRecord.objects.filter(status=RecordStatus.WITHDRAWN).count() == 1
    # The F1 weight set failed as found at its latest calibration.
    f1 = Instrument.objects.get(asset_number="DEMO-Q1-M-104")
    assert f1.calibrations.order_by("-calibrated_on").first().as_found_verdict == "fail"
    # Overdue instruments exist for the due list.
    assert Instrument.objects.filter(next_due__lt=today).exists()
    assert Comparison.objects.filter(status="published").count() == 2
    assert load_demo(today=today).notes == ["already loaded"]


def test_demo_chains_broken_chain_and_recall(demo_data):
    from nqi.metrology.traceability import check, failing_calibrations, reverse_trace

    load_demo(today=dt.date(2026, 11, 23))
    # Balances trace through QUATEST 1, VMI's E2 and E1 sets to the national kilogram.
    balance = Instrument.objects.get(asset_number="DEMO-BAL-002")
    assert check(balance.calibrations.get()).ok
    # The truck scale in Kazakhstan traces to VNIIM's published CMC.
    scale = Instrument.objects.get(asset_number="DEMO-TRK-001")
    assert check(scale.calibrations.get()).ok
    # The customers' thermometers lost their chain when the reference thermometer's certificate was withdrawn.
    thermometer = Instrument.objects.get(asset_number="DEMO-TH-001")
    assert not check(thermometer.calibrations.get()).ok
    # The F1 set's failure puts every balance calibrated since its last good calibration under recall.
    f1 = Instrument.objects.get(asset_number="DEMO-Q1-M-104")
    trace = reverse_trace(f1, failing_calibrations(f1).first())
    affected = {impact.use.record.item.asset_number for impact in trace.impacts}
    assert {f"DEMO-BAL-{n:03d}" for n in range(1, 6)} <= affected


def test_withdrawn_certificate_no_longer_sets_the_due_date(demo_data):
    from nqi.metrology.services import calibrations

    load_demo(today=dt.date(2026, 11, 23))
    f1 = Instrument.objects.get(asset_number="DEMO-Q1-M-104")
    latest, previous = f1.calibrations.filter(status=RecordStatus.ISSUED).order_by("-calibrated_on")[:2]
    assert f1.next_due > latest.calibrated_on
    admin = get_user_model().objects.get(username="nqi-demo-loader")
    calibrations.withdraw(admin, latest, "Recorded against the wrong weight set.")
    f1.refresh_from_db()
    quantity = f1.quantities.get()
    assert quantity.last_calibrated == previous.calibrated_on
    assert f1.next_due == previous.calibrated_on + dt.timedelta(days=quantity.interval_days)
