"""Pages: ballots and the national consultation, comment exports, deadlines, the work programme."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from nqi.committees import deadlines, exports, permissions, services
from nqi.committees.filters import BallotFilters, WorkItemFilters, filter_ballots, filter_work_items
from nqi.committees.forms import BallotForm, CommentForm, PositionForm, StageForm, VoteForm, WorkItemForm
from nqi.committees.models import Ballot, Comment, Stage, Vote, WorkItem
from nqi.committees.views import PAGE_SIZE, form_errors
from nqi.core.audit import history_for


def ballot_list(request):
    state = request.GET.get("state") or None
    filters = BallotFilters(
        q=request.GET.get("q") or None,
        state=state if state in ("open", "closed", "submitted", "pending") else None,
    )
    context = {
        "page": Paginator(filter_ballots(filters), PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": filters,
        "due_soon": deadlines.due_soon()[:50],
        "overdue": deadlines.overdue()[:50],
        "can_add": request.user.is_authenticated and request.user.has_perm("committees.add_ballot"),
    }
    return render(request, "committees/ballot_list.html", context)


@login_required
def ballot_create(request):
    if not request.user.has_perm("committees.add_ballot"):
        raise PermissionDenied(_("You may not add ballots."))
    form = BallotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ballot = services.save_ballot(request.user, None, dict(form.cleaned_data))
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect(ballot)
    status = 422 if request.method == "POST" else 200
    return render(request, "committees/ballot_form.html", {"form": form}, status=status)


def _ballot_context(request, ballot: Ballot, **forms) -> dict:
    user = request.user
    person = permissions.person_for(user)
    own_vote = Vote.objects.filter(ballot=ballot, person=person).first() if person else None
    can_vote = permissions.can_vote(user, ballot) and not ballot.position_submitted
    can_manage = permissions.can_manage_ballot(user, ballot)
    position = getattr(ballot, "position", None)
    context = {
        "ballot": ballot,
        "votes": ballot.votes.select_related("person"),
        "tally": services.tally(ballot),
        "comments": ballot.comments.select_related("author"),
        "position": position,
        "own_vote": own_vote,
        "can_vote": can_vote,
        "can_comment": permissions.can_comment(user, ballot) and not ballot.position_submitted,
        "can_manage": can_manage,
        "vote_form": forms.get("vote_form")
        or (
            VoteForm(initial={"vote": own_vote.vote, "justification": own_vote.justification})
            if own_vote
            else VoteForm()
        ),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "position_form": forms.get("position_form")
        or PositionForm(
            prefix="position",
            initial={"vote": position.vote, "justification": position.justification} if position else None,
        ),
        "history": history_for(ballot)[:30],
    }
    return context


def ballot_detail(request, pk: int):
    ballot = get_object_or_404(Ballot.objects.select_related("committee", "mirror", "document"), pk=pk)
    return render(request, "committees/ballot_detail.html", _ballot_context(request, ballot))


def _act(request, ballot: Ballot, form, action, key: str):
    """Run ``action(cleaned_data)`` for a valid ``form``; re-render the ballot page with errors."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(ballot)
    context = _ballot_context(request, ballot, **{key: form})
    return render(request, "committees/ballot_detail.html", context, status=422)


@login_required
def ballot_vote(request, pk: int):
    ballot = get_object_or_404(Ballot, pk=pk)
    if request.method != "POST":
        return redirect(ballot)
    return _act(
        request,
        ballot,
        VoteForm(request.POST),
        lambda data: services.cast_vote(request.user, ballot, data["vote"], data["justification"]),
        "vote_form",
    )


@login_required
def ballot_comment(request, pk: int):
    ballot = get_object_or_404(Ballot, pk=pk)
    if request.method != "POST":
        return redirect(ballot)
    return _act(
        request,
        ballot,
        CommentForm(request.POST),
        lambda data: services.add_comment(request.user, ballot, dict(data)),
        "comment_form",
    )


@login_required
def comment_review(request, pk: int):
    comment = get_object_or_404(Comment.objects.select_related("ballot"), pk=pk)
    if request.method == "POST":
        services.review_comment(
            request.user,
            comment,
            request.POST.get("observations", "")[:10000],
            request.POST.get("included") == "on",
        )
    return redirect(comment.ballot)


@login_required
def ballot_position(request, pk: int):
    ballot = get_object_or_404(Ballot, pk=pk)
    if request.method != "POST":
        return redirect(ballot)
    if "submit" in request.POST:
        try:
            services.submit_position(request.user, ballot)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(ballot)
    return _act(
        request,
        ballot,
        PositionForm(request.POST, prefix="position"),
        lambda data: services.record_position(request.user, ballot, data["vote"], data["justification"]),
        "position_form",
    )


def comments_export(request, pk: int, fmt: str):
    ballot = get_object_or_404(Ballot.objects.select_related("mirror__member_body"), pk=pk)
    name = "".join(ch if ch.isalnum() else "_" for ch in ballot.reference)[:80] or "ballot"
    if fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(ballot),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(exports.to_csv(ballot), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="comments_{name}.{fmt}"'
    return response


def workitem_list(request):
    stage = request.GET.get("stage") or None
    filters = WorkItemFilters(
        q=request.GET.get("q") or None,
        stage=stage if stage in Stage.values else None,
        overdue=True if request.GET.get("overdue") == "1" else None,
    )
    context = {
        "page": Paginator(filter_work_items(filters), PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": filters,
        "stages": Stage.choices,
        "can_add": request.user.is_authenticated and request.user.has_perm("committees.add_workitem"),
    }
    return render(request, "committees/workitem_list.html", context)


def workitem_detail(request, pk: int):
    item = get_object_or_404(WorkItem.objects.select_related("committee", "adopts"), pk=pk)
    can_manage = permissions.can_manage_committee(request.user, item.committee)
    form = StageForm(request.POST or None, initial={"stage": item.stage}) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(_("You may not change this committee's work programme."))
        if form.is_valid():
            services.advance_stage(
                request.user, item, form.cleaned_data["stage"], form.cleaned_data["stage_target"]
            )
            return redirect(item)
    context = {"item": item, "form": form, "history": history_for(item)[:30]}
    return render(
        request, "committees/workitem_detail.html", context, status=422 if form and form.errors else 200
    )


@login_required
def workitem_create(request):
    if not request.user.has_perm("committees.add_workitem"):
        raise PermissionDenied(_("You may not add projects."))
    form = WorkItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.save_work_item(request.user, None, form.data_dict())
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                raise
            form_errors(form, exc)
        else:
            return redirect(item)
    status = 422 if request.method == "POST" else 200
    return render(request, "committees/workitem_form.html", {"form": form}, status=status)
