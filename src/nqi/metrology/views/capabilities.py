"""Pages: CMCs (list, detail, form, status), a laboratory's capabilities and accreditations, the
network with its gaps."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from pydantic import ValidationError as SchemaError

from nqi.core.audit import history_for
from nqi.metrology import network, permissions
from nqi.metrology.forms_capabilities import AccreditationForm, CmcForm, CmcStatusForm
from nqi.metrology.models import Accreditation, Cmc, CmcStatus, MetrologyArea
from nqi.metrology.services import capabilities as services
from nqi.organizations.models import Country, Organization, UserOrganization

PAGE_SIZE = 25


def form_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form fields it names (others on the form)."""
    aliases = {"parameters": "parameters_text", "uncertainty_table": "table_text"}
    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            name = aliases.get(name, name)
            for message in messages:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


FILTER_LABELS = {
    "q": _lazy("Search"),
    "laboratory": _lazy("Laboratory"),
    "country": _lazy("Country"),
    "area": _lazy("Metrology area"),
    "service": _lazy("Service"),
    "status": _lazy("Status"),
    "covers": _lazy("Value to cover"),
    "unit": _lazy("Unit"),
}


def _filters(request) -> tuple[network.CmcFilters, list[str]]:
    """The list filters from the query string; a value that does not fit is dropped and reported."""
    wanted = {
        key: request.GET.get(key) or None
        for key in ("q", "laboratory", "country", "area", "service", "status", "covers", "unit")
    }
    dropped: list[str] = []
    while True:
        try:
            return network.CmcFilters(**wanted), dropped
        except SchemaError as exc:
            bad = {str(error["loc"][0]) for error in exc.errors() if error.get("loc")} & set(wanted)
            if not bad:
                return network.CmcFilters(), dropped
            dropped += [str(FILTER_LABELS.get(name, name)) for name in sorted(bad)]
            wanted = {key: value for key, value in wanted.items() if key not in bad}


def cmc_list(request):
    filters, dropped = _filters(request)
    try:
        queryset = network.filter_cmcs(filters)
    except ValidationError as exc:
        dropped.append(exc.messages[0])
        queryset = network.filter_cmcs(filters.model_copy(update={"covers": None, "unit": None}))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "dropped": dropped,
        "statuses": CmcStatus.choices,
        "areas": MetrologyArea.objects.all(),
        "can_add": permissions.can_add_any(request.user, "add_cmc"),
    }
    template = "metrology/_cmc_rows.html" if request.htmx else "metrology/cmc_list.html"
    return render(request, template, context)


def cmc_detail(request, pk: int):
    cmc = get_object_or_404(
        Cmc.objects.select_related(
            "laboratory__country", "service__area", "traceability_source", "procedure"
        ),
        pk=pk,
    )
    points = [{"x": x, "u": services.cmc_uncertainty_at(cmc, x)} for x in services.sample_points(cmc)]
    # A relative uncertainty of a Celsius temperature means nothing (its zero is arbitrary).
    ratio_scale = not services.has_offset(cmc.unit)
    for point in points:
        known = point["u"] is not None and point["x"] and ratio_scale
        point["relative"] = point["u"] / abs(point["x"]) if known else None
    user = request.user
    context = {
        "cmc": cmc,
        "points": points,
        "uncertainty": network.uncertainty_label(cmc),
        "calibrations": cmc.calibrations.count(),
        "history": history_for(cmc)[:50],
        "can_edit": cmc.status in services.EDITABLE
        and permissions.can_write(user, "change_cmc", cmc.laboratory_id),
        "transitions": [(s, CmcStatus(s).label) for s in services.allowed_transitions(user, cmc)]
        if user.is_authenticated
        else [],
    }
    return render(request, "metrology/cmc_detail.html", context)


