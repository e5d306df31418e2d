"""The ``nqi metrology`` exchange commands: an import as a real process on a fresh database; errors and
exports in-process (typer's runner) on the test database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nqi.metrology.models import Procedure
from tests.metrology import test_procedures_setup
from tests.metrology.test_procedures_setup import DATA

lib = test_procedures_setup.lib  # the fixture

NQI = str(Path(sys.executable).with_name("nqi"))
SOURCE = str(DATA / "procedures_exchange.json")


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # A clean environment: nothing the test process set for itself (settings module, async flags).
    leaked = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in leaked} | env
    return subprocess.run([NQI, *args], capture_output=True, text=True, env=environment, timeout=120)


def words(text: str) -> str:
    return " ".join(text.split())  # rich wraps long lines


def test_import_as_a_process(tmp_path):
    env = {
        "NQI_DEBUG": "1",
        "NQI_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    }
    assert run("migrate", env=env).returncode == 0
    # The owner laboratory, created the way an operator would in a shell (nqi demo loads far more).
    script = (
        "from nqi.cli.django_setup import setup; setup(); from nqi.organizations.models import Organization; "
        "Organization.objects.create(kind='nmi', acronym='UzNIM', name='Uzbek National Institute of Metrology')"
    )
    environment = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}} | env
    subprocess.run([sys.executable, "-c", script], env=environment, check=True, timeout=120)
    imported = run("metrology", "procedures-import", SOURCE, "--owner", "UzNIM", env=env)
    assert imported.returncode == 0, imported.stderr
    assert "2 imported with 4 versions" in words(imported.stderr)
    assert "unknown service codes (not linked): M-1.1, M-7.3, T-1.1" in words(imported.stderr)


@pytest.mark.django_db
def test_errors_are_readable_and_change_nothing(lib, tmp_path):
    from nqi.cli.main import app

    runner = CliRunner()
    first = runner.invoke(app, ["metrology", "procedures-import", SOURCE, "--owner", str(lib.net.kriss.pk)])
    assert first.exit_code == 0, first.output
    again = runner.invoke(app, ["metrology", "procedures-import", SOURCE, "--owner", "kr-kriss"])
    assert again.exit_code == 1 and "nothing imported: procedures[0].code" in words(again.output)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    bad = runner.invoke(app, ["metrology", "procedures-import", str(broken), "--owner", "kr-kriss"])
    assert bad.exit_code == 1 and "not valid JSON" in words(bad.output)
    nobody = runner.invoke(app, ["metrology", "procedures-import", SOURCE, "--owner", "nobody"])
    assert nobody.exit_code == 1 and "not found" in nobody.output
    assert Procedure.objects.filter(owner=lib.net.kriss).count() == 2
    stdout = runner.invoke(app, ["metrology", "procedures-export", "--owner", "VMI"])
    assert (
        stdout.exit_code == 0 and '"code": "VMI-M-01"' in stdout.output and "VMI-INT-02" not in stdout.output
    )
    out = tmp_path / "kriss.json"
    assert (
        runner.invoke(
            app, ["metrology", "procedures-export", "--owner", "kr-kriss", "-o", str(out)]
        ).exit_code
        == 0
    )
    document = json.loads(out.read_text(encoding="utf-8"))
    original = json.loads(Path(SOURCE).read_text(encoding="utf-8"))
    assert [p["code"] for p in document["procedures"]] == ["UZ-M-011", "UZ-T-004"]
    assert [len(p["versions"]) for p in document["procedures"]] == [3, 1]
    assert document["procedures"][0]["title_i18n"] == original["procedures"][0]["title_i18n"]
