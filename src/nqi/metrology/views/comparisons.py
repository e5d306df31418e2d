"""Pages: comparisons (list, detail with the blind submissions and the pilot's controls, forms) and the
mutual-recognition matrix."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from nqi.core.audit import history_for
from nqi.core.search import ranked
from nqi.metrology import mra, permissions
from nqi.metrology.forms_comparisons import (
    AnalysisForm,
    ComparisonForm,
    ParticipantForm,
    ResultForm,
    StatusForm,
)
from nqi.metrology.models import (
    Comparison,
    ComparisonKind,
    ComparisonStatus,
    MetrologyArea,
    Participant,
    Service,
)
from nqi.metrology.services import comparisons as services

PAGE_SIZE = 25
VERDICTS = {
    "satisfactory": ("pass", gettext_lazy("satisfactory")),
    "questionable": ("indeterminate", gettext_lazy("questionable")),
    "unsatisfactory": ("fail", gettext_lazy("unsatisfactory")),
}


def form_errors(form, exc: ValidationError) -> None:
    """Put a service's errors on the form fields they name (others on the form)."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def comparison_list(request):
    kind = request.GET.get("kind") or ""
    status = request.GET.get("status") or ""
    service_id = _int(request.GET.get("service"))
    query = (request.GET.get("q") or "").replace("\x00", "")[:200]
    queryset = Comparison.objects.select_related("pilot", "service")
    if kind in ComparisonKind.values:
        queryset = queryset.filter(kind=kind)
    if status in ComparisonStatus.values:
        queryset = queryset.filter(status=status)
    if service_id:
        queryset = queryset.filter(service_id=service_id)
    queryset = ranked(queryset, query, "-starts_on", "identifier", "pk")
    context = {
        "page": Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": {"kind": kind, "status": status, "service": service_id, "q": query},
        "kinds": ComparisonKind.choices,
        "statuses": ComparisonStatus.choices,
        "services": Service.objects.order_by("code").only("pk", "code", "name"),
        "can_add": permissions.can_add_any(request.user, "add_comparison"),
    }
    template = "metrology/_comparison_rows.html" if request.htmx else "metrology/comparison_list.html"
    return render(request, template, context)


def _g(value, digits: int = 4) -> str:
    return "—" if value is None else f"{value:.{digits}g}"


def _report(analysis: dict | None) -> dict | None:
    """The stored analysis with one row per participant: DoE, U(d), scores and verdict badges."""
    if not analysis:
        return None
    scores = {s["participant"]: s for s in analysis.get("scores") or []}
    linked = {d["participant"]: d for d in (analysis.get("link") or {}).get("degrees") or []}
    rows = []
    for doe in analysis.get("degrees_of_equivalence") or []:
        score = scores.get(doe["participant"], {})
        link = linked.get(doe["participant"])
        rows.append(
            {
                **doe,
                "d_text": _g(doe["d"]),
                "expanded_text": _g(doe["expanded"], 3),
                "en_text": _g(score.get("en"), 3),
                "zeta_text": _g(score.get("zeta"), 3),
                "z_text": _g(score.get("z"), 3),
                "en_verdict": VERDICTS.get(score.get("en_verdict") or ""),
                "z_verdict": VERDICTS.get(score.get("z_verdict") or ""),
                "linked_text": (_g(link["d"]), _g(link["expanded"], 3)) if link else None,
            }
        )
    reference = analysis.get("reference") or {}
    texts = {
        "value": _g(reference.get("value"), 10),
        "u": _g(reference.get("u"), 3),
        "expanded": _g(reference.get("expanded"), 3),
        "tau": _g(reference.get("tau"), 3) if reference.get("tau") else "",
        "sigma_pt": _g(analysis.get("sigma_pt"), 4) if analysis.get("sigma_pt") else "",
    }
    return {**analysis, "rows": rows, "texts": texts}


