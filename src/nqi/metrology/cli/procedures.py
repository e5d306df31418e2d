"""``nqi metrology`` commands: procedures."""

from __future__ import annotations

import typer


def register(group: typer.Typer) -> None:
    pass
