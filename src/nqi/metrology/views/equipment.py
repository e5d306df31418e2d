"""Pages of the equipment register: the list, an instrument's history page, its forms, its
recalibration interval, and the due list with its CSV export.

Every query here is bounded and index-driven, because a register may hold 100k instruments and
1M calibrations: pages are LIMIT/OFFSET over the ``(owner, asset_number)``, ``(item,
calibrated_on)``, ``(standard, calibrated_on)`` and ``(owner, status, next_due)`` indexes, and no
row of a page triggers a query of its own.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nqi.core.models import AuditEntry
from nqi.metrology import intervals, permissions
from nqi.metrology.forms_equipment import (
    InstrumentForm,
    IntervalForm,
    QuantityFormSet,
    StatusForm,
    place_errors,
    quantity_rows,
)
from nqi.metrology.models import (
    CalibrationRecord,
    Instrument,
    InstrumentLevel,
    InstrumentQuantity,
    InstrumentStatus,
    StandardUse,
    Verdict,
)
from nqi.metrology.services import equipment as services
from nqi.organizations.models import Organization
from nqi.organizations.permissions import scope_ids

PAGE_SIZE = 25
DUE_PAGE_SIZE = 50
USES_SHOWN = 25
USES_COUNT_CAP = 10_000  # "10,000+" rather than counting a busy standard's every use
HEAVY_RECORD_FIELDS = ("dcc_xml", "budget", "remarks", "revision_reason", "withdrawal_reason")


def _bounded_int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        return min(high, max(low, int(value or default)))
    except (TypeError, ValueError):
        return default


def _choice(value: str | None, allowed) -> str | None:
    return value if value in allowed else None


def _owner_ids(raw: str) -> set[int] | None:
    """An organization id from a filter: it and its units (an unknown id matches nothing)."""
    if not (raw.isdigit() and len(raw) < 10):
        return None
    organization = Organization.objects.filter(pk=int(raw)).first()
    return organization.descendant_ids() if organization else {int(raw)}


def _owner_scope(request) -> tuple[set[int] | None, str]:
    """Owner ids for the due list and the chosen filter value: an organization id (with its
    units), "all", or "" = the user's own scope when logged in with one (else everything)."""
    raw = (request.GET.get("owner") or "").strip()
    chosen = _owner_ids(raw)
    if chosen is not None:
        return chosen, raw
    if raw != "all" and request.user.is_authenticated:
        scope = scope_ids(request.user)
        if scope:
            return scope, ""
    return None, "all" if raw == "all" else ""


def _with_record_urls(records) -> list:
    """Records with ``url`` set, or None while the calibration pages do not exist yet."""
    records = list(records)
    try:
        reverse("metrology:record-detail", args=[1])
    except NoReverseMatch:
        available = False
    else:
        available = True
    for record in records:
        record.url = record.get_absolute_url() if available else None
    return records


def instrument_list(request):
    today = timezone.localdate()
    owner_choice = (request.GET.get("owner") or "").strip()
    owner_ids = _owner_ids(owner_choice)
    query = services.InstrumentQuery(
        q=(request.GET.get("q") or "")[:200] or None,
        owner_ids=owner_ids,
        level=_choice(request.GET.get("level"), InstrumentLevel.values),
        status=_choice(request.GET.get("status"), InstrumentStatus.values),
        due=_choice(request.GET.get("due"), services.DUE_STATES),
    )
    queryset = services.filter_instruments(query, today)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    for instrument in page:
        instrument.due_state = services.due_state(instrument, today)
    context = {
        "page": page,
        "query": query,
        "owner_choice": owner_choice,
        "counts": services.due_counts(queryset, today),
        "owners": services.owners_with_instruments(),
        "levels": InstrumentLevel.choices,
        "statuses": InstrumentStatus.choices,
        "due_states": [
            ("overdue", _("Overdue")),
            ("due", _("Due within 30 days")),
            ("ok", _("Not due")),
            ("never", _("No known calibration")),
        ],
        "can_add": permissions.can_add_any(request.user, "add_instrument"),
    }
    template = "metrology/_instrument_rows.html" if request.htmx else "metrology/instrument_list.html"
    return render(request, template, context)