def _detail(request, comparison: Comparison, status: int = 200, action_errors=(), **forms):
    """The detail page; ``forms`` replace the blank ones (a form with errors, status 422)."""
    viewer = services.viewer(request.user, comparison)
    participants = list(comparison.participants.select_related("laboratory__country").order_by("code", "pk"))
    rows = [
        {"participant": p, "visible": viewer.sees_result(p), "mine": viewer.may_submit(p)}
        for p in participants
    ]
    open_for_results = comparison.status == ComparisonStatus.RUNNING
    context = {
        "comparison": comparison,
        "viewer": viewer,
        "method_label": dict(services.METHOD_CHOICES).get(comparison.method, comparison.method),
        "rows": rows,
        "report": _report(comparison.analysis) if viewer.sees_analysis else None,
        "linked": comparison.linked_comparisons.order_by("identifier"),
        "history": history_for(comparison)[:30],
        "participant_form": forms.get("participant_form") or ParticipantForm(),
        "analysis_form": forms.get("analysis_form") or AnalysisForm(),
        "status_form": forms.get("status_form") or StatusForm(initial={"status": comparison.status}),
        "result_forms": [],
        "action_errors": action_errors,
    }
    if open_for_results:
        failed = forms.get("result_form")
        for row in rows:
            if row["mine"]:
                p = row["participant"]
                form = failed[1] if failed and failed[0] == p.pk else None
                form = form or ResultForm(
                    prefix=f"p{p.pk}",
                    initial={
                        "value": p.value,
                        "uncertainty": p.uncertainty,
                        "coverage_factor": p.coverage_factor,
                    },
                )
                context["result_forms"].append((p, form))
    return render(request, "metrology/comparison_detail.html", context, status=status)


def comparison_detail(request, pk: int):
    comparison = get_object_or_404(Comparison.objects.select_related("pilot", "service", "linked_to"), pk=pk)
    return _detail(request, comparison)


def _save(request, comparison: Comparison | None):
    form = ComparisonForm(request.POST or None, instance=comparison, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            fresh = Comparison.objects.get(pk=comparison.pk) if comparison else None
            comparison = services.save_comparison(request.user, fresh, form.data_dict())
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect(comparison)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "metrology/comparison_form.html", {"form": form, "comparison": comparison}, status=status
    )


@login_required
def comparison_create(request):
    if not permissions.can_add_any(request.user, "add_comparison"):
        raise PermissionDenied(_("You may not create comparisons."))
    return _save(request, None)


@login_required
def comparison_edit(request, pk: int):
    comparison = get_object_or_404(Comparison, pk=pk)
    if not services.can_manage(request.user, comparison):
        raise PermissionDenied(_("Only the pilot laboratory may manage this comparison."))
    return _save(request, comparison)


def _pilot_action(request, pk: int, action, form_name: str | None = None, form=None, anchor: str = ""):
    """Run a pilot's action from the detail page: redirect on success, the page with errors (422) else."""
    comparison = get_object_or_404(Comparison, pk=pk)
    if not services.can_manage(request.user, comparison):
        raise PermissionDenied(_("Only the pilot laboratory may manage this comparison."))
    errors: list[str] = []
    if form is None or form.is_valid():
        try:
            action(comparison, form.cleaned_data if form is not None else {})
        except ValidationError as exc:
            if form is not None:
                form_errors(form, exc)
            else:
                errors = exc.messages
        else:
            return redirect(comparison.get_absolute_url() + anchor)
    comparison.refresh_from_db()
    forms = {form_name: form} if form_name else {}
    return _detail(request, comparison, 422, action_errors=errors, **forms)


@login_required
@require_POST
def participant_add(request, pk: int):
    def add(comparison, data):
        services.add_participant(request.user, comparison, data["laboratory"], data.get("code") or "")

    return _pilot_action(request, pk, add, "participant_form", ParticipantForm(request.POST), "#participants")


