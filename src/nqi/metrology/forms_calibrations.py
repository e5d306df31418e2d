"""Filters and forms of the calibration record pages (the filters are shared with the API).

The list must stay fast with a million records: every filter is on an indexed column (laboratory
and item with the calibration date, status, the unique certificate number) or narrows through
the instrument search index, and the order is the model's ``(-calibrated_on, -pk)``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from typing import Annotated, Any

from django import forms
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from pydantic import BeforeValidator

from nqi.core.search import filter_queryset
from nqi.metrology import permissions
from nqi.metrology.models import (
    CalibrationPoint,
    CalibrationRecord,
    Cmc,
    Instrument,
    ProcedureVersion,
    RecordStatus,
    Verdict,
)
from nqi.metrology.services.calibrations import POINT_FIELDS, STANDARD_LEVELS
from nqi.organizations.models import Organization, Person
from nqi.organizations.permissions import scope_ids

ID = Annotated[int, Field(ge=1, le=2_147_483_647)]


def _iso_date(value: Any) -> Any:
    """Only ``YYYY-MM-DD`` (or a date): pydantic would also take a number as a Unix timestamp."""
    if isinstance(value, dt.date) or (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("Use a date as YYYY-MM-DD.")


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
VERDICTS = tuple(value for value in Verdict.values if value)
# How many instruments a text search may bring into the record filter (an IN list on an index).
MAX_ITEMS_FROM_SEARCH = 200
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RecordFilters(Schema):
    q: str | None = Field(
        None, max_length=80, description="Certificate number (exact or prefix), item asset or serial number"
    )
    laboratory_id: ID | None = None
    item_id: ID | None = None
    status: RecordStatus | None = None
    verdict: str | None = Field(
        None,
        pattern="^(" + "|".join(VERDICTS) + ")$",
        description="Statement as found or as left: " + ", ".join(VERDICTS),
    )
    date_from: IsoDate | None = Field(None, description="Calibrated on or after")
    date_to: IsoDate | None = Field(None, description="Calibrated on or before")


def _certificate_prefix(query: str) -> Q:
    """Certificate numbers starting with ``query``, written so the unique index can serve it.

    SQLite compares text bytewise, so the prefix is a range ``[q, q + U+10FFFF)`` on the index;
    PostgreSQL gets the lower bound (the index start) and the exact prefix test.
    """
    condition = Q(certificate_number__startswith=query, certificate_number__gte=query)
    if connection.vendor == "sqlite":
        condition &= Q(certificate_number__lt=query + "\U0010ffff")
    return condition


def filter_records(filters: RecordFilters) -> QuerySet[CalibrationRecord]:
    queryset = CalibrationRecord.objects.select_related("item", "laboratory")
    if filters.laboratory_id:
        queryset = queryset.filter(laboratory_id=filters.laboratory_id)
    if filters.item_id:
        queryset = queryset.filter(item_id=filters.item_id)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.verdict:
        queryset = queryset.filter(Q(as_found_verdict=filters.verdict) | Q(as_left_verdict=filters.verdict))
    if filters.date_from:
        queryset = queryset.filter(calibrated_on__gte=filters.date_from)
    if filters.date_to:
        queryset = queryset.filter(calibrated_on__lte=filters.date_to)
    query = (filters.q or "").strip()
    if query:
        if CalibrationRecord.objects.filter(certificate_number=query).exists():
            # That certificate and its revisions (…/R1, …/R2).
            return queryset.filter(Q(certificate_number=query) | _certificate_prefix(query + "/R"))
        items = list(
            filter_queryset(Instrument.objects.all(), query, rank=False).values_list("pk", flat=True)[
                :MAX_ITEMS_FROM_SEARCH
            ]
        )
        queryset = queryset.filter(_certificate_prefix(query) | Q(item_id__in=items))
    return queryset.order_by("-calibrated_on", "-pk")


def filters_from_query(params) -> RecordFilters:
    """Filters from a page's query string; a malformed value is ignored, not an error page."""
    values: dict[str, Any] = {}
    for name in RecordFilters.model_fields:
        raw = (params.get(name) or "").strip()
        if not raw:
            continue
        try:
            RecordFilters(**{name: raw})
        except ValueError:
            continue
        values[name] = raw
    return RecordFilters(**values)


