"""Certificate pages and API: DCC download, PDF, public verification (every state), DCC import."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from weasyprint import HTML

from nqi.core.models import ApiToken
from nqi.metrology.certificates.pdf import certificate_html
from nqi.metrology.certificates.verification import State, verify
from nqi.metrology.models import CalibrationRecord, RecordStatus
from nqi.metrology.services.calibrations import issue, revise, withdraw
from tests.metrology import test_certificates_setup

certs = test_certificates_setup.certs  # the shared fixture
DATA = Path(__file__).parent / "data" / "dcc"
API = "/api/v1/metrology"
PROBLEM = "application/problem+json"


def bearer(user):
    _token, key = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_dcc_download_is_byte_identical_and_drafts_are_private(certs, client):
    record = certs.record
    url = f"/metrology/calibrations/{record.pk}/dcc.xml"
    first, second = client.get(url), client.get(url)
    assert first.status_code == 200 and first["Content-Type"] == "application/xml"
    assert first.content == second.content == record.dcc_xml.encode()
    assert hashlib.sha256(first.content).hexdigest() == record.dcc_sha256 == first["ETag"].strip('"')
    draft = certs.draft()
    draft_url = f"/metrology/calibrations/{draft.pk}/dcc.xml"
    assert client.get(draft_url).status_code == 404  # anonymous
    client.force_login(certs.net.quatest_user)  # another laboratory's metrologist
    assert client.get(draft_url).status_code == 404
    assert client.get(f"/metrology/calibrations/{draft.pk}/certificate.pdf").status_code == 404
    client.force_login(certs.net.vmi_user)
    preview = client.get(draft_url)
    assert preview.status_code == 200 and preview["X-DCC-Status"] == "draft"
    assert b"DRAFT PREVIEW" in preview.content and draft.certificate_number.encode() in preview.content
    assert client.get("/metrology/calibrations/999999/dcc.xml").status_code == 404


def test_pdf_certificate_in_the_ui_language_with_qr_and_watermarks(certs, client):
    record = certs.record
    verify_url = "http://testserver/verify/" + record.certificate_number + "/"
    html = certificate_html(record, verify_url, "vi")
    document = HTML(string=html).render()  # (also loads WeasyPrint and the fonts, once per process)
    document.write_pdf()
    assert 1 <= len(document.pages) <= 3
    fonts = {font.name.split(b"+")[-1] for font in document.fonts.values()}
    assert b"DejaVu-Sans" in fonts  # for Vietnamese and Cyrillic text
    started = time.perf_counter()
    response = client.get(f"/metrology/calibrations/{record.pk}/certificate.pdf?lang=vi")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and elapsed < 1.5

    assert '<html lang="vi">' in html and record.certificate_number in html
    assert record.dcc_sha256 in html and verify_url in html and "<svg" in html
    for text in (
        "SN-330-4411",
        "Thermohygrometer",
        "Reference thermometer",
        certs.standard_record.certificate_number,
    ):
        assert text in html
    assert "20.2" in html and "0.32" in html and "−" not in html.split('id="standards"')[0][-5:]
    assert 'id="watermark"' not in html and "JCGM 100:2008" in html

    revision = issue(certs.net.admin, revise(certs.net.admin, record, "Wrong serial"))
    old = certificate_html(CalibrationRecord.objects.get(pk=record.pk), verify_url, "en")
    assert 'id="watermark">SUPERSEDED<' in old and revision.certificate_number in old
    new = certificate_html(revision, verify_url, "en")
    assert 'id="revision-note"' in new and "Wrong serial" in new
    withdrawn = withdraw(certs.net.admin, revision, "Chamber out of tolerance")
    # In the certificate's language: Russian, not the English stamp.
    assert 'id="watermark">ОТОЗВАН<' in certificate_html(withdrawn, verify_url, "ru")


def test_verification_states_and_file_check(certs, client):
    net, record = certs.net, certs.record
    number = record.certificate_number
    assert verify(number, today=dt.date(2026, 6, 1)).state == State.CURRENT
    assert verify(number, today=dt.date(2030, 1, 1)).state == State.EXPIRED
    assert verify("NO-SUCH-1").state == State.UNKNOWN and not verify("NO-SUCH-1").genuine
    assert verify(certs.draft().certificate_number).state == State.UNKNOWN  # drafts are not disclosed

    page = client.get(f"/verify/{number}/")
    assert page.status_code == 200 and 'data-state="current"' in page.content.decode()
    assert "SN-330-4411" in page.content.decode() and "dilnoza" not in page.content.decode().lower()
    assert client.get("/verify/", {"number": number}).url == f"/verify/{number}/"

    same = SimpleUploadedFile("c.xml", record.dcc_xml.encode(), "application/xml")
    matched = client.post("/verify/", {"number": number, "file": same})
    assert matched.status_code == 200 and "File matches" in matched.content.decode()
    changed = SimpleUploadedFile(
        "c.xml", record.dcc_xml.encode().replace(b"20.2", b"20.1"), "application/xml"
    )
    mismatch = client.post("/verify/", {"file": changed})  # the number is read from the file
    assert "File does not match" in mismatch.content.decode() and number in mismatch.content.decode()
    assert client.post("/verify/", {}).status_code == 422

    body = client.get(f"{API}/verify/{number}").json()
    assert body["state"] == "current" and body["genuine"] and body["serial_number"] == "SN-330-4411"
    upload = SimpleUploadedFile("c.xml", record.dcc_xml.encode(), "application/xml")
    assert client.post(f"{API}/verify", {"file": upload}).json()["file_matches"] is True

    revision = issue(net.admin, revise(net.admin, record, "Typo"))
    result = client.get(f"/verify/{number}/").content.decode()
    assert 'data-state="superseded"' in result and f'href="/verify/{revision.certificate_number}/"' in result
    slash = client.get(f"/verify/{revision.certificate_number}/")  # …/R1 has a slash
    assert 'data-state="current"' in slash.content.decode()
    assert client.get(f"{API}/verify/{revision.certificate_number}").json()["state"] == "current"
    withdraw(net.admin, revision, "Chamber out of tolerance")
    gone = client.get(f"{API}/verify/{revision.certificate_number}").json()
    assert gone["state"] == "withdrawn" and gone["withdrawal_reason"] == "Chamber out of tolerance"
    assert gone["genuine"] is True

    for odd in ("x" * 5000, "a%00b", "..%2F..%2Fetc", "%E2%80%AE", "' OR 1=1 --"):
        assert client.get(f"/verify/{odd}/").status_code == 200
        assert client.get(f"{API}/verify/{odd}").status_code == 200
    # NUL in a form value is refused by the site's middleware (400), never a server error.
    assert client.get("/verify/", {"number": "a\x00b"}).status_code in (200, 400)
    assert client.post("/verify/", {"number": "\x00" * 10}).status_code in (200, 400, 422)


def test_dcc_import_page_and_api(certs, client):
    net = certs.net
    url = "/metrology/calibrations/import-dcc/"
    assert client.get(url).status_code == 302  # login first
    client.force_login(net.vmi_user)
    form = client.get(url)
    assert form.status_code == 200 and 'name="acting_lab"' in form.content.decode()
    bad = SimpleUploadedFile("bad.xml", (DATA / "unknown_unit.xml").read_bytes())
    refused = client.post(url, {"file": bad, "acting_lab": net.vmi.pk})
    assert refused.status_code == 422 and "furlong" in refused.content.decode()
    good = SimpleUploadedFile("kriss.xml", (DATA / "kriss_weight_1kg.xml").read_bytes())
    done = client.post(url, {"file": good, "acting_lab": net.vmi.pk})
    record = CalibrationRecord.objects.get(certificate_number="KRISS-M-2026-0815")
    assert done.status_code == 302 and done.url == record.get_absolute_url() and record.external
    external = client.get("/verify/KRISS-M-2026-0815/").content.decode()
    assert 'data-state="external"' in external

    api = Client()
    upload = SimpleUploadedFile("k.xml", (DATA / "no_serial.xml").read_bytes())
    assert api.post(f"{API}/dcc/import", {"file": upload}).status_code == 401
    denied = api.post(
        f"{API}/dcc/import",
        {"file": SimpleUploadedFile("k.xml", record.dcc_xml.encode()), "acting_lab_id": net.vmi.pk},
        **bearer(net.quatest_user),
    )
    assert denied.status_code == 403 and denied["Content-Type"] == PROBLEM
    upload = SimpleUploadedFile("k.xml", (DATA / "no_serial.xml").read_bytes())
    problem = api.post(f"{API}/dcc/import", {"file": upload}, **bearer(net.vmi_user))
    assert problem.status_code == 422 and problem["Content-Type"] == PROBLEM
    assert any(e["field"] == "file" and "serial" in e["message"] for e in problem.json()["errors"])
    own = certs.record.dcc_xml.encode().replace(certs.record.certificate_number.encode(), b"VMI-2026-API-1")
    created = api.post(
        f"{API}/dcc/import", {"file": SimpleUploadedFile("o.xml", own)}, **bearer(net.vmi_user)
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (
        body["status"] == RecordStatus.DRAFT
        and body["external"] is False
        and body["item_id"] == certs.item.pk
    )
