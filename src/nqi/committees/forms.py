"""Forms of the committee pages; titles in other languages get one field each."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from nqi.committees.models import (
    Ballot,
    Comment,
    CommitteeMember,
    MirrorCommittee,
    ParticipationStatus,
    Stage,
    VoteChoice,
    WorkItem,
)
from nqi.organizations.models import Organization, Person
from nqi.standards.models import InternationalCommittee

OTHER_LANGUAGES = [(code, label) for code, label in settings.LANGUAGES if code != "en"]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TranslatedTitleForm(forms.ModelForm):
    """Adds ``title_<lang>`` fields that read and write the model's ``title_i18n`` JSON."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        existing = (self.instance.title_i18n or {}) if self.instance else {}
        for code, label in OTHER_LANGUAGES:
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title in %(language)s") % {"language": label},
                required=False,
                max_length=300,
                initial=existing.get(code, ""),
            )

    def clean(self):
        cleaned = super().clean()
        cleaned["title_i18n"] = {
            code: cleaned.get(f"title_{code}", "").strip()
            for code, _label in OTHER_LANGUAGES
            if cleaned.get(f"title_{code}", "").strip()
        }
        return cleaned

    def data_dict(self, exclude: tuple[str, ...] = ()) -> dict:
        data = {
            name: self.cleaned_data[name]
            for name in self._meta.fields
            if name in self.cleaned_data and name not in exclude
        }
        data["title_i18n"] = self.cleaned_data["title_i18n"]
        return data


class MirrorCommitteeForm(TranslatedTitleForm):
    mirrors = forms.ModelMultipleChoiceField(
        queryset=InternationalCommittee.objects.order_by("sort_key"),
        required=False,
        label=_("Mirrored ISO/IEC committees"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = MirrorCommittee
        fields = ["number", "title", "member_body", "secretariat", "scope", "status"]
        widgets = {"scope": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member_body"].queryset = Organization.objects.filter(iso_member_id__isnull=False)
        self.fields["secretariat"].queryset = Organization.objects.order_by("name")
        if self.instance.pk:
            self.fields["mirrors"].initial = list(self.instance.mirrors.values_list("pk", flat=True))


class MemberForm(forms.ModelForm):
    class Meta:
        model = CommitteeMember
        fields = ["person", "organization", "role", "start", "end"]
        widgets = {"start": DATE, "end": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.order_by("family_name", "given_name")
        self.fields["organization"].queryset = Organization.objects.order_by("name")


class ParticipationForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ParticipationStatus.choices, required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class BallotForm(forms.ModelForm):
    class Meta:
        model = Ballot
        fields = ["committee", "mirror", "document", "reference", "title", "ballot_type", "opens", "closes"]
        widgets = {"opens": DATE, "closes": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = InternationalCommittee.objects.order_by("sort_key")
        self.fields["document"].widget = forms.NumberInput()
        self.fields["document"].help_text = _("Catalogue id of the document, when it is in the catalogue.")
        self.fields["reference"].required = False


class VoteForm(forms.Form):
    vote = forms.ChoiceField(label=_("Vote"), choices=VoteChoice.choices, widget=forms.RadioSelect)
    justification = forms.CharField(
        label=_("Justification"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )


class CommentForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["clause", "paragraph", "comment_type", "comment", "proposed_change"]
        widgets = {
            "comment": forms.Textarea(attrs={"rows": 3}),
            "proposed_change": forms.Textarea(attrs={"rows": 3}),
        }


class PositionForm(VoteForm):
    pass


class WorkItemForm(TranslatedTitleForm):
    class Meta:
        model = WorkItem
        fields = [
            "committee",
            "reference",
            "title",
            "kind",
            "adopts",
            "stage",
            "stage_target",
            "publication_target",
        ]
        widgets = {"stage_target": DATE, "publication_target": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adopts"].widget = forms.NumberInput()
        self.fields["adopts"].help_text = _("Catalogue id of the adopted international document.")


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    stage_target = forms.DateField(label=_("Target date"), required=False, widget=DATE)
