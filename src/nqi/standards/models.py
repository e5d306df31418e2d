"""The international catalogue: ISO and IEC documents, ICS and committees, and what changed."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nqi.core.search import searchable
from nqi.standards.stages import StageGroup, stage_label


class Source(models.TextChoices):
    ISO = "iso", "ISO"
    IEC = "iec", "IEC"


class IcsCode(models.Model):
    """International Classification for Standards: field (01), group (01.040), sub-group (01.040.01)."""

    code = models.CharField(_("ICS code"), max_length=12, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    level = models.PositiveSmallIntegerField(_("level"))
    title_en = models.TextField(_("title (English)"))
    title_fr = models.TextField(_("title (French)"), blank=True)
    title_i18n = models.JSONField(default=dict, blank=True)
    scope_en = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("ICS code")
        verbose_name_plural = _("ICS codes")

    def __str__(self) -> str:
        return f"{self.code} {self.title_en}"

    def get_absolute_url(self) -> str:
        return reverse("standards:ics-detail", args=[self.code])

    @property
    def field_code(self) -> str:
        return self.code[:2]

    def ancestors(self) -> list[IcsCode]:
        chain = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


@searchable(lambda c: " ".join([c.reference, c.title_en, c.title_fr, c.secretariat_acronym]))
class InternationalCommittee(models.Model):
    """An ISO or IEC technical committee, sub-committee, joint or project committee."""

    source = models.CharField(max_length=3, choices=Source.choices, default=Source.ISO)
    source_id = models.BigIntegerField(_("ISO/IEC id"))
    reference = models.CharField(_("reference"), max_length=80, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, blank=True)  # TC, SC, JTC, PC, …
    sort_key = models.CharField(max_length=120, db_index=True)
    status = models.CharField(_("status"), max_length=30, blank=True)
    title_en = models.TextField(_("title"))
    title_fr = models.TextField(blank=True)
    secretariat_id = models.BigIntegerField(null=True, blank=True)
    secretariat_acronym = models.CharField(_("secretariat"), max_length=50, blank=True)
    creation_date = models.DateField(_("created"), null=True, blank=True)
    scope_html = models.TextField(_("scope"), blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    liaisons = models.JSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="committee_source_unique")
        ]
        verbose_name = _("international committee")
        verbose_name_plural = _("international committees")

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("standards:committee-detail", args=[self.pk])


class CommitteeMembership(models.Model):
    """A national member body's participation in a committee (P = participating, O = observing)."""

    class Status(models.TextChoices):
        P = "P", _("P-member")
        O = "O", _("O-member")  # noqa: E741

    committee = models.ForeignKey(
        InternationalCommittee, on_delete=models.CASCADE, related_name="memberships"
    )
    member_id = models.BigIntegerField(_("member-body id"), db_index=True)
    member_acronym = models.CharField(_("member body"), max_length=50)
    status = models.CharField(_("status"), max_length=1, choices=Status.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["committee", "member_id"], name="membership_unique")]
        ordering = ["status", "member_acronym"]

    def __str__(self) -> str:
        return f"{self.member_acronym} {self.status} {self.committee}"


def _document_text(doc: InternationalDocument) -> str:
    return " ".join([doc.reference, doc.canonical, doc.title_en, doc.title_fr, *doc.title_i18n.values()])


