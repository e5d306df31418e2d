"""Import of a digital calibration certificate (DCC XML) into a calibration record.

Nothing is written unless the whole file is understood: :func:`~.dcc_reading.read_dcc` first
checks and maps it (every problem listed). Then :func:`import_dcc` writes it in one transaction:

* a certificate issued by the importing laboratory itself (or one of its units) becomes a *draft*
  through ``services.calibrations.save_draft`` — NQI issues it again;
* a certificate of another laboratory becomes an *external, issued* record that keeps the original
  XML and its SHA-256. It was issued by that laboratory, so its status is set directly here (the
  points and standards are added first, while the record is still a draft), after the same
  verdict rules as NQI's own records; the standards' links point at the certificates the DCC names.

The issuing laboratory is matched by code (acronym), name and country unless the user chooses it;
the item is found by serial number and owner or registered. The owner is the chosen item's, else
the importing laboratory for external certificates, else the DCC's customer.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from nqi.metrology import permissions
from nqi.metrology.certificates.dcc_reading import MAX_BYTES, DccImport, fail, read_dcc
from nqi.metrology.models import CalibrationRecord, Instrument, InstrumentQuantity, RecordStatus
from nqi.organizations.models import Organization

__all__ = ["MAX_BYTES", "CommandLineOperator", "DccImport", "import_dcc", "match_organization", "read_dcc"]


class CommandLineOperator:
    """The server operator running ``nqi metrology dcc-import``: unlimited, like an administrator."""

    is_authenticated = True
    is_superuser = True
    is_active = True
    pk = None

    def has_perm(self, permission: str) -> bool:
        return True


def match_organization(name: str, code: str | None = None, country: str | None = None) -> Organization | None:
    """The organization with this acronym (code) or name (English or translated), in that country."""
    candidates = Organization.objects.select_related("country")
    if country:
        candidates = candidates.filter(Q(country__code=country) | Q(country__isnull=True))
    for query in (Q(acronym__iexact=code) if code else None, Q(name__iexact=name), Q(acronym__iexact=name)):
        if query is not None:
            found = list(candidates.filter(query).order_by("pk")[:2])
            if len(found) == 1:
                return found[0]
    lowered = name.strip().lower()
    for organization in candidates.exclude(name_i18n={}).order_by("pk").iterator():
        if any(str(value).strip().lower() == lowered for value in (organization.name_i18n or {}).values()):
            return organization
    return None


def _issuer(plan: DccImport, laboratory: Organization | None) -> Organization:
    if laboratory is not None:
        return laboratory
    contact = plan.certificate.laboratory.contact
    found = match_organization(
        contact.name.get("en"),
        plan.certificate.laboratory.code,
        contact.location.country_code if contact.location else None,
    )
    if found is None:
        raise fail(
            [
                _("The issuing laboratory “%(name)s” is not known: choose it.")
                % {"name": contact.name.get("en")}
            ]
        )
    return found


def _item(user, plan: DccImport, owner: Organization, trusted: bool) -> Instrument:
    from nqi.metrology.services.equipment import refresh_due, save_instrument

    found = Instrument.objects.filter(owner=owner, serial_number=plan.serial).order_by("pk").first()
    if found is not None:
        return found
    asset = plan.asset or plan.serial
    if Instrument.objects.filter(owner=owner, asset_number=asset).exists():
        raise fail(
            [
                _("%(owner)s already has an item with asset number %(asset)s.")
                % {"owner": owner, "asset": asset}
            ]
        )
    certificate_item = plan.certificate.items[0]
    data = {
        "owner": owner,
        "asset_number": asset[:60],
        "name": certificate_item.name.get("en")[:200],
        "manufacturer": (
            certificate_item.manufacturer.name.get("en") if certificate_item.manufacturer else ""
        )[:200],
        "model": (certificate_item.model or "")[:200],
        "serial_number": plan.serial[:100],
        "level": "instrument",
    }
    quantities = list(
        {p["quantity"]: {"quantity": p["quantity"], "unit": p["unit"]} for p in plan.points}.values()
    )
    if trusted or permissions.can_write(user, "add_instrument", owner.pk):
        return save_instrument(user, None, data, quantities)
    # A laboratory recording its own certificate for a customer's item registers that item.
    instrument = Instrument(**data)
    instrument.full_clean()
    instrument.save()
    for row in quantities:
        quantity = InstrumentQuantity(instrument=instrument, **row)
        quantity.full_clean()
        quantity.save()
    refresh_due(instrument)
    return instrument


def _standard_certificates(plan: DccImport) -> dict[int, CalibrationRecord]:
    """The recorded certificates named in the DCC's equipment list, by the standard's id."""
    records = CalibrationRecord.objects.filter(certificate_number__in=plan.standard_numbers)
    return {record.item_id: record for record in records.select_related("item").order_by("pk")}


@transaction.atomic
def import_dcc(
    user,
    xml: bytes,
    acting_lab: Organization,
    *,
    laboratory: Organization | None = None,
    item: Instrument | None = None,
    schema: str | None = None,
) -> CalibrationRecord:
    """Import ``xml`` for ``acting_lab`` (the user's laboratory); see the module docstring."""
    from nqi.metrology.services import calibrations, equipment

    trusted = isinstance(user, CommandLineOperator)
    if not trusted and not permissions.can_write(user, "add_calibrationrecord", acting_lab.pk):
        raise PermissionDenied(_("You may not record calibrations for this laboratory."))
    plan = read_dcc(xml, schema)
    issuer = _issuer(plan, laboratory)
    own = issuer.pk in acting_lab.descendant_ids()
    if not plan.number or len(plan.number) > 80:
        raise fail([_("The certificate number must have 1 to 80 characters.")])
    if CalibrationRecord.objects.filter(certificate_number=plan.number).exists():
        raise fail([_("Certificate %(number)s is already recorded.") % {"number": plan.number}])
    customer_contact = plan.certificate.customer
    customer = match_organization(
        customer_contact.name.get("en"),
        None,
        customer_contact.location.country_code if customer_contact.location else None,
    )
    owner = item.owner if item is not None else (customer if own else acting_lab)
    if owner is None:
        raise fail(
            [
                _("The customer “%(name)s” is not known: choose the item.")
                % {"name": customer_contact.name.get("en")}
            ]
        )
    if item is not None and item.serial_number and item.serial_number != plan.serial:
        raise fail(
            [
                _("The DCC is for serial number %(dcc)s, the item chosen has %(item)s.")
                % {"dcc": plan.serial, "item": item.serial_number}
            ]
        )
    if not own and not trusted and not permissions.can_write(user, "add_calibrationrecord", owner.pk):
        raise PermissionDenied(_("You may only record external certificates of your own items."))
    item = item or _item(user, plan, owner, trusted)
    core = plan.certificate.core
    certificates = _standard_certificates(plan)
    unmatched = sorted(set(plan.standard_numbers) - {c.certificate_number for c in certificates.values()})
    remarks = _("Imported from the DCC of %(lab)s.") % {"lab": issuer.name}
    if unmatched:
        remarks += " " + _("Standards' certificates not recorded here: %(numbers)s.") % {
            "numbers": ", ".join(unmatched)
        }
    data = {
        "certificate_number": plan.number,
        "item": item,
        "laboratory": issuer,
        "customer": customer or owner,
        "method": plan.method,
        "calibrated_on": core.end_performance_date,
        "received_on": core.receipt_date,
        "external": not own,
        "remarks": remarks,
        **plan.conditions,
    }
    actor = user
    if not own:
        actor = CommandLineOperator()  # the permission for the owner was checked above
    try:
        record = calibrations.save_draft(
            actor, None, data, points=plan.points, standards=[c.item for c in certificates.values()]
        )
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise fail(exc.messages) from None
        raise fail([f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items()]) from None
    if own:
        return record
    calibrations._compute_verdicts(record)  # same rules as for the records NQI issues
    for use in record.standards_used.all():  # the chain goes through the certificates the DCC names
        use.standard_calibration = certificates[use.standard_id]
        use.save(update_fields=["standard_calibration"])
    record.issued_on = core.issue_date or core.end_performance_date
    record.valid_until = record.calibrated_on + dt.timedelta(days=equipment.interval_for(record))
    record.dcc_xml = plan.xml.decode("utf-8", errors="strict")
    record.dcc_sha256 = plan.sha256
    record.status = RecordStatus.ISSUED
    record.full_clean()
    record.save()
    equipment.after_calibration(record)
    return record
