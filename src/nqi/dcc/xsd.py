"""XSD validation with :mod:`xmlschema`, offline.

The official DCC schema files are not shipped with NQI: the user supplies a folder holding
``dcc.xsd`` and the schemas it imports (D-SI ``SI_Format.xsd``, XML-DSig), or the path of the
main XSD. Every ``*.xsd`` under the folder is registered by its ``targetNamespace``, so imports
whose ``schemaLocation`` is a remote URL resolve to the local copies; network access is never
allowed.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path

import xmlschema
from lxml import etree

from nqi.dcc._xml import element_path
from nqi.dcc.errors import DccError, Problem

__all__ = ["load_schema", "xsd_problems"]

MAIN_NAMES = ("dcc.xsd", "DCC.xsd")


def _main_file(schema: Path) -> Path:
    if schema.is_file():
        return schema
    if not schema.is_dir():
        raise DccError(f"schema not found: {schema}")
    for name in MAIN_NAMES:
        if (schema / name).is_file():
            return schema / name
    candidates = sorted(schema.glob("*.xsd"))
    if len(candidates) == 1:
        return candidates[0]
    raise DccError(f"no dcc.xsd in {schema} (give the path of the main XSD file instead)")


def _locations(folder: Path, main: Path) -> list[tuple[str, str]]:
    locations: list[tuple[str, str]] = []
    for path in sorted(folder.rglob("*.xsd")):
        if path.resolve() == main.resolve():
            continue
        try:
            root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
        except (etree.XMLSyntaxError, OSError):
            continue
        target = root.get("targetNamespace")
        if target:
            locations.append((target, path.resolve().as_uri()))
    return locations


@lru_cache(maxsize=8)
def _load(main: Path, mtime: float) -> xmlschema.XMLSchemaBase:
    del mtime  # part of the cache key only
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            return xmlschema.XMLSchema(
                str(main),
                locations=_locations(main.parent, main),
                allow="local",
                defuse="always",
            )
        except (xmlschema.XMLSchemaException, OSError, etree.XMLSyntaxError) as exc:
            notes = "".join(f"\n  {warning.message}" for warning in caught)
            raise DccError(f"cannot load schema {main}: {exc}{notes}") from None


def load_schema(schema: Path) -> xmlschema.XMLSchemaBase:
    """The compiled schema of ``schema`` (folder or main file), cached per file and mtime."""
    main = _main_file(schema).resolve()
    return _load(main, main.stat().st_mtime)


def xsd_problems(root: etree._Element, schema: Path) -> list[Problem]:
    """XSD validation errors of ``root`` as :class:`Problem` objects (source ``"xsd"``)."""
    compiled = load_schema(schema)
    problems: list[Problem] = []
    for error in compiled.iter_errors(root):
        element = error.elem if isinstance(error.elem, etree._Element) else None
        line = element.sourceline if element is not None else getattr(error, "sourceline", None)
        path = element_path(element) if element is not None else (error.path or "/")
        message = error.reason or error.message
        problems.append(Problem(line if isinstance(line, int) else None, path, message, source="xsd"))
    return problems
