"""``nqi metrology``: the metrology network (CMCs, equipment, calibrations, certificates, comparisons)."""

from __future__ import annotations

import importlib
import pkgutil

import typer

metrology = typer.Typer(
    help="Metrology network: CMCs, equipment, calibrations, certificates.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    import nqi.metrology.cli as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        importlib.import_module(f"nqi.metrology.cli.{info.name}").register(metrology)
    app.add_typer(metrology, name="metrology")
