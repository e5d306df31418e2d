"""``nqi comparison`` through typer's CliRunner on the example CSV files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nqi.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "interlab"
HERE = Path(__file__).resolve().parent
runner = CliRunner()


def test_weighted_mean_table() -> None:
    result = runner.invoke(app, ["comparison", str(EXAMPLES / "key_comparison.csv")])
    assert result.exit_code == 0, result.output
    assert "Reference value (weighted-mean): 10.256757" in result.output
    assert "inconsistent" in result.output and "Birge" in result.output
    assert "NMI-D" in result.output


def test_lcs_json_matches_library() -> None:
    result = runner.invoke(
        app, ["comparison", str(EXAMPLES / "key_comparison.csv"), "--method", "lcs", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["excluded"] == ["NMI-D"]
    assert data["consistency"]["consistent"] is True
    assert data["reference"]["value"] == pytest.approx(10.0846153846, rel=1e-9)


def test_expanded_uncertainty_columns_give_same_result() -> None:
    a = runner.invoke(app, ["comparison", str(EXAMPLES / "key_comparison.csv"), "--json", "--bootstrap", "0"])
    b = runner.invoke(
        app, ["comparison", str(EXAMPLES / "key_comparison_expanded.csv"), "--json", "--bootstrap", "0"]
    )
    assert a.exit_code == 0 and b.exit_code == 0
    ra, rb = json.loads(a.output)["reference"], json.loads(b.output)["reference"]
    assert ra["value"] == pytest.approx(rb["value"]) and ra["u"] == pytest.approx(rb["u"])


def test_algorithm_a_with_svg(tmp_path: Path) -> None:
    doe_svg, z_svg = tmp_path / "doe.svg", tmp_path / "z.svg"
    result = runner.invoke(
        app,
        [
            "comparison",
            str(EXAMPLES / "proficiency_creosote.csv"),
            "-m",
            "algorithm-a",
            "--svg",
            str(doe_svg),
            "--z-svg",
            str(z_svg),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "20.41" in result.output and "sigma_pt" in result.output
    for f in (doe_svg, z_svg):
        assert f.read_text(encoding="utf-8").lstrip().startswith("<?xml")
        assert "<svg" in f.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("path", "args", "message"),
    [
        (HERE / "ilab_bad_negative_u.csv", [], "uncertainty of 'B' must be positive"),
        (HERE / "ilab_bad_duplicate.csv", [], "duplicate"),
        (HERE / "ilab_bad_value.csv", [], "is not a number"),
        (HERE / "ilab_bad_too_few.csv", ["-m", "mean"], "at least 2"),
        (HERE / "ilab_bad_header.csv", [], "required column"),
        (HERE / "does_not_exist.csv", [], "cannot read"),
        (EXAMPLES / "proficiency_creosote.csv", ["-m", "lcs"], "needs a standard uncertainty"),
    ],
)
def test_bad_input_gives_readable_error(path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["comparison", str(path), *args])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert message in " ".join(result.output.split())
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_unknown_method_rejected() -> None:
    result = runner.invoke(app, ["comparison", str(EXAMPLES / "key_comparison.csv"), "-m", "mode"])
    assert result.exit_code != 0
