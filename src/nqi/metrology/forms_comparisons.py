"""Forms of the comparison pages: the comparison, participants, a result, the pilot's analysis."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from nqi.metrology import permissions
from nqi.metrology.models import Comparison, ComparisonKind, ComparisonStatus, Participant, Service
from nqi.metrology.services.comparisons import METHOD_CHOICES
from nqi.organizations.models import Organization

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LAB_KINDS = ("nmi", "metrology_centre", "laboratory", "international_org")


def laboratories():
    return (
        Organization.objects.filter(kind__in=LAB_KINDS).select_related("country").order_by("acronym", "name")
    )


class ComparisonForm(forms.ModelForm):
    method = forms.ChoiceField(label=_("Reference value method"), choices=METHOD_CHOICES)
    protocol_url = forms.URLField(label=_("Protocol document"), required=False, assume_scheme="https")

    class Meta:
        model = Comparison
        fields = [
            "identifier",
            "title",
            "kind",
            "service",
            "measurand",
            "quantity",
            "unit",
            "nominal",
            "pilot",
            "method",
            "linked_to",
            "protocol",
            "protocol_url",
            "starts_on",
            "results_due",
            "ends_on",
        ]
        widgets = {
            "starts_on": DATE,
            "results_due": DATE,
            "ends_on": DATE,
            "protocol": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "identifier": _("e.g. CCM.M-K1, APMP.M.M-K1 or NPT-2026-01"),
            "quantity": _("Taken from the service when empty."),
            "unit": _("Taken from the service when empty."),
            "linked_to": _("For a regional key comparison: the CIPM key comparison it is linked to."),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quantity"].required = False
        self.fields["unit"].required = False
        self.fields["service"].queryset = Service.objects.select_related("area").order_by(
            "area__code", "code"
        )
        pilots = permissions.writable_organizations(user) if user is not None else Organization.objects.all()
        self.fields["pilot"].queryset = pilots.filter(kind__in=LAB_KINDS).order_by("acronym", "name")
        linkable = Comparison.objects.filter(kind=ComparisonKind.KEY).order_by("identifier")
        if self.instance.pk:
            linkable = linkable.exclude(pk=self.instance.pk)
        self.fields["linked_to"].queryset = linkable

    def data_dict(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["laboratory", "code"]
        help_texts = {"code": _("Label in the report; the laboratory's acronym when empty.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["laboratory"].queryset = laboratories()


class ResultForm(forms.Form):
    value = forms.FloatField(label=_("Result"), required=False)
    uncertainty = forms.FloatField(label=_("Expanded uncertainty U"), required=False, min_value=0)
    coverage_factor = forms.FloatField(label=_("Coverage factor k"), initial=2.0, min_value=1.0)
    budget = forms.CharField(
        label=_("Uncertainty budget (optional)"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        help_text=_(
            'JSON: {"model": "y = x + dx", "inputs": [{"name": "x", "value": 1.0, "uncertainty": 0.001}, …]}. '
            "Without a result or U, the budget's value and expanded uncertainty are used."
        ),
    )

    def clean_budget(self):
        text = self.cleaned_data["budget"].strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError as exc:
            raise forms.ValidationError(_("Not valid JSON: %(error)s") % {"error": exc}) from None

    def data_dict(self) -> dict:
        data = {key: self.cleaned_data[key] for key in ("value", "uncertainty", "coverage_factor")}
        if self.cleaned_data.get("budget"):
            data["budget"] = self.cleaned_data["budget"]
        return data


class AnalysisForm(forms.Form):
    sigma_pt = forms.FloatField(
        label=_("Standard deviation for proficiency assessment σ_pt"),
        required=False,
        min_value=0,
        help_text=_("Optional: enables z and z′ scores (robust methods use their own s* when empty)."),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (s.value, s.label)
            for s in (ComparisonStatus.PLANNED, ComparisonStatus.RUNNING, ComparisonStatus.CANCELLED)
        ],
    )
