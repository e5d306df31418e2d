"""National mirror committees, participation in ISO/IEC committees, ballots and the work programme.

The international committees and their P/O member bodies come from the catalogue import
(:mod:`nqi.standards`). A national member body's status in a committee is the imported one unless a
:class:`ParticipationChange` (who, when, why) overrides it; the latest change wins.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nqi.core.audit import audited
from nqi.core.models import in_active_language
from nqi.core.search import searchable


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    SECRETARY = "secretary", _("Secretary")
    EXPERT = "expert", _("Expert")
    OBSERVER = "observer", _("Observer")


class ParticipationStatus(models.TextChoices):
    P = "P", _("P-member (participating)")
    O = "O", _("O-member (observing)")  # noqa: E741
    NONE = "", _("Not a member")


def _mirror_document(mirror: MirrorCommittee) -> str:
    parts = [mirror.number, mirror.title, *(mirror.title_i18n or {}).values(), mirror.scope]
    if mirror.pk:
        parts += [c.reference for c in mirror.mirrors.all()]
    return " ".join(p for p in parts if p)


@audited()
@searchable(_mirror_document)
class MirrorCommittee(models.Model):
    """A national technical committee (e.g. ``TCVN/TC 176``) mirroring ISO/IEC committees."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        DISBANDED = "disbanded", _("Disbanded")

    number = models.CharField(_("number"), max_length=80, unique=True)
    title = models.CharField(_("title (English)"), max_length=300)
    title_i18n = models.JSONField(_("title in other languages"), default=dict, blank=True)
    member_body = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="mirror_committees",
        verbose_name=_("national member body"),
    )
    secretariat = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="secretariat_of_committees",
        verbose_name=_("secretariat"),
    )
    scope = models.TextField(_("scope"), blank=True)
    mirrors = models.ManyToManyField(
        "standards.InternationalCommittee",
        blank=True,
        related_name="mirror_committees",
        verbose_name=_("mirrored ISO/IEC committees"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("mirror committee")
        verbose_name_plural = _("mirror committees")

    def __str__(self) -> str:
        return f"{self.number} {self.display_title}"

    def get_absolute_url(self) -> str:
        return reverse("committees:mirror-detail", args=[self.pk])

    @property
    def display_title(self) -> str:
        return in_active_language(self.title, self.title_i18n)

    def current_members(self):
        today = timezone.localdate()
        return self.members.filter(
            models.Q(start__isnull=True) | models.Q(start__lte=today),
            models.Q(end__isnull=True) | models.Q(end__gte=today),
        ).select_related("person", "organization")

    def officer(self, role: str):
        member = self.current_members().filter(role=role).first()
        return member.person if member else None


@audited()
class CommitteeMember(models.Model):
    """A person's membership of a mirror committee, with a role and dates."""

    committee = models.ForeignKey(
        MirrorCommittee, on_delete=models.CASCADE, related_name="members", verbose_name=_("committee")
    )
    person = models.ForeignKey(
        "organizations.Person",
        on_delete=models.PROTECT,
        related_name="committee_memberships",
        verbose_name=_("person"),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("representing"),
    )
    role = models.CharField(_("role"), max_length=12, choices=MemberRole.choices, default=MemberRole.EXPERT)
    start = models.DateField(_("from"), null=True, blank=True)
    end = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["role", "person__family_name", "pk"]
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()}, {self.committee.number}"

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end date is before the start date.")})

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return (self.start is None or self.start <= today) and (self.end is None or self.end >= today)


@audited()
class Nomination(models.Model):
    """An expert nominated to an ISO/IEC working group (or committee) by the national member body."""

    person = models.ForeignKey(
        "organizations.Person", on_delete=models.PROTECT, related_name="nominations", verbose_name=_("expert")
    )
    committee = models.ForeignKey(
        "standards.InternationalCommittee",
        on_delete=models.CASCADE,
        related_name="nominations",
        verbose_name=_("ISO/IEC committee"),
    )
    working_group = models.CharField(_("working group"), max_length=80, blank=True)
    start = models.DateField(_("from"), null=True, blank=True)
    end = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["committee__sort_key", "working_group", "pk"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")

    def __str__(self) -> str:
        return f"{self.person} → {self.committee.reference} {self.working_group}".strip()


class ParticipationChange(models.Model):
    """A manual change of a member body's status in an ISO/IEC committee: who, when, why.

    Append-only: the history is the list of changes; the latest one is the current status.
    """

    member_body = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="participation_changes",
        verbose_name=_("member body"),
    )
    committee = models.ForeignKey(
        "standards.InternationalCommittee",
        on_delete=models.CASCADE,
        related_name="participation_changes",
        verbose_name=_("ISO/IEC committee"),
    )
    old_status = models.CharField(_("before"), max_length=1, blank=True, choices=ParticipationStatus.choices)
    new_status = models.CharField(_("after"), max_length=1, blank=True, choices=ParticipationStatus.choices)
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_by_label = models.CharField(_("by"), max_length=150, blank=True)
    changed_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("participation change")
        verbose_name_plural = _("participation changes")

    def __str__(self) -> str:
        return f"{self.member_body} {self.committee}: {self.old_status or '—'} → {self.new_status or '—'}"


class BallotType(models.TextChoices):
    NWIP = "nwip", _("New work item proposal")
    CD = "cd", _("Committee draft (CD)")
    DIS = "dis", _("Draft International Standard (DIS)")
    FDIS = "fdis", _("Final draft (FDIS)")
    SR = "sr", _("Systematic review")
    CONFIRMATION = "confirmation", _("Confirmation")
    WITHDRAWAL = "withdrawal", _("Withdrawal")


class VoteChoice(models.TextChoices):
    APPROVE = "approve", _("Approve")
    DISAPPROVE = "disapprove", _("Disapprove")
    ABSTAIN = "abstain", _("Abstain")


def _ballot_document(ballot: Ballot) -> str:
    return " ".join(p for p in [ballot.reference, ballot.title, ballot.committee.reference] if p)


@audited()
@searchable(_ballot_document)
class Ballot(models.Model):
    """An international ballot and its national consultation in the mirror committee."""

    committee = models.ForeignKey(
        "standards.InternationalCommittee",
        on_delete=models.PROTECT,
        related_name="ballots",
        verbose_name=_("ISO/IEC committee"),
    )
    mirror = models.ForeignKey(
        MirrorCommittee,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ballots",
        verbose_name=_("mirror committee"),
    )
    document = models.ForeignKey(
        "standards.InternationalDocument",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ballots",
        verbose_name=_("catalogue document"),
    )
    reference = models.CharField(_("document"), max_length=200)
    title = models.CharField(_("title"), max_length=500, blank=True)
    ballot_type = models.CharField(_("ballot type"), max_length=16, choices=BallotType.choices)
    opens = models.DateField(_("opens"))
    closes = models.DateField(_("closes"), db_index=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-closes", "pk"]
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_ballot_type_display()})"

    def get_absolute_url(self) -> str:
        return reverse("committees:ballot-detail", args=[self.pk])

    def clean(self) -> None:
        if self.opens and self.closes and self.closes < self.opens:
            raise ValidationError({"closes": _("The ballot closes before it opens.")})

    @property
    def is_open(self) -> bool:
        return self.opens <= timezone.localdate() <= self.closes

    @property
    def position_submitted(self) -> bool:
        position = getattr(self, "position", None)
        return bool(position and position.submitted)


