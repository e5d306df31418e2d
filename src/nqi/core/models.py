"""Cross-cutting records: the audit trail, the search index and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One recorded change to a registry object: who, when, what changed."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("object type"))
    object_id = models.CharField(_("object id"), max_length=64, db_index=True)
    object = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("object"), max_length=300)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
        verbose_name=_("user"),
    )
    actor_label = models.CharField(_("by"), max_length=150, blank=True)
    source = models.CharField(_("source"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr} ({self.created_at:%Y-%m-%d %H:%M})"


class SearchEntry(models.Model):
    """The folded text of one searchable object.

    Kept in sync by signals. On SQLite an FTS5 table indexes ``body``; on PostgreSQL a generated
    tsvector column and a pg_trgm index do (see migration 0002).
    """

    kind = models.CharField(max_length=100)
    object_id = models.BigIntegerField()
    body = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique")]
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self) -> str:
        return f"{self.kind}#{self.object_id}"


class ApiToken(models.Model):
    """A bearer token for API writes. Only a hash of the secret is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str, expires_at=None) -> tuple[ApiToken, str]:
        """Create a token; returns it with the secret, which is shown once and never stored."""
        key = "nqi_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, prefix=key[4:12], key_hash=cls.hash_key(key), expires_at=expires_at
        )
        return token, key

    def is_valid(self) -> bool:
        return not self.revoked and (self.expires_at is None or self.expires_at > timezone.now())


def in_active_language(english: str, translations: dict[str, str] | None) -> str:
    """The translation for the active UI language, falling back to the English text."""
    language = (get_language() or "en").split("-")[0]
    return (translations or {}).get(language) or english


class TranslatedNameMixin(models.Model):
    """A ``name`` in English plus translations in ``name_i18n`` ({"vi": "…", "ru": "…"}).

    ``display_name`` picks the active language and falls back to English. One JSON column keeps a
    single code path on SQLite and PostgreSQL and needs no schema change for a new language.
    """

    name = models.CharField(_("name (English)"), max_length=300)
    name_i18n = models.JSONField(_("name in other languages"), default=dict, blank=True)

    class Meta:
        abstract = True

    @property
    def display_name(self) -> str:
        return in_active_language(self.name, self.name_i18n)

    def all_names(self) -> list[str]:
        return [self.name, *[value for value in (self.name_i18n or {}).values() if value]]
