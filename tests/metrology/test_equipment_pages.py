"""Pages of the equipment register: the list with live filters, the history page (bounded queries),
the forms (422 with field errors), status changes, intervals, the due list and its CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nqi.metrology.models import CalibrationRecord, Instrument, StandardUse

pytestmark = pytest.mark.django_db

MASS = {"quantity": "mass", "unit": "kg", "mpe": 1.6e-6, "interval_days": 365}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def calibrated(make_instrument, owner, asset, days_ago, **data):
    last = timezone.localdate() - dt.timedelta(days=days_ago)
    return make_instrument(owner=owner, asset=asset, quantities=[{**MASS, "last_calibrated": last}], **data)


def add_records(item, laboratory, count: int, start=dt.date(2000, 1, 1), status="issued") -> list:
    offset = CalibrationRecord.objects.filter(item=item).count()
    records = [
        CalibrationRecord(
            certificate_number=f"{item.asset_number}/{offset + n:04d}",
            item=item,
            laboratory=laboratory,
            calibrated_on=start + dt.timedelta(days=30 * n),
            status=status,
            as_found_verdict="fail" if n % 5 == 4 else "pass",
            as_left_verdict="pass",
        )
        for n in range(count)
    ]
    return CalibrationRecord.objects.bulk_create(records)


def test_list_filters_live_and_counts(net, make_instrument):
    calibrated(
        make_instrument, net.vmi, "LATE-1", 400, name="Late balance", manufacturer="Mettler", model="XPE"
    )
    calibrated(make_instrument, net.quatest, "OK-1", 10, name="Fresh weight")
    make_instrument(asset="GONE-1", name="Lost weight", status="lost")
    client = Client()
    page = client.get("/metrology/instruments/").content.decode()
    assert "LATE-1" in page and "OK-1" in page and 'class="subnav"' in page
    assert "3 instruments" in page and "1 overdue" in page
    rows = client.get("/metrology/instruments/", {"q": "mettler"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in rows and "LATE-1" in rows and "OK-1" not in rows
    by_owner = client.get("/metrology/instruments/", {"owner": net.quatest.pk}).content.decode()
    assert "OK-1" in by_owner and "LATE-1" not in by_owner
    overdue = client.get("/metrology/instruments/", {"due": "overdue"}).content.decode()
    assert "LATE-1" in overdue and "OK-1" not in overdue
    lost = client.get("/metrology/instruments/", {"status": "lost", "level": "working"}).content.decode()
    assert "GONE-1" in lost and "LATE-1" not in lost
    junk = client.get("/metrology/instruments/", {"status": "x", "due": "y", "owner": "z", "page": "q"})
    assert junk.status_code == 200


def test_history_page_is_paginated_and_its_queries_do_not_grow(net, make_instrument):
    item = make_instrument(owner=net.quatest, asset="W-9", level="instrument")
    standard = make_instrument(asset="STD-1", name="Reference weight", level="reference")
    add_records(item, net.vmi, 3)
    client = Client()
    with CaptureQueriesContext(connection) as small:
        assert client.get(item.get_absolute_url()).status_code == 200
    later = add_records(item, net.vmi, 40, start=dt.date(2010, 1, 1), status="draft")
    for record in later[:30]:  # standards are linked while a record is a draft
        StandardUse.objects.create(record=record, standard=standard)
    CalibrationRecord.objects.filter(pk__in=[r.pk for r in later]).update(status="issued")
    with CaptureQueriesContext(connection) as large:
        page = client.get(item.get_absolute_url()).content.decode()
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    assert "43 calibrations" in page and "Page 1 of 2" in page
    newest, second_newest = CalibrationRecord.objects.filter(item=item).order_by("-calibrated_on")[:2]
    assert page.index(newest.certificate_number) < page.index(second_newest.certificate_number)
    assert 'class="verdict verdict-fail"' in page
    second = client.get(item.get_absolute_url(), {"page": 2}).content.decode()
    assert "W-9/0000" in second  # the oldest, on the last page
    used = client.get(standard.get_absolute_url()).content.decode()
    assert "In 30 calibrations; the latest:" in used and "W-9/" in used
    assert "Not used as a reference standard" in client.get(item.get_absolute_url()).content.decode()
    for heavy in ("dcc_xml", "budget"):
        assert not any(
            heavy in q["sql"] for q in large.captured_queries if "metrology_calibrationrecord" in q["sql"]
        )


def test_create_and_edit_forms(net):
    client = logged_in(net.vmi_user)
    form = client.get("/metrology/instruments/new/").content.decode()
    assert 'name="quantities-TOTAL_FORMS"' in form and "Quality Assurance" not in form  # owner: VMI only
    base = {
        "owner": net.vmi.pk,
        "asset_number": "T-1",
        "name": "Thermometer",
        "level": "working",
        "traceable": "on",
        "quantities-TOTAL_FORMS": "1",
        "quantities-INITIAL_FORMS": "0",
        "quantities-0-quantity": "temperature",
        "quantities-0-unit": "furlong",
        "quantities-0-interval_days": "365",
        "quantities-0-interval_method": "staircase",
        "quantities-0-range_low": "-40",
        "quantities-0-range_high": "150",
    }
    bad = client.post("/metrology/instruments/new/", {**base, "name": ""})
    body = bad.content.decode()
    assert bad.status_code == 422 and "Unknown unit" in body and "This field is required" in body
    created = client.post("/metrology/instruments/new/", {**base, "quantities-0-unit": "°C"})
    assert created.status_code == 302, created.content.decode()
    instrument = Instrument.objects.get(asset_number="T-1")
    quantity = instrument.quantities.get()
    assert (quantity.unit, quantity.interval_method, quantity.range_low) == ("°C", "staircase", -40)
    duplicate = client.post("/metrology/instruments/new/", {**base, "quantities-0-unit": "°C"})
    assert duplicate.status_code == 422 and "already exists" in duplicate.content.decode()

    edit_url = f"/metrology/instruments/{instrument.pk}/edit/"
    assert "temperature" in client.get(edit_url).content.decode()
    edit = {
        **base,
        "name": "Thermometer (renamed)",
        "quantities-TOTAL_FORMS": "2",
        "quantities-INITIAL_FORMS": "1",
        "quantities-0-id": quantity.pk,
        "quantities-0-instrument": instrument.pk,
        "quantities-0-unit": "°C",
        "quantities-0-DELETE": "on",
        "quantities-1-quantity": "humidity",
        "quantities-1-unit": "%",
        "quantities-1-interval_days": "180",
        "quantities-1-interval_method": "fixed",
    }
    assert client.post(edit_url, edit).status_code == 302
    instrument.refresh_from_db()
    assert instrument.name == "Thermometer (renamed)"
    assert list(instrument.quantities.values_list("quantity", flat=True)) == ["humidity"]
    assert logged_in(net.quatest_user).get(edit_url).status_code == 403
    assert Client().get(edit_url).status_code == 302  # to the login page


def test_status_and_interval_pages(net, make_instrument):
    instrument = calibrated(make_instrument, net.vmi, "S-1", 100)
    add_records(instrument, net.vmi, 2, start=timezone.localdate() - dt.timedelta(days=130))
    client = logged_in(net.vmi_user)
    url = f"/metrology/instruments/{instrument.pk}/status/"
    no_note = client.post(url, {"status": "damaged", "note": ""})
    assert no_note.status_code == 422 and "a note is required" in no_note.content.decode()
    assert client.post(url, {"status": "damaged", "note": "Dropped on the floor."}).status_code == 302
    instrument.refresh_from_db()
    assert instrument.status == "damaged" and "Dropped on the floor." in instrument.notes
    assert logged_in(net.quatest_user).post(url, {"status": "active"}).status_code == 403

    interval_url = f"/metrology/instruments/{instrument.pk}/interval/"
    page = Client().get(interval_url).content.decode()
    assert "Staircase (ILAC-G24 method 1)" in page and "insufficient data" in page
    assert "<form" not in page.split("<main", 1)[1].split("</main>")[0].replace('class="langswitch"', "")
    quantity = instrument.quantities.get()
    assert (
        logged_in(net.quatest_user)
        .post(interval_url, {"quantity": quantity.pk, "method": "staircase"})
        .status_code
        == 403
    )
    refused = client.post(interval_url, {"quantity": quantity.pk, "method": "statistical"})
    assert refused.status_code == 422 and "Not enough calibration history" in refused.content.decode()
    applied = client.post(
        interval_url, {"quantity": quantity.pk, "method": "staircase", "adopt_method": "on"}
    )
    assert applied.status_code == 302
    quantity.refresh_from_db()
    assert (quantity.interval_days, quantity.interval_method) == (402, "staircase")
    history = client.get(instrument.get_absolute_url()).content.decode()
    assert "quantity mass (kg)" in history and "402" in history  # the interval change in the history


def test_due_list_scope_filters_and_csv(net, make_instrument):
    calibrated(make_instrument, net.vmi, "V-LATE", 400, location="=cmd|' /C calc'!A0")
    calibrated(make_instrument, net.vmi, "V-SOON", 350)
    calibrated(make_instrument, net.quatest, "Q-LATE", 380)
    calibrated(make_instrument, net.vmi, "V-OK", 100)
    anonymous = Client().get("/metrology/due/").content.decode()
    assert "V-LATE" in anonymous and "Q-LATE" in anonymous and "V-OK" not in anonymous
    mine = logged_in(net.vmi_user)
    own = mine.get("/metrology/due/").content.decode()  # default: the user's own laboratory
    assert "V-LATE" in own and "Q-LATE" not in own and "My laboratories" in own
    assert "Q-LATE" in mine.get("/metrology/due/", {"owner": "all"}).content.decode()
    rows = mine.get("/metrology/due/", {"state": "overdue"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in rows and "V-LATE" in rows and "V-SOON" not in rows and "35 days overdue" in rows
    assert "V-OK" in mine.get("/metrology/due/", {"days": "400"}).content.decode()
    export = Client().get("/metrology/due.csv", {"owner": net.vmi.pk})
    assert export["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert table[0][:3] == ["Owner", "Asset number", "Name"]
    assert [row[1] for row in table[1:]] == ["V-LATE", "V-SOON"]
    assert table[1][7].startswith("'=") and table[1][10] == "35"  # no formula; days overdue
