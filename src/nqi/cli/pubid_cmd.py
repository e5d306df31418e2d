"""``nqi pubid``: read publication identifiers (pure library, no Django)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from nqi.pubid import Identifier, NationalIdentifier, PubidError, parse, parse_many


def _structure(ident: Identifier | NationalIdentifier) -> dict[str, Any]:
    if isinstance(ident, Identifier):
        return {
            "kind": "international",
            "canonical": ident.canonical,
            "urn": ident.urn,
            "base": ident.base.canonical,
            "dated_base": ident.dated_base.canonical,
            "sort_key": ident.sort_key,
            "publisher": ident.publisher,
            "copublishers": list(ident.copublishers),
            "type": ident.doctype,
            "stage": ident.stage,
            "iteration": ident.iteration,
            "number": ident.number,
            "parts": list(ident.parts),
            "year": ident.year,
            "edition": ident.edition,
            "consolidated": [s.render("iso") for s in ident.consolidated],
            "form": ident.form,
            "supplements": [s.render("iso") for s in ident.supplements],
            "languages": list(ident.languages),
            "all_parts": ident.all_parts,
            "dual": ident.dual.canonical if ident.dual else None,
        }
    return {
        "kind": "national",
        "canonical": ident.canonical,
        "urn": None,
        "base": ident.base.canonical,
        "dated_base": ident.dated_base.canonical,
        "sort_key": ident.sort_key,
        "prefix": ident.scheme.prefix,
        "country": ident.scheme.country,
        "body": ident.scheme.body,
        "known_scheme": ident.scheme.known,
        "number": ident.number,
        "embedded": ident.embedded.canonical if ident.embedded else None,
        "year": ident.year,
        "stage": ident.stage,
        "supplements": [s.render("iso") for s in (*ident.consolidated, *ident.supplements)],
        "adoptions": [
            {
                "identifier": a.identifier.canonical,
                "degree": a.degree.value if a.degree else None,
                "form": a.form,
                "stated": a.stated,
            }
            for a in ident.adoptions
        ],
        "unparsed": list(ident.unparsed),
    }


def _table(title: str, data: dict[str, Any]) -> Table:
    table = Table(title=title, show_header=True)
    table.add_column("field", style="bold")
    table.add_column("value")
    for key, value in data.items():
        if value in (None, [], False, ""):
            continue
        if isinstance(value, list):
            value = "; ".join(
                f"{v['identifier']} ({v['degree'] or 'degree not stated'}, {v['form']})"
                if isinstance(v, dict)
                else str(v)
                for v in value
            )
        table.add_row(key, str(value))
    return table


def pubid(
    identifier: Annotated[str | None, typer.Argument(help='An identifier, e.g. "ISO 9001:2015".')] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Parse a file: one identifier per line.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    lenient: Annotated[
        bool, typer.Option("--lenient", help='Accept search-box input ("iso 9001 2015").')
    ] = False,
) -> None:
    """Read publication identifiers: structure, canonical form and URN."""
    console = Console(soft_wrap=True)
    if (identifier is None) == (file is None):
        console.print("[red]give either an IDENTIFIER or --file FILE[/red]")
        raise typer.Exit(2)
    if identifier is not None:
        try:
            ident = parse(identifier, lenient=lenient)
        except PubidError as exc:
            if as_json:
                typer.echo(json.dumps({"input": identifier, "error": exc.message, "position": exc.position}))
            else:
                console.print(f"[red]cannot read:[/red] {exc.message}")
                console.print(exc.pointer(), markup=False, highlight=False)
            raise typer.Exit(1) from None
        data = _structure(ident)
        if as_json:
            typer.echo(json.dumps({"input": identifier, **data}, ensure_ascii=False))
        else:
            console.print(_table(identifier, data))
            console.print(f"canonical: {ident.canonical}", markup=False, highlight=False)
            console.print(
                f"URN: {ident.urn or '(none for national designations)'}", markup=False, highlight=False
            )
        return
    assert file is not None
    lines = file.read_text(encoding="utf-8").splitlines()
    results = [r for r in parse_many(lines, lenient=lenient) if r.text]
    failed = [r for r in results if r.error is not None]
    if as_json:
        for r in results:
            if r.identifier is not None:
                typer.echo(
                    json.dumps(
                        {"line": r.line, "input": r.text, **_structure(r.identifier)}, ensure_ascii=False
                    )
                )
            elif r.error is not None:
                typer.echo(
                    json.dumps(
                        {
                            "line": r.line,
                            "input": r.text,
                            "error": r.error.message,
                            "position": r.error.position,
                        },
                        ensure_ascii=False,
                    )
                )
    else:
        table = Table(title=str(file))
        for col in ("line", "input", "canonical", "URN / adoptions"):
            table.add_column(col)
        for r in results:
            if r.identifier is None:
                continue
            ident = r.identifier
            extra = ident.urn or "; ".join(
                f"{a.identifier.canonical} {a.degree.value if a.degree else ''}".strip()
                for a in getattr(ident, "adoptions", ())
            )
            table.add_row(str(r.line), r.text, ident.canonical, extra)
        console.print(table)
        for r in failed:
            assert r.error is not None
            console.print(
                f"line {r.line}: cannot read {r.text!r}: {r.error.message}", markup=False, highlight=False
            )
        console.print(f"{len(results) - len(failed)} read, {len(failed)} not read", markup=False)
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("pubid")(pubid)
