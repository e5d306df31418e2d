"""The network view: coverage per service (units converted) and the four kinds of gap."""

import datetime as dt

import pytest

from nqi.metrology import network
from nqi.metrology.models import Accreditation, Cmc
from nqi.metrology.services.capabilities import save_cmc
from nqi.organizations.models import Organization

pytestmark = pytest.mark.django_db


def offer(lab, service, low, high, unit, status="published", **extra):
    cmc = save_cmc(
        None,
        None,
        {
            "laboratory": lab,
            "service": service,
            "range_low": low,
            "range_high": high,
            "unit": unit,
            "uncertainty_low": 0.1,
            "uncertainty_unit": unit,
            **extra,
        },
    )
    Cmc.objects.filter(pk=cmc.pk).update(status=status)
    return cmc


def accredit(lab, body, number, until, status="active"):
    return Accreditation.objects.create(
        laboratory=lab,
        body=body,
        number=number,
        valid_from=dt.date(2015, 1, 1),
        valid_until=until,
        status=status,
    )


def test_coverage_and_the_four_kinds_of_gap(net):
    quatest2 = Organization.objects.get(seed_key="vn-quatest2")
    vsqi = Organization.objects.get(seed_key="vn-vsqi")
    offer(net.vmi, net.mass, 1e-6, 20, "kg")
    offer(net.quatest, net.mass, 50000, 500000, "g")  # 50 kg … 500 kg: a hole from 20 kg to 50 kg
    offer(net.vmi, net.temperature, -50, 400, "°C", status="internal_review")
    offer(net.quatest, net.voltage, 1, 10, "V", status="draft")  # drafts are not in the network
    offer(net.kriss, net.voltage, 0.001, 1000, "V")
    offer(net.kriss, net.temperature, 83.8058, 933.473, "K")
    accredit(net.quatest, net.boa, "VILAS 001", dt.date(2020, 1, 1))
    accredit(quatest2, net.boa, "VILAS 002", dt.date(2030, 1, 1), status="suspended")
    accredit(vsqi, net.boa, "VILAS 003", dt.date(2030, 1, 1))

    areas = network.coverage()
    by_code = {item.service.code: item for area in areas for item in area.services}
    assert [area.code for area in areas] == ["EM", "M", "T"]
    kriss_thermometry = next(o for o in by_code["T-1.1"].offers if o.laboratory == net.kriss)
    assert kriss_thermometry.low == pytest.approx(-189.3442) and kriss_thermometry.high == pytest.approx(
        660.323
    )
    assert [o.laboratory.acronym for o in by_code["EM-1.1"].offers] == ["KRISS"]

    gaps = network.gaps("vn")
    assert gaps.country == "VN"
    assert [s.code for s in gaps.uncovered] == ["EM-1.1"]
    assert [s.service.code for s in gaps.nmi_only] == ["T-1.1"]
    assert [(s.service.code, s.holes) for s in gaps.holes] == [("M-1.1", [(20.0, 50.0)])]
    assert [(e.laboratory.acronym, e.accreditation.number) for e in gaps.expired] == [
        ("QUATEST 1", "VILAS 001"),
        ("QUATEST 2", "VILAS 002"),
    ]
    assert gaps.count == 5
    published = network.gaps("VN", published_only=True)
    assert {s.code for s in published.uncovered} == {"EM-1.1", "T-1.1"} and published.nmi_only == []

    mass = {item.service.code: item for area in network.coverage("VN") for item in area.services}["M-1.1"]
    chart = str(mass.chart)
    assert chart.startswith("<svg") and 'class="hole"' in chart and "10⁻⁶" in chart  # logarithmic
    assert "QUATEST 1" in chart and "VMI" in chart
    thermometry = str(by_code["T-1.1"].chart)
    assert "10⁻" not in thermometry and "°C" in thermometry  # negative values: a linear axis


def test_cmc_filters_find_who_covers_a_value(net):
    offer(net.vmi, net.mass, 0.001, 20, "kg")
    offer(net.quatest, net.mass, 50, 500, "kg", status="internal_review")
    offer(net.vmi, net.temperature, 0, 100, "°C")

    def codes(**filters):
        return [
            (c.laboratory.acronym, c.service.code) for c in network.filter_cmcs(network.CmcFilters(**filters))
        ]

    assert codes(covers=500, unit="g") == [("VMI", "M-1.1")]
    assert codes(covers=100, unit="kg") == [("QUATEST 1", "M-1.1")]
    assert codes(covers=300, unit="K") == [("VMI", "T-1.1")]
    assert codes(covers=5) == [("VMI", "M-1.1"), ("VMI", "T-1.1")]  # in each CMC's own unit
    assert codes(country="vn", status="internal_review") == [("QUATEST 1", "M-1.1")]
    assert codes(area="T") == [("VMI", "T-1.1")]
    assert codes(q="quatest") == [("QUATEST 1", "M-1.1")]
    with pytest.raises(Exception) as error:
        codes(covers=1, unit="furlong")
    assert "unit" in error.value.message_dict
