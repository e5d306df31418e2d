"""CSV/XLSX import: designation parsing, adoption linking, review queue, rejections, all-or-nothing."""

from pathlib import Path

import pytest

from nqi.core.search import search
from nqi.standards.national import importer
from nqi.standards.national.models import Adoption, NationalStandard, ReviewItem

pytestmark = pytest.mark.django_db
DATA = Path(importer.__file__).parent / "data"


def _adopted(designation):
    std = NationalStandard.objects.get(designation=designation)
    return sorted(a.document.canonical for a in std.adoptions.select_related("document"))


def test_designations_and_adoptions_are_linked(vn):
    assert NationalStandard.objects.filter(country=vn).count() == 8
    assert _adopted("TCVN ISO 9001:2015") == ["ISO 9001:2015"]  # embedded, same year
    assert _adopted("TCVN ISO 9001:2008") == ["ISO 9001:2008"]
    assert _adopted("TCVN ISO 14001:2010") == ["ISO 14001:2004"]  # from the adopts column
    assert _adopted("TCVN 4255:2008") == ["IEC 60529:1989"]
    mod = Adoption.objects.get(standard__designation="TCVN 4255:2008")
    assert (mod.degree, mod.method) == ("MOD", "redrafting")
    new = NationalStandard.objects.get(designation="TCVN ISO 9001:2015")
    assert new.replaces.designation == "TCVN ISO 9001:2008" and new.ics_field == "03"
    assert new.title.startswith("Hệ thống") and new.technical_committee == "TCVN/TC 176"


def test_unknown_and_ambiguous_references_go_to_review(vn):
    items = {i.standard.designation: i for i in ReviewItem.objects.select_related("standard")}
    assert items["TCVN 7391-1:2004 (ISO 10993-1:2003)"].reason == "unknown"
    assert "TCVN ISO/IEC 17025:2017" not in items  # same year edition exists
    assert not NationalStandard.objects.get(designation="TCVN 6165:2009").adoptions.exists()


def test_search_finds_national_standards(vn):
    found = search(NationalStandard, "quản lý chất lượng")
    assert {s.designation for s in found} >= {"TCVN ISO 9001:2015"}
    assert search(NationalStandard, "tcvn 4255")[0].designation == "TCVN 4255:2008"


def test_reimport_is_unchanged(vn, vn_csv):
    result = importer.import_catalogue([vn_csv])
    assert (result.run.added, result.run.changed, result.run.unchanged) == (0, 0, 8)
    assert Adoption.objects.count() == 5


def test_bad_rows_are_reported_and_all_or_nothing(catalogue, demo_data, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "designation,status,approval_date,ics,adopts\n"
        "TCVN ISO 9001:2015,in_force,2015-12-31,03.120.10,\n"
        "not a designation,in_force,,,\n"
        "TCVN 1:2000,sleeping,,,\n"
        "TCVN 2:2000,in_force,31/12/2000,,\n"
        "TCVN 3:2000,in_force,,3.1,\n"
        "TCVN 4:2000,in_force,,,banana\n"
        "TCVN ISO 9001:2015,in_force,,,\n",
        encoding="utf-8",
    )
    result = importer.import_catalogue([path], all_or_nothing=True)
    assert not result.run.applied and NationalStandard.objects.count() == 0
    lines = [(r["file"], r["line"]) for r in result.run.rejections]
    assert lines == [("bad.csv", n) for n in (3, 4, 5, 6, 7, 8)]
    assert "status" in result.run.rejections[1]["reason"]
    assert "already given at bad.csv:2" in result.run.rejections[5]["reason"]
    partial = importer.import_catalogue([path])
    assert partial.run.applied and NationalStandard.objects.count() == 1


def test_country_option_must_agree(catalogue, demo_data, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("designation\nTCVN 1:2000\n", encoding="utf-8")
    result = importer.import_catalogue([path], country="KZ")
    assert "not KZ" in result.run.rejections[0]["reason"]


@pytest.mark.parametrize("name", ["sample_vn.csv", "sample_uz.xlsx", "sample_kz.csv", "sample_kz.xlsx"])
def test_sample_files_import_cleanly(catalogue, demo_data, name):
    result = importer.import_catalogue([DATA / name])
    assert result.run.applied and result.run.rejected == 0, result.run.rejections
    assert result.run.added >= 40


def test_templates_round_trip(catalogue, demo_data, tmp_path):
    (tmp_path / "t.csv").write_text(importer.template_csv(), encoding="utf-8")
    (tmp_path / "t.xlsx").write_bytes(importer.template_xlsx())
    for name in ("t.csv", "t.xlsx"):
        result = importer.import_catalogue([tmp_path / name])
        assert result.run.applied and result.run.rejected == 0, result.run.rejections
    assert _adopted("TCVN ISO 9001:2015") == ["ISO 9001:2015"]
