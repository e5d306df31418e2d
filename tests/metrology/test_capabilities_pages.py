"""Pages: the CMC list (live filter), detail, form with field errors, status buttons, a laboratory's
capabilities and accreditations, the network with its gaps."""

import re

import pytest
from django.test import Client

from nqi.metrology.models import Accreditation, Cmc
from nqi.metrology.services.capabilities import save_cmc

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form(net, **changes):
    return {
        "laboratory": net.vmi.pk,
        "service": net.mass.pk,
        "range_low": "0.001",
        "range_high": "20",
        "unit": "kg",
        "uncertainty_kind": "absolute",
        "uncertainty_low": "0.01",
        "uncertainty_high": "30",
        "uncertainty_unit": "mg",
        "coverage_factor": "2",
        "confidence_level": "95",
        "parameters_text": "Accuracy class = E2",
        **changes,
    }


def test_metrologist_adds_edits_and_submits_a_cmc(net):
    client = logged_in(net.vmi_user)
    page = client.get("/metrology/cmcs/add/")
    assert page.status_code == 200
    labs = re.search(r'<select name="laboratory".*?</select>', page.content.decode(), re.S).group(0)
    assert f'<option value="{net.vmi.pk}">' in labs and f'<option value="{net.quatest.pk}">' not in labs
    bad = client.post(
        "/metrology/cmcs/add/",
        form(net, range_low="50", uncertainty_unit="V", table_text="1 2 3", uncertainty_kind="table"),
    )
    assert bad.status_code == 422
    text = bad.content.decode()
    assert "Line 1: write two numbers, x and U." in text
    bad = client.post("/metrology/cmcs/add/", form(net, range_low="50", uncertainty_unit="V"))
    text = bad.content.decode()
    assert bad.status_code == 422 and "The upper limit is below the lower limit." in text
    assert "An absolute uncertainty needs a unit of the quantity (kg)." in text
    created = client.post("/metrology/cmcs/add/", form(net))
    assert created.status_code == 302
    cmc = Cmc.objects.get()
    assert created["Location"] == cmc.get_absolute_url()
    assert cmc.parameters == [{"name": "Accuracy class", "value": "E2"}] and cmc.quantity == "mass"

    detail = client.get(cmc.get_absolute_url()).content.decode()
    assert "Weights of class E2" in detail and "Accuracy class: E2" in detail and 'id="history"' in detail
    assert "Move to “Internally reviewed”" in detail and f"/metrology/cmcs/{cmc.pk}/edit/" in detail
    assert client.post(f"/metrology/cmcs/{cmc.pk}/edit/", form(net, range_high="50")).status_code == 302
    assert Cmc.objects.get().range_high == 50
    assert client.post(f"/metrology/cmcs/{cmc.pk}/status/", {"status": "internal_review"}).status_code == 302
    assert client.post(f"/metrology/cmcs/{cmc.pk}/status/", {"status": "regional_review"}).status_code == 302
    refused = client.post(f"/metrology/cmcs/{cmc.pk}/status/", {"status": "published"})
    assert refused.status_code == 403 and Cmc.objects.get().status == "regional_review"
    admin = logged_in(net.admin)
    assert admin.post(f"/metrology/cmcs/{cmc.pk}/status/", {"status": "published"}).status_code == 302
    assert Cmc.objects.get().status == "published"
    assert client.get(f"/metrology/cmcs/{cmc.pk}/edit/").status_code == 403
    assert logged_in(net.quatest_user).get(f"/metrology/cmcs/{cmc.pk}/edit/").status_code == 403
    assert Client().get("/metrology/cmcs/add/").status_code == 302  # to the login page


def test_lists_lab_page_accreditations_and_network(net):
    cmc = save_cmc(
        None,
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
            "kcdb_code": "APMP-T-VN-0001",
        },
    )
    Cmc.objects.filter(pk=cmc.pk).update(status="published")
    client = Client()
    page = client.get("/metrology/cmcs/", {"q": "platinum"}).content.decode()
    assert "APMP-T-VN-0001" in page and 'href="/metrology/network/"' in page  # the sub-navigation
    rows = client.get(
        "/metrology/cmcs/", {"covers": "300", "unit": "K"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in rows and "APMP-T-VN-0001" in rows
    rows = client.get("/metrology/cmcs/", {"covers": "300", "unit": "furlong"}, HTTP_HX_REQUEST="true")
    assert rows.status_code == 200 and "Unknown unit" in rows.content.decode()
    assert (
        "1 CMC" in client.get("/metrology/cmcs/", {"country": "VNM", "status": "nonsense"}).content.decode()
    )
    detail = client.get(cmc.get_absolute_url()).content.decode()
    assert "0.008544" in detail or "0.00854" in detail  # U at 400 °C = √(0.003² + 0.008²)

    lab = client.get(f"/metrology/labs/{net.quatest.pk}/")
    assert lab.status_code == 200 and "No accreditations recorded." in lab.content.decode()
    manager = logged_in(net.quatest_user)
    url = f"/metrology/labs/{net.quatest.pk}/accreditations/add/"
    assert logged_in(net.vmi_user).get(url).status_code == 403
    fields = {
        "body": net.boa.pk,
        "standard": "ISO/IEC 17025:2017",
        "number": "VILAS 001",
        "valid_from": "2015-01-01",
        "valid_until": "2020-01-01",
        "status": "active",
    }
    bad = manager.post(url, {**fields, "valid_until": "2010-01-01"})
    assert bad.status_code == 422 and "The end of validity is before its start." in bad.content.decode()
    assert manager.post(url, fields).status_code == 302
    assert Accreditation.objects.get().laboratory == net.quatest
    lab = manager.get(f"/metrology/labs/{net.quatest.pk}/").content.decode()
    assert "VILAS 001" in lab and "Expired" in lab

    network = client.get("/metrology/network/", {"country": "VN"}).content.decode()
    assert "<svg" in network and "Platinum resistance thermometers" in network
    assert 'class="expired"' in network and "QUATEST 1" in network  # gap (d)
    assert "Weights of class E2" in network  # gap (a): no laboratory offers it
    assert "NMI only" in network  # gap (b)
    everything = client.get("/metrology/network/").content.decode()
    assert "Choose a country to see the gaps of its network." in everything

    client.cookies["nqi_language"] = "ru"
    assert client.get("/metrology/network/", {"country": "VN"}).status_code == 200
