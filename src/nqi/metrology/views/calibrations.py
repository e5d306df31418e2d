"""Pages: calibration records — the list, one record, the draft form, budget, issue/revise/withdraw.

Every write goes through :mod:`nqi.metrology.services.calibrations`; its ``ValidationError`` is put
back on the form (status 422) with each message next to its field, points included.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from nqi.core.audit import history_for
from nqi.metrology import budget as budgets
from nqi.metrology import permissions
from nqi.metrology.forms_calibrations import (
    BudgetForm,
    ReasonForm,
    RecordForm,
    budget_text,
    filter_records,
    filters_from_query,
    point_formset,
    point_rows,
)
from nqi.metrology.models import CalibrationRecord, RecordStatus, Verdict
from nqi.metrology.services import calibrations as services
from nqi.metrology.traceability import valid_calibration
from nqi.metrology.views.overview import LAB_KINDS
from nqi.organizations.models import Organization

PAGE_SIZE = 25
MAX_PAGE = 10_000
_POINT_KEY = re.compile(r"^points\[(\d+)\](?:\.(\w+))?$")


class Window:
    """One page of a list without counting the whole list (COUNT over a million rows is slow):
    one row more than the page tells whether there is a next page."""

    def __init__(self, queryset, number: int, size: int = PAGE_SIZE):
        self.number = number
        rows = list(queryset[(number - 1) * size : number * size + 1])
        self.object_list = rows[:size]
        self.has_next = len(rows) > size
        self.has_previous = number > 1
        self.next_page_number = number + 1
        self.previous_page_number = number - 1

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def _page_number(raw: str | None) -> int:
    try:
        return min(max(int(raw or 1), 1), MAX_PAGE)
    except ValueError:
        return 1


def record_list(request):
    filters = filters_from_query(request.GET)
    context = {
        "page": Window(filter_records(filters), _page_number(request.GET.get("page"))),
        "filters": filters,
        "laboratories": Organization.objects.filter(kind__in=LAB_KINDS).order_by("name", "pk"),
        "statuses": RecordStatus.choices,
        "verdicts": [(value, label) for value, label in Verdict.choices if value],
        "can_add": permissions.can_add_any(request.user, "add_calibrationrecord"),
    }
    template = "metrology/_record_rows.html" if request.htmx else "metrology/record_list.html"
    return render(request, template, context)


def _number(value: float | None) -> str:
    """A value as entered: the shortest text that reads back as the same float."""
    return "" if value is None else repr(value)


def _difference(indication: float | None, reference: float) -> str:
    """indication − reference in decimal, so 1.0000005 − 1 shows as 0.0000005, not 4.99999e-07."""
    if indication is None:
        return ""
    error = Decimal(repr(indication)) - Decimal(repr(reference))
    return format(error, "f") if error == 0 or 1e-9 <= abs(error) < 1e12 else format(error, "E")


def _point_rows(record: CalibrationRecord) -> list[dict]:
    rows = []
    for index, point in enumerate(record.points.order_by("position", "pk"), start=1):
        rows.append(
            {
                "label": f"P{index}",
                "point": point,
                "nominal": _number(point.nominal),
                "reference": _number(point.reference),
                "as_found": _number(point.as_found),
                "as_left": _number(point.as_left),
                "error_found": _difference(point.as_found, point.reference_value),
                "error_left": _difference(point.as_left, point.reference_value),
                "uncertainty": _number(point.uncertainty),
                "coverage_factor": _number(point.coverage_factor),
                "mpe": _number(point.mpe),
            }
        )
    return rows


def _standards(record: CalibrationRecord) -> list[dict]:
    """Each standard used with its certificate in force that day: stored at issue, a preview before."""
    uses = record.standards_used.select_related("standard__owner", "standard_calibration")
    rows = []
    for use in uses:
        if record.is_locked:
            certificate, preview = use.standard_calibration, False
        else:
            certificate, preview = valid_calibration(use.standard_id, record.calibrated_on), True
        rows.append({"use": use, "standard": use.standard, "certificate": certificate, "preview": preview})
    return rows


def _chain(record: CalibrationRecord) -> tuple[list[CalibrationRecord], list[CalibrationRecord]]:
    """Older editions (newest first) and newer revisions (oldest first) of the certificate."""
    older, current = [], record
    while current.supersedes_id and len(older) < 50:
        current = CalibrationRecord.objects.get(pk=current.supersedes_id)
        older.append(current)
    newer, current = [], record
    while len(newer) < 50:
        following = CalibrationRecord.objects.filter(supersedes=current).first()
        if following is None:
            break
        newer.append(following)
        current = following
    return older, newer


def record_detail(request, pk: int):
    record = get_object_or_404(
        CalibrationRecord.objects.select_related(
            "item__owner",
            "laboratory",
            "customer",
            "cmc",
            "procedure__procedure",
            "performed_by",
            "approved_by",
            "issued_by",
        ),
        pk=pk,
    )
    can_write = permissions.can_write(request.user, "change_calibrationrecord", record.laboratory_id)
    older, newer = _chain(record)
    context = {
        "record": record,
        "points": _point_rows(record),
        "standards": _standards(record),
        "budget": (record.budget or {}).get("result"),
        "budget_rows": budgets.rows(record.budget),
        "older": older,
        "newer": newer,
        "can_write": can_write,
        "can_revise": can_write and record.status == RecordStatus.ISSUED and not newer,
        "history": history_for(record)[:30],
    }
    return render(request, "metrology/record_detail.html", context)


def _place_errors(form, formset, indexes: list[int], exc: ValidationError) -> None:
    """Put a service error on the field it names: ``points[2].unit`` → row 3's unit field."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for key, messages_ in exc.message_dict.items():
        match = _POINT_KEY.match(key)
        for message in messages_:
            if match and int(match[1]) < len(indexes):
                target = formset.forms[indexes[int(match[1])]]
                target.add_error(match[2] if match[2] in target.fields else None, message)
            elif key.startswith("standards"):
                form.add_error("standards", message)
            elif key in form.fields:
                form.add_error(key, message)
            else:
                form.add_error(None, f"{key}: {message}")