@audited()
class Vote(models.Model):
    """One expert's vote in the national consultation."""

    ballot = models.ForeignKey(
        Ballot, on_delete=models.CASCADE, related_name="votes", verbose_name=_("ballot")
    )
    person = models.ForeignKey(
        "organizations.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("expert")
    )
    vote = models.CharField(_("vote"), max_length=12, choices=VoteChoice.choices)
    justification = models.TextField(_("justification"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["person__family_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["ballot", "person"], name="committees_vote_unique")]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")

    def __str__(self) -> str:
        return f"{self.person}: {self.get_vote_display()}"

    def clean(self) -> None:
        if self.vote == VoteChoice.DISAPPROVE and not self.justification.strip():
            raise ValidationError({"justification": _("A disapproval needs a justification.")})


class CommentType(models.TextChoices):
    GENERAL = "ge", _("General")
    TECHNICAL = "te", _("Technical")
    EDITORIAL = "ed", _("Editorial")


@audited()
class Comment(models.Model):
    """A comment in the fields of the ISO commenting template."""

    ballot = models.ForeignKey(
        Ballot, on_delete=models.CASCADE, related_name="comments", verbose_name=_("ballot")
    )
    author = models.ForeignKey(
        "organizations.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    clause = models.CharField(_("clause"), max_length=50, blank=True)
    paragraph = models.CharField(_("paragraph/figure/table"), max_length=80, blank=True)
    comment_type = models.CharField(_("type of comment"), max_length=2, choices=CommentType.choices)
    comment = models.TextField(_("comments"))
    proposed_change = models.TextField(_("proposed change"), blank=True)
    observations = models.TextField(_("observations of the secretariat"), blank=True)
    included = models.BooleanField(_("included in the national comments"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"{self.ballot.reference} {self.clause} ({self.comment_type})"


@audited()
class NationalPosition(models.Model):
    """The consolidated national vote on a ballot, recorded and submitted by the secretary."""

    ballot = models.OneToOneField(
        Ballot, on_delete=models.CASCADE, related_name="position", verbose_name=_("ballot")
    )
    vote = models.CharField(_("national vote"), max_length=12, choices=VoteChoice.choices)
    justification = models.TextField(_("justification"), blank=True)
    submitted = models.BooleanField(_("submitted"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("national position")
        verbose_name_plural = _("national positions")

    def __str__(self) -> str:
        return f"{self.ballot}: {self.get_vote_display()}"


class Stage(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal")
    WORKING_DRAFT = "wd", _("Working draft")
    COMMITTEE_DRAFT = "cd", _("Committee draft")
    ENQUIRY = "enquiry", _("Public enquiry")
    APPROVAL = "approval", _("Approval")
    PUBLICATION = "publication", _("Publication")


STAGE_ORDER = [stage.value for stage in Stage]


def _work_item_document(item: WorkItem) -> str:
    return " ".join(p for p in [item.reference, item.title, *(item.title_i18n or {}).values()] if p)


@audited()
@searchable(_work_item_document)
class WorkItem(models.Model):
    """A project of the national work programme: a new or revised national standard."""

    class Kind(models.TextChoices):
        NEW = "new", _("New standard")
        REVISION = "revision", _("Revision")

    committee = models.ForeignKey(
        MirrorCommittee, on_delete=models.CASCADE, related_name="work_items", verbose_name=_("committee")
    )
    reference = models.CharField(_("project reference"), max_length=100)
    title = models.CharField(_("title (English)"), max_length=500)
    title_i18n = models.JSONField(_("title in other languages"), default=dict, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NEW)
    adopts = models.ForeignKey(
        "standards.InternationalDocument",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="national_projects",
        verbose_name=_("adopted international document"),
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.PROPOSAL)
    stage_target = models.DateField(_("target date of the current stage"), null=True, blank=True)
    publication_target = models.DateField(_("target publication date"), null=True, blank=True)
    published_on = models.DateField(_("published"), null=True, blank=True)
    national_standard_ref = models.CharField(_("national standard"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["committee__number", "reference"]
        verbose_name = _("work item")
        verbose_name_plural = _("work items")

    def __str__(self) -> str:
        return f"{self.reference} {self.display_title}"

    def get_absolute_url(self) -> str:
        return reverse("committees:workitem-detail", args=[self.pk])

    @property
    def display_title(self) -> str:
        return in_active_language(self.title, self.title_i18n)

    @property
    def is_overdue(self) -> bool:
        if self.stage == Stage.PUBLICATION:
            return False
        today = timezone.localdate()
        return bool(
            (self.stage_target and self.stage_target < today)
            or (self.publication_target and self.publication_target < today)
        )
