"""Entry point of the ``nqi`` console script.

Each sub-command lives in a module ``nqi.cli.<name>_cmd`` that exposes ``register(app)``.
Modules are discovered, so a library can add its command without touching this file, and
commands over pure libraries never import Django.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

from nqi import __version__

app = typer.Typer(
    name="nqi",
    help="NQI: national quality infrastructure — standards, metrology, conformity.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"nqi {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """NQI command line."""


def _register_commands() -> None:
    import nqi.cli as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.endswith("_cmd"):
            module = importlib.import_module(f"nqi.cli.{info.name}")
            module.register(app)


_register_commands()

if __name__ == "__main__":  # pragma: no cover
    app()