def _save_cmc(request, cmc: Cmc | None):
    initial = {}
    if cmc is None and request.GET.get("laboratory", "").isdigit():
        initial["laboratory"] = request.GET["laboratory"]
    form = CmcForm(request.POST or None, instance=cmc, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            cmc = services.save_cmc(request.user, cmc, form.data_dict())
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect(cmc)
    status = 422 if request.method == "POST" else 200
    return render(request, "metrology/cmc_form.html", {"form": form, "cmc": cmc}, status=status)


@login_required
def cmc_create(request):
    if not permissions.can_add_any(request.user, "add_cmc"):
        raise PermissionDenied(_("You may not record CMCs."))
    return _save_cmc(request, None)


@login_required
def cmc_edit(request, pk: int):
    cmc = get_object_or_404(Cmc, pk=pk)
    if not permissions.can_write(request.user, "change_cmc", cmc.laboratory_id):
        raise PermissionDenied(_("You may not change this CMC."))
    if cmc.status not in services.EDITABLE:
        raise PermissionDenied(_("A published or withdrawn CMC cannot be changed."))
    return _save_cmc(request, cmc)


@login_required
def cmc_status(request, pk: int):
    cmc = get_object_or_404(Cmc, pk=pk)
    if not permissions.can_write(request.user, "change_cmc", cmc.laboratory_id):
        raise PermissionDenied(_("You may not change this CMC."))
    form = CmcStatusForm(request.POST or None, cmc=cmc)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_cmc_status(
                request.user, cmc, data["status"], data["approved_on"], data["published_on"]
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect(cmc)
    status = 422 if request.method == "POST" else 200
    return render(request, "metrology/cmc_status.html", {"form": form, "cmc": cmc}, status=status)


def lab_detail(request, org_id: int):
    """A laboratory's capabilities: its accreditations and its CMCs."""
    laboratory = get_object_or_404(Organization.objects.select_related("country"), pk=org_id)
    cmcs = Cmc.objects.filter(laboratory=laboratory).select_related("laboratory__country", "service__area")
    page = Paginator(cmcs.order_by("service__code", "range_low", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "laboratory": laboratory,
        "accreditations": laboratory.accreditations.select_related("body").order_by("-valid_until", "pk"),
        "page": page,
        "can_add_cmc": permissions.can_write(request.user, "add_cmc", laboratory.pk),
        "can_add_accreditation": permissions.can_write(request.user, "add_accreditation", laboratory.pk),
    }
    return render(request, "metrology/cmc_lab.html", context)


def _save_accreditation(request, laboratory: Organization, accreditation: Accreditation | None):
    form = AccreditationForm(request.POST or None, instance=accreditation)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_accreditation(
                request.user, accreditation, {**form.data_dict(), "laboratory": laboratory}
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("metrology:lab-detail", org_id=laboratory.pk)
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "laboratory": laboratory, "accreditation": accreditation}
    return render(request, "metrology/accreditation_form.html", context, status=status)


@login_required
def accreditation_create(request, org_id: int):
    laboratory = get_object_or_404(Organization, pk=org_id)
    if not permissions.can_write(request.user, "add_accreditation", laboratory.pk):
        raise PermissionDenied(_("You may not record accreditations of this laboratory."))
    return _save_accreditation(request, laboratory, None)


@login_required
def accreditation_edit(request, pk: int):
    accreditation = get_object_or_404(Accreditation.objects.select_related("laboratory"), pk=pk)
    if not permissions.can_write(
        request.user, "change_accreditation", accreditation.laboratory_id, accreditation.body_id
    ):
        raise PermissionDenied(_("You may not change this accreditation."))
    return _save_accreditation(request, accreditation.laboratory, accreditation)


def _default_country(request) -> str:
    if not request.user.is_authenticated:
        return ""
    link = UserOrganization.objects.filter(user=request.user).select_related("organization__country").first()
    country = link.organization.country if link else None
    return country.code if country else ""


def network_page(request):
    code = (request.GET.get("country") if "country" in request.GET else _default_country(request)) or ""
    code = code.upper()[:2] if code.isalpha() else ""
    published_only = request.GET.get("published") == "1"
    areas = network.coverage(code or None, published_only)
    countries = list(
        Country.objects.filter(organizations__cmcs__status__in=network.NETWORK_STATUSES)
        .distinct()
        .order_by("name")
    )
    selected = Country.objects.filter(code=code).first() if code else None
    if selected is not None and selected not in countries:
        countries.append(selected)
    context = {
        "areas": areas,
        "country": code if selected else "",
        "published_only": published_only,
        "gaps": network.gaps(code, published_only, areas) if selected else None,
        "countries": countries,
        "country_name": selected,
    }
    return render(request, "metrology/network.html", context)


urlpatterns = [
    path("cmcs/", cmc_list, name="cmc-list"),
    path("cmcs/add/", cmc_create, name="cmc-create"),
    path("cmcs/<int:pk>/", cmc_detail, name="cmc-detail"),
    path("cmcs/<int:pk>/edit/", cmc_edit, name="cmc-edit"),
    path("cmcs/<int:pk>/status/", cmc_status, name="cmc-status"),
    path("labs/<int:org_id>/", lab_detail, name="lab-detail"),
    path("labs/<int:org_id>/accreditations/add/", accreditation_create, name="accreditation-create"),
    path("accreditations/<int:pk>/edit/", accreditation_edit, name="accreditation-edit"),
    path("network/", network_page, name="network"),
]
