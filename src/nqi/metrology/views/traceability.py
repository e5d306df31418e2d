"""Pages: a record's traceability graph, the broken chains of a laboratory, reverse traceability.

Reading is public. The lists check only a chosen laboratory's records in a date window (see
:func:`nqi.metrology.traceability.broken_chains` for why that is cheap); reverse traceability is
one indexed range query on the uses of the standard, plus one query per transitive level.
"""

from __future__ import annotations

import csv
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nqi.metrology import graph_svg, traceability
from nqi.metrology.models import CalibrationRecord, Instrument
from nqi.metrology.traceability import Node, TraceResult
from nqi.organizations.models import Organization
from nqi.organizations.permissions import scope_ids

LAB_KINDS = ("nmi", "metrology_centre", "laboratory")
PAGE_SIZE = 25
TREE_LIMIT = 400  # entries of the nested list (a chain with shared standards repeats them)
SI_URL = "https://www.bipm.org/en/measurement-units"


def page_url(obj: Any) -> str:
    """The object's page, or "" while that page does not exist (areas are built in parallel)."""
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return ""


def node_url(node: Node) -> str:
    if node.kind == "si":
        return SI_URL
    return page_url(node.record if node.record is not None else node.instrument)


# -- a record's chain ----------------------------------------------------------------------------
def _tree(result: TraceResult) -> dict[str, Any]:
    """The chain as nested branches, from the record up; a loop is shown once, not followed."""
    problems: dict[str, list] = {}
    for problem in [*result.problems, *result.notes]:
        problems.setdefault(problem.node, []).append(problem)
    budget = [TREE_LIMIT]

    def branch(node_id: str, path: frozenset[str], cycle: bool = False) -> dict[str, Any]:
        budget[0] -= 1
        node = result.nodes[node_id]
        children = []
        if not cycle:
            for edge in result.targets(node_id):
                if budget[0] <= 0:
                    break
                loops = edge.cycle or edge.target in path
                children.append(branch(edge.target, path | {node_id}, loops))
        return {
            "node": node,
            "url": node_url(node),
            "lines": graph_svg.node_lines(node),
            "problems": problems.get(node_id, []),
            "cycle": cycle,
            "children": children,
        }

    return branch(result.root, frozenset())


def _record(pk: int) -> CalibrationRecord:
    return get_object_or_404(CalibrationRecord.objects.select_related(*traceability.RECORD_RELATED), pk=pk)


def record_traceability(request, pk: int):
    record = _record(pk)
    result = traceability.check(record)
    context = {
        "record": record,
        "record_url": page_url(record),
        "result": result,
        "svg": mark_safe(graph_svg.render(result, node_url)),  # every text in it is escaped
        "tree": _tree(result),
        "problems": [(result.nodes[problem.node], problem) for problem in result.problems],
    }
    return render(request, "metrology/traceability_graph.html", context)


def record_traceability_svg(request, pk: int):
    result = traceability.check(_record(pk))
    return HttpResponse(graph_svg.render(result, node_url), content_type="image/svg+xml")


# -- broken chains of a laboratory ---------------------------------------------------------------
class WindowForm(forms.Form):
    laboratory = forms.ModelChoiceField(
        queryset=Organization.objects.filter(kind__in=LAB_KINDS).select_related("country"),
        label=gettext_lazy("Laboratory"),
        required=False,
    )
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["laboratory"].queryset = self.fields["laboratory"].queryset.order_by(
            "country__code", "acronym", "pk"
        )

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                start, end = traceability.window(
                    data.get("date_from"), data.get("date_to"), timezone.localdate()
                )
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    for message in messages:
                        self.add_error(field, message)
            else:
                data["date_from"], data["date_to"] = start, end
        return data


def _default_laboratory(user) -> Organization | None:
    """The user's own laboratory, if they belong to one."""
    if not user.is_authenticated:
        return None
    scope = scope_ids(user)
    if not scope:
        return None
    labs = Organization.objects.filter(pk__in=scope, kind__in=LAB_KINDS)
    return labs.order_by("kind", "name", "pk").first()


def broken_chains(request):
    params = request.GET.copy()
    if "laboratory" not in params:
        default = _default_laboratory(request.user)
        params["laboratory"] = str(default.pk) if default else ""
    form = WindowForm(params)
    context: dict[str, Any] = {"form": form}
    status = 200
    if not form.is_valid():
        status = 422
    elif form.cleaned_data["laboratory"] is not None:
        laboratory = form.cleaned_data["laboratory"]
        start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        found = traceability.broken_chains(laboratory, start, end)
        page = Paginator(found.rows, PAGE_SIZE).get_page(request.GET.get("page"))
        for result in page:
            result.url = page_url(result.record)
        at_risk = traceability.standards_at_risk(laboratory, start, end)
        for row in at_risk:
            row.url = page_url(row.standard)
        context.update(laboratory=laboratory, start=start, end=end, found=found, page=page, at_risk=at_risk)
    template = "metrology/broken_chains_results.html" if request.htmx else "metrology/broken_chains.html"
    return render(request, template, context, status=status)


