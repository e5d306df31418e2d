"""Calibration record services: numbering, permissions, issue, revisions, withdrawal, immutability."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from nqi.metrology.models import CalibrationPoint, CalibrationRecord, InstrumentQuantity, StandardUse
from nqi.metrology.services import calibrations as services
from nqi.metrology.services.equipment import save_instrument
from tests.metrology import test_calibrations_setup
from tests.metrology.test_calibrations_setup import DAY, points

cal = test_calibrations_setup.cal  # the shared fixture

pytestmark = pytest.mark.django_db


def errors_of(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def test_numbering_per_laboratory_and_year_without_gaps(cal):
    first = cal.draft()
    assert first.certificate_number == "VMI-2026-00002"  # 00001 is the reference weight's
    issued = services.issue(cal.net.vmi_user, first)
    revision = services.revise(cal.net.vmi_user, issued, "Typo in the customer address.")
    assert revision.certificate_number == "VMI-2026-00002/R1" and revision.revision == 1
    assert cal.draft().certificate_number == "VMI-2026-00003"  # the revision takes no serial
    assert cal.draft(calibrated_on=dt.date(2025, 12, 30)).certificate_number == "VMI-2025-00001"
    manual = cal.draft(certificate_number="VMI-2026-00004")
    assert cal.draft().certificate_number == "VMI-2026-00005"  # a number taken by hand is skipped
    with pytest.raises(ValidationError) as excinfo:
        cal.draft(certificate_number=manual.certificate_number)
    assert "certificate_number" in errors_of(excinfo)


def test_writes_are_scoped_to_the_users_laboratory(cal):
    net = cal.net
    with pytest.raises(PermissionDenied):
        cal.draft(user=net.quatest_user)  # QUATEST's metrologist for a VMI calibration
    with pytest.raises(PermissionDenied):
        cal.draft(user=AnonymousUser())
    record = cal.draft()
    for action in (
        lambda user: services.issue(user, record),
        lambda user: services.save_draft(user, record, {"remarks": "x"}),
        lambda user: services.set_budget(user, record, {"model": "y = x", "inputs": []}),
        lambda user: services.withdraw(user, record, "no"),
    ):
        with pytest.raises(PermissionDenied):
            action(net.quatest_user)
    # Moving a draft to a laboratory outside one's scope is refused too.
    with pytest.raises(PermissionDenied):
        services.save_draft(net.vmi_user, record, {"laboratory": net.quatest})
    assert services.issue(net.admin, record).status == "issued"  # administrators: any laboratory


def test_issue_computes_verdicts_links_standards_and_freezes(cal):
    record = cal.draft(errors=(5e-7, -2.1e-6))  # the second point is outside ±1.6 mg
    issued = services.issue(cal.net.vmi_user, record, issued_on=dt.date(2026, 3, 4))
    assert issued.status == "issued" and issued.issued_on == dt.date(2026, 3, 4)
    assert issued.valid_until == DAY + dt.timedelta(days=365)
    assert issued.issued_by == cal.net.vmi_user
    assert [(p.found_verdict, p.left_verdict) for p in issued.points.all()] == [
        ("pass", "pass"),
        ("fail", "fail"),  # no as-left reading: left as found
    ]
    assert (issued.as_found_verdict, issued.as_left_verdict) == ("fail", "fail")
    use = issued.standards_used.get()
    assert use.standard_calibration == cal.reference_record and use.calibrated_on == DAY
    assert issued.dcc_xml.startswith("<?xml") and len(issued.dcc_sha256) == 64
    cal.item.refresh_from_db()
    assert cal.item.last_calibrated == DAY and cal.item.next_due == DAY + dt.timedelta(days=365)
    with pytest.raises(ValidationError, match="Only a draft"):
        services.issue(cal.net.vmi_user, issued)


def test_guard_band_and_as_left_statements(cal):
    record = cal.draft(errors=(5e-7, 1.3e-6, 2.5e-6), decision_rule="guard_band", guard_band_factor=1.0)
    point = record.points.get(position=2)
    point.as_left = 1.0 + 1e-7  # adjusted back into tolerance
    point.save()
    record.adjusted = True
    record.save()
    issued = services.issue(cal.net.vmi_user, record)
    assert [p.found_verdict for p in issued.points.all()] == ["pass_guard_band", "indeterminate", "fail"]
    assert [p.left_verdict for p in issued.points.all()] == [
        "pass_guard_band",
        "indeterminate",
        "pass_guard_band",
    ]
    assert (issued.as_found_verdict, issued.as_left_verdict) == ("fail", "indeterminate")


def test_issue_refusals_name_every_problem(cal, make_instrument):
    uncalibrated = make_instrument(asset="W-9", name="Working weight never calibrated", level="working")
    record = cal.draft(standards=[cal.reference, uncalibrated], adjusted=True)
    save_instrument(cal.net.admin, cal.item, {"status": "retired"})
    with pytest.raises(ValidationError) as excinfo:
        services.issue(cal.net.vmi_user, record)
    errors = errors_of(excinfo)
    assert errors["standards"] == [
        "Standard W-9 Working weight never calibrated had no valid calibration on 2026-03-02."
    ]
    assert "retired" in errors["item"][0]
    assert "as left" in errors["points"][0]
    record.refresh_from_db()
    assert record.status == "draft" and record.as_found_verdict == ""  # nothing half-issued

    empty = services.save_draft(
        cal.net.vmi_user, None, {"item": cal.reference, "laboratory": cal.net.vmi, "calibrated_on": DAY}
    )
    with pytest.raises(ValidationError) as excinfo:
        services.issue(cal.net.vmi_user, empty)
    assert errors_of(excinfo)["points"] == ["A certificate needs at least one calibration point."]


def test_standard_must_be_valid_on_the_calibration_date(cal):
    late = cal.draft(calibrated_on=dt.date(2027, 2, 1))  # the reference's certificate ran out
    with pytest.raises(
        ValidationError, match="R-1 Reference weight 1 kg had no valid calibration on 2027-02-01"
    ):
        services.issue(cal.net.vmi_user, late)
    early = cal.draft(calibrated_on=dt.date(2026, 1, 5))  # before the reference was calibrated
    with pytest.raises(ValidationError, match="no valid calibration on 2026-01-05"):
        services.issue(cal.net.vmi_user, early)
    external = cal.draft(calibrated_on=dt.date(2027, 2, 1), external=True)  # recorded, not performed here
    issued = services.issue(cal.net.vmi_user, external, issued_on=dt.date(2027, 2, 3))
    assert issued.standards_used.get().standard_calibration is None


def test_draft_errors_name_the_point_and_field(cal, make_instrument):
    rows = points(1e-7, 2e-7, 3e-7)
    rows[2]["unit"] = "furlong"
    rows[1]["uncertainty"] = -1
    with pytest.raises(ValidationError) as excinfo:
        services.save_draft(
            cal.net.vmi_user,
            None,
            {"item": cal.item, "laboratory": cal.net.vmi, "calibrated_on": DAY},
            points=rows,
            standards=[make_instrument(asset="I-2", name="Scale", level="instrument")],
        )
    errors = errors_of(excinfo)
    assert set(errors) == {"points[1].uncertainty", "points[2].unit", "standards[0]"}
    assert "furlong" in errors["points[2].unit"][0]
    assert CalibrationRecord.objects.filter(item=cal.item).count() == 0  # rolled back
    with pytest.raises(ValidationError, match="its own reference standard"):
        cal.draft(standards=[cal.item])
    with pytest.raises(ValidationError) as excinfo:
        cal.draft(received_on=DAY + dt.timedelta(days=1))
    assert "received_on" in errors_of(excinfo)


def test_revision_chain(cal):
    original = services.issue(cal.net.vmi_user, cal.draft())
    with pytest.raises(ValidationError, match="Say why"):
        services.revise(cal.net.vmi_user, original, "  ")
    revision = services.revise(cal.net.vmi_user, original, "Wrong serial number of the item.")
    assert revision.status == "draft" and revision.supersedes == original
    assert revision.revision_reason == "Wrong serial number of the item."
    assert [p.as_found for p in revision.points.all()] == [p.as_found for p in original.points.all()]
    assert list(revision.standards_used.values_list("standard_id", flat=True)) == [cal.reference.pk]
    original.refresh_from_db()
    assert original.status == "issued"  # still in force until the revision is issued
    with pytest.raises(ValidationError, match="already in preparation"):
        services.revise(cal.net.vmi_user, original, "again")
    services.save_draft(cal.net.vmi_user, revision, {"remarks": "Serial number corrected."})
    issued = services.issue(cal.net.vmi_user, revision)
    original.refresh_from_db()
    assert issued.status == "issued" and original.status == "superseded"
    with pytest.raises(ValidationError, match="Only the issued"):
        services.revise(cal.net.vmi_user, original, "late")
    second = services.revise(cal.net.vmi_user, issued, "Another correction.")
    assert second.certificate_number == "VMI-2026-00002/R2" and second.supersedes == issued


def test_withdraw(cal):
    issued = services.issue(cal.net.vmi_user, cal.draft())
    with pytest.raises(ValidationError) as excinfo:
        services.withdraw(cal.net.vmi_user, issued, "")
    assert "reason" in errors_of(excinfo)
    withdrawn = services.withdraw(cal.net.vmi_user, issued, "The balance used was out of tolerance.")
    withdrawn.refresh_from_db()
    assert withdrawn.status == "withdrawn" and withdrawn.withdrawal_reason.startswith("The balance")
    cal.item.refresh_from_db()
    assert cal.item.last_calibrated is None  # no certificate in force any more
    with pytest.raises(ValidationError, match="already superseded or withdrawn"):
        services.withdraw(cal.net.vmi_user, withdrawn, "twice")
    with pytest.raises(ValidationError):
        services.revise(cal.net.vmi_user, withdrawn, "too late")
    draft = cal.draft()
    services.withdraw(cal.net.vmi_user, draft, "Entered twice.")
    assert not CalibrationRecord.objects.filter(certificate_number=draft.certificate_number).exists()


def test_revision_of_a_certificate_withdrawn_meanwhile_leaves_it_withdrawn(cal):
    original = services.issue(cal.net.vmi_user, cal.draft())
    revision = services.revise(cal.net.vmi_user, original, "Correction")
    services.withdraw(cal.net.vmi_user, original, "Invalid")
    services.issue(cal.net.vmi_user, revision)
    original.refresh_from_db()
    assert original.status == "withdrawn"


def test_issued_records_are_immutable_even_for_administrators(cal):
    issued = services.issue(cal.net.vmi_user, cal.draft())
    admin = cal.net.admin
    with pytest.raises(ValidationError, match="issue a revision"):
        services.save_draft(admin, issued, {"remarks": "changed"})
    with pytest.raises(ValidationError, match="issue a revision"):
        services.save_draft(admin, issued, {}, points=points(0.0))
    with pytest.raises(ValidationError, match="issue a revision"):
        services.set_budget(admin, issued, {"model": "y = x", "inputs": [{"name": "x", "value": 1}]})
    stored = CalibrationRecord.objects.get(pk=issued.pk)
    stored.calibrated_on = DAY - dt.timedelta(days=1)  # straight through the model
    with pytest.raises(ValidationError, match="calibrated_on"):
        stored.save()
    point = CalibrationPoint.objects.filter(record=issued).first()
    point.as_found = 2.0
    with pytest.raises(ValidationError):
        point.save()
    with pytest.raises(ValidationError):
        point.delete()
    with pytest.raises(ValidationError):
        CalibrationPoint.objects.create(
            record=issued, quantity="mass", unit="kg", nominal=2, uncertainty=1e-6
        )
    with pytest.raises(ValidationError):
        StandardUse.objects.create(record=issued, standard=cal.national)
    withdrawn = services.withdraw(admin, issued, "Wrong")
    withdrawn.status = "issued"
    with pytest.raises(ValidationError):
        withdrawn.save()  # a withdrawn certificate never comes back
    assert CalibrationPoint.objects.get(pk=point.pk).as_found == 1.0 + 5e-7


def test_set_budget_sets_u_and_k_of_a_point_in_its_unit(cal):
    record = cal.draft()
    spec = {
        "model": "E = I - (m_s + dm)",
        "inputs": [
            {"name": "I", "value": 1000000.5, "uncertainty": 0.2, "unit": "mg"},
            {"name": "m_s", "value": 1000000.0, "uncertainty": 0.15, "unit": "mg", "dof": 10},
            {"name": "dm", "distribution": "rectangular", "value": 0, "half_width": 0.3, "unit": "mg"},
        ],
        "output_units": {"E": "mg"},
        "k": 2,
    }
    record = services.set_budget(cal.net.vmi_user, record, spec, point_index=1)
    result = record.budget["result"]
    assert record.budget["model"] == spec["model"] and result["coverage_factor"] == 2
    point = record.points.get(position=1)
    assert point.uncertainty == pytest.approx(result["expanded_uncertainty"] * 1e-6)  # mg → kg
    assert point.coverage_factor == 2
    with pytest.raises(ValidationError) as excinfo:
        services.set_budget(cal.net.vmi_user, record, {**spec, "output_units": {"E": "mg"}}, point_index=7)
    assert "point_index" in errors_of(excinfo)
    bad = {**spec, "inputs": [*spec["inputs"][:2], {**spec["inputs"][2], "half_width": -1}]}
    with pytest.raises(ValidationError) as excinfo:
        services.set_budget(cal.net.vmi_user, record, bad)
    assert (
        list(errors_of(excinfo)) == ["budget.inputs[2]"]
        and "'dm'" in errors_of(excinfo)["budget.inputs[2]"][0]
    )
    seconds = {**spec, "output_units": {"E": "s"}}
    with pytest.raises(ValidationError):
        services.set_budget(cal.net.vmi_user, record, seconds)  # mg - mg is not a time
    quantity = InstrumentQuantity.objects.get(instrument=cal.item)
    assert quantity.unit == "kg"
