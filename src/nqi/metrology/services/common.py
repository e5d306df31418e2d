"""Small helpers shared by the metrology services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def apply(instance, data: dict[str, Any], allowed: set[str] | frozenset[str]) -> None:
    """Set ``data`` on ``instance``; unknown keys are a field error each."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    for name, value in data.items():
        setattr(instance, name, value)


def save(instance) -> None:
    instance.full_clean()
    instance.save()


def prefix_errors(exc: ValidationError, prefix: str) -> ValidationError:
    """``points[2].unit`` style field names for errors of nested objects."""
    if hasattr(exc, "error_dict"):
        return ValidationError({f"{prefix}.{field}": errors for field, errors in exc.error_dict.items()})
    return ValidationError({prefix: exc.messages})
