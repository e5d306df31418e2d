"""Pages: the procedures library (list, detail with versions per language, forms, exchange files).

An unshared procedure is a 404 for everyone outside the owner laboratory's scope.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nqi.core.audit import history_for
from nqi.metrology import permissions
from nqi.metrology.forms_procedures import ImportForm, ProcedureForm, VersionForm
from nqi.metrology.models import CalibrationRecord, Cmc, MetrologyArea, Procedure, ProcedureVersion
from nqi.metrology.services import procedures as services
from nqi.metrology.views.comparisons import form_errors
from nqi.organizations.models import Organization

PAGE_SIZE = 25


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def procedure_list(request):
    filters = {
        "q": (request.GET.get("q") or "").replace("\x00", "")[:200],
        "area": (request.GET.get("area") or "").replace("\x00", "")[:10],
        "language": request.GET.get("language") or "",
        "owner": _int(request.GET.get("owner")),
    }
    queryset = services.filtered_procedures(
        request.user, filters["q"], filters["area"], filters["language"], filters["owner"]
    )
    context = {
        "page": Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": filters,
        "areas": MetrologyArea.objects.order_by("code"),
        "language_choices": settings.LANGUAGES,
        "owners": Organization.objects.filter(
            pk__in=Procedure.objects.filter(shared=True).values("owner_id")
        ).order_by("acronym", "name"),
        "can_add": permissions.can_add_any(request.user, "add_procedure"),
    }
    template = "metrology/_procedure_rows.html" if request.htmx else "metrology/procedure_list.html"
    return render(request, template, context)


def _visible_or_404(request, pk: int) -> Procedure:
    return get_object_or_404(services.visible_procedures(request.user).select_related("owner", "area"), pk=pk)


def procedure_detail(request, pk: int):
    return _detail(request, _visible_or_404(request, pk))


def _detail(request, procedure: Procedure, status: int = 200, errors=()):
    versions = list(procedure.versions.order_by("language", "-effective_from", "-created_at", "-pk"))
    by_language: dict[str, list[ProcedureVersion]] = {}
    for version in versions:
        by_language.setdefault(version.language, []).append(version)
    languages = dict(settings.LANGUAGES)
    groups = [
        {
            "code": code,
            "label": languages.get(code, code),
            "current": next((v for v in items if v.status == ProcedureVersion.Status.CURRENT), None),
            "versions": items,
        }
        for code, items in by_language.items()
    ]
    context = {
        "procedure": procedure,
        "groups": groups,
        "services": procedure.services.select_related("area").order_by("code"),
        "cmcs": Cmc.objects.filter(procedure=procedure)
        .select_related("laboratory", "service")
        .order_by("service__code", "pk"),
        "calibrations": CalibrationRecord.objects.filter(procedure__procedure=procedure).count(),
        "can_change": services.can_change(request.user, procedure) and request.user.is_authenticated,
        "history": history_for(procedure)[:30],
        "errors": errors,
    }
    return render(request, "metrology/procedure_detail.html", context, status=status)


def _save(request, procedure: Procedure | None):
    form = ProcedureForm(request.POST or None, instance=procedure, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            fresh = Procedure.objects.get(pk=procedure.pk) if procedure else None
            procedure = services.save_procedure(
                request.user, fresh, form.data_dict(), list(form.cleaned_data["services"])
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect(procedure)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "metrology/procedure_form.html", {"form": form, "procedure": procedure}, status=status
    )


@login_required
def procedure_create(request):
    if not permissions.can_add_any(request.user, "add_procedure"):
        raise PermissionDenied(_("You may not add procedures."))
    return _save(request, None)


@login_required
def procedure_edit(request, pk: int):
    procedure = _visible_or_404(request, pk)
    if not services.can_change(request.user, procedure):
        raise PermissionDenied(_("You may not change this procedure."))
    return _save(request, procedure)


@login_required
def version_add(request, pk: int):
    procedure = _visible_or_404(request, pk)
    if not services.can_change(request.user, procedure):
        raise PermissionDenied(_("You may not change this procedure."))
    form = VersionForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_version(request.user, procedure, form.data_dict())
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect(procedure)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "metrology/procedure_version_form.html",
        {"form": form, "procedure": procedure},
        status=status,
    )


@login_required
@require_POST
def version_issue(request, pk: int, version_id: int):
    procedure = _visible_or_404(request, pk)
    version = get_object_or_404(ProcedureVersion, pk=version_id, procedure=procedure)
    try:
        services.issue_version(request.user, version)
    except ValidationError as exc:
        return _detail(request, procedure, 422, exc.messages)
    return redirect(procedure)


def _json_download(document: dict, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def procedure_export(request):
    """Shared procedures (optionally of one laboratory, ``?owner=<id>``) as an exchange file."""
    queryset = Procedure.objects.filter(shared=True)
    owner_id = _int(request.GET.get("owner"))
    if owner_id:
        queryset = queryset.filter(owner_id=owner_id)
    return _json_download(services.export_procedures(queryset), "procedures.json")


def procedure_export_one(request, pk: int):
    procedure = _visible_or_404(request, pk)
    filename = "".join(c if c.isalnum() or c in "-_." else "_" for c in procedure.code)[:60] or "procedure"
    return _json_download(
        services.export_procedures(Procedure.objects.filter(pk=procedure.pk)), f"{filename}.json"
    )


@login_required
def procedure_import(request):
    if not permissions.can_add_any(request.user, "add_procedure"):
        raise PermissionDenied(_("You may not add procedures."))
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = services.import_procedures(
                request.user, form.cleaned_data["file"], form.cleaned_data["owner"]
            )
        except ValidationError as exc:
            # Errors point into the file (procedures[2].versions[0].language): keep the path.
            for field, messages in getattr(exc, "message_dict", {"": exc.messages}).items():
                for message in messages:
                    if field in form.fields:
                        form.add_error(field, message)
                    else:
                        form.add_error(None, f"{field}: {message}" if field else message)
    status = 422 if request.method == "POST" and report is None else 200
    return render(request, "metrology/procedure_import.html", {"form": form, "report": report}, status=status)


urlpatterns = [
    path("procedures/", procedure_list, name="procedure-list"),
    path("procedures/new/", procedure_create, name="procedure-create"),
    path("procedures/export.json", procedure_export, name="procedure-export"),
    path("procedures/import/", procedure_import, name="procedure-import"),
    path("procedures/<int:pk>/", procedure_detail, name="procedure-detail"),
    path("procedures/<int:pk>/edit/", procedure_edit, name="procedure-edit"),
    path("procedures/<int:pk>/export.json", procedure_export_one, name="procedure-export-one"),
    path("procedures/<int:pk>/versions/", version_add, name="procedure-version-add"),
    path(
        "procedures/<int:pk>/versions/<int:version_id>/issue/", version_issue, name="procedure-version-issue"
    ),
]