class RecordForm(forms.ModelForm):
    """The record's own fields and the reference standards used (points are a formset)."""

    standards = forms.ModelMultipleChoiceField(
        queryset=Instrument.objects.none(),
        required=False,
        label=_("Reference standards used"),
        help_text=_("National, reference and working standards of your laboratories."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = CalibrationRecord
        fields = [
            "certificate_number",
            "laboratory",
            "item",
            "customer",
            "calibrated_on",
            "received_on",
            "valid_until",
            "cmc",
            "procedure",
            "method",
            "temperature",
            "humidity",
            "pressure",
            "adjusted",
            "decision_rule",
            "guard_band_factor",
            "performed_by",
            "approved_by",
            "external",
            "remarks",
        ]
        widgets = {
            "calibrated_on": DATE,
            "received_on": DATE,
            "valid_until": DATE,
            "item": forms.NumberInput(),
            "customer": forms.NumberInput(),
            "cmc": forms.NumberInput(),
            "performed_by": forms.NumberInput(),
            "approved_by": forms.NumberInput(),
            "remarks": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certificate_number"].required = False
        self.fields["certificate_number"].help_text = _("Leave empty to number it automatically.")
        writable = permissions.writable_organizations(user).order_by("name")
        self.fields["laboratory"].queryset = writable
        self.fields["item"].queryset = Instrument.objects.all()
        self.fields["item"].help_text = _("Id of the instrument (shown on its page).")
        self.fields["customer"].queryset = Organization.objects.all()
        self.fields["customer"].help_text = _("Id of the customer organization, if any.")
        self.fields["cmc"].queryset = Cmc.objects.all()
        self.fields["cmc"].help_text = _("Id of the CMC the calibration was performed under, if any.")
        self.fields["procedure"].queryset = ProcedureVersion.objects.select_related("procedure")
        for name in ("performed_by", "approved_by"):
            self.fields[name].queryset = Person.objects.all()
            self.fields[name].help_text = _("Id of the person, if recorded.")
        standards = Instrument.objects.filter(level__in=STANDARD_LEVELS).select_related("owner")
        if scope_ids(user) is not None:  # a metrologist picks among their own laboratories' standards
            standards = standards.filter(owner__in=writable)
        self.fields["standards"].queryset = standards.order_by("owner__name", "asset_number")
        if self.instance.pk:
            self.fields["standards"].initial = list(
                self.instance.standards_used.values_list("standard_id", flat=True)
            )

    def data_dict(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}
        data["certificate_number"] = (data.get("certificate_number") or "").strip()
        if not data["certificate_number"] and self.instance.pk:
            data.pop("certificate_number")  # keep the number it has
        return data


class PointForm(forms.ModelForm):
    class Meta:
        model = CalibrationPoint
        fields = [
            "quantity",
            "unit",
            "nominal",
            "reference",
            "as_found",
            "as_left",
            "uncertainty",
            "coverage_factor",
            "mpe",
        ]
        widgets = {name: forms.TextInput(attrs={"size": 8, "inputmode": "decimal"}) for name in fields}
        widgets["quantity"] = forms.TextInput(attrs={"size": 12})
        widgets["unit"] = forms.TextInput(attrs={"size": 5})

    def has_changed(self) -> bool:
        # A blank row keeps its default k (or has it cleared): still a blank row, not a point.
        return bool(set(self.changed_data) - {"coverage_factor"})

    def row(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in POINT_FIELDS}


def point_formset(data=None, record: CalibrationRecord | None = None, blank_rows: int = 3):
    """The points of ``record`` (if any) as a formset, plus empty rows to add points."""
    initial = []
    if record is not None and record.pk:
        initial = [
            {name: getattr(point, name) for name in POINT_FIELDS}
            for point in record.points.order_by("position")
        ]
    formset_class = forms.formset_factory(
        PointForm, extra=blank_rows, can_delete=True, max_num=500, validate_max=True
    )
    return formset_class(data, initial=initial, prefix="points")


def point_rows(formset) -> tuple[list[dict[str, Any]], list[int]]:
    """The filled, not deleted rows of a valid formset, and their form index (to place errors)."""
    rows, indexes = [], []
    for index, form in enumerate(formset.forms):
        blank = index >= formset.initial_form_count() and not form.has_changed()
        if blank or form.cleaned_data.get("DELETE"):
            continue
        rows.append(form.row())
        indexes.append(index)
    return rows, indexes


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=True
    )


class BudgetForm(forms.Form):
    """The measurement model as JSON or TOML (the model-file format of ``nqi uncertainty``)."""

    spec = forms.CharField(
        label=_("Model and inputs (JSON or TOML)"),
        widget=forms.Textarea(attrs={"rows": 18, "cols": 80, "spellcheck": "false"}),
        max_length=100_000,
        help_text=_(
            'For example: model = "E = I - (m_s + dm)", then one [[inputs]] table per input with '
            "name, distribution, value, uncertainty (or half_width) and unit. See the documentation."
        ),
    )
    point = forms.TypedChoiceField(
        label=_("Use U and k for point"), required=False, coerce=int, empty_value=None, choices=()
    )

    def __init__(self, *args, record: CalibrationRecord, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("none"))]
        for index, point in enumerate(record.points.order_by("position", "pk")):
            choices.append((index, f"{index + 1}: {point}"))
        self.fields["point"].choices = choices

    def clean_spec(self) -> dict[str, Any]:
        text = self.cleaned_data["spec"].strip()
        try:
            spec = json.loads(text) if text.startswith("{") else tomllib.loads(text)
        except (ValueError, tomllib.TOMLDecodeError) as exc:
            raise forms.ValidationError(_("Not valid JSON or TOML: %(error)s") % {"error": exc}) from None
        if not isinstance(spec, dict):
            raise forms.ValidationError(_("Give an object with the model and its inputs."))
        return spec


def budget_text(budget: dict[str, Any] | None) -> str:
    """The stored specification (without its computed result) as editable JSON."""
    spec = {key: value for key, value in (budget or {}).items() if key != "result"}
    if not spec:
        spec = {
            "model": "E = I - (m_s + dm)",
            "inputs": [
                {
                    "name": "I",
                    "distribution": "normal",
                    "value": 1.0000021,
                    "uncertainty": 2e-7,
                    "unit": "kg",
                },
                {"name": "m_s", "distribution": "normal", "value": 1.0, "uncertainty": 1.5e-7, "unit": "kg"},
                {"name": "dm", "distribution": "rectangular", "value": 0.0, "half_width": 3e-7, "unit": "kg"},
            ],
            "output_units": {"E": "kg"},
        }
    return json.dumps(spec, indent=2, ensure_ascii=False)