def _writable(request, pk: int) -> CalibrationRecord:
    record = get_object_or_404(CalibrationRecord.objects.select_related("item", "laboratory"), pk=pk)
    if not permissions.can_write(request.user, "change_calibrationrecord", record.laboratory_id):
        raise PermissionDenied(_("You may not record calibrations for this laboratory."))
    return record


def _edit(request, record: CalibrationRecord | None):
    initial = {}
    if record is None and (request.GET.get("item") or "").isdigit():
        initial["item"] = int(request.GET["item"])
    form = RecordForm(request.POST or None, instance=record, user=request.user, initial=initial)
    formset = point_formset(request.POST or None, record, blank_rows=3 if record is None else 2)
    if request.method == "POST":
        form_ok = form.is_valid()
        if formset.is_valid() and form_ok:  # both validated first, so every error shows at once
            rows, indexes = point_rows(formset)
            try:
                fresh = CalibrationRecord.objects.get(pk=record.pk) if record else None
                standards = list(form.cleaned_data["standards"])
                record = services.save_draft(request.user, fresh, form.data_dict(), rows, standards)
            except ValidationError as exc:
                _place_errors(form, formset, indexes, exc)
            else:
                messages.success(request, _("Draft saved."))
                return redirect(record)
    context = {"form": form, "formset": formset, "record": record}
    status = 422 if request.method == "POST" else 200
    return render(request, "metrology/record_form.html", context, status=status)


@login_required
def record_create(request):
    if not permissions.can_add_any(request.user, "add_calibrationrecord"):
        raise PermissionDenied(_("You may not record calibrations."))
    return _edit(request, None)


@login_required
def record_edit(request, pk: int):
    record = _writable(request, pk)
    if record.is_locked:
        return _refuse(request, record, _("An issued certificate cannot change; issue a revision instead."))
    return _edit(request, record)


def _action(request, record: CalibrationRecord, action: str, run, form=None, **texts):
    """Confirmation page of issue / revise / withdraw; runs ``run(form)`` on a valid POST."""
    errors: list[str] = []
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            outcome = run(form)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, texts["done"])
            return redirect(outcome if outcome.pk else "metrology:record-list")
    context = {"record": record, "action": action, "form": form, "errors": errors, **texts}
    failed = request.method == "POST"
    return render(request, "metrology/record_action.html", context, status=422 if failed else 200)


