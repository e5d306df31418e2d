"""Safe XML parsing and shared helpers (namespaces, element paths)."""

from __future__ import annotations

from os import PathLike
from pathlib import Path

from lxml import etree

from nqi.dcc.errors import DccError

__all__ = ["DCC", "NSMAP", "SI", "dcc", "element_path", "load", "local", "prefixed", "si"]

DCC = "https://ptb.de/dcc"
SI = "https://ptb.de/si"
NSMAP: dict[str, str] = {"dcc": DCC, "si": SI}
_PREFIXES = {DCC: "dcc", SI: "si"}

Source = bytes | str | PathLike[str]


def dcc(name: str) -> str:
    return f"{{{DCC}}}{name}"


def si(name: str) -> str:
    return f"{{{SI}}}{name}"


def local(tag: str) -> str:
    return tag.rpartition("}")[2]


def namespace(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def prefixed(tag: str) -> str:
    """``{https://ptb.de/dcc}item`` → ``dcc:item``; other namespaces in Clark notation."""
    ns = namespace(tag)
    if ns in _PREFIXES:
        return f"{_PREFIXES[ns]}:{local(tag)}"
    return tag


def element_path(element: etree._Element) -> str:
    """XPath-like location with prefixes and 1-based positions among same-named siblings."""
    parts: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        tag = str(node.tag)
        parent = node.getparent()
        name = prefixed(tag)
        if parent is not None:
            same = [child for child in parent if child.tag == tag]
            if len(same) > 1:
                name += f"[{same.index(node) + 1}]"
        parts.append(name)
        node = parent
    return "/" + "/".join(reversed(parts))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


def read_bytes(source: Source) -> bytes:
    """The document bytes: ``bytes`` as given, a ``str`` or path-like as a file path.

    A ``str`` that starts with ``<`` is taken as XML text.
    """
    if isinstance(source, bytes):
        return source
    if isinstance(source, str) and source.lstrip().startswith("<"):
        return source.encode("utf-8")
    path = Path(source)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DccError(f"cannot read {path}: {exc.strerror or exc}") from None


def load(source: Source) -> etree._Element:
    """Parse safely: no DTD, no entity expansion, no network; ``DccError`` with line on errors."""
    data = read_bytes(source)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if isinstance(exc.lineno, int) and exc.lineno > 0 else None
        message = exc.msg if isinstance(exc.msg, str) and exc.msg else str(exc)
        raise DccError(f"malformed XML: {message}", line=line) from None
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None or docinfo.system_url:
        raise DccError("a document type declaration (DTD) is not allowed in a DCC", line=1)
    return root