def _history(instrument: Instrument, quantities: list[InstrumentQuantity]):
    """The audit trail of the instrument and of its quantities (intervals), newest first."""
    types = ContentType.objects.get_for_models(Instrument, InstrumentQuantity)
    condition = Q(content_type=types[Instrument], object_id=str(instrument.pk))
    if quantities:
        condition |= Q(content_type=types[InstrumentQuantity], object_id__in=[str(q.pk) for q in quantities])
    return (
        AuditEntry.objects.filter(condition)
        .select_related("content_type")
        .order_by("-created_at", "-id")[:50]
    )


def instrument_detail(request, pk: int):
    """The instrument's history page: identity, quantities, calibrations, uses as a standard."""
    instrument = get_object_or_404(Instrument.objects.select_related("owner"), pk=pk)
    today = timezone.localdate()
    quantities = list(instrument.quantities.order_by("quantity", "pk"))
    for quantity in quantities:
        quantity.overdue = bool(quantity.due_on and quantity.due_on < today)
    records = (
        CalibrationRecord.objects.filter(item=instrument)
        .select_related("laboratory")
        .defer(*HEAVY_RECORD_FIELDS)
        .order_by("-calibrated_on", "-pk")
    )
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    uses = StandardUse.objects.filter(standard=instrument)
    recent_uses = list(
        uses.select_related("record__item", "record__laboratory")
        .defer(*(f"record__{name}" for name in HEAVY_RECORD_FIELDS))
        .order_by("-calibrated_on", "-pk")[:USES_SHOWN]
    )
    _with_record_urls([use.record for use in recent_uses])
    # No ordering and no joins: an index-only count on (standard, calibrated_on), stopped at the cap.
    uses_count = uses.order_by().values("pk")[: USES_COUNT_CAP + 1].count()
    context = {
        "instrument": instrument,
        "quantities": quantities,
        "due_state": services.due_state(instrument, today),
        "page": page,
        "records": _with_record_urls(page),
        "uses": recent_uses,
        "uses_count": min(uses_count, USES_COUNT_CAP),
        "uses_capped": uses_count > USES_COUNT_CAP,
        "history": _history(instrument, quantities),
        "can_change": services.can_change(request.user, instrument),
    }
    return render(request, "metrology/instrument_detail.html", context)


