"""Forms of the CMC and accreditation pages.

Parameters and the uncertainty table are typed as lines of text ("name = value", "x U") and
stored as the JSON lists of the model.
"""

from __future__ import annotations

import math
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from nqi.metrology import permissions
from nqi.metrology.models import Accreditation, Cmc, CmcStatus, Procedure, Service
from nqi.metrology.services.capabilities import LAB_KINDS, TRANSITIONS
from nqi.organizations.models import Organization

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_SEPARATOR = re.compile(r"[\s;,\t]+")


def parameters_to_text(parameters) -> str:
    return "\n".join(
        f"{p.get('name', '')} = {p.get('value', '')}" for p in parameters or [] if isinstance(p, dict)
    )


def table_to_text(table) -> str:
    return "\n".join(
        f"{row[0]:g} {row[1]:g}" for row in table or [] if isinstance(row, list) and len(row) == 2
    )


class CmcForm(forms.ModelForm):
    parameters_text = forms.CharField(
        label=_("Parameters"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name = value, e.g. “Frequency = 50 Hz to 1 kHz”."),
    )
    table_text = forms.CharField(
        label=_("Uncertainty table"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One row per line: the value x and the expanded uncertainty U, e.g. “10 0.002”."),
    )

    class Meta:
        model = Cmc
        fields = [
            "laboratory",
            "service",
            "kcdb_code",
            "rmo",
            "quantity",
            "instrument",
            "instrument_type",
            "method",
            "range_low",
            "range_high",
            "unit",
            "uncertainty_kind",
            "uncertainty_low",
            "uncertainty_high",
            "uncertainty_unit",
            "uncertainty_equation",
            "coverage_factor",
            "confidence_level",
            "traceability",
            "traceability_source",
            "procedure",
        ]
        help_texts = {
            "uncertainty_equation": _("U as a function of x, e.g. Q[0.5, 2e-6*x] or 0.3 + 1e-5*x."),
            "uncertainty_unit": _("For a relative uncertainty a ratio such as µV/V or percent."),
            "quantity": _("Leave empty to use the service's quantity."),
            "unit": _("Leave empty to use the service's unit."),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        labs = Organization.objects.filter(kind__in=LAB_KINDS).order_by("name")
        if user is not None:
            labs = labs.filter(pk__in=permissions.writable_organizations(user).values("pk"))
        self.fields["laboratory"].queryset = labs
        self.fields["service"].queryset = Service.objects.select_related("area")
        self.fields["traceability_source"].queryset = Organization.objects.filter(
            kind__in=(*LAB_KINDS, "international_org")
        ).order_by("name")
        self.fields["procedure"].queryset = Procedure.objects.order_by("code")
        self.fields["quantity"].required = False
        self.fields["unit"].required = False
        if self.instance.pk:
            self.fields["parameters_text"].initial = parameters_to_text(self.instance.parameters)
            self.fields["table_text"].initial = table_to_text(self.instance.uncertainty_table)

    def clean_parameters_text(self) -> list[dict[str, str]]:
        parameters = []
        for number, line in enumerate(self.cleaned_data["parameters_text"].splitlines(), start=1):
            if not line.strip():
                continue
            name, sep, value = line.partition("=")
            if not sep or not name.strip():
                raise forms.ValidationError(_("Line %(line)s: write name = value.") % {"line": number})
            parameters.append({"name": name.strip()[:200], "value": value.strip()[:300]})
        return parameters

    def clean_table_text(self) -> list[list[float]]:
        rows = []
        for number, line in enumerate(self.cleaned_data["table_text"].splitlines(), start=1):
            cells = [c for c in _SEPARATOR.split(line.strip()) if c]
            if not cells:
                continue
            try:
                x, u = (float(c) for c in cells)
            except ValueError:
                raise forms.ValidationError(
                    _("Line %(line)s: write two numbers, x and U.") % {"line": number}
                ) from None
            if not (math.isfinite(x) and math.isfinite(u)):
                raise forms.ValidationError(
                    _("Line %(line)s: write two numbers, x and U.") % {"line": number}
                )
            rows.append([x, u])
        return rows

    def clean(self):
        cleaned = super().clean()
        service = cleaned.get("service")
        if service is not None:
            cleaned["quantity"] = cleaned.get("quantity") or service.quantity
            cleaned["unit"] = cleaned.get("unit") or service.unit
        return cleaned

    def _post_clean(self):
        # The service validates the whole CMC (with the JSON fields) when it is saved.
        pass

    def data_dict(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self._meta.fields}
        for name in ("kcdb_code", "rmo", "instrument", "instrument_type", "method", "uncertainty_unit"):
            data[name] = data[name] or ""
        data["uncertainty_equation"] = data["uncertainty_equation"] or ""
        data["traceability"] = data["traceability"] or ""
        data["parameters"] = self.cleaned_data.get("parameters_text") or []
        data["uncertainty_table"] = self.cleaned_data.get("table_text") or []
        return data


class CmcStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=CmcStatus.choices)
    approved_on = forms.DateField(label=_("Approved on"), required=False, widget=DATE)
    published_on = forms.DateField(label=_("Published on"), required=False, widget=DATE)

    def __init__(self, *args, cmc: Cmc | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if cmc is not None:
            allowed = TRANSITIONS.get(cmc.status, ())
            self.fields["status"].choices = [(v, label) for v, label in CmcStatus.choices if v in allowed]


class AccreditationForm(forms.ModelForm):
    scope_url = forms.URLField(
        label=_("scope document"), required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = Accreditation
        # scope_url is declared above (with its scheme), not generated from the model.
        fields = ["body", "standard", "number", "scope", "valid_from", "valid_until", "status"]
        widgets = {"valid_from": DATE, "valid_until": DATE, "scope": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Organization.objects.filter(kind="accreditation_body").order_by("name")
        self.order_fields(["body", "standard", "number", "scope", "scope_url"])
        if self.instance.pk:
            self.fields["scope_url"].initial = self.instance.scope_url

    def _post_clean(self):
        # The service validates the accreditation (with its laboratory) when it is saved.
        pass

    def data_dict(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in [*self._meta.fields, "scope_url"]}
