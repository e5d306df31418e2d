"""The procedures library: procedures with versions per language, shared between countries.

Visibility: a shared procedure is public; an unshared one exists only for users whose organization
scope contains the owner laboratory (others get a 404, in pages, API and search alike).
Issuing a version as *current* supersedes the current version in the same language.

Exchange: :func:`export_procedures` writes the JSON document ``nqi.metrology.procedures/1`` (every
version, the service codes); :func:`import_procedures` reads it all-or-nothing.

``user=None`` means a trusted caller (the ``nqi`` command line): no permission check.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from nqi import __version__
from nqi.metrology import permissions
from nqi.metrology.models import MetrologyArea, Procedure, ProcedureVersion, Service
from nqi.metrology.services.common import apply, prefix_errors, save
from nqi.organizations.models import Organization, UserOrganization
from nqi.organizations.permissions import scope_ids

FORMAT = "nqi.metrology.procedures/1"
PROCEDURE_FIELDS = frozenset(
    {"code", "title", "title_i18n", "owner", "area", "summary", "references", "shared"}
)
VERSION_FIELDS = frozenset({"version", "language", "body", "document_url", "effective_from", "status"})
LANGUAGES = {code for code, _label in settings.LANGUAGES}


# Visibility -------------------------------------------------------------------------------------


def visible_procedures(user) -> QuerySet[Procedure]:
    """Shared procedures and, for signed-in users, the unshared ones of laboratories in their scope."""
    queryset = Procedure.objects.all()
    if user is None:
        return queryset
    if not user.is_authenticated:
        return queryset.filter(shared=True)
    scope = scope_ids(user)
    if scope is None:
        return queryset
    return queryset.filter(Q(shared=True) | Q(owner_id__in=scope))


def filtered_procedures(user, q: str = "", area: str = "", language: str = "", owner_id: int | None = None):
    """The visible procedures matching the list filters (pages and API), most relevant first."""
    from nqi.core.search import ranked

    queryset = visible_procedures(user).select_related("owner", "area")
    if area:
        queryset = queryset.filter(area__code=area)
    if language in LANGUAGES:
        queryset = queryset.filter(
            pk__in=ProcedureVersion.objects.filter(language=language).values("procedure_id")
        )
    if owner_id:
        queryset = queryset.filter(owner_id=owner_id)
    return ranked(queryset, q, "code", "owner_id", "pk")


def can_change(user, procedure: Procedure) -> bool:
    return user is None or permissions.can_write(user, "change_procedure", procedure.owner_id)


def _check_owner(user, owner: Organization | None, codename: str) -> None:
    if user is not None and not permissions.can_write(user, codename, owner.pk if owner else None):
        raise PermissionDenied(_("You may only manage procedures of laboratories in your scope."))


def _clean_i18n(value: Any) -> dict[str, str]:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ValidationError({"title_i18n": _("Expected an object of language code to title.")})
    bad = sorted(str(key) for key in value if key not in LANGUAGES)
    if bad:
        raise ValidationError(
            {"title_i18n": _("Unknown language code: %(codes)s") % {"codes": ", ".join(bad)}}
        )
    return {key: str(text).strip() for key, text in value.items() if str(text or "").strip()}


# Procedures and versions ------------------------------------------------------------------------


@transaction.atomic
def save_procedure(
    user, procedure: Procedure | None, data: dict[str, Any], services: list[Service] | None = None
) -> Procedure:
    """Create or change a procedure; ``services`` (if given) replaces the linked services."""
    if procedure is not None:
        _check_owner(user, procedure.owner, "change_procedure")
    owner = data.get("owner", procedure.owner if procedure else None)
    _check_owner(user, owner, "add_procedure" if procedure is None else "change_procedure")
    procedure = procedure or Procedure()
    if "title_i18n" in data:
        data = {**data, "title_i18n": _clean_i18n(data["title_i18n"])}
    apply(procedure, data, PROCEDURE_FIELDS)
    clash = Procedure.objects.filter(owner_id=procedure.owner_id, code=procedure.code).exclude(
        pk=procedure.pk
    )
    if procedure.code and procedure.owner_id and clash.exists():
        raise ValidationError(
            {"code": _("The laboratory already has a procedure %(code)s.") % {"code": procedure.code}}
        )
    save(procedure)
    if services is not None:
        procedure.services.set(services)
    return procedure


def _supersede_current(version: ProcedureVersion) -> None:
    ProcedureVersion.objects.filter(
        procedure_id=version.procedure_id, language=version.language, status=ProcedureVersion.Status.CURRENT
    ).exclude(pk=version.pk).update(status=ProcedureVersion.Status.SUPERSEDED)


@transaction.atomic
def add_version(user, procedure: Procedure, data: dict[str, Any]) -> ProcedureVersion:
    """A new edition in one language; status ``current`` supersedes the current one in that language."""
    _check_owner(user, procedure.owner, "change_procedure")
    version = ProcedureVersion(procedure=procedure)
    apply(version, data, VERSION_FIELDS)
    if ProcedureVersion.objects.filter(
        procedure=procedure, version=version.version, language=version.language
    ).exists():
        raise ValidationError(
            {
                "version": _("Version %(version)s in this language exists already.")
                % {"version": version.version}
            }
        )
    if version.status == ProcedureVersion.Status.CURRENT and version.effective_from is None:
        version.effective_from = timezone.localdate()
    save(version)
    if version.status == ProcedureVersion.Status.CURRENT:
        _supersede_current(version)
    return version


@transaction.atomic
def issue_version(user, version: ProcedureVersion, effective_from: dt.date | None = None) -> ProcedureVersion:
    """Make a draft the current version in its language (the previous current one is superseded)."""
    _check_owner(user, version.procedure.owner, "change_procedure")
    if version.status != ProcedureVersion.Status.DRAFT:
        raise ValidationError({"status": _("Only a draft version can be issued.")})
    version.status = ProcedureVersion.Status.CURRENT
    version.effective_from = effective_from or version.effective_from or timezone.localdate()
    save(version)
    _supersede_current(version)
    return version


# Exchange between countries --------------------------------------------------------------------


def export_procedures(procedures) -> dict[str, Any]:
    """The exchange document for ``procedures`` (a queryset), with every version and service code."""
    queryset = procedures.select_related("owner__country", "area").prefetch_related("services", "versions")
    items = []
    for procedure in queryset.order_by("owner_id", "code", "pk"):
        items.append(
            {
                "code": procedure.code,
                "title": procedure.title,
                "title_i18n": procedure.title_i18n or {},
                "owner": {
                    "acronym": procedure.owner.acronym,
                    "name": procedure.owner.name,
                    "country": procedure.owner.country.code if procedure.owner.country_id else None,
                },
                "area": procedure.area.code if procedure.area_id else None,
                "summary": procedure.summary,
                "references": procedure.references,
                "shared": procedure.shared,
                "services": sorted(s.code for s in procedure.services.all()),
                "versions": [
                    {
                        "version": v.version,
                        "language": v.language,
                        "status": v.status,
                        "effective_from": v.effective_from.isoformat() if v.effective_from else None,
                        "document_url": v.document_url,
                        "body": v.body,
                    }
                    for v in sorted(procedure.versions.all(), key=lambda v: (v.language, v.created_at, v.pk))
                ],
            }
        )
    return {
        "format": FORMAT,
        "generator": f"NQI {__version__}",
        "exported_at": timezone.now().isoformat(),
        "procedures": items,
    }


@dataclass
class ImportReport:
    created: list[Procedure] = field(default_factory=list)
    versions: int = 0
    unknown_services: list[str] = field(default_factory=list)
    unknown_areas: list[str] = field(default_factory=list)


def default_owner(user) -> Organization | None:
    """The laboratory of the user's account (imports go there unless another one is chosen)."""
    if user is None or not user.is_authenticated:
        return None
    link = UserOrganization.objects.filter(user=user).select_related("organization").first()
    return link.organization if link else None


