"""REST endpoints: public certificate verification and DCC import.

``GET /verify/{number}`` and ``POST /verify`` (multipart, with the DCC file) are public and
answer 200 with a ``state`` for every number, known or not (``unknown`` is an answer, not an
error). ``POST /dcc/import`` records a DCC as a draft or an external certificate;
every problem of the file is a 422 field error on ``file`` and nothing is written. (It is not
``/calibrations/import-dcc`` because ``/calibrations/{record_id}`` takes any string there.)
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from nqi.core.api import READ_ERRORS, WRITE_AUTH, WRITE_ERRORS
from nqi.metrology.certificates import importing, verification
from nqi.metrology.forms_calibrations import ID
from nqi.metrology.models import Instrument
from nqi.organizations.models import Organization, UserOrganization

router = Router(tags=["metrology"])

# The DCC is XML text: described as such (not as "binary") so that API clients and the schema
# fuzzer send text; a binary body with NUL bytes is refused by the site before any routing.
XML_FILE = {
    "type": "string",
    "format": "xml",
    "contentMediaType": "application/xml",
    "pattern": "^[^\\x00]*$",
    "maxLength": 5 * 1024 * 1024,
    "description": "The DCC XML file (UTF-8, at most 5 MB)",
}
State = Literal["current", "expired", "superseded", "withdrawn", "external", "unknown"]


class VerificationOut(Schema):
    number: str
    state: State
    genuine: bool
    file_matches: bool | None = None
    laboratory: str | None = None
    item: str | None = None
    serial_number: str | None = None
    calibrated_on: dt.date | None = None
    issued_on: dt.date | None = None
    valid_until: dt.date | None = None
    verdict: str | None = None
    superseded_by: str | None = None
    withdrawal_reason: str | None = None


class ImportOut(Schema):
    id: int
    certificate_number: str
    status: str
    external: bool
    item_id: int
    laboratory_id: int
    url: str


def _read_upload(upload: UploadedFile, field: str = "file") -> bytes:
    if upload.size is not None and upload.size > importing.MAX_BYTES:
        raise ValidationError(
            {field: _("The file is larger than %(size)s MB.") % {"size": importing.MAX_BYTES >> 20}}
        )
    return upload.read(importing.MAX_BYTES + 1)


@router.get(
    "/verify/{certno:number}",
    response={200: VerificationOut, **READ_ERRORS},
    summary="Verify a certificate by its number: genuine? current, superseded, withdrawn or expired?",
)
def verify_number(request, number: str):
    return verification.public_data(verification.verify(number))


@router.post(
    "/verify",
    response={200: VerificationOut, **READ_ERRORS},
    summary="Verify a certificate and check that a DCC file is byte-identical to the one issued",
    openapi_extra={
        "requestBody": {"content": {"multipart/form-data": {"schema": {"properties": {"file": XML_FILE}}}}}
    },
)
def verify_file(
    request,
    number: str = Form("", max_length=200, description="Certificate number (optional with a file)"),
    file: File[UploadedFile] = None,
):
    if file is None and not number.strip():
        raise ValidationError({"number": _("Give a certificate number or a DCC file.")})
    content = _read_upload(file) if file is not None else None
    return verification.public_data(verification.verify(number, content))


@router.post(
    "/dcc/import",
    response={201: ImportOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Import a DCC XML file: a draft for your own laboratory's certificate, else an external record",
    openapi_extra={
        "requestBody": {"content": {"multipart/form-data": {"schema": {"properties": {"file": XML_FILE}}}}}
    },
)
def import_dcc(
    request,
    file: File[UploadedFile],
    acting_lab_id: Form[ID | None] = None,
    laboratory_id: Form[ID | None] = None,
    item_id: Form[ID | None] = None,
):
    if acting_lab_id is not None:
        acting_lab = get_object_or_404(Organization, pk=acting_lab_id)
    else:
        link = UserOrganization.objects.filter(user=request.auth).select_related("organization").first()
        if link is None:
            raise ValidationError(
                {"acting_lab_id": _("Give the laboratory the certificate is recorded for.")}
            )
        acting_lab = link.organization
    laboratory = get_object_or_404(Organization, pk=laboratory_id) if laboratory_id is not None else None
    item = get_object_or_404(Instrument, pk=item_id) if item_id is not None else None
    record = importing.import_dcc(
        request.auth, _read_upload(file), acting_lab, laboratory=laboratory, item=item
    )
    return 201, {
        "id": record.pk,
        "certificate_number": record.certificate_number,
        "status": record.status,
        "external": record.external,
        "item_id": record.item_id,
        "laboratory_id": record.laboratory_id,
        "url": record.get_absolute_url(),
    }
