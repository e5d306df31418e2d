"""The `nqi` console script, run as a real process."""

import os
import subprocess
import sys
from pathlib import Path

import nqi

NQI = str(Path(sys.executable).with_name("nqi"))


def run(*args, env=None, cwd=None):
    # A clean environment: nothing the test process set for itself (settings module, async flags).
    leaked = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in leaked}
    environment.update(env or {})
    return subprocess.run([NQI, *args], capture_output=True, text=True, env=environment, cwd=cwd, timeout=120)


def test_version():
    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"nqi {nqi.__version__}"


def test_production_settings_pass_the_deployment_checks(tmp_path):
    env = {
        "NQI_DEBUG": "0",
        "NQI_SECRET_KEY": "x7!" + "k" * 60 + "Q9#zv",
        "NQI_ALLOWED_HOSTS": "nqi.example.org",
        "NQI_VAR_DIR": str(tmp_path),
    }
    result = run("check", "--deploy", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_missing_secret_key_in_production_is_a_readable_error(tmp_path):
    result = run("migrate", env={"NQI_DEBUG": "0", "NQI_SECRET_KEY": "", "NQI_VAR_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert "NQI_SECRET_KEY must be set" in result.stderr and "Traceback" not in result.stderr


def test_migrate_and_demo_on_a_fresh_sqlite_file_are_idempotent(tmp_path):
    env = {
        "NQI_DEBUG": "1",
        "NQI_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    }
    assert run("migrate", env=env).returncode == 0
    first = run("demo", "--no-users", "--no-catalogue", env=env)
    assert first.returncode == 0 and "countries: 249 added" in first.stderr
    second = run("demo", "--no-users", "--no-catalogue", env=env)
    assert "countries: 0 added, 0 changed, 249 unchanged" in second.stderr


def test_unreachable_database_is_a_readable_error(tmp_path):
    env = {
        "NQI_DEBUG": "1",
        "NQI_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "sqlite:////nonexistent-dir/x/db.sqlite3",
    }
    result = run("migrate", env=env)
    assert result.returncode == 1 and "database" in result.stderr and "Traceback" not in result.stderr


DATA = Path(__file__).parents[1] / "standards" / "data"


def test_import_iso_open_data_files_and_report(tmp_path):
    env = {
        "NQI_DEBUG": "1",
        "NQI_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    }
    assert run("migrate", env=env).returncode == 0
    files = [str(DATA / name) for name in ("iso_sample.jsonl", "ics_sample.csv", "committees_2025.jsonl")]
    result = run("import", "iso-open-data", *files, env=env)
    assert result.returncode == 0, result.stderr
    assert "iso-documents" in result.stderr and "30" in result.stderr
    bad = tmp_path / "broken.jsonl"
    bad.write_text((DATA / "iso_sample.jsonl").read_text() + "{oops\n")
    strict = run("import", "iso-open-data", "--all-or-nothing", str(bad), env=env)
    assert strict.returncode == 1 and "broken.jsonl:31: not valid JSON" in strict.stderr
    missing = run("import", "iec", str(tmp_path / "nope.jsonl"), env=env)
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
