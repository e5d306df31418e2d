"""Reading participants' results from CSV.

Columns (header row required, names case-insensitive, order free, ``#`` lines ignored):

* ``participant`` (or ``lab``, ``laboratory``, ``id``) - unique id, required;
* ``value`` (or ``x``, ``result``) - the reported value, required;
* ``standard_uncertainty`` (or ``u``) - standard uncertainty; or ``expanded_uncertainty`` (or ``U``)
  with ``k`` (``coverage_factor``; default 2 when absent) - then u = U/k; may be empty when the method
  does not need uncertainties;
* ``dof`` (``degrees_of_freedom``, ``nu``) - optional, empty or ``inf`` for infinite;
* ``contributes`` (``contributes_to_reference``, ``include``) - optional yes/no, true/false, 1/0,
  y/n; default yes.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from ._errors import InterlabError
from .models import ParticipantResult

_ALIASES: dict[str, tuple[str, ...]] = {
    "participant": ("participant", "lab", "laboratory", "id", "participant_id"),
    "value": ("value", "x", "result"),
    "u": ("standard_uncertainty", "u", "u_x", "std_uncertainty"),
    "U": ("expanded_uncertainty", "big_u", "u_expanded"),
    "k": ("k", "coverage_factor"),
    "dof": ("dof", "degrees_of_freedom", "nu"),
    "contributes": ("contributes", "contributes_to_reference", "include", "in_reference"),
}
_TRUE = {"yes", "y", "true", "t", "1", "x"}
_FALSE = {"no", "n", "false", "f", "0", ""}


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for pos, raw in enumerate(header):
        name = raw.strip()
        if name == "U":
            key = "U"
        elif name == "u":
            key = "u"
        else:
            low = name.lower().replace(" ", "_").replace("-", "_")
            matches = [k for k, names in _ALIASES.items() if low in names]
            if not matches:
                continue
            key = matches[0]
        if key in found:
            raise InterlabError(f"CSV header: column {raw!r} duplicates another {key!r} column")
        found[key] = pos
    for required in ("participant", "value"):
        if required not in found:
            raise InterlabError(f"CSV header: required column {required!r} is missing (got {header})")
    if "u" in found and "U" in found:
        raise InterlabError("CSV header: give either a standard or an expanded uncertainty column, not both")
    return found


def _number(text: str, what: str, line: int) -> float:
    try:
        v = float(text)
    except ValueError:
        raise InterlabError(f"line {line}: {what} {text!r} is not a number") from None
    if math.isnan(v):
        raise InterlabError(f"line {line}: {what} is NaN")
    return v


def parse_results_csv(text: str, source: str = "CSV") -> list[ParticipantResult]:
    """Parse CSV text into :class:`ParticipantResult` objects (uncertainties checked for sign)."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        raise InterlabError(f"{source}: no data")
    reader = csv.reader(io.StringIO("\n".join(lines)))
    rows = list(reader)
    cols = _columns(rows[0])
    out: list[ParticipantResult] = []
    for lineno, row in enumerate(rows[1:], start=2):

        def cell(key: str, row: list[str] = row) -> str:
            pos = cols.get(key)
            return row[pos].strip() if pos is not None and pos < len(row) else ""

        pid = cell("participant")
        if not pid:
            raise InterlabError(f"{source}, line {lineno}: participant id is empty")
        if not cell("value"):
            raise InterlabError(f"{source}, line {lineno}: participant {pid!r} has no value")
        value = _number(cell("value"), f"value of {pid!r}", lineno)
        u: float | None = None
        if cell("u"):
            u = _number(cell("u"), f"standard uncertainty of {pid!r}", lineno)
        elif cell("U"):
            big = _number(cell("U"), f"expanded uncertainty of {pid!r}", lineno)
            kf = _number(cell("k"), f"coverage factor of {pid!r}", lineno) if cell("k") else 2.0
            if kf <= 0.0:
                raise InterlabError(f"{source}, line {lineno}: coverage factor of {pid!r} must be positive")
            u = big / kf
        if u is not None and u <= 0.0:
            raise InterlabError(
                f"{source}, line {lineno}: uncertainty of {pid!r} must be positive, got {u!r}"
            )
        dof: float | None = None
        if cell("dof") and cell("dof").lower() not in ("inf", "infinity", "∞"):
            dof = _number(cell("dof"), f"degrees of freedom of {pid!r}", lineno)
        flag = cell("contributes").lower()
        if "contributes" in cols and flag not in _TRUE | _FALSE:
            raise InterlabError(
                f"{source}, line {lineno}: contributes flag {flag!r} of {pid!r} is not yes/no"
            )
        contributes = flag in _TRUE if "contributes" in cols and cell("contributes") else True
        out.append(ParticipantResult(pid, value, u, dof, contributes))
    if not out:
        raise InterlabError(f"{source}: header but no results")
    return out


def read_results_csv(path: str | Path) -> list[ParticipantResult]:
    """Read a results CSV file (UTF-8, optional BOM)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InterlabError(f"{p}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise InterlabError(f"{p}: not UTF-8 text") from None
    return parse_results_csv(text, str(p))
