"""Forms of the procedures library: a procedure (titles per language), a version, an import."""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from nqi.metrology import permissions
from nqi.metrology.models import Procedure, ProcedureVersion, Service

OTHER_LANGUAGES = [(code, label) for code, label in settings.LANGUAGES if code != "en"]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LAB_KINDS = ("nmi", "metrology_centre", "laboratory")
MAX_IMPORT_BYTES = 5 * 1024 * 1024


class ProcedureForm(forms.ModelForm):
    services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.select_related("area").order_by("area__code", "code"),
        required=False,
        label=_("Services"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = Procedure
        fields = ["code", "title", "owner", "area", "summary", "references", "shared"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        owners = permissions.writable_organizations(user) if user is not None else None
        if owners is not None:
            self.fields["owner"].queryset = owners.filter(kind__in=LAB_KINDS).order_by("acronym", "name")
        existing = self.instance.title_i18n or {}
        for code, label in OTHER_LANGUAGES:
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title in %(language)s") % {"language": label},
                required=False,
                max_length=300,
                initial=existing.get(code, ""),
            )
        if self.instance.pk:
            self.fields["services"].initial = list(self.instance.services.values_list("pk", flat=True))

    def _get_validation_exclusions(self):
        # The (owner, code) constraint is checked by the service, which names the code field.
        return {*super()._get_validation_exclusions(), "code"}

    def data_dict(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}
        data["title_i18n"] = {
            code: self.cleaned_data[f"title_{code}"].strip()
            for code, _label in OTHER_LANGUAGES
            if self.cleaned_data.get(f"title_{code}", "").strip()
        }
        return data


class VersionForm(forms.ModelForm):
    document_url = forms.URLField(label=_("Document"), required=False, assume_scheme="https")
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (ProcedureVersion.Status.DRAFT.value, ProcedureVersion.Status.DRAFT.label),
            (
                ProcedureVersion.Status.CURRENT.value,
                _("Current (supersedes the current one in this language)"),
            ),
        ],
    )

    class Meta:
        model = ProcedureVersion
        fields = ["version", "language", "status", "effective_from", "document_url", "body"]
        widgets = {"effective_from": DATE, "body": forms.Textarea(attrs={"rows": 14})}

    def data_dict(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Exchange file (JSON)"))
    owner = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Owner"), help_text=_("Your own laboratory when empty.")
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            permissions.writable_organizations(user).filter(kind__in=LAB_KINDS).order_by("acronym", "name")
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        try:
            return json.loads(upload.read().decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise forms.ValidationError(_("Not a JSON file: %(error)s") % {"error": exc}) from None
