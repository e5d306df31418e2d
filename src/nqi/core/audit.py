"""The audit trail: every change to a registered model is recorded with who, when and what.

Models opt in with the :func:`audited` decorator. The acting user comes from a context variable
that the middleware (web), the API authentication and the CLI set, so services never have to pass
it around and no write path can forget it.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

_actor: contextvars.ContextVar[Any] = contextvars.ContextVar("nqi_audit_actor", default=None)
_source: contextvars.ContextVar[str] = contextvars.ContextVar("nqi_audit_source", default="system")

_AUDITED: dict[type[models.Model], frozenset[str]] = {}


@contextmanager
def acting_as(user: Any, source: str) -> Iterator[None]:
    """Attribute the changes made inside the block to ``user`` (may be None) from ``source``."""
    actor_token = _actor.set(user)
    source_token = _source.set(source)
    try:
        yield
    finally:
        _actor.reset(actor_token)
        _source.reset(source_token)


def set_actor(user: Any, source: str) -> None:
    """Set the actor for the rest of the current context (used by API authentication)."""
    _actor.set(user)
    _source.set(source)


class AuditActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        source = "api" if request.path.startswith("/api/") else "web"
        with acting_as(user, source):
            return self.get_response(request)


def audited(exclude: tuple[str, ...] = ()):
    """Class decorator: record creates, updates and deletes of this model."""

    def register(model: type[models.Model]) -> type[models.Model]:
        _AUDITED[model] = frozenset(exclude) | {"created_at"}
        pre_save.connect(_remember_old_state, sender=model, dispatch_uid=f"audit-pre-{model._meta.label}")
        post_save.connect(_record_save, sender=model, dispatch_uid=f"audit-post-{model._meta.label}")
        post_delete.connect(_record_delete, sender=model, dispatch_uid=f"audit-del-{model._meta.label}")
        return model

    return register


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dict | list | str | int | float | bool) or value is None:
        return value
    return str(value)


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The audited field values of ``instance`` (foreign keys as their ids)."""
    excluded = _AUDITED.get(type(instance), frozenset())
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        # Timestamps the database maintains itself are not changes anyone made.
        if field.name in excluded or field.primary_key or getattr(field, "auto_now", False):
            continue
        values[field.name] = _jsonable(getattr(instance, field.attname))
    return values


def _remember_old_state(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        instance._audit_before = None
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(old) if old is not None else None


def _write(instance: models.Model, action: str, changes: dict[str, Any]) -> None:
    from nqi.core.models import AuditEntry

    actor = _actor.get()
    AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        action=action,
        actor=actor,
        actor_label=(actor.get_username() if actor is not None else "")[:150],
        source=_source.get(),
        changes=changes,
    )


def _record_save(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:
        return
    after = snapshot(instance)
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        changes = {name: [None, value] for name, value in after.items() if value not in (None, "", {}, [])}
        _write(instance, "create", changes)
        return
    changes = {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}
    if changes:
        _write(instance, "update", changes)


def _record_delete(sender, instance, **kwargs) -> None:
    _write(instance, "delete", {})


def history_for(instance: models.Model):
    """The audit entries of ``instance``, newest first."""
    from nqi.core.models import AuditEntry

    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(instance)), object_id=str(instance.pk)
    ).select_related("actor")
