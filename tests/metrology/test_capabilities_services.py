"""CMC and accreditation services: the review workflow and who may do what, validation, the
uncertainty a CMC claims at x (four kinds), ranges with unit conversion, the taxonomy file."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from nqi.metrology.demo.taxonomy import DATA_FILE, load_taxonomy
from nqi.metrology.models import Accreditation, Cmc, MetrologyArea, Service
from nqi.metrology.services.capabilities import (
    allowed_transitions,
    cmc_uncertainty_at,
    convert,
    covers,
    save_accreditation,
    save_cmc,
    set_cmc_status,
)

pytestmark = pytest.mark.django_db


def weights(net, **changes):
    return {
        "laboratory": net.vmi,
        "service": net.mass,
        "range_low": 0.001,
        "range_high": 20,
        "unit": "kg",
        "uncertainty_low": 0.01,
        "uncertainty_high": 30,
        "uncertainty_unit": "mg",
        **changes,
    }


def test_metrologist_moves_a_cmc_through_review_and_only_an_administrator_publishes(net):
    cmc = save_cmc(net.vmi_user, None, weights(net))
    assert cmc.status == "draft" and cmc.quantity == "mass"  # the service's quantity by default
    assert allowed_transitions(net.vmi_user, cmc) == ["internal_review", "withdrawn"]
    set_cmc_status(net.vmi_user, cmc, "internal_review")
    cmc = set_cmc_status(net.vmi_user, cmc, "regional_review")
    assert "published" not in allowed_transitions(net.vmi_user, cmc)
    with pytest.raises(PermissionDenied):
        set_cmc_status(net.vmi_user, cmc, "published")
    cmc = set_cmc_status(net.admin, cmc, "published", approved_on=dt.date(2026, 5, 1))
    assert cmc.approved_on == dt.date(2026, 5, 1) and cmc.published_on is not None
    with pytest.raises(ValidationError, match="cannot be changed"):
        save_cmc(net.admin, cmc, {"range_high": 50})
    with pytest.raises(ValidationError) as error:
        set_cmc_status(net.vmi_user, cmc, "draft")
    assert "status" in error.value.message_dict
    cmc = set_cmc_status(net.vmi_user, cmc, "withdrawn")
    assert allowed_transitions(net.admin, cmc) == []


def test_writes_are_scoped_to_the_users_laboratory(net):
    with pytest.raises(PermissionDenied):
        save_cmc(net.quatest_user, None, weights(net))
    cmc = save_cmc(net.vmi_user, None, weights(net))
    with pytest.raises(PermissionDenied):
        save_cmc(net.quatest_user, cmc, {"range_high": 10})
    with pytest.raises(PermissionDenied):
        save_cmc(net.vmi_user, cmc, {"laboratory": net.quatest})  # moving it out of scope
    with pytest.raises(PermissionDenied):
        set_cmc_status(net.quatest_user, cmc, "internal_review")
    assert allowed_transitions(net.quatest_user, cmc) == []


def test_editing_a_cmc_under_review_sends_it_back_to_draft(net):
    cmc = save_cmc(net.vmi_user, None, weights(net))
    cmc = set_cmc_status(net.vmi_user, cmc, "internal_review")
    assert save_cmc(net.vmi_user, cmc, {"method": cmc.method}).status == "internal_review"  # no change
    assert save_cmc(net.vmi_user, cmc, {"method": "Subdivision"}).status == "draft"


def test_validation_names_every_field(net):
    with pytest.raises(ValidationError) as error:
        save_cmc(
            net.vmi_user,
            None,
            weights(
                net, range_low=5, range_high=1, uncertainty_unit="V", coverage_factor=0.5, parameters="x"
            ),
        )
    assert {"range_high", "coverage_factor", "parameters"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        save_cmc(net.vmi_user, None, weights(net, unit="V"))
    assert "unit" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        save_cmc(net.vmi_user, None, weights(net, uncertainty_unit="V"))
    assert "uncertainty_unit" in error.value.message_dict
    cases = [
        ({"uncertainty_kind": "relative", "uncertainty_unit": "mg"}, "uncertainty_unit"),
        ({"uncertainty_kind": "equation", "uncertainty_equation": "0.1 + y"}, "uncertainty_equation"),
        (
            {"uncertainty_kind": "equation", "uncertainty_equation": "__import__('os')"},
            "uncertainty_equation",
        ),
        ({"uncertainty_kind": "equation", "uncertainty_equation": "1/(x - 1)"}, "uncertainty_equation"),
        ({"uncertainty_kind": "table", "uncertainty_table": [[2, 1], [1, 1]]}, "uncertainty_table"),
        ({"uncertainty_kind": "table", "uncertainty_table": [[1, -1]]}, "uncertainty_table"),
        ({"uncertainty_low": float("inf")}, "uncertainty_low"),
        ({"uncertainty_low": -1}, "uncertainty_low"),
        ({"laboratory": net.boa}, "laboratory"),
    ]
    for changes, field in cases:
        with pytest.raises(ValidationError) as error:
            save_cmc(net.admin, None, weights(net, **changes))
        assert field in error.value.message_dict, changes
    assert not Cmc.objects.exists()


def test_uncertainty_at_x_for_each_kind_and_ranges(net):
    absolute = save_cmc(net.admin, None, weights(net))  # 0.01 mg at 1 g … 30 mg at 20 kg
    assert cmc_uncertainty_at(absolute, 0.001) == pytest.approx(1e-8)  # kg
    assert cmc_uncertainty_at(absolute, 20) == pytest.approx(30e-6)
    assert cmc_uncertainty_at(absolute, 10.0005) == pytest.approx(15.005e-6, rel=1e-3)
    relative = save_cmc(
        net.admin,
        None,
        {
            "laboratory": net.vmi,
            "service": net.voltage,
            "range_low": 1,
            "range_high": 10,
            "unit": "V",
            "uncertainty_kind": "relative",
            "uncertainty_low": 2,
            "uncertainty_unit": "µV/V",
        },
    )
    assert cmc_uncertainty_at(relative, 10) == pytest.approx(20e-6)  # 10 V × 2 µV/V
    equation = save_cmc(
        net.admin,
        None,
        {
            "laboratory": net.vmi,
            "service": net.temperature,
            "range_low": -50,
            "range_high": 400,
            "unit": "°C",
            "uncertainty_kind": "equation",
            "uncertainty_equation": "Q[0.003, 2e-5*x]",
            "uncertainty_unit": "°C",
        },
    )
    assert cmc_uncertainty_at(equation, 400) == pytest.approx((0.003**2 + 0.008**2) ** 0.5)
    assert cmc_uncertainty_at(equation, 0) == pytest.approx(0.003)
    percent = save_cmc(
        net.admin,
        None,
        weights(net, uncertainty_kind="equation", uncertainty_equation="0.01", uncertainty_unit="%"),
    )
    assert cmc_uncertainty_at(percent, 2) == pytest.approx(2e-4)  # a dimensionless unit: relative
    table = save_cmc(
        net.admin,
        None,
        weights(net, uncertainty_kind="table", uncertainty_table=[[0.001, 0.01], [1, 0.5], [10, 5]]),
    )
    assert cmc_uncertainty_at(table, 5.5) == pytest.approx(2.75e-6)  # halfway 0.5 … 5 mg
    assert cmc_uncertainty_at(table, 20) == pytest.approx(5e-6)  # beyond the table: its last row

    # Ranges with units converted, Celsius with its offset.
    cmc = absolute
    assert covers(cmc, 500, "g") and covers(cmc, 20, "kg") and covers(cmc, 1, "g")
    assert not covers(cmc, 0.5, "g") and not covers(cmc, 21000, "g") and not covers(cmc, 1, "V")
    assert convert(300, "K", "°C") == pytest.approx(26.85)
    thermometer = save_cmc(
        net.admin,
        None,
        {
            "laboratory": net.vmi,
            "service": net.temperature,
            "range_low": 0,
            "range_high": 100,
            "unit": "°C",
            "uncertainty_low": 10,
            "uncertainty_unit": "mK",
        },
    )
    assert covers(thermometer, 300, "K") and not covers(thermometer, 200, "K")
    assert cmc_uncertainty_at(thermometer, 50) == pytest.approx(0.01)  # 10 mK is 0.01 °C


def test_accreditations_in_scope_of_the_laboratory(net):
    data = {
        "laboratory": net.quatest,
        "body": net.boa,
        "number": "VILAS 001",
        "valid_from": dt.date(2022, 1, 1),
        "valid_until": dt.date(2027, 1, 1),
    }
    with pytest.raises(PermissionDenied):
        save_accreditation(net.vmi_user, None, data)
    accreditation = save_accreditation(net.quatest_user, None, data)
    assert accreditation.is_valid_on(dt.date(2026, 1, 1))
    with pytest.raises(ValidationError) as error:
        save_accreditation(net.quatest_user, accreditation, {"valid_until": dt.date(2020, 1, 1)})
    assert "valid_until" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        save_accreditation(net.admin, None, {**data, "number": "X", "body": net.vmi})  # not a body
    assert "body" in error.value.message_dict
    assert Accreditation.objects.count() == 1


def test_taxonomy_file_loads_idempotently_with_every_language(db):
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    assert "source" in data and "licence" in data
    for row in data["areas"] + data["services"]:
        assert set(row["name"]) == {"en", "vi", "uz", "kk", "ru"} and all(row["name"].values())
    first = load_taxonomy()
    assert MetrologyArea.objects.count() == 9 and Service.objects.count() == len(data["services"]) >= 40
    assert first["created"] > 0
    second = load_taxonomy()
    assert second["created"] == second["updated"] == 0
    mass = Service.objects.get(code="M-1.1")
    assert mass.area.code == "M" and mass.name_i18n["ru"] == "Гири классов точности E1–M3"
    assert MetrologyArea.objects.get(code="QM").name_i18n["kk"] == "Химия және биология"
