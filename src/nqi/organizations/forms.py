"""Forms for the organization pages; names in other languages get one field each."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from nqi.organizations.models import Organization, Person

OTHER_LANGUAGES = [(code, label) for code, label in settings.LANGUAGES if code != "en"]


class TranslatedNameForm(forms.ModelForm):
    """Adds ``name_<lang>`` fields that read and write the model's ``name_i18n`` JSON."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        existing = (self.instance.name_i18n or {}) if self.instance else {}
        for code, label in OTHER_LANGUAGES:
            self.fields[f"name_{code}"] = forms.CharField(
                label=_("Name in %(language)s") % {"language": label},
                required=False,
                max_length=300,
                initial=existing.get(code, ""),
            )

    def clean(self):
        cleaned = super().clean()
        cleaned["name_i18n"] = {
            code: cleaned.get(f"name_{code}", "").strip()
            for code, _label in OTHER_LANGUAGES
            if cleaned.get(f"name_{code}", "").strip()
        }
        return cleaned

    def changed_data_dict(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}
        data["name_i18n"] = self.cleaned_data["name_i18n"]
        return data


class OrganizationForm(TranslatedNameForm):
    class Meta:
        model = Organization
        fields = [
            "name",
            "kind",
            "acronym",
            "country",
            "parent",
            "iso_member_id",
            "iso_acronym",
            "website",
            "email",
            "address",
            "description",
            "is_active",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Organization.objects.order_by("name")


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["given_name", "family_name", "name_native", "email", "phone", "country", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
