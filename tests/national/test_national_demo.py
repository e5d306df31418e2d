"""The demo catalogues: deterministic, flagged, labelled; the CLI commands."""

import pytest
from typer.testing import CliRunner

from nqi.cli.main import app
from nqi.standards.national.demo import load_demo
from nqi.standards.national.models import Adoption, NationalStandard

pytestmark = pytest.mark.django_db


def _snapshot():
    return sorted(NationalStandard.objects.values_list("designation", "status", "title_en"))


def test_demo_is_deterministic_and_flagged(catalogue, demo_data):
    counts = load_demo(scale=0.005)
    assert counts == {"VN": 65, "UZ": 110, "KZ": 30}
    first = _snapshot()
    assert NationalStandard.objects.filter(is_demo=False).count() == 0
    assert Adoption.objects.filter(standard__country__code="VN").exists()
    assert any(d.startswith("СТ РК") for d, _s, _t in first)
    load_demo(scale=0.005)
    assert _snapshot() == first
    body = __import__("django.test", fromlist=["Client"]).Client().get("/national/").content.decode()
    assert "Demo data" in body


def test_cli_import_demo_and_analyse(catalogue, demo_data, vn_csv, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["national", "import", str(vn_csv)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["national", "analyse", "--country", "VN"])
    assert result.exit_code == 0 and "4 harmonized (66.7 %)" in result.output
    assert "Replaced by a newer edition: 1" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("designation\nnonsense\n", encoding="utf-8")
    result = runner.invoke(app, ["national", "import", str(bad), "--all-or-nothing"])
    assert result.exit_code == 1
    assert runner.invoke(app, ["national", "analyse", "--country", "ZZ"]).exit_code == 2
