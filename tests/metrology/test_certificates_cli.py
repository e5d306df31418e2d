"""``nqi metrology dcc-check`` and ``dcc-import``: as a real process, and in-process on the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from nqi.cli.main import app
from nqi.metrology.models import CalibrationRecord, RecordStatus
from tests.metrology import test_certificates_setup

certs = test_certificates_setup.certs  # the shared fixture
DATA = Path(__file__).parent / "data" / "dcc"
NQI = str(Path(sys.executable).with_name("nqi"))


def run(*args: str) -> subprocess.CompletedProcess:
    environment = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "NQI_DCC_SCHEMA_DIR"}
    }
    environment["NQI_DEBUG"] = "1"
    return subprocess.run(
        [NQI, "metrology", *args], capture_output=True, text=True, env=environment, timeout=120
    )


def test_dcc_check_as_a_process():
    # One process (each start costs seconds): the built-in unit check and the --schema XSD both report.
    result = run("dcc-check", str(DATA / "unknown_unit.xml"), "--schema", str(DATA / "strict_schema"))
    output = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in output
    assert r"unknown unit token \furlong" in output and "9.9.9" in output and "2 problem(s)" in output


def test_dcc_check_and_import_commands(certs):
    runner = CliRunner()
    good = str(DATA / "kriss_weight_1kg.xml")
    checked = runner.invoke(app, ["metrology", "dcc-check", good])
    assert checked.exit_code == 0 and checked.stdout.strip() == "OK"
    missing = runner.invoke(app, ["metrology", "dcc-check", str(DATA / "missing.xml")])
    assert missing.exit_code == 1 and "cannot read" in missing.output

    imported = runner.invoke(app, ["metrology", "dcc-import", good, "--lab", "VMI"])
    assert imported.exit_code == 0, imported.output
    assert "imported KRISS-M-2026-0815 as external certificate" in imported.stdout
    record = CalibrationRecord.objects.get(certificate_number="KRISS-M-2026-0815")
    assert record.status == RecordStatus.ISSUED and record.laboratory == certs.net.kriss
    again = runner.invoke(app, ["metrology", "dcc-import", good, "--lab", "VMI"])
    assert again.exit_code == 1 and "already recorded" in again.output
    unknown_lab = runner.invoke(app, ["metrology", "dcc-import", good, "--lab", "NOPE"])
    assert unknown_lab.exit_code == 1 and "--lab" in unknown_lab.output
    bad = runner.invoke(
        app, ["metrology", "dcc-import", str(DATA / "no_serial.xml"), "--lab", "VMI", "--item", "TH-7"]
    )
    assert bad.exit_code == 1 and "serial number" in bad.output
