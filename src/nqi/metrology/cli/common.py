"""Helpers shared by the ``nqi metrology`` sub-commands."""

from __future__ import annotations

import typer
from rich.console import Console

console = Console(stderr=True, soft_wrap=True)


def setup() -> None:
    """Configure Django, or exit 1 with a readable message."""
    from django.core.exceptions import ImproperlyConfigured

    from nqi.cli.django_setup import setup as django_setup

    try:
        django_setup()
    except ImproperlyConfigured as exc:
        console.print(f"[bold red]error:[/] configuration: {exc}")
        raise typer.Exit(1) from exc


def fail(message: str) -> typer.Exit:
    """Print ``message`` as an error; ``raise fail(...)`` exits with status 1."""
    console.print(f"[bold red]error:[/] {message}")
    return typer.Exit(1)


def register(group: typer.Typer) -> None:  # not a command module
    pass
