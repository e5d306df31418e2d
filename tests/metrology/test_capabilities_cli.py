"""``nqi metrology cmc-import / cmc-export`` as real processes on a fresh SQLite file; ``taxonomy``."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.cli.test_cli import run

DATA = Path(__file__).parent / "data"


def text(result) -> str:
    """stderr with rich's line wrapping undone."""
    return " ".join(result.stderr.split())


def prepare_database(env: dict) -> None:
    """Schema, organizations and the service taxonomy in one process (``nqi demo`` loads much more)."""
    script = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('migrate', verbosity=0); from nqi.organizations.demo import load_all; load_all(); "
        "from nqi.metrology.demo.taxonomy import load_taxonomy; load_taxonomy()"
    )
    environment = {**os.environ, **env, "DJANGO_SETTINGS_MODULE": "nqi.settings"}
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_bad_files_fail_readably_before_touching_a_database(tmp_path):
    env = {"NQI_DEBUG": "1", "NQI_VAR_DIR": str(tmp_path), "DATABASE_URL": "sqlite:////nonexistent/x.sqlite3"}
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = run("metrology", "cmc-import", str(broken), env=env)
    assert result.returncode == 1 and "not valid JSON" in text(result) and "Traceback" not in result.stderr
    missing = run("metrology", "cmc-import", str(tmp_path / "nowhere.json"), env=env)
    assert missing.returncode == 1 and "cannot read" in text(missing)
    status = run("metrology", "cmc-export", "--status", "approved", env=env)
    assert status.returncode == 1 and "unknown status 'approved'" in text(status)


@pytest.mark.django_db
def test_taxonomy_command_in_process():
    """The taxonomy command on the test database (a subprocess would need a database of its own)."""
    from nqi.cli.main import app

    first = CliRunner().invoke(app, ["metrology", "taxonomy"])
    assert first.exit_code == 0 and "services taxonomy: 64 added" in " ".join(first.output.split())
    second = CliRunner().invoke(app, ["metrology", "taxonomy"])
    assert "0 added, 0 changed, 64 unchanged" in " ".join(second.output.split())


def test_import_and_export(tmp_path):
    env = {
        "NQI_DEBUG": "1",
        "NQI_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    }
    prepare_database(env)

    rejected = run("metrology", "cmc-import", str(DATA / "kcdb_invalid.json"), env=env)
    assert rejected.returncode == 1 and "Traceback" not in rejected.stderr
    assert "record 4: cmc.unit: Unknown unit “furlong”" in text(rejected)
    assert "problems in 11 records; nothing was imported" in text(rejected)

    done = run("metrology", "cmc-import", str(DATA / "kcdb_cmcs.json"), env=env)
    assert done.returncode == 0 and "6 were added" in text(done), done.stderr
    output = tmp_path / "vn.json"
    exported = run(
        "metrology", "cmc-export", "--country", "VN", "--status", "published", "-o", str(output), env=env
    )
    records = json.loads(output.read_text(encoding="utf-8"))["data"]
    assert exported.returncode == 0 and f"exported {len(records)} CMCs" in text(exported)
    codes = {r["kcdbCode"] for r in records}
    assert codes == {"APMP-M-VN-00000T01-1", "APMP-EM-VN-00000T02-1"}  # not the rejected file's
