"""Set up Django for CLI commands that work with the database (imported lazily by those commands)."""

from __future__ import annotations

import os


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nqi.settings")
    import django

    django.setup()