@login_required
@require_POST
def participant_remove(request, pk: int, participant_id: int):
    participant = get_object_or_404(
        Participant.objects.select_related("comparison"), pk=participant_id, comparison_id=pk
    )
    return _pilot_action(
        request,
        pk,
        lambda comparison, data: services.remove_participant(request.user, participant),
        anchor="#participants",
    )


@login_required
@require_POST
def comparison_status(request, pk: int):
    def change(comparison, data):
        services.change_status(request.user, comparison, data["status"])

    return _pilot_action(request, pk, change, "status_form", StatusForm(request.POST))


@login_required
@require_POST
def comparison_analyse(request, pk: int):
    def run(comparison, data):
        services.run_analysis(request.user, comparison, data.get("sigma_pt"))

    return _pilot_action(request, pk, run, "analysis_form", AnalysisForm(request.POST), "#report")


@login_required
@require_POST
def comparison_publish(request, pk: int):
    return _pilot_action(
        request, pk, lambda comparison, data: services.publish(request.user, comparison), anchor="#report"
    )


@login_required
@require_POST
def participant_result(request, pk: int, participant_id: int):
    participant = get_object_or_404(
        Participant.objects.select_related("comparison", "laboratory"), pk=participant_id, comparison_id=pk
    )
    comparison = participant.comparison
    if not services.viewer(request.user, comparison).may_submit(participant):
        raise PermissionDenied(
            _("Only the metrologists of %(lab)s may submit its result.") % {"lab": participant.laboratory}
        )
    form = ResultForm(request.POST, prefix=f"p{participant.pk}")
    if form.is_valid():
        try:
            services.submit_result(request.user, participant, form.data_dict())
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect(comparison.get_absolute_url() + "#participants")
    participant.refresh_from_db()
    return _detail(request, comparison, 422, result_form=(participant.pk, form))


# The mutual-recognition matrix -------------------------------------------------------------------


def _mra_filters(request) -> tuple[list[str], str]:
    raw = (request.GET.get("countries") or "").replace("\x00", "")[:200]
    countries = [code.strip().upper() for code in raw.split(",") if code.strip()][:30]
    area = (request.GET.get("area") or "").replace("\x00", "").strip()[:10]
    return countries, area


def mra_matrix(request):
    countries, area = _mra_filters(request)
    matrix = mra.build(countries or None, area or None)
    context = {
        "matrix": matrix,
        "counts": matrix.counts(),
        "countries": ",".join(countries),
        "area": area,
        "areas": MetrologyArea.objects.order_by("code"),
        "states": mra.STATE_LABELS,
    }
    return render(request, "metrology/mra_matrix.html", context)


def mra_csv(request):
    countries, area = _mra_filters(request)
    response = HttpResponse(
        mra.to_csv(mra.build(countries or None, area or None)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="mra-matrix.csv"'
    return response


urlpatterns = [
    path("comparisons/", comparison_list, name="comparison-list"),
    path("comparisons/new/", comparison_create, name="comparison-create"),
    path("comparisons/<int:pk>/", comparison_detail, name="comparison-detail"),
    path("comparisons/<int:pk>/edit/", comparison_edit, name="comparison-edit"),
    path("comparisons/<int:pk>/status/", comparison_status, name="comparison-status"),
    path("comparisons/<int:pk>/participants/", participant_add, name="participant-add"),
    path(
        "comparisons/<int:pk>/participants/<int:participant_id>/remove/",
        participant_remove,
        name="participant-remove",
    ),
    path(
        "comparisons/<int:pk>/participants/<int:participant_id>/result/",
        participant_result,
        name="participant-result",
    ),
    path("comparisons/<int:pk>/analyse/", comparison_analyse, name="comparison-analyse"),
    path("comparisons/<int:pk>/publish/", comparison_publish, name="comparison-publish"),
    path("mra/", mra_matrix, name="mra-matrix"),
    path("mra/matrix.csv", mra_csv, name="mra-csv"),
]
