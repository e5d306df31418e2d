"""Fixtures shared by the metrology tests: a small real network on top of the seeded organizations.

``net`` gives the labs (VMI, the Vietnamese NMI; QUATEST 1, a regional laboratory; UzNIM; KRISS;
BIPM), the accreditation body BoA, three services (mass, temperature, DC voltage) and the users
``vmi`` (metrologist scoped to VMI), ``quatest`` (metrologist scoped to QUATEST 1) and ``admin``.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest


@pytest.fixture
def net(demo_data, make_user):
    from nqi.core.roles import ADMINISTRATOR, METROLOGIST
    from nqi.metrology.models import MetrologyArea, Service
    from nqi.organizations.models import Organization

    def org(key: str) -> Organization:
        return Organization.objects.get(seed_key=key)

    mass_area = MetrologyArea.objects.create(code="M", name="Mass and related quantities")
    thermo = MetrologyArea.objects.create(code="T", name="Thermometry")
    em = MetrologyArea.objects.create(code="EM", name="Electricity and magnetism")
    mass = Service.objects.create(
        area=mass_area,
        code="M-1.1",
        branch="Mass",
        service="Mass standards",
        sub_service="Weights",
        name="Weights of class E2",
        quantity="mass",
        unit="kg",
    )
    temperature = Service.objects.create(
        area=thermo,
        code="T-1.1",
        branch="Temperature",
        service="Contact thermometry",
        sub_service="Resistance thermometers",
        name="Platinum resistance thermometers",
        quantity="temperature",
        unit="°C",
    )
    voltage = Service.objects.create(
        area=em,
        code="EM-1.1",
        branch="DC and low frequency",
        service="DC voltage",
        sub_service="Sources",
        name="DC voltage sources",
        quantity="DC voltage",
        unit="V",
    )
    vmi, quatest = org("vn-vmi"), org("vn-quatest1")
    return SimpleNamespace(
        vmi=vmi,
        quatest=quatest,
        uznim=org("uz-nim"),
        kriss=org("kr-kriss"),
        bipm=org("int-bipm"),
        boa=org("vn-boa"),
        mass=mass,
        temperature=temperature,
        voltage=voltage,
        areas=(mass_area, thermo, em),
        vmi_user=make_user("vmi", METROLOGIST, vmi),
        quatest_user=make_user("quatest", METROLOGIST, quatest),
        admin=make_user("boss", ADMINISTRATOR),
        today=dt.date(2026, 11, 23),
    )


@pytest.fixture
def make_instrument(net):
    """``make_instrument(owner, asset, level=..., quantities=[{...}])`` through the service layer."""
    from nqi.metrology.services.equipment import save_instrument

    def make(owner=None, asset="A-1", name="Weight 1 kg", level="working", quantities=None, **data):
        quantities = quantities or [
            {
                "quantity": "mass",
                "unit": "kg",
                "range_low": 1,
                "range_high": 1,
                "mpe": 1.6e-6,
                "interval_days": 365,
            }
        ]
        return save_instrument(
            net.admin,
            None,
            {"owner": owner or net.vmi, "asset_number": asset, "name": name, "level": level, **data},
            quantities,
        )

    return make