@searchable(_document_text)
class InternationalDocument(models.Model):
    source = models.CharField(_("catalogue"), max_length=3, choices=Source.choices)
    source_id = models.BigIntegerField(_("ISO/IEC id"))
    reference = models.CharField(_("reference"), max_length=200)
    canonical = models.CharField(_("identifier"), max_length=200, db_index=True)
    base = models.CharField(_("document"), max_length=200, db_index=True)  # no year, no supplements
    edition_ref = models.CharField(max_length=200, db_index=True)  # dated base: the edition it belongs to
    sort_key = models.CharField(max_length=200, db_index=True)
    publisher = models.CharField(_("publisher"), max_length=40, db_index=True)
    deliverable_type = models.CharField(_("type"), max_length=10, db_index=True)
    supplement_type = models.CharField(_("supplement"), max_length=10, blank=True)
    supplement_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supplements",
        verbose_name=_("supplement to"),
    )
    title_en = models.TextField(_("title"), blank=True)
    title_fr = models.TextField(_("title (French)"), blank=True)
    title_i18n = models.JSONField(default=dict, blank=True)
    publication_date = models.DateField(_("published"), null=True, blank=True)
    date_precision = models.CharField(max_length=5, blank=True)  # "day" or "month"
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, db_index=True)
    edition = models.PositiveSmallIntegerField(_("edition"), null=True, blank=True)
    edition_label = models.CharField(max_length=10, blank=True)
    stage = models.PositiveSmallIntegerField(_("stage"), null=True, blank=True)
    stage_group = models.CharField(_("status"), max_length=12, choices=StageGroup.choices, db_index=True)
    status = models.CharField(_("catalogue status"), max_length=20, blank=True)
    ics = models.ManyToManyField(IcsCode, blank=True, related_name="documents", verbose_name=_("ICS"))
    ics_codes = models.JSONField(default=list, blank=True)  # as published, kept for unknown codes
    ics_field = models.CharField(max_length=2, blank=True, db_index=True)  # first code's field, for facets
    committee = models.ForeignKey(
        InternationalCommittee,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
        verbose_name=_("committee"),
    )
    committee_ref = models.CharField(_("committee"), max_length=80, blank=True, db_index=True)
    replaces = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="replaced_by")
    languages = models.JSONField(default=list, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    scope_html = models.TextField(_("scope"), blank=True)
    stable_until = models.DateField(_("stable until"), null=True, blank=True)
    obsoleted_date = models.DateField(null=True, blank=True)
    content_hash = models.CharField(max_length=40)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_key"]
        constraints = [models.UniqueConstraint(fields=["source", "source_id"], name="document_source_unique")]
        indexes = [
            models.Index(fields=["stage_group", "sort_key"]),
            models.Index(fields=["committee_ref", "stage"]),
        ]
        verbose_name = _("international document")
        verbose_name_plural = _("international documents")

    def __str__(self) -> str:
        return self.canonical

    def get_absolute_url(self) -> str:
        return reverse("standards:document-detail", args=[self.pk])

    @property
    def stage_label(self) -> str:
        return stage_label(self.stage)

    @property
    def is_current(self) -> bool:
        return self.stage_group in (StageGroup.PUBLISHED, StageGroup.REVIEW)


class ImportRun(models.Model):
    """One run of a catalogue import, with its counts and every rejected row."""

    source = models.CharField(max_length=20)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    files = models.JSONField(default=list)
    added = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    rejections = models.JSONField(default=list, blank=True)  # [{"file", "line", "reason"}]
    applied = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.source} import {self.started_at:%Y-%m-%d %H:%M}"


class ChangeEvent(models.Model):
    """Something that happened to an international document or committee, found by a re-import."""

    class Kind(models.TextChoices):
        NEW_DOCUMENT = "new_document", _("New document")
        NEW_EDITION = "new_edition", _("New edition")
        STAGE_CHANGE = "stage_change", _("Stage changed")
        SUPPLEMENT = "supplement", _("Amendment or corrigendum published")
        REPLACED = "replaced", _("Replaced")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        STABILITY_DATE = "stability_date", _("Stability date reached")
        NEW_COMMITTEE = "new_committee", _("New committee")
        MEMBERSHIP = "membership", _("Membership changed")

    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    date = models.DateField(db_index=True)
    document = models.ForeignKey(
        InternationalDocument, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    committee = models.ForeignKey(
        InternationalCommittee, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    import_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL)
    old_value = models.CharField(max_length=200, blank=True)
    new_value = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        subject = self.document or self.committee
        return f"{self.date} {self.get_kind_display()}: {subject}"


# The national catalogue lives in its own module; importing it here registers its models with the app.
from nqi.standards.national.models import *  # noqa: E402, F403
