"""Comparison services: set-up, blind submissions in the window, analysis equal to nqi.interlab, publication."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from nqi.interlab import ParticipantResult, analyse
from nqi.metrology.models import Comparison, Participant
from nqi.metrology.services import comparisons as services
from tests.metrology import test_comparisons_setup
from tests.metrology.test_comparisons_setup import RESULTS, comparison_data

kc = test_comparisons_setup.kc  # the fixture

pytestmark = pytest.mark.django_db


def create_is_for_the_pilot_lab_and_validates_fields(net):
    with pytest.raises(PermissionDenied):
        services.save_comparison(
            net.quatest_user, None, comparison_data(net)
        )  # QUATEST may not pilot for VMI
    with pytest.raises(ValidationError) as bad:
        services.save_comparison(
            net.vmi_user,
            None,
            comparison_data(
                net,
                identifier="APMP M K1",
                unit="V",
                method="magic",
                results_due=timezone.localdate() - dt.timedelta(days=30),
            ),
        )
    assert set(bad.value.message_dict) == {"identifier", "unit", "method", "results_due"}
    new = comparison_data(net, identifier="CCM.M-K1", unit="", quantity="")
    comparison = services.save_comparison(net.vmi_user, None, new)
    assert (comparison.quantity, comparison.unit) == ("mass", "kg")  # from the service
    with pytest.raises(ValidationError) as duplicate:
        services.save_comparison(net.vmi_user, None, new)
    assert "identifier" in duplicate.value.message_dict


def test_participants_are_managed_by_the_pilot_only(kc):
    net = kc.net
    create_is_for_the_pilot_lab_and_validates_fields(net)
    with pytest.raises(PermissionDenied):
        services.add_participant(net.quatest_user, kc.comparison, net.bipm)
    added = services.add_participant(net.vmi_user, kc.comparison, net.bipm)
    assert added.code == "BIPM"
    with pytest.raises(ValidationError) as twice:
        services.add_participant(net.vmi_user, kc.comparison, net.bipm)
    assert "laboratory" in twice.value.message_dict
    services.remove_participant(net.vmi_user, added)
    assert not Participant.objects.filter(pk=added.pk).exists()


def test_submission_only_by_own_lab_while_running_and_before_due(kc):
    net, comparison = kc.net, kc.comparison
    quatest = kc.participants["QUATEST1"]
    with pytest.raises(PermissionDenied):
        services.submit_result(
            net.vmi_user, quatest, {"value": 1.0, "uncertainty": 0.1}
        )  # the pilot, not QUATEST
    with pytest.raises(ValidationError) as missing:
        services.submit_result(net.quatest_user, quatest, {"value": 1.0})
    assert "uncertainty" in missing.value.message_dict
    late = comparison.results_due + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as too_late:
        services.submit_result(net.quatest_user, quatest, {"value": 1.0, "uncertainty": 0.1}, today=late)
    assert "were due on" in too_late.value.message_dict["value"][0]
    # The pilot extends the deadline; the same submission is then accepted.
    services.save_comparison(net.vmi_user, comparison, {"results_due": late})
    quatest.refresh_from_db()
    submitted = services.submit_result(
        net.quatest_user, quatest, {"value": 10.3, "uncertainty": 0.4}, today=late
    )
    assert submitted.submitted_by == net.quatest_user and submitted.has_result
    services.change_status(net.vmi_user, comparison, "planned")
    quatest.refresh_from_db()
    with pytest.raises(ValidationError):
        services.submit_result(net.quatest_user, quatest, {"value": 10.3, "uncertainty": 0.4})
    services.change_status(net.vmi_user, comparison, "running")
    quatest.refresh_from_db()  # its cached comparison was read while planned
    budget_gives_value_and_u(kc)
    blind_visibility(kc)


def budget_gives_value_and_u(kc):
    budget = {
        "model": "d = m_x - m_s",
        "inputs": [
            {"name": "m_x", "value": 1000010.1, "uncertainty": 0.06, "unit": "mg"},
            {"name": "m_s", "value": 1000000.0, "uncertainty": 0.08, "unit": "mg"},
        ],
    }
    participant = services.submit_result(kc.net.vmi_user, kc.participants["VMI"], {"budget": budget})
    assert participant.value == pytest.approx(10.1)
    assert participant.uncertainty == pytest.approx(2 * 0.1) and participant.coverage_factor == 2.0
    assert len(participant.budget["result"]["rows"]) == 2
    with pytest.raises(ValidationError) as broken:
        services.submit_result(
            kc.net.vmi_user, kc.participants["VMI"], {"budget": {"model": "d = m_x +", "inputs": [{}]}}
        )
    assert all(field.startswith("budget") for field in broken.value.message_dict)


def blind_visibility(kc):
    kc.submit_all()
    net, comparison = kc.net, kc.comparison
    quatest_view = services.viewer(net.quatest_user, comparison)
    pilot_view = services.viewer(net.vmi_user, comparison)
    from django.contrib.auth.models import AnonymousUser

    public = services.viewer(AnonymousUser(), comparison)
    kriss = kc.participants["KRISS"]
    assert quatest_view.sees_result(kc.participants["QUATEST1"]) and not quatest_view.sees_result(kriss)
    assert pilot_view.sees_result(kriss) and pilot_view.sees_analysis
    assert not public.sees_result(kriss) and not public.sees_analysis and not quatest_view.sees_analysis


def test_analysis_equals_interlab_and_publish_fills_participants(kc):
    too_few_results_is_a_clear_error(kc)
    kc.submit_all()
    net, comparison = kc.net, kc.comparison
    with pytest.raises(PermissionDenied):
        services.run_analysis(net.quatest_user, comparison)
    with pytest.raises(ValidationError):
        services.publish(net.vmi_user, comparison)  # not analysed yet
    stored = services.run_analysis(net.vmi_user, comparison)
    comparison.refresh_from_db()
    assert comparison.status == "analysis" and comparison.chart_svg.startswith("<svg")
    direct = analyse(
        [ParticipantResult(code, value, u=big_u / 2) for code, (value, big_u) in sorted(RESULTS.items())],
        "weighted-mean",
        k=2.0,
    ).to_dict()
    assert stored["reference"] == direct["reference"]
    assert stored["degrees_of_equivalence"] == direct["degrees_of_equivalence"]
    assert stored["scores"] == direct["scores"] and stored["consistency"] == direct["consistency"]
    # Submissions are closed during the analysis.
    with pytest.raises(ValidationError):
        services.submit_result(net.vmi_user, kc.participants["VMI"], {"value": 1.0, "uncertainty": 0.1})

    services.publish(net.vmi_user, comparison, today=net.today)
    comparison.refresh_from_db()
    assert comparison.status == "published" and comparison.published_on == net.today
    by_code = {d["participant"]: d for d in direct["degrees_of_equivalence"]}
    scores = {s["participant"]: s for s in direct["scores"]}
    for code, participant in kc.participants.items():
        participant.refresh_from_db()
        assert participant.degree_of_equivalence == pytest.approx(by_code[code]["d"])
        assert participant.doe_uncertainty == pytest.approx(by_code[code]["expanded"])
        assert participant.score == pytest.approx(abs(scores[code]["en"]))
        assert participant.equivalent is (abs(scores[code]["en"]) <= 1)
    assert kc.participants["KRISS"].equivalent is False and kc.participants["VMI"].equivalent is True
    assert services.viewer(None, comparison).published
    with pytest.raises(ValidationError) as frozen:
        services.save_comparison(net.vmi_user, comparison, {"method": "median"})
    assert "method" in frozen.value.message_dict


def too_few_results_is_a_clear_error(kc):
    services.submit_result(kc.net.vmi_user, kc.participants["VMI"], {"value": 10.1, "uncertainty": 0.2})
    with pytest.raises(ValidationError) as few:
        services.run_analysis(kc.net.vmi_user, kc.comparison)
    assert "at least 2 results; 1 have been submitted" in few.value.messages[0]
    assert Comparison.objects.get(pk=kc.comparison.pk).status == "running"
    kc.comparison.refresh_from_db()


def test_proficiency_test_with_robust_method_and_link_to_key_comparison(kc, net):
    kc.submit_all()
    services.run_analysis(net.vmi_user, kc.comparison)
    services.publish(net.vmi_user, kc.comparison)
    # A regional comparison linked to APMP.M.M-K1 through VMI and UzNIM.
    rmo = services.save_comparison(
        net.vmi_user,
        None,
        comparison_data(
            net, identifier="VN.M-S1", kind="supplementary", linked_to=kc.comparison, method="algorithm_a"
        ),
    )
    results = {net.vmi: (10.2, 0.2), net.uznim: (10.0, 0.3), net.bipm: (10.5, 0.5)}
    for lab in results:
        services.add_participant(net.vmi_user, rmo, lab)
    services.change_status(net.vmi_user, rmo, "running")
    for participant in rmo.participants.all():
        value, big_u = results[participant.laboratory]
        services.submit_result(net.admin, participant, {"value": value, "uncertainty": big_u})
    stored = services.run_analysis(net.vmi_user, rmo, sigma_pt=0.25)
    assert stored["method"] == "algorithm-a" and stored["sigma_pt"] == 0.25
    assert stored["link"]["key_comparison"] == "APMP.M.M-K1"
    assert sorted(stored["link"]["linking_laboratories"]) == ["UzNIM", "VMI"]
    assert {d["participant"] for d in stored["link"]["degrees"]} == {"BIPM", "UzNIM", "VMI"}
    with pytest.raises(ValidationError):
        services.save_comparison(net.vmi_user, rmo, {"linked_to": rmo})
