"""Pages: a record's DCC (XML) and PDF certificate, DCC import, and public verification.

``urlpatterns`` live under /metrology/; ``public_urlpatterns`` are mounted at the site root by
:mod:`nqi.urls` (``/verify/``, names ``verify`` and ``verify-certificate``, not namespaced). The
number route uses the ``path`` converter because revision numbers contain a slash (``…/R1``).
"""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nqi.metrology import permissions
from nqi.metrology.certificates import importing, pdf, verification
from nqi.metrology.certificates.dcc import build_dcc
from nqi.metrology.models import CalibrationRecord, Instrument, RecordStatus
from nqi.metrology.views.overview import LAB_KINDS
from nqi.organizations.models import Organization, UserOrganization

DRAFT_COMMENT = b"<!-- DRAFT PREVIEW: not an issued certificate; it changes until it is issued. -->\n"
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def _filename(number: str, extension: str) -> str:
    return f"{_UNSAFE_FILENAME.sub('_', number).strip('_') or 'certificate'}.{extension}"


def may_see_draft(user, record: CalibrationRecord) -> bool:
    """Drafts are shown to the laboratory's metrologists and administrators only."""
    return permissions.can_write(user, "change_calibrationrecord", record.laboratory_id)


def _visible_record(request, pk: int) -> CalibrationRecord:
    record = get_object_or_404(CalibrationRecord.objects.select_related("laboratory"), pk=pk)
    if record.status == RecordStatus.DRAFT and not may_see_draft(request.user, record):
        raise Http404
    return record


def record_dcc(request, pk: int):
    """The DCC of an issued record, byte for byte as issued; a draft preview for its laboratory."""
    record = _visible_record(request, pk)
    if record.status == RecordStatus.DRAFT:
        try:
            xml = build_dcc(record)
        except ValidationError as exc:
            text = "\n".join(exc.messages)
            return HttpResponse(text, status=422, content_type="text/plain; charset=utf-8")
        declaration, _sep, body = xml.partition(b"\n")
        response = HttpResponse(declaration + b"\n" + DRAFT_COMMENT + body, content_type="application/xml")
        response["X-DCC-Status"] = "draft"
        response["Cache-Control"] = "no-store"
    else:
        if not record.dcc_xml:
            raise Http404(_("No digital calibration certificate was stored for this record."))
        response = HttpResponse(record.dcc_xml.encode("utf-8"), content_type="application/xml")
        response["X-DCC-Status"] = record.status
        response["ETag"] = f'"{record.dcc_sha256}"'
    response["Content-Disposition"] = f'inline; filename="{_filename(record.certificate_number, "xml")}"'
    return response


def _language(request) -> str:
    wanted = (request.GET.get("lang") or "")[:10]
    codes = {code for code, _name in settings.LANGUAGES}
    if wanted in codes:
        return wanted
    return getattr(request, "LANGUAGE_CODE", None) or translation.get_language() or "en"


def verify_url(request, number: str) -> str:
    return request.build_absolute_uri(reverse("verify-certificate", args=[number]))


def record_pdf(request, pk: int):
    """The printable certificate (A4 PDF) in ``?lang=`` or the UI language."""
    record = _visible_record(request, pk)
    content = pdf.certificate_pdf(record, verify_url(request, record.certificate_number), _language(request))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_filename(record.certificate_number, "pdf")}"'
    if record.status == RecordStatus.DRAFT:
        response["Cache-Control"] = "no-store"
    return response


class DccImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("DCC file (XML)"))
    acting_lab = forms.ModelChoiceField(
        Organization.objects.none(),
        label=gettext_lazy("Record for laboratory"),
        help_text=gettext_lazy(
            "Your laboratory: its own certificates become drafts, others' external records."
        ),
    )
    laboratory = forms.ModelChoiceField(
        Organization.objects.none(),
        required=False,
        label=gettext_lazy("Issuing laboratory"),
        help_text=gettext_lazy("Leave empty to find it from the DCC (code, name and country)."),
    )
    item = forms.CharField(
        max_length=60,
        required=False,
        label=gettext_lazy("Item (asset number)"),
        help_text=gettext_lazy("Leave empty to find the item by serial number, or register it."),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        writable = permissions.writable_organizations(user).order_by("name")
        self.fields["acting_lab"].queryset = writable
        link = UserOrganization.objects.filter(user=user).first()
        if link is not None:
            self.fields["acting_lab"].initial = link.organization_id
        self.fields["laboratory"].queryset = Organization.objects.filter(
            kind__in=(*LAB_KINDS, "international_org")
        ).order_by("name")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > importing.MAX_BYTES:
            raise ValidationError(
                _("The file is larger than %(size)s MB.") % {"size": importing.MAX_BYTES >> 20}
            )
        return upload

    def clean_item(self):
        asset = self.cleaned_data["item"].strip()
        if not asset:
            return None
        acting = self.cleaned_data.get("acting_lab")
        candidates = Instrument.objects.filter(asset_number=asset).order_by("pk")
        own = candidates.filter(owner=acting).first() if acting else None
        found = own or (candidates.first() if candidates.count() == 1 else None)
        if found is None:
            raise ValidationError(_("No single item has the asset number %(asset)s.") % {"asset": asset})
        return found


@login_required
def dcc_import(request):
    """Upload a DCC and turn it into a calibration record (a draft, or an external record)."""
    if not permissions.can_add_any(request.user, "add_calibrationrecord"):
        raise PermissionDenied
    form = DccImportForm(request.user, request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                record = importing.import_dcc(
                    request.user,
                    form.cleaned_data["file"].read(),
                    form.cleaned_data["acting_lab"],
                    laboratory=form.cleaned_data["laboratory"],
                    item=form.cleaned_data["item"],
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error("file", message)
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or _("You may not do this."))
            else:
                if record.status == RecordStatus.DRAFT:
                    messages.success(request, _("Imported as draft %(number)s.") % {"number": record})
                else:
                    messages.success(
                        request, _("Recorded external certificate %(number)s.") % {"number": record}
                    )
                return redirect(record.get_absolute_url())
        status = 422
    return render(request, "metrology/dcc_import.html", {"form": form}, status=status)


class VerifyForm(forms.Form):
    number = forms.CharField(
        max_length=verification.MAX_NUMBER,
        required=False,
        label=gettext_lazy("Certificate number"),
        strip=True,
    )
    file = forms.FileField(
        required=False,
        label=gettext_lazy("DCC file (optional)"),
        help_text=gettext_lazy("Checks that the XML file is exactly the one issued (SHA-256)."),
    )

    def clean(self):
        data = super().clean()
        if not data.get("number") and not data.get("file"):
            raise ValidationError(_("Give a certificate number or a DCC file."))
        upload = data.get("file")
        if upload is not None and upload.size > importing.MAX_BYTES:
            self.add_error(
                "file", _("The file is larger than %(size)s MB.") % {"size": importing.MAX_BYTES >> 20}
            )
        return data


def _result_page(request, result: verification.Verification, status: int = 200):
    context = {"result": result, "data": verification.public_data(result)}
    if result.successor is not None:
        context["successor_url"] = reverse("verify-certificate", args=[result.successor.certificate_number])
    return render(request, "metrology/verify_result.html", context, status=status)


def verify(request):
    """The public form: a certificate number, optionally the DCC file to compare."""
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            content = upload.read() if upload is not None else None
            return _result_page(request, verification.verify(form.cleaned_data.get("number") or "", content))
        return render(request, "metrology/verify.html", {"form": form}, status=422)
    number = verification.clean_number(request.GET.get("number", ""))
    if number:
        return redirect(reverse("verify-certificate", args=[number]))
    form = VerifyForm(initial={"number": request.GET.get("number", "")[: verification.MAX_NUMBER]})
    return render(request, "metrology/verify.html", {"form": form})


def verify_certificate(request, number: str):
    """The public result for one certificate number."""
    return _result_page(request, verification.verify(number))


urlpatterns = [
    path("calibrations/import-dcc/", dcc_import, name="dcc-import"),
    path("calibrations/<int:pk>/dcc.xml", record_dcc, name="record-dcc"),
    path("calibrations/<int:pk>/certificate.pdf", record_pdf, name="record-pdf"),
]
public_urlpatterns = [
    path("verify/", verify, name="verify"),
    path("verify/<certno:number>/", verify_certificate, name="verify-certificate"),
]
