"""``nqi uncertainty`` command, run on the example model files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nqi.cli.main import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "uncertainty"
runner = CliRunner()


def test_examples_exist() -> None:
    names = {p.name for p in EXAMPLES.glob("*.toml")}
    assert {
        "gum_h1_end_gauge.toml",
        "gum_h2_impedance.toml",
        "jcgm101_mass_calibration.toml",
        "jcgm101_additive_rectangular.toml",
        "ea402_s2_weight.toml",
    } <= names


def test_end_gauge_tables() -> None:
    res = runner.invoke(app, ["uncertainty", str(EXAMPLES / "gum_h1_end_gauge.toml"), "--trials", "100000"])
    assert res.exit_code == 0, res.output
    out = res.output
    assert "Uncertainty budget of l" in out
    assert "l = 50000838 nm, u = 31.7 nm" in out  # JCGM 100 H.1: 50.000 838 mm, u_c = 32 nm
    assert "k = 2.921" in out  # H.1.6: t_99(16) = 2.92
    assert "Validation (JCGM 101 §8" in out
    assert "seed 20260101" in out


def test_mass_calibration_json_and_svg(tmp_path: Path) -> None:
    svg = tmp_path / "mass.svg"
    res = runner.invoke(
        app,
        ["uncertainty", str(EXAMPLES / "jcgm101_mass_calibration.toml"), "--json", "--svg", str(svg)],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    g = doc["gum"]["outputs"][0]
    assert (
        round(g["value"], 4) == 1.2340 and round(g["standard_uncertainty"], 4) == 0.0539
    )  # JCGM 101 Table 5
    mc = doc["monte_carlo"]["outputs"][0]
    assert abs(mc["standard_uncertainty"] - 0.0754) <= 2e-4  # JCGM 101 Table 5, MCM: 0.0754 mg
    assert doc["validation"]["passed"] is False  # JCGM 101 §9.3: GUF not validated
    assert doc["budgets"]["dm"]["rows"][0]["quantity"] == "m_Rc"
    assert doc["monte_carlo"]["seed"] == 101 and doc["monte_carlo"]["trials"] == 1_000_000
    assert svg.read_text().lstrip().startswith("<?xml") and "<svg" in svg.read_text()


def test_adaptive_and_multivariate() -> None:
    res = runner.invoke(
        app, ["uncertainty", str(EXAMPLES / "gum_h2_impedance.toml"), "--adaptive", "--seed", "3"]
    )
    assert res.exit_code == 0, res.output
    assert "adaptive (§7.9" in res.output and "Correlation of outputs (GUM)" in res.output


@pytest.mark.parametrize(
    "content, message",
    [
        (
            'equations = ["y = a + bb"]\n[[inputs]]\nname = "a"\nvalue = 1\nuncertainty = 0.1\n',
            "unknown symbol 'bb'",
        ),
        (
            'equations = ["y = a"]\n[[inputs]]\nname = "a"\nvalue = 1\nuncertainty = -0.1\n',
            "negative standard uncertainty",
        ),
        ('equations = ["y = a +"]\n[[inputs]]\nname = "a"\nvalue = 1\nuncertainty = 0.1\n', "syntax error"),
        ("equations = [\n", "not valid TOML"),
        (
            'equations = ["y = a"]\n[[inputs]]\nname = "a"\nvalue = 1\nuncertainty = 0.1\ncolour = 1\n',
            "colour",
        ),
        (
            'equations = ["y = a+b+c"]\n'
            + "".join(f'[[inputs]]\nname = "{n}"\nvalue = 0\nuncertainty = 1\n' for n in "abc")
            + '[[correlations]]\nbetween = ["a", "b"]\nr = 0.9\n'
            + '[[correlations]]\nbetween = ["b", "c"]\nr = 0.9\n'
            + '[[correlations]]\nbetween = ["a", "c"]\nr = -0.9\n',
            "not positive semi-definite",
        ),
        (
            'equations = ["y = __import__(\'os\')"]\n[[inputs]]\nname = "a"\nvalue = 1\nuncertainty = 0.1\n',
            "unknown function '__import__'",
        ),
    ],
)
def test_bad_model_files_exit_with_a_message(tmp_path: Path, content: str, message: str) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(content, encoding="utf-8")
    res = runner.invoke(app, ["uncertainty", str(f)])
    assert res.exit_code == 2
    text = res.output + (res.stderr if res.stderr_bytes is not None else "")
    assert message in " ".join(text.split())
    assert "Traceback" not in text


def test_missing_file(tmp_path: Path) -> None:
    res = runner.invoke(app, ["uncertainty", str(tmp_path / "nope.toml")])
    assert res.exit_code == 2
    assert "cannot read model file" in " ".join((res.output + res.stderr).split())


@pytest.mark.parametrize("name", ["jcgm101_additive_rectangular.toml", "ea402_s2_weight.toml"])
def test_other_examples_run(name: str) -> None:
    res = runner.invoke(app, ["uncertainty", str(EXAMPLES / name), "--trials", "50000"])
    assert res.exit_code == 0, res.output
    assert "GUM result PASS" in res.output  # both GUM results are validated (ndig = 2)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.toml")), ids=lambda p: p.name)
def test_example_models_round_trip_through_to_dict(path: Path) -> None:
    from nqi.uncertainty import Model, gum, load_model

    model = load_model(path).model
    again = Model.from_dict(json.loads(json.dumps(model.to_dict())))
    assert gum(again).outputs == gum(model).outputs
    assert again.output_units == model.output_units and again.constant_units == model.constant_units
