"""validate(..., schema=): XSD validation with a folder of schemas that import each other.

tests/dcc/schema_fixture holds a tiny dcc.xsd written for these tests (the official PTB files
are not shipped) that imports the D-SI namespace from a *remote* schemaLocation; the folder's
si/SI_Format.xsd must be used instead, without network access.
"""

from __future__ import annotations

import shutil

import pytest

from nqi.dcc import DccError, validate
from nqi.dcc.xsd import load_schema

from .conftest import EXAMPLE_XML, SCHEMA_DIR


def test_example_valid_against_folder_and_file():
    assert validate(EXAMPLE_XML, schema=SCHEMA_DIR) == []
    assert validate(EXAMPLE_XML, schema=SCHEMA_DIR / "dcc.xsd") == []


def test_import_resolved_from_folder():
    schema = load_schema(SCHEMA_DIR)
    assert "https://ptb.de/si" in schema.maps.namespaces
    assert schema.maps.elements["{https://ptb.de/si}real"] is not None


def test_xsd_problems_merged_with_builtin(example_xml):
    xml = example_xml.replace(b"<si:value>20.3</si:value>", b"<si:value>warm</si:value>")
    xml = xml.replace(b'schemaVersion="3.3.0"', b'schemaVersion="3.2.1"')
    problems = validate(xml, schema=SCHEMA_DIR)
    sources = {(p.source, p.line) for p in problems}
    assert ("nqi", 202) in sources and ("xsd", 202) in sources  # bad si:value, both checkers
    assert ("xsd", 2) in sources  # schemaVersion restricted to 3.3.0 by the XSD only
    assert [p.line for p in problems] == sorted(p.line or 0 for p in problems)
    assert all(p.path.startswith("/dcc:digitalCalibrationCertificate") for p in problems)


def test_xsd_problem_in_imported_namespace(example_xml):
    # Only the imported SI schema restricts the unit pattern: \tothe{0.5} is not accepted there.
    xml = example_xml.replace(b"<si:unit>\\percent</si:unit>", b"<si:unit>\\metre\\tothe{0.5}</si:unit>")
    problems = validate(xml, schema=SCHEMA_DIR)
    assert [(p.source, p.line) for p in problems] == [("xsd", 223)]
    assert problems[0].path.endswith("si:real/si:unit")


def test_missing_schema_folder_or_main_file(tmp_path):
    with pytest.raises(DccError, match="schema not found"):
        validate(EXAMPLE_XML, schema=tmp_path / "nowhere")
    (tmp_path / "a.xsd").write_text("<x/>")
    (tmp_path / "b.xsd").write_text("<x/>")
    with pytest.raises(DccError, match=r"no dcc\.xsd"):
        validate(EXAMPLE_XML, schema=tmp_path)


def test_broken_schema_is_a_dcc_error(tmp_path):
    (tmp_path / "dcc.xsd").write_text(
        "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'><xs:element/></xs:schema>"
    )
    with pytest.raises(DccError, match="cannot load schema"):
        validate(EXAMPLE_XML, schema=tmp_path)


def test_unresolvable_remote_import_is_not_fetched(tmp_path):
    shutil.copy(SCHEMA_DIR / "dcc.xsd", tmp_path / "dcc.xsd")  # without the si/ folder
    with pytest.raises(DccError, match="cannot load schema"):
        validate(EXAMPLE_XML, schema=tmp_path)
