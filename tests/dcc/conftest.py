"""Fixtures of the DCC tests: the example certificate built by examples/dcc/make_example.py."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_DIR = ROOT / "examples" / "dcc"
EXAMPLE_XML = EXAMPLE_DIR / "mass_1kg_dcc.xml"
SCHEMA_DIR = Path(__file__).resolve().parent / "schema_fixture"


def _load_example_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("nqi_dcc_make_example", EXAMPLE_DIR / "make_example.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def example_module() -> ModuleType:
    return _load_example_module()


@pytest.fixture
def certificate(example_module):
    return example_module.example_certificate()


@pytest.fixture(scope="session")
def example_xml() -> bytes:
    return EXAMPLE_XML.read_bytes()