def _as_list(value: Any, path: str) -> list:
    if not isinstance(value, list):
        raise ValidationError({path: _("Expected a list.")})
    return value


def _as_dict(value: Any, path: str) -> dict:
    if not isinstance(value, dict):
        raise ValidationError({path: _("Expected an object.")})
    return value


def _version_data(raw: Any, path: str) -> dict[str, Any]:
    data = _as_dict(raw, path)
    unknown = set(data) - VERSION_FIELDS
    if unknown:
        raise ValidationError({f"{path}.{name}": _("Unknown field.") for name in sorted(unknown)})
    data = {k: ("" if v is None and k in ("body", "document_url") else v) for k, v in data.items()}
    if data.get("effective_from"):
        try:
            data["effective_from"] = dt.date.fromisoformat(str(data["effective_from"]))
        except ValueError:
            raise ValidationError({f"{path}.effective_from": _("Expected a date YYYY-MM-DD.")}) from None
    else:
        data["effective_from"] = None
    return data


@transaction.atomic
def import_procedures(user, document: Any, owner: Organization | None = None) -> ImportReport:
    """Import an exchange document all-or-nothing; the procedures belong to ``owner`` (default: the
    user's laboratory). Service and area codes are mapped by code; unknown ones are reported."""
    owner = owner or default_owner(user)
    if owner is None:
        raise ValidationError({"owner": _("Choose the laboratory that will own the imported procedures.")})
    _check_owner(user, owner, "add_procedure")
    document = _as_dict(document, "document")
    if document.get("format") != FORMAT:
        raise ValidationError(
            {"format": _("Not a procedures exchange file (format %(format)s expected).") % {"format": FORMAT}}
        )
    items = _as_list(document.get("procedures"), "procedures")
    services = {s.code: s for s in Service.objects.all().only("pk", "code")}
    areas = {a.code: a for a in MetrologyArea.objects.all()}
    report = ImportReport()
    seen: set[str] = set()
    for index, raw in enumerate(items):
        path = f"procedures[{index}]"
        item = _as_dict(raw, path)
        code = str(item.get("code") or "")
        if code in seen or Procedure.objects.filter(owner=owner, code=code).exists():
            raise ValidationError(
                {
                    f"{path}.code": _("%(owner)s already has a procedure %(code)s.")
                    % {"owner": owner, "code": code}
                }
            )
        seen.add(code)
        codes = [str(c) for c in _as_list(item.get("services", []), f"{path}.services")]
        linked = [services[c] for c in codes if c in services]
        report.unknown_services += [
            c for c in codes if c not in services and c not in report.unknown_services
        ]
        area_code = item.get("area")
        if area_code is not None and not isinstance(area_code, str):
            raise ValidationError({f"{path}.area": _("Expected a metrology area code.")})
        if area_code and area_code not in areas and area_code not in report.unknown_areas:
            report.unknown_areas.append(str(area_code))
        data = {
            "code": code,
            "title": item.get("title") or "",
            "title_i18n": item.get("title_i18n") or {},
            "owner": owner,
            "area": areas.get(area_code) if area_code else None,
            "summary": item.get("summary") or "",
            "references": item.get("references") or "",
            "shared": bool(item.get("shared", True)),
        }
        try:
            procedure = save_procedure(None, None, data, linked)
        except ValidationError as exc:
            raise prefix_errors(exc, path) from None
        editions: set[tuple[str, str]] = set()
        current: set[str] = set()
        for number, raw_version in enumerate(_as_list(item.get("versions", []), f"{path}.versions")):
            vpath = f"{path}.versions[{number}]"
            version = ProcedureVersion(procedure=procedure)
            apply(version, _version_data(raw_version, vpath), VERSION_FIELDS)
            if (version.version, version.language) in editions:
                raise ValidationError({f"{vpath}.version": _("This version and language appear twice.")})
            if version.status == ProcedureVersion.Status.CURRENT and version.language in current:
                raise ValidationError({f"{vpath}.status": _("Only one version per language can be current.")})
            editions.add((version.version, version.language))
            if version.status == ProcedureVersion.Status.CURRENT:
                current.add(version.language)
            try:
                save(version)
            except ValidationError as exc:
                raise prefix_errors(exc, vpath) from None
            report.versions += 1
        report.created.append(procedure)
    return report
