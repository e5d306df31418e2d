"""Equipment services: scoped permissions, quantities replaced, status changes, intervals applied,
due and overdue lists with their dates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from nqi.core.audit import acting_as, history_for
from nqi.core.models import AuditEntry
from nqi.metrology.models import Instrument, InstrumentQuantity
from nqi.metrology.services import equipment as services

pytestmark = pytest.mark.django_db

MASS = {
    "quantity": "mass",
    "unit": "kg",
    "range_low": 1,
    "range_high": 1,
    "mpe": 1.6e-6,
    "interval_days": 365,
}


def errors_of(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def test_writes_are_scoped_to_the_users_laboratory(net, make_instrument):
    data = {"owner": net.vmi, "asset_number": "V-1", "name": "Thermometer"}
    created = services.save_instrument(net.vmi_user, None, data, [])
    assert created.owner == net.vmi
    with pytest.raises(PermissionDenied):
        services.save_instrument(net.quatest_user, None, {**data, "asset_number": "V-2"})
    with pytest.raises(PermissionDenied):
        services.save_instrument(net.quatest_user, created, {"name": "Mine now"})
    with pytest.raises(PermissionDenied):
        services.save_instrument(net.vmi_user, created, {"owner": net.quatest})  # out of one's scope
    with pytest.raises(PermissionDenied):
        services.save_instrument(AnonymousUser(), None, {**data, "asset_number": "V-3"})
    with pytest.raises(PermissionDenied):
        services.change_status(net.quatest_user, created, "damaged", "Dropped")
    moved = services.save_instrument(net.admin, created, {"owner": net.quatest})  # administrators: anything
    assert moved.owner == net.quatest
    assert services.can_change(net.quatest_user, moved) and not services.can_change(net.vmi_user, moved)


def test_field_errors_name_the_field(net, make_instrument):
    make_instrument(asset="A-1")
    with pytest.raises(ValidationError) as excinfo:
        make_instrument(asset="A-1")
    assert "asset_number" in errors_of(excinfo)
    assert make_instrument(owner=net.quatest, asset="A-1").owner == net.quatest  # per owner
    with pytest.raises(ValidationError) as excinfo:
        make_instrument(asset="A-2", name="Bad\x00name")
    assert "name" in errors_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        make_instrument(asset="A-3", serial="x")
    assert "serial" in errors_of(excinfo)  # an unknown field


def test_quantities_are_replaced_matched_by_id_or_name(net, make_instrument):
    today = timezone.localdate()
    voltage = {"quantity": "DC voltage", "unit": "V", "range_low": 0, "range_high": 10, "interval_days": 180}
    instrument = make_instrument(asset="DMM-1", quantities=[MASS, {**voltage, "last_calibrated": today}])
    by_name = {q.quantity: q for q in instrument.quantities.all()}
    assert by_name["DC voltage"].due_on == today + dt.timedelta(days=180)
    assert by_name["mass"].due_on is None  # never calibrated
    instrument.refresh_from_db()
    assert instrument.next_due == today + dt.timedelta(days=180)

    # Rename voltage (kept by id, so its dates stay), change its interval, drop mass, add resistance.
    rows = [
        {**voltage, "id": by_name["DC voltage"].pk, "quantity": "DC voltage (source)", "interval_days": 90},
        {"quantity": "resistance", "unit": "ohm", "interval_days": 730},
    ]
    services.save_instrument(net.vmi_user, instrument, {}, rows)
    kept = InstrumentQuantity.objects.get(pk=by_name["DC voltage"].pk)
    assert kept.quantity == "DC voltage (source)" and kept.last_calibrated == today
    assert kept.due_on == today + dt.timedelta(days=90)  # the due date follows the new interval
    assert sorted(instrument.quantities.values_list("quantity", flat=True)) == [
        "DC voltage (source)",
        "resistance",
    ]
    assert not InstrumentQuantity.objects.filter(pk=by_name["mass"].pk).exists()
    instrument.refresh_from_db()
    assert instrument.next_due == today + dt.timedelta(days=90)

    cases = [
        ([MASS, {**MASS, "quantity": "Mass"}], "quantities[1].quantity"),  # listed twice
        ([{**MASS, "unit": "furlong"}], "quantities[0].unit"),
        ([{**MASS, "range_low": 2, "range_high": 1}], "quantities[0].range_high"),
        ([{**MASS, "interval_days": 0}], "quantities[0].interval_days"),
        ([{**MASS, "id": 987654}], "quantities[0].id"),
        ([{**MASS, "last_calibrated": today + dt.timedelta(days=3)}], "quantities[0].last_calibrated"),
        ([MASS, {**MASS, "quantity": "length", "unit": "m", "colour": "red"}], "quantities[1].colour"),
    ]
    for rows, field in cases:
        with pytest.raises(ValidationError) as excinfo:
            services.save_instrument(net.vmi_user, instrument, {}, rows)
        assert field in errors_of(excinfo), (field, errors_of(excinfo))
    assert instrument.quantities.count() == 2  # nothing of a refused change was kept


def test_status_change_needs_a_note_and_leaves_the_due_list(net, make_instrument):
    today = net.today
    instrument = make_instrument(
        asset="B-1", quantities=[{**MASS, "last_calibrated": today - dt.timedelta(days=400)}]
    )
    assert list(services.overdue(today=today)) == [instrument]
    with pytest.raises(ValidationError) as excinfo:
        services.change_status(net.vmi_user, instrument, "lost", "  ")
    assert "note" in errors_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.change_status(net.vmi_user, instrument, "active")
    assert "status" in errors_of(excinfo)
    changed = services.change_status(net.vmi_user, instrument, "lost", "Not found at the annual inventory.")
    assert changed.status == "lost" and "Lost: Not found at the annual inventory." in changed.notes
    assert list(services.overdue(today=today)) == []
    assert history_for(changed).first().changes["status"] == ["active", "lost"]
    assert services.change_status(net.vmi_user, changed, "active").status == "active"  # found again


def test_apply_interval_recomputes_the_recommendation_and_is_audited(net, make_instrument):
    from nqi.metrology.models import CalibrationRecord

    start = dt.date(2025, 1, 10)
    instrument = make_instrument(asset="C-1", quantities=[{**MASS, "last_calibrated": start}])
    CalibrationRecord.objects.create(
        certificate_number="C-1/1",
        item=instrument,
        laboratory=net.vmi,
        calibrated_on=start,
        status="issued",
        as_found_verdict="fail",
        as_left_verdict="pass",
    )
    quantity = instrument.quantities.get()
    with pytest.raises(PermissionDenied):
        services.apply_interval(net.quatest_user, quantity, "staircase")
    with pytest.raises(ValidationError) as excinfo:
        services.apply_interval(net.vmi_user, quantity, "statistical")  # one record: insufficient
    assert "method" in errors_of(excinfo)
    with acting_as(net.vmi_user, "web"):  # as the middleware does for a page
        assert services.apply_interval(net.vmi_user, quantity, "staircase", adopt_method=True) == 219
    quantity.refresh_from_db()
    assert (quantity.interval_days, quantity.interval_method) == (219, "staircase")
    assert quantity.due_on == start + dt.timedelta(days=219)
    instrument.refresh_from_db()
    assert instrument.next_due == start + dt.timedelta(days=219)
    entry = AuditEntry.objects.filter(object_id=str(quantity.pk), action="update").first()
    assert entry.changes["interval_days"] == [365, 219] and entry.actor == net.vmi_user


def test_due_and_overdue_lists_by_date_owner_and_state(net, make_instrument):
    today = net.today

    def calibrated(owner, asset, days_ago, interval=365, **data):
        quantity = {**MASS, "interval_days": interval, "last_calibrated": today - dt.timedelta(days=days_ago)}
        return make_instrument(owner=owner, asset=asset, quantities=[quantity], **data)

    late = calibrated(net.vmi, "LATE", 400)  # due 35 days ago
    today_due = calibrated(net.quatest, "TODAY", 365)  # due today
    soon = calibrated(net.vmi, "SOON", 345)  # due in 20 days
    later = calibrated(net.vmi, "LATER", 300)  # due in 65 days
    calibrated(net.vmi, "RETIRED", 500, status="retired")
    calibrated(net.vmi, "DAMAGED", 370, status="damaged")  # still due: it needs repair and calibration
    never = make_instrument(asset="NEW")

    due = list(services.due_list(days=30, today=today))
    assert [i.asset_number for i in due] == ["LATE", "DAMAGED", "TODAY", "SOON"]
    assert [i.asset_number for i in services.overdue(today=today)] == ["LATE", "DAMAGED"]
    assert later in services.due_list(days=90, today=today)
    assert list(services.due_list({net.quatest.pk}, days=30, today=today)) == [today_due]
    assert services.due_state(late, today) == "overdue" and services.due_state(soon, today) == "due"
    assert services.due_state(later, today) == "ok" and services.due_state(never, today) == "never"

    def assets(**query):
        found = services.filter_instruments(services.InstrumentQuery(**query), today)
        return sorted(i.asset_number for i in found)

    assert assets(due="overdue") == ["DAMAGED", "LATE"]
    assert assets(due="due") == ["SOON", "TODAY"]
    assert assets(due="never") == ["NEW"]
    assert assets(due="ok") == ["LATER"]
    assert assets(status="retired") == ["RETIRED"]
    assert assets(q="LATE") == ["LATE", "LATER"]  # prefix search
    assert assets(owner_ids={net.quatest.pk}) == ["TODAY"]
    counts = services.due_counts(Instrument.objects.all(), today)
    assert counts == {"overdue": 2, "due": 2}