def _refuse(request, record: CalibrationRecord, message: str):
    messages.error(request, message)
    return redirect(record)


@login_required
def record_issue(request, pk: int):
    record = _writable(request, pk)
    if record.status != RecordStatus.DRAFT:
        return _refuse(request, record, _("Only a draft can be issued."))
    return _action(
        request,
        record,
        "issue",
        lambda _form: services.issue(request.user, record),
        title=_("Issue certificate %(number)s") % {"number": record.certificate_number},
        explanation=_(
            "Issuing computes the statements of conformity, links every standard to its certificate in "
            "force on the calibration date and builds the digital calibration certificate. From then "
            "on the record cannot change; a correction is a revision."
        ),
        button=_("Issue"),
        done=_("Certificate %(number)s issued.") % {"number": record.certificate_number},
    )


@login_required
def record_revise(request, pk: int):
    record = _writable(request, pk)
    if record.status != RecordStatus.ISSUED:
        return _refuse(request, record, _("Only the issued, current certificate can be revised."))
    return _action(
        request,
        record,
        "revise",
        lambda form: services.revise(request.user, record, form.cleaned_data["reason"]),
        form=ReasonForm(request.POST or None),
        title=_("Revise certificate %(number)s") % {"number": record.certificate_number},
        explanation=_(
            "A revision is a new draft with the same content that you can correct and issue; when it "
            "is issued, this certificate is marked as superseded by it."
        ),
        button=_("Start revision"),
        done=_("Revision started."),
    )


@login_required
def record_withdraw(request, pk: int):
    record = _writable(request, pk)
    if record.status not in (RecordStatus.DRAFT, RecordStatus.ISSUED):
        return _refuse(request, record, _("This certificate is already superseded or withdrawn."))
    draft = record.status == RecordStatus.DRAFT
    return _action(
        request,
        record,
        "withdraw",
        lambda form: services.withdraw(request.user, record, form.cleaned_data["reason"]),
        form=ReasonForm(request.POST or None),
        title=(_("Discard draft %(number)s") if draft else _("Withdraw certificate %(number)s"))
        % {"number": record.certificate_number},
        explanation=_("The draft is deleted.")
        if draft
        else _(
            "The certificate stays readable, but it is no longer valid: its page and the public "
            "verification say that it was withdrawn, and why."
        ),
        button=_("Discard") if draft else _("Withdraw"),
        done=_("Draft discarded.") if draft else _("Certificate withdrawn."),
        danger=True,
    )


@login_required
def record_budget(request, pk: int):
    record = _writable(request, pk)
    if record.is_locked:
        return _refuse(request, record, _("An issued certificate cannot change; issue a revision instead."))
    form = BudgetForm(request.POST or None, record=record, initial={"spec": budget_text(record.budget)})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_budget(request.user, record, form.cleaned_data["spec"], form.cleaned_data["point"])
        except ValidationError as exc:
            for key, messages_ in getattr(exc, "message_dict", {"spec": exc.messages}).items():
                for message in messages_:
                    if key == "point_index" or key.startswith("points["):
                        form.add_error("point", message)
                    else:
                        part = key.removeprefix("budget").lstrip(".")
                        form.add_error("spec", f"{part}: {message}" if part else message)
        else:
            messages.success(request, _("Uncertainty budget computed."))
            return redirect(record.get_absolute_url() + "#budget")
    record.refresh_from_db()
    context = {
        "record": record,
        "form": form,
        "budget": (record.budget or {}).get("result"),
        "budget_rows": budgets.rows(record.budget),
    }
    return render(request, "metrology/budget_form.html", context, status=422 if form.errors else 200)


urlpatterns = [
    path("calibrations/", record_list, name="record-list"),
    path("calibrations/new/", record_create, name="record-create"),
    path("calibrations/<int:pk>/", record_detail, name="record-detail"),
    path("calibrations/<int:pk>/edit/", record_edit, name="record-edit"),
    path("calibrations/<int:pk>/issue/", record_issue, name="record-issue"),
    path("calibrations/<int:pk>/revise/", record_revise, name="record-revise"),
    path("calibrations/<int:pk>/withdraw/", record_withdraw, name="record-withdraw"),
    path("calibrations/<int:pk>/budget/", record_budget, name="record-budget"),
]
