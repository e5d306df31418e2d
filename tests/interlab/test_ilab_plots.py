"""SVG charts (matplotlib Agg)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nqi.interlab import InterlabError, ParticipantResult, analyse
from nqi.interlab.plots import doe_chart, z_score_chart

RS = [ParticipantResult(f"L{i}", v, 0.2) for i, v in enumerate([10.0, 10.3, 9.8, 10.1, 11.2], 1)]


def test_doe_and_z_charts(tmp_path: Path) -> None:
    a = analyse(RS, "median", sigma_pt=0.3, bootstrap=100)
    svg = doe_chart(a, tmp_path / "doe.svg")
    assert "<svg" in svg and (tmp_path / "doe.svg").read_text(encoding="utf-8") == svg
    assert "<svg" in z_score_chart(a)


def test_z_chart_needs_sigma_pt() -> None:
    with pytest.raises(InterlabError, match="no z-scores"):
        z_score_chart(analyse(RS, "weighted-mean"))


def test_library_import_is_pure() -> None:
    import subprocess
    import sys

    code = (
        "import sys, nqi.interlab\n"
        "bad = [m for m in ('django', 'matplotlib') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
