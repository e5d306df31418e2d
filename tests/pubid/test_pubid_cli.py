"""``nqi pubid`` command."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from nqi.cli.main import app

runner = CliRunner()


def test_single_identifier() -> None:
    result = runner.invoke(app, ["pubid", "ISO 9001:2015"])
    assert result.exit_code == 0, result.output
    assert "canonical: ISO 9001:2015" in result.output
    assert "URN: urn:iso:std:iso:9001" in result.output
    assert "publisher" in result.output


def test_national_identifier_json() -> None:
    result = runner.invoke(app, ["pubid", "--json", "ГОСТ Р 58904-2020/ISO/TR 25901-1:2016"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["country"] == "RU"
    assert data["adoptions"] == [
        {"identifier": "ISO/TR 25901-1:2016", "degree": "IDT", "form": "slash", "stated": False}
    ]


def test_unreadable_identifier_exits_non_zero() -> None:
    result = runner.invoke(app, ["pubid", "ISO 9001:20"])
    assert result.exit_code == 1
    assert "four-digit year" in result.output


def test_batch_reports_failed_lines(tmp_path: Path) -> None:
    src = tmp_path / "refs.txt"
    src.write_text("ISO 9001:2015\nnot an identifier\n\nTCVN ISO 9001:2015\nISO\n", encoding="utf-8")
    result = runner.invoke(app, ["pubid", "--file", str(src)])
    assert result.exit_code == 1
    assert "line 2: cannot read 'not an identifier'" in result.output
    assert "line 5: cannot read 'ISO'" in result.output
    assert "2 read, 2 not read" in result.output


def test_batch_all_good_json(tmp_path: Path) -> None:
    src = tmp_path / "refs.txt"
    src.write_text("ISO 9001:2015\nIEC 60034-1:2022 RLV\n", encoding="utf-8")
    result = runner.invoke(app, ["pubid", "--file", str(src), "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [d["canonical"] for d in lines] == ["ISO 9001:2015", "IEC 60034-1:2022 RLV"]


def test_needs_exactly_one_input() -> None:
    assert runner.invoke(app, ["pubid"]).exit_code == 2