# -- reverse traceability ------------------------------------------------------------------------
class ReverseForm(forms.Form):
    failing = forms.TypedChoiceField(label=gettext_lazy("Out-of-tolerance calibration"), coerce=int)
    transitive = forms.BooleanField(
        label=gettext_lazy("Include what the affected standards supported in turn"), required=False
    )
    depth = forms.IntegerField(
        label=gettext_lazy("Levels to follow"), min_value=1, max_value=5, initial=3, required=False
    )

    def __init__(self, data, failing: list[CalibrationRecord]):
        super().__init__(data)
        self.fields["failing"].choices = [
            (c.pk, f"{c.certificate_number} ({c.calibrated_on.isoformat()})") for c in failing
        ]


def _reverse(request, standard: Instrument):
    """The form and, when valid and the standard ever failed, the reverse trace."""
    failing = list(traceability.failing_calibrations(standard)[:100])
    data = request.GET.copy()
    if failing and "failing" not in data:
        data["failing"] = str(failing[0].pk)
    form = ReverseForm(data, failing)
    if not failing or not form.is_valid():
        return form, failing, None
    chosen = next(c for c in failing if c.pk == form.cleaned_data["failing"])
    depth = form.cleaned_data["depth"] or 3
    trace = traceability.reverse_trace(standard, chosen, form.cleaned_data["transitive"], depth)
    return form, failing, trace


def _standard(pk: int) -> Instrument:
    return get_object_or_404(Instrument.objects.select_related("owner"), pk=pk)


def reverse_traceability(request, pk: int):
    standard = _standard(pk)
    form, failing, trace = _reverse(request, standard)
    context: dict[str, Any] = {
        "standard": standard,
        "standard_url": page_url(standard),
        "form": form,
        "failing": failing,
        "trace": trace,
    }
    if trace is not None:
        context["page"] = Paginator(trace.impacts, 50).get_page(request.GET.get("page"))
        for impact in context["page"]:
            impact.url = page_url(impact.use.record)
        context["last_good_url"] = page_url(trace.last_good) if trace.last_good else ""
        context["failing_url"] = page_url(trace.failing)
        query = request.GET.copy()
        query.pop("page", None)
        query["failing"] = str(trace.failing.pk)
        csv_path = reverse("metrology:reverse-traceability-csv", args=[standard.pk])
        context["csv_url"] = f"{csv_path}?{query.urlencode()}"
    status = 422 if failing and form.errors else 200
    return render(request, "metrology/reverse_traceability.html", context, status=status)


CSV_HEADER = (
    gettext_lazy("Level"),
    gettext_lazy("Certificate"),
    gettext_lazy("Date of calibration"),
    gettext_lazy("Status"),
    gettext_lazy("Asset number"),
    gettext_lazy("Item"),
    gettext_lazy("Owner"),
    gettext_lazy("Customer"),
    gettext_lazy("Calibration laboratory"),
    gettext_lazy("Via certificate"),
)


def reverse_traceability_csv(request, pk: int):
    """Every affected calibration, one row each, for the recall letters."""
    standard = _standard(pk)
    form, _failing, trace = _reverse(request, standard)
    if trace is None:
        message = "; ".join(m for ms in form.errors.values() for m in ms) or _("The standard never failed.")
        return HttpResponse(message, status=422, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    number = trace.failing.certificate_number.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="reverse-traceability-{number}.csv"'
    writer = csv.writer(response)
    writer.writerow([str(title) for title in CSV_HEADER])
    for impact in trace.impacts:
        record = impact.use.record
        via = impact.use.standard_calibration
        writer.writerow(
            [
                impact.level,
                record.certificate_number,
                record.calibrated_on.isoformat(),
                record.get_status_display(),
                record.item.asset_number,
                record.item.name,
                str(record.item.owner),
                str(record.customer) if record.customer else "",
                str(record.laboratory),
                via.certificate_number if impact.level and via else "",
            ]
        )
    return response


urlpatterns = [
    path("traceability/", broken_chains, name="broken-chains"),
    path("calibrations/<int:pk>/traceability/", record_traceability, name="record-traceability"),
    path("calibrations/<int:pk>/traceability.svg", record_traceability_svg, name="record-traceability-svg"),
    path("instruments/<int:pk>/reverse/", reverse_traceability, name="reverse-traceability"),
    path("instruments/<int:pk>/reverse.csv", reverse_traceability_csv, name="reverse-traceability-csv"),
]