def _save(request, instrument: Instrument | None):
    form = InstrumentForm(request.POST or None, instance=instrument, user=request.user)
    formset = QuantityFormSet(request.POST or None, instance=instrument or Instrument(), prefix="quantities")
    if request.method == "POST":
        form_ok, formset_ok = form.is_valid(), formset.is_valid()  # both, so every error shows
        if form_ok and formset_ok:
            rows, row_forms = quantity_rows(formset)
            fresh = Instrument.objects.get(pk=instrument.pk) if instrument else None
            try:
                instrument = services.save_instrument(request.user, fresh, form.data_dict(), rows)
            except ValidationError as exc:
                place_errors(form, row_forms, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(instrument)
    context = {"form": form, "formset": formset, "instrument": instrument}
    status = 422 if request.method == "POST" else 200
    return render(request, "metrology/instrument_form.html", context, status=status)


@login_required
def instrument_create(request):
    if not permissions.can_add_any(request.user, "add_instrument"):
        raise PermissionDenied(_("You may not register instruments."))
    return _save(request, None)


@login_required
def instrument_edit(request, pk: int):
    instrument = get_object_or_404(Instrument, pk=pk)
    if not services.can_change(request.user, instrument):
        raise PermissionDenied(_("You may not change this instrument."))
    return _save(request, instrument)


@login_required
def instrument_status(request, pk: int):
    instrument = get_object_or_404(Instrument.objects.select_related("owner"), pk=pk)
    if not services.can_change(request.user, instrument):
        raise PermissionDenied(_("You may not change this instrument."))
    form = StatusForm(request.POST or None, initial={"status": instrument.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.change_status(
                request.user, instrument, form.cleaned_data["status"], form.cleaned_data["note"]
            )
        except ValidationError as exc:
            place_errors(form, [], exc)
        else:
            messages.success(request, _("Status changed."))
            return redirect(instrument)
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "instrument": instrument}
    return render(request, "metrology/instrument_status.html", context, status=status)


def instrument_interval(request, pk: int):
    """Per quantity: the as-found history and what each interval method recommends; apply one."""
    instrument = get_object_or_404(Instrument.objects.select_related("owner"), pk=pk)
    can_change = services.can_change(request.user, instrument)
    form = IntervalForm(request.POST or None)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied(_("You may not change this instrument."))
        if form.is_valid():
            quantity = get_object_or_404(
                InstrumentQuantity.objects.select_related("instrument"),
                pk=form.cleaned_data["quantity"],
                instrument=instrument,
            )
            try:
                days = services.apply_interval(
                    request.user, quantity, form.cleaned_data["method"], form.cleaned_data["adopt_method"]
                )
            except ValidationError as exc:
                place_errors(form, [], exc)
            else:
                messages.success(
                    request,
                    _("The interval of %(quantity)s is now %(days)s days.")
                    % {"quantity": quantity.quantity, "days": days},
                )
                return redirect("metrology:instrument-interval", pk=instrument.pk)
    quantities = instrument.quantities.select_related("instrument").order_by("quantity", "pk")
    recommendations = [intervals.recommend(q) for q in quantities]
    labels = dict(Verdict.choices)
    for recommendation in recommendations:
        recommendation.latest_label = labels.get(recommendation.latest_verdict, "")
        for row in recommendation.history:
            row.found_label, row.left_label = labels.get(row.as_found, ""), labels.get(row.as_left, "")
    settings = intervals.settings_in_force()
    context = {
        "instrument": instrument,
        "recommendations": recommendations,
        "settings": settings,
        "equilibrium": settings.staircase_equilibrium,
        "form": form,
        "can_change": can_change,
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "metrology/interval_detail.html", context, status=status)


def _due_query(request):
    today = timezone.localdate()
    days = _bounded_int(request.GET.get("days"), 30, 0, 3650)
    owner_ids, owner_choice = _owner_scope(request)
    state = _choice(request.GET.get("state"), ("overdue", "due"))
    queryset = services.due_list(owner_ids, days=days, today=today)
    counts = {"overdue": queryset.filter(next_due__lt=today).count()}
    counts["due"] = queryset.filter(next_due__gte=today).count()
    if state == "overdue":
        queryset = queryset.filter(next_due__lt=today)
    elif state == "due":
        queryset = queryset.filter(next_due__gte=today)
    return queryset, {"days": days, "owner": owner_choice, "state": state or "", "today": today}, counts


def due_view(request):
    queryset, filters, counts = _due_query(request)
    today = filters["today"]
    page = Paginator(queryset, DUE_PAGE_SIZE).get_page(request.GET.get("page"))
    for instrument in page:
        instrument.days_late = (today - instrument.next_due).days
    context = {
        "page": page,
        "filters": filters,
        "counts": counts,
        "owners": services.owners_with_instruments(),
        "has_scope": request.user.is_authenticated and bool(scope_ids(request.user)),
        "csv_query": request.GET.urlencode(),
    }
    template = "metrology/_due_rows.html" if request.htmx else "metrology/due_list.html"
    return render(request, template, context)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    """A CSV cell that spreadsheets do not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def due_csv(request):
    queryset, filters, _counts = _due_query(request)
    today = filters["today"]
    writer = csv.writer(_Echo())
    header = [
        _("Owner"),
        _("Asset number"),
        _("Name"),
        _("Level"),
        _("Manufacturer"),
        _("Model"),
        _("Serial number"),
        _("Location"),
        _("Status"),
        _("Next calibration due"),
        _("Days overdue"),
    ]

    def rows():
        yield writer.writerow(header)
        for item in queryset.iterator(chunk_size=2000):
            late = (today - item.next_due).days
            values = [item.owner.acronym or item.owner.name, item.asset_number, item.name]
            values += [item.get_level_display(), item.manufacturer, item.model, item.serial_number]
            values += [item.location, item.get_status_display(), item.next_due.isoformat(), max(late, 0)]
            yield writer.writerow([_cell(v) for v in values])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    name = f"due_{today.isoformat()}_{filters['days']}d.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


urlpatterns = [
    path("instruments/", instrument_list, name="instrument-list"),
    path("instruments/new/", instrument_create, name="instrument-create"),
    path("instruments/<int:pk>/", instrument_detail, name="instrument-detail"),
    path("instruments/<int:pk>/edit/", instrument_edit, name="instrument-edit"),
    path("instruments/<int:pk>/status/", instrument_status, name="instrument-status"),
    path("instruments/<int:pk>/interval/", instrument_interval, name="instrument-interval"),
    path("due/", due_view, name="due-list"),
    path("due.csv", due_csv, name="due-csv"),
]
