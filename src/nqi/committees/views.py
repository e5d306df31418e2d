"""Pages: mirror committees, a member body's participation with its history, participation analytics."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from nqi.committees import analytics, deadlines, participation, permissions, services
from nqi.committees.filters import CommitteeFilters, filter_committees
from nqi.committees.forms import MemberForm, MirrorCommitteeForm, ParticipationForm
from nqi.committees.models import MirrorCommittee, Nomination
from nqi.core.audit import history_for
from nqi.organizations.models import Organization
from nqi.standards.models import InternationalCommittee

PAGE_SIZE = 25
DEFAULT_COMPARISON = "UZ,VN,KZ,KR"


def form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def mirror_list(request):
    status = request.GET.get("status") or None
    filters = CommitteeFilters(
        q=request.GET.get("q") or None,
        country=(request.GET.get("country") or "")[:2] or None,
        status=status if status in MirrorCommittee.Status.values else None,
    )
    page = Paginator(filter_committees(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "statuses": MirrorCommittee.Status.choices,
        "can_add": permissions.can_add_committee(request.user),
    }
    template = "committees/_mirror_rows.html" if request.htmx else "committees/mirror_list.html"
    return render(request, template, context)


def mirror_detail(request, pk: int):
    committee = get_object_or_404(MirrorCommittee.objects.select_related("member_body", "secretariat"), pk=pk)
    status = participation.statuses(committee.member_body)
    streaks = deadlines.missed_streaks(committee.member_body)
    mirrors = [
        {"committee": c, "status": status.get(c.pk, ""), "streak": streaks.get(c.pk)}
        for c in committee.mirrors.order_by("sort_key")
    ]
    can_manage = permissions.can_manage_committee(request.user, committee)
    context = {
        "committee": committee,
        "chair": committee.officer("chair"),
        "secretary": committee.officer("secretary"),
        "members": committee.members.select_related("person", "organization").order_by("end", "role"),
        "mirrors": mirrors,
        "ballots": committee.ballots.select_related("committee", "position").order_by("-closes")[:50],
        "work_items": committee.work_items.order_by("reference"),
        "nominations": Nomination.objects.filter(
            person__in=committee.members.values("person"), committee__in=committee.mirrors.all()
        ).select_related("person", "committee"),
        "history": history_for(committee)[:50],
        "can_manage": can_manage,
    }
    return render(request, "committees/mirror_detail.html", context)


def _save_committee(request, committee: MirrorCommittee | None):
    form = MirrorCommitteeForm(request.POST or None, instance=committee)
    if request.method == "POST" and form.is_valid():
        try:
            fresh = MirrorCommittee.objects.get(pk=committee.pk) if committee else None
            committee = services.save_committee(
                request.user, fresh, form.data_dict(), list(form.cleaned_data["mirrors"])
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect(committee)
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "committee": committee}
    return render(request, "committees/mirror_form.html", context, status=status)


@login_required
def mirror_create(request):
    if not permissions.can_add_committee(request.user):
        raise PermissionDenied(_("You may not add committees."))
    return _save_committee(request, None)


@login_required
def mirror_edit(request, pk: int):
    committee = get_object_or_404(MirrorCommittee, pk=pk)
    if not permissions.can_manage_committee(request.user, committee):
        raise PermissionDenied(_("You may not change this committee."))
    return _save_committee(request, committee)


@login_required
def member_add(request, pk: int):
    committee = get_object_or_404(MirrorCommittee, pk=pk)
    if not permissions.can_manage_committee(request.user, committee):
        raise PermissionDenied(_("You may not change this committee."))
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_member(request.user, committee, dict(form.cleaned_data))
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect(committee)
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "committee": committee}
    return render(request, "committees/member_form.html", context, status=status)


def participation_detail(request, org_id: int, committee_id: int):
    """A member body's status in one ISO/IEC committee, its history, and the change form."""
    body = get_object_or_404(Organization, pk=org_id)
    committee = get_object_or_404(InternationalCommittee, pk=committee_id)
    can_change = permissions.can_change_participation(request.user, body)
    form = ParticipationForm(request.POST or None) if can_change else None
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied(_("You may not change this member body's participation."))
        if form.is_valid():
            try:
                services.set_participation(
                    request.user, body, committee, form.cleaned_data["status"], form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                return redirect(request.path)
    context = {
        "body": body,
        "committee": committee,
        "status": participation.status_of(body, committee),
        "changes": participation.history(body, committee),
        "form": form,
    }
    status = 422 if form is not None and form.errors else 200
    return render(request, "committees/participation_detail.html", context, status=status)


def _keys(request) -> list[str]:
    raw = (request.GET.get("members") or DEFAULT_COMPARISON)[:300]
    return [key.strip() for key in raw.split(",") if key.strip()][:12]


def analytics_overview(request):
    found, unknown = analytics.compare(_keys(request))
    context = {
        "rows": found,
        "unknown": unknown,
        "members": ",".join(_keys(request)),
        "top": analytics.member_bodies(25),
    }
    return render(request, "committees/analytics.html", context)


def analytics_chart(request):
    found, _unknown = analytics.compare(_keys(request))
    return HttpResponse(analytics.comparison_svg(found), content_type="image/svg+xml")


def analytics_member(request, member: str):
    found = analytics.resolve_member(member[:60])
    if found is None:
        raise Http404(_("No such member body in the committee data."))
    fields = [code for code in (request.GET.get("ics") or "").split(",") if code.strip()][:100]
    coverage = analytics.coverage(found, fields or None)
    context = {
        "member": found,
        "summary": analytics.summary(found),
        "coverage": coverage,
        "gaps": coverage["gaps"][:50],
        "ics": ",".join(fields),
    }
    body = found["organization"]
    if body is not None:
        context["record"] = deadlines.voting_record(body)
        context["at_risk"] = deadlines.at_risk(body)
    return render(request, "committees/analytics_member.html", context)
