"""CSV reading: column names, expanded uncertainties, flags and errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from nqi.interlab import InterlabError, parse_results_csv, read_results_csv


def test_columns_aliases_flags_and_comments() -> None:
    text = (
        "# comment line\n"
        "Lab,Result,U,Coverage_Factor,DoF,Contributes_to_reference\n"
        "A,1.5,0.2,2,10,yes\n"
        "B,1.6,0.3,3,inf,no\n"
        "C,1.4,0.2,,,\n"
    )
    rs = parse_results_csv(text)
    assert [r.participant for r in rs] == ["A", "B", "C"]
    assert rs[0].u == pytest.approx(0.1) and rs[0].dof == 10 and rs[0].contributes
    assert rs[1].u == pytest.approx(0.1) and rs[1].dof is None and not rs[1].contributes
    assert rs[2].u == pytest.approx(0.1)  # k defaults to 2
    assert rs[2].contributes  # empty flag = default yes


def test_bom_and_missing_uncertainty(tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_text("\ufeffparticipant,value,u\nA,1.0,\nB,2.0,0.1\n", encoding="utf-8")
    rs = read_results_csv(f)
    assert rs[0].u is None and rs[1].u == 0.1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no data"),
        ("participant,value\n", "no results"),
        ("participant,value,u,U\nA,1,0.1,0.2\n", "either a standard or an expanded"),
        ("participant,value,contributes\nA,1,maybe\n", "not yes/no"),
        ("participant,value,u\nA,,0.1\n", "has no value"),
        ("participant,value,u\nA,nan,0.1\n", "NaN"),
        ("participant,value,U,k\nA,1,0.2,0\n", "coverage factor"),
        ("participant,value,u\n,1,0.1\n", "participant id is empty"),
        ("participant,participant,value\nA,B,1\n", "duplicates"),
    ],
)
def test_errors(text: str, message: str) -> None:
    with pytest.raises(InterlabError, match=message):
        parse_results_csv(text)
