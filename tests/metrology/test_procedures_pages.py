"""Procedures library pages: list filters, 404 for unshared, detail, forms with 422, versions, exchange files."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from nqi.metrology.models import Cmc, Procedure
from tests.metrology import test_procedures_setup
from tests.metrology.test_procedures_setup import DATA

lib = test_procedures_setup.lib  # the fixture

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_list_filters_and_unshared_visibility(lib):
    net = lib.net
    public = Client()
    page = public.get("/metrology/procedures/").content.decode()
    assert "VMI-M-01" in page and "Q1-T-01" in page and "VMI-INT-02" not in page
    rows = public.get("/metrology/procedures/", {"q": "comparator"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in rows and "No procedures match." in rows
    assert (
        "VMI-INT-02"
        in logged_in(net.vmi_user).get("/metrology/procedures/", {"q": "comparator"}).content.decode()
    )
    filtered = public.get(
        "/metrology/procedures/", {"area": "T", "language": "", "owner": str(net.quatest.pk)}
    ).content.decode()
    assert "Q1-T-01" in filtered and "VMI-M-01" not in filtered
    assert "VMI-M-01" in public.get("/metrology/procedures/", {"language": "vi"}).content.decode()
    internal = lib.internal.get_absolute_url()
    assert public.get(internal).status_code == 404
    assert logged_in(net.quatest_user).get(internal).status_code == 404
    assert (
        logged_in(net.quatest_user).get(f"/metrology/procedures/{lib.internal.pk}/export.json").status_code
        == 404
    )
    assert logged_in(net.vmi_user).get(internal).status_code == 200
    detail_shows_versions_services_and_cmcs(lib)


def detail_shows_versions_services_and_cmcs(lib):
    net = lib.net
    Cmc.objects.create(
        laboratory=net.vmi, service=net.mass, quantity="mass", range_low=0.001, range_high=1, unit="kg",
        uncertainty_low=1e-8, kcdb_code="APMP-M-VN-0001", procedure=lib.mass, status="published",
    )  # fmt: skip
    page = Client().get(lib.mass.get_absolute_url()).content.decode()
    assert "Scope: E2 weights." in page and "M-1.1" in page and "APMP-M-VN-0001" in page
    assert 'id="calibration-count">0<' in page and "Make current" not in page
    pilot = logged_in(net.vmi_user)
    draft = lib.mass.versions.get(language="vi")
    assert "Make current" in pilot.get(lib.mass.get_absolute_url()).content.decode()
    assert pilot.post(f"/metrology/procedures/{lib.mass.pk}/versions/{draft.pk}/issue/").status_code == 302
    again = pilot.post(f"/metrology/procedures/{lib.mass.pk}/versions/{draft.pk}/issue/")
    assert again.status_code == 422 and "Only a draft version can be issued." in again.content.decode()
    assert "Phạm vi: quả cân E2." in Client().get(lib.mass.get_absolute_url()).content.decode()


def test_forms_create_edit_and_add_version(lib):
    net = lib.net
    client = logged_in(net.vmi_user)
    form = {
        "code": "VMI-M-01",
        "title": "Duplicate",
        "owner": net.vmi.pk,
        "shared": "on",
        "title_ru": "Дубликат",
    }
    clash = client.post("/metrology/procedures/new/", form)
    assert clash.status_code == 422 and "already has a procedure VMI-M-01" in clash.content.decode()
    created = client.post(
        "/metrology/procedures/new/", {**form, "code": "VMI-EM-01", "services": [net.voltage.pk]}
    )
    assert created.status_code == 302
    procedure = Procedure.objects.get(code="VMI-EM-01")
    assert procedure.title_i18n == {"ru": "Дубликат"} and [s.code for s in procedure.services.all()] == [
        "EM-1.1"
    ]
    assert logged_in(net.quatest_user).get(f"/metrology/procedures/{procedure.pk}/edit/").status_code == 403
    edited = client.post(
        f"/metrology/procedures/{procedure.pk}/edit/", {**form, "code": "VMI-EM-01", "title": "DC voltage"}
    )
    assert edited.status_code == 302 and Procedure.objects.get(pk=procedure.pk).title == "DC voltage"
    url = f"/metrology/procedures/{procedure.pk}/versions/"
    empty = client.post(url, {"version": "1", "language": "en", "status": "current"})
    assert empty.status_code == 422 and "Give the text of the procedure" in empty.content.decode()
    assert (
        client.post(
            url, {"version": "1", "language": "en", "status": "current", "body": "Apply 10 V."}
        ).status_code
        == 302
    )
    assert procedure.current_versions().get().body == "Apply 10 V."
    export_and_import_pages(lib)


def export_and_import_pages(lib):
    net = lib.net
    exported = Client().get("/metrology/procedures/export.json", {"owner": net.vmi.pk})
    assert exported["Content-Disposition"].startswith("attachment")
    assert [p["code"] for p in json.loads(exported.content)["procedures"]] == ["VMI-EM-01", "VMI-M-01"]
    client = logged_in(net.quatest_user)
    assert Client().get("/metrology/procedures/import/").status_code == 302  # log in first
    upload = SimpleUploadedFile(
        "partner.json", (DATA / "procedures_exchange.json").read_bytes(), "application/json"
    )
    done = client.post("/metrology/procedures/import/", {"file": upload})
    assert done.status_code == 200
    body = done.content.decode()
    assert "UZ-M-011" in body and "M-7.3" in body
    assert Procedure.objects.filter(owner=net.quatest, code="UZ-T-004").exists()
    again = client.post(
        "/metrology/procedures/import/",
        {"file": SimpleUploadedFile("p.json", (DATA / "procedures_exchange.json").read_bytes())},
    )
    assert again.status_code == 422 and "procedures[0].code: " in again.content.decode()
    broken = client.post("/metrology/procedures/import/", {"file": SimpleUploadedFile("x.json", b"{oops")})
    assert broken.status_code == 422 and "Not a JSON file" in broken.content.decode()
