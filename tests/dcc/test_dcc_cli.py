"""``nqi dcc validate`` and ``nqi dcc show``."""

from __future__ import annotations

from typer.testing import CliRunner

from nqi.cli.main import app

from .conftest import EXAMPLE_XML, SCHEMA_DIR

runner = CliRunner()


def test_validate_ok():
    result = runner.invoke(app, ["dcc", "validate", str(EXAMPLE_XML)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(": OK")


def test_validate_with_schema_ok():
    result = runner.invoke(app, ["dcc", "validate", str(EXAMPLE_XML), "--schema", str(SCHEMA_DIR)])
    assert result.exit_code == 0, result.output


def test_validate_lists_problems_with_lines(tmp_path, example_xml):
    path = tmp_path / "bad.xml"
    path.write_bytes(
        example_xml.replace(b"<dcc:uniqueIdentifier>VN-DMC-M-2026-0042</dcc:uniqueIdentifier>", b"").replace(
            b"<si:coverageFactor>2</si:coverageFactor>", b"<si:coverageFactor>-2</si:coverageFactor>", 1
        )
    )
    result = runner.invoke(app, ["dcc", "validate", str(path), "--schema", str(SCHEMA_DIR)])
    assert result.exit_code == 1
    assert "line 13: [nqi]" in result.output
    assert "missing required element dcc:uniqueIdentifier in dcc:coreData" in result.output
    assert "coverage factor -2 must be greater than 0" in result.output
    assert "Traceback" not in result.output


def test_validate_malformed_file(tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text("<dcc:digitalCalibrationCertificate xmlns:dcc='https://ptb.de/dcc'>\n<oops>\n")
    result = runner.invoke(app, ["dcc", "validate", str(path)])
    assert result.exit_code == 1
    assert "malformed XML" in result.output
    assert "line 3" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_validate_missing_file(tmp_path):
    result = runner.invoke(app, ["dcc", "validate", str(tmp_path / "none.xml")])
    assert result.exit_code == 1
    assert "cannot read" in result.output


def test_show_summary():
    result = runner.invoke(app, ["dcc", "show", str(EXAMPLE_XML)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Certificate: VN-DMC-M-2026-0042" in out
    assert "Laboratory: Demo Metrology Centre, Mass Laboratory" in out
    assert "Item: Weight 1 kg, OIML class E2 (manufacturer W-23-0815" in out
    assert "Conventional mass: 1.0000012 \\kilogram ± 0.0000005 (k = 2, p = 0.95)" in out
    assert "[1.21, 1.18, 1.24, 1.19, 1.20] \\milli\\gram" in out
    assert "certificate NMI-M-2025-0456" in out
    assert "Ambient temperature: 20.3 \\degreecelsius" in out


def test_show_invalid_file(tmp_path):
    path = tmp_path / "x.xml"
    path.write_text("<certificate/>")
    result = runner.invoke(app, ["dcc", "show", str(path)])
    assert result.exit_code == 1
    assert "expected dcc:digitalCalibrationCertificate" in result.output
