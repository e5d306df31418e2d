"""Traceability pages and API over HTTP: the graph (SVG and nested list), broken chains, reverse
traceability with its CSV, and the JSON endpoints with their errors."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client

from tests.metrology.test_traceability_chains import chain, make_record, set_status  # noqa: F401
from tests.metrology.test_traceability_reverse import drift  # noqa: F401

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
WINDOW = {"date_from": "2024-01-01", "date_to": "2025-12-31"}
API = "/api/v1/metrology"
D = dt.date


def test_graph_page_shows_svg_and_accessible_list(chain):  # noqa: F811
    response = Client().get(f"/metrology/calibrations/{chain.c_balance.pk}/traceability/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="trace-graph"' in html
    assert html.count('class="node verdict-ok') == 5  # record, working, reference, national, SI
    assert 'class="trace-tree"' in html and "National measurement standard" in html
    assert chain.c_working.certificate_number in html and "Traceable" in html
    assert 'class="subnav"' in html
    chain.balance.name = "<script>alert(1)</script>"  # every text is escaped, in the SVG too
    chain.balance.save()
    html = Client().get(f"/metrology/calibrations/{chain.c_balance.pk}/traceability/").content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_graph_page_of_a_broken_chain_lists_the_problems(chain):  # noqa: F811
    set_status(chain.c_working, "withdrawn")
    html = Client().get(f"/metrology/calibrations/{chain.c_balance.pk}/traceability/").content.decode()
    assert "verdict-broken" in html and 'id="trace-problems"' in html and "link_withdrawn" in html
    svg = Client().get(f"/metrology/calibrations/{chain.c_balance.pk}/traceability.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"verdict-broken" in svg.content
    assert Client().get("/metrology/calibrations/999999/traceability/").status_code == 404


def test_broken_chains_page(drift):  # noqa: F811
    set_status(drift.c_s2, "withdrawn")
    client = Client()
    url = "/metrology/traceability/"
    assert "Choose a laboratory" in client.get(url).content.decode()
    response = client.get(url, {"laboratory": drift.net.quatest.pk, **WINDOW})
    html = response.content.decode()
    assert response.status_code == 200
    assert "VIA-1" in html and "VIA-2" in html and "link_withdrawn" in html
    assert "Q-W2" in html and "found_out_of_tolerance" in html  # standards at risk
    bad = client.get(
        url, {"laboratory": drift.net.quatest.pk, "date_from": "2020-01-01", "date_to": "2025-01-01"}
    )
    assert bad.status_code == 422 and "at most" in bad.content.decode()
    reversed_dates = client.get(
        url, {"laboratory": drift.net.quatest.pk, "date_from": "2025-01-01", "date_to": "2024-01-01"}
    )
    assert reversed_dates.status_code == 422
    assert client.get(url, {"laboratory": "abc"}).status_code == 422
    partial = client.get(url, {"laboratory": drift.net.quatest.pk, **WINDOW}, HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content and b"VIA-1" in partial.content
    client.force_login(drift.net.quatest_user)  # a metrologist sees their own laboratory first
    html = client.get(url).content.decode()
    assert f"Certificates of {drift.net.quatest}" in html


def test_reverse_page_and_csv(drift):  # noqa: F811
    client = Client()
    url = f"/metrology/instruments/{drift.w.pk}/reverse/"
    html = client.get(url).content.decode()
    assert "W-2025" in html and "W-2024" in html and "B2" in html and "S2-2024" in html
    assert "VIA-1" not in html
    transitive = client.get(url, {"transitive": "on"}).content.decode()
    assert "VIA-1" in transitive and "VIA-2" in transitive
    assert client.get(url, {"failing": "123456789"}).status_code == 422
    export = client.get(f"/metrology/instruments/{drift.w.pk}/reverse.csv", {"transitive": "on"})
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0][:2] == ["Level", "Certificate"]
    assert [row[1] for row in rows[1:]] == ["B2", "S2-2024", "VIA-1", "VIA-2"]
    assert rows[3][7] == str(drift.net.kriss) and rows[3][9] == "S2-2024"
    never = client.get(f"/metrology/instruments/{drift.s2.pk}/reverse/")
    assert never.status_code == 200 and 'id="never-failed"' in never.content.decode()
    assert client.get(f"/metrology/instruments/{drift.s2.pk}/reverse.csv").status_code == 422


def test_api_traceability(chain):  # noqa: F811
    client = Client()
    body = client.get(f"{API}/calibrations/{chain.c_balance.pk}/traceability").json()
    assert body["ok"] is True and body["problems"] == []
    kinds = {node["id"]: (node["kind"], node["layer"]) for node in body["nodes"]}
    assert kinds[f"n{chain.national.pk}"] == ("national", 3) and kinds["si"] == ("si", 4)
    assert {"source": f"r{chain.c_balance.pk}", "target": f"r{chain.c_working.pk}", "cycle": False} in body[
        "edges"
    ]
    set_status(chain.c_working, "withdrawn")
    body = client.get(f"{API}/calibrations/{chain.c_balance.pk}/traceability").json()
    assert body["ok"] is False and body["problems"][0]["code"] == "link_withdrawn"
    missing = client.get(f"{API}/calibrations/99999999/traceability")
    assert missing.status_code == 404 and missing["Content-Type"] == PROBLEM
    assert client.get(f"{API}/calibrations/0/traceability").status_code == 422


def test_api_lists(drift):  # noqa: F811
    set_status(drift.c_s2, "withdrawn")
    client = Client()
    quatest = drift.net.quatest.pk
    body = client.get(f"{API}/traceability/broken", {"laboratory_id": quatest, **WINDOW}).json()
    assert body["count"] == 2 and [i["certificate_number"] for i in body["items"]] == ["VIA-2", "VIA-1"]
    risk = client.get(f"{API}/traceability/standards-at-risk", {"laboratory_id": quatest, **WINDOW})
    assert {row["standard"].split()[0]: row["code"] for row in risk.json()} == {
        "Q-S2": "calibration_withdrawn",
        "Q-W2": "found_out_of_tolerance",
    }
    bad = client.get(f"{API}/traceability/broken", {"laboratory_id": quatest, "date_from": "2020-01-01"})
    assert bad.status_code == 422 and bad["Content-Type"] == PROBLEM
    assert bad.json()["errors"][0]["field"] == "date_from"
    unknown = client.get(f"{API}/traceability/broken", {"laboratory_id": 2_000_000_000})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "laboratory_id"
    assert client.get(f"{API}/traceability/broken").status_code == 422


def test_api_reverse(drift):  # noqa: F811
    client = Client()
    url = f"{API}/instruments/{drift.w.pk}/reverse-traceability"
    body = client.get(url, {"transitive": True}).json()
    assert body["failing"]["certificate_number"] == "W-2025"
    assert body["last_good"]["certificate_number"] == "W-2024"
    assert (body["window_start"], body["window_end"]) == ("2024-01-10", "2025-01-10")
    assert [a["certificate_number"] for a in body["affected"]] == ["B2", "S2-2024", "VIA-1", "VIA-2"]
    assert body["count"] == 4 and body["affected"][2]["via_certificate"] == "S2-2024"
    page = client.get(url, {"transitive": True, "limit": 1, "offset": 1}).json()
    assert [a["certificate_number"] for a in page["affected"]] == ["S2-2024"]
    wrong = client.get(url, {"failing_id": drift.good.pk})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "failing_id"
    never = client.get(f"{API}/instruments/{drift.s2.pk}/reverse-traceability").json()
    assert never["failing"] is None and never["affected"] == []
    assert client.get(f"{API}/instruments/99999999/reverse-traceability").status_code == 404
