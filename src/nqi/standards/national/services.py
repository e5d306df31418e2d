"""Write operations on the national catalogue, shared by the pages, the API and the CLI."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nqi.pubid import Identifier, PubidError, parse
from nqi.standards.models import InternationalDocument
from nqi.standards.national.linking import DocumentIndex
from nqi.standards.national.models import Adoption, ReviewItem, Watch


def can_edit(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("standards.change_nationalstandard"))


def _check(user) -> None:
    if not can_edit(user):
        raise PermissionDenied(_("You may not change the national catalogue."))


@transaction.atomic
def resolve_review(
    user, item: ReviewItem, action: str, document_id: int | None = None, reference: str = ""
) -> Adoption | None:
    """Confirm a candidate, correct the reference, or reject the link. Returns the adoption made."""
    _check(user)
    item = ReviewItem.objects.select_for_update().get(pk=item.pk)
    if item.state != ReviewItem.State.OPEN:
        raise ValidationError(_("This item has already been resolved."))
    adoption = None
    if action == "confirm":
        if document_id is None or not item.candidates.filter(pk=document_id).exists():
            raise ValidationError({"document_id": _("Choose one of the candidate documents.")})
        document = InternationalDocument.objects.get(pk=document_id)
        item.state = ReviewItem.State.CONFIRMED
    elif action == "correct":
        document = _document_for(reference, item.standard.year)
        item.state = ReviewItem.State.CORRECTED
    elif action == "reject":
        document = None
        item.state = ReviewItem.State.REJECTED
    else:
        raise ValidationError({"action": _("Unknown action.")})
    if document is not None:
        adoption, _created = Adoption.objects.get_or_create(
            standard=item.standard,
            document=document,
            defaults={
                "degree": item.degree,
                "method": item.method,
                "adopted_edition": document.canonical,
                "reference": item.reference,
            },
        )
    item.resolved_by = user
    item.resolved_at = timezone.now()
    item.save()
    return adoption


def _document_for(reference: str, year: int | None) -> InternationalDocument:
    try:
        ident = parse(reference.strip())
    except PubidError as exc:
        raise ValidationError({"reference": exc.message}) from exc
    if not isinstance(ident, Identifier):
        raise ValidationError({"reference": _("Give an ISO or IEC reference.")})
    match = DocumentIndex([ident.base.canonical]).match(ident, year)
    if match.document_id is None:
        raise ValidationError({"reference": _("No single international document matches this reference.")})
    return InternationalDocument.objects.get(pk=match.document_id)


def follow(user, kind: str, value: str) -> Watch:
    if not (user and user.is_authenticated):
        raise PermissionDenied(_("Log in to follow."))
    value = value.strip()
    if kind not in Watch.Kind.values or not value:
        raise ValidationError({"value": _("Choose what to follow.")})
    watch, _created = Watch.objects.get_or_create(user=user, kind=kind, value=value[:200])
    return watch


def unfollow(user, watch_id: int) -> None:
    deleted, _rows = Watch.objects.filter(user=user, pk=watch_id).delete()
    if not deleted:
        raise ValidationError(_("Not followed."))
