"""Forms of the equipment register: an instrument with its quantities (an inline formset), a
status change with its note, and applying a recommended calibration interval."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from nqi.metrology import permissions
from nqi.metrology.models import Instrument, InstrumentQuantity, InstrumentStatus, IntervalMethod

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER = forms.NumberInput(attrs={"step": "any"})

# Tuples: Django's inline formsets append their foreign key to a form's ``Meta.fields`` list in place.
INSTRUMENT_FORM_FIELDS = (
    "owner",
    "asset_number",
    "name",
    "level",
    "manufacturer",
    "model",
    "serial_number",
    "location",
    "traceable",
    "notes",
)
QUANTITY_FORM_FIELDS = (
    "quantity",
    "unit",
    "range_low",
    "range_high",
    "resolution",
    "mpe",
    "interval_days",
    "interval_method",
    "last_calibrated",
)


class InstrumentForm(forms.ModelForm):
    """Identity of an instrument; the owner is one of the organizations the user may write for.
    The status is changed on its own form, with a note (:class:`StatusForm`)."""

    class Meta:
        model = Instrument
        fields = list(INSTRUMENT_FORM_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = permissions.writable_organizations(user).order_by("name", "pk")

    def data_dict(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in INSTRUMENT_FORM_FIELDS if name in self.cleaned_data}


class QuantityForm(forms.ModelForm):
    class Meta:
        model = InstrumentQuantity
        fields = list(QUANTITY_FORM_FIELDS)
        widgets = {
            "last_calibrated": DATE,
            "range_low": NUMBER,
            "range_high": NUMBER,
            "resolution": NUMBER,
            "mpe": NUMBER,
        }
        help_texts = {"last_calibrated": _("Only for a calibration made before the item was registered.")}


QuantityFormSet = forms.inlineformset_factory(
    Instrument,
    InstrumentQuantity,
    form=QuantityForm,
    fields=list(QUANTITY_FORM_FIELDS),
    extra=1,
    can_delete=True,
)


def quantity_rows(formset) -> tuple[list[dict[str, Any]], list[forms.Form]]:
    """The quantity rows for :func:`save_instrument` and the form of each row (to place its errors)."""
    rows, row_forms = [], []
    for form in formset.forms:
        if form in formset.deleted_forms or not form.cleaned_data:
            continue
        row = {name: form.cleaned_data.get(name) for name in QUANTITY_FORM_FIELDS}
        if row["interval_method"] in (None, ""):
            row["interval_method"] = IntervalMethod.FIXED
        if form.instance.pk:
            row["id"] = form.instance.pk
        rows.append(row)
        row_forms.append(form)
    return rows, row_forms


def place_errors(form, row_forms: list[forms.Form], exc: ValidationError) -> None:
    """Put a service's field errors (``asset_number``, ``quantities[2].unit``) next to their fields."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for key, messages in exc.message_dict.items():
        target, field = form, key
        if key.startswith("quantities[") and "]" in key:
            index_text, _sep, field = key[len("quantities[") :].partition("]")
            field = field.lstrip(".")
            index = int(index_text) if index_text.isdigit() else -1
            target = row_forms[index] if 0 <= index < len(row_forms) else form
        for message in messages:
            target.add_error(field if field in target.fields else None, message)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=InstrumentStatus.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the instrument is damaged, lost or retired."),
    )


class IntervalForm(forms.Form):
    quantity = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2_147_483_647)
    method = forms.ChoiceField(label=_("Method"), choices=IntervalMethod.choices)
    adopt_method = forms.BooleanField(
        label=_("Keep adjusting with this method at every calibration"), required=False
    )
