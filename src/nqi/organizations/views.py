"""Pages of the organization registry: lists with live search, detail pages with history, edit forms."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from nqi.core.audit import history_for
from nqi.organizations import permissions, services
from nqi.organizations.filters import OrganizationFilters, PersonFilters, filter_organizations, filter_people
from nqi.organizations.forms import OrganizationForm, PersonForm
from nqi.organizations.models import Country, Organization, OrganizationKind, Person

PAGE_SIZE = 25


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _bool_param(value: str | None) -> bool | None:
    return {"1": True, "true": True, "0": False, "false": False}.get((value or "").lower())


def organization_list(request):
    kind = request.GET.get("kind") or None
    filters = OrganizationFilters(
        q=request.GET.get("q") or None,
        kind=kind if kind in OrganizationKind.values else None,
        country=request.GET.get("country") or None,
        iso_member=_bool_param(request.GET.get("iso_member")),
    )
    page = _page(request, filter_organizations(filters))
    context = {
        "page": page,
        "filters": filters,
        "kinds": OrganizationKind.choices,
        "countries": Country.objects.filter(organizations__isnull=False).distinct().order_by("name"),
        "can_add": request.user.is_authenticated and request.user.has_perm("organizations.add_organization"),
    }
    template = (
        "organizations/_organization_rows.html" if request.htmx else "organizations/organization_list.html"
    )
    return render(request, template, context)


def organization_detail(request, pk: int):
    org = get_object_or_404(Organization.objects.select_related("country", "parent"), pk=pk)
    context = {
        "org": org,
        "ancestors": list(reversed(org.ancestors())),
        "children": org.children.select_related("country").order_by("name"),
        "affiliations": org.affiliations.select_related("person").order_by("end", "person__family_name"),
        "history": history_for(org)[:50],
        "can_change": permissions.can_change_organization(request.user, org),
    }
    return render(request, "organizations/organization_detail.html", context)


def _save_organization(request, org: Organization | None):
    form = OrganizationForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.changed_data_dict()
            if org is None:
                org = services.create_organization(request.user, data)
            else:
                org = services.update_organization(request.user, Organization.objects.get(pk=org.pk), data)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            return redirect(org)
    status = 422 if request.method == "POST" else 200
    return render(request, "organizations/organization_form.html", {"form": form, "org": org}, status=status)


@login_required
def organization_create(request):
    if not request.user.has_perm("organizations.add_organization"):
        raise PermissionDenied(_("You may not add organizations."))
    return _save_organization(request, None)


@login_required
def organization_edit(request, pk: int):
    org = get_object_or_404(Organization, pk=pk)
    if not permissions.can_change_organization(request.user, org):
        raise PermissionDenied(_("You may not change this organization."))
    return _save_organization(request, org)


def person_list(request):
    filters = PersonFilters(q=request.GET.get("q") or None, country=request.GET.get("country") or None)
    page = _page(request, filter_people(filters))
    template = "organizations/_person_rows.html" if request.htmx else "organizations/person_list.html"
    return render(request, template, {"page": page, "filters": filters})


def person_detail(request, pk: int):
    person = get_object_or_404(Person.objects.select_related("country"), pk=pk)
    context = {
        "person": person,
        "affiliations": person.affiliations.select_related("organization").order_by("-start"),
        "history": history_for(person)[:50],
        "can_change": permissions.can_change_person(request.user, person),
    }
    return render(request, "organizations/person_detail.html", context)


@login_required
def person_edit(request, pk: int | None = None):
    person = get_object_or_404(Person, pk=pk) if pk else None
    if not permissions.can_change_person(request.user, person):
        raise PermissionDenied(_("You may not change this person."))
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in PersonForm.Meta.fields}
        try:
            person = services.save_person(request.user, Person.objects.get(pk=pk) if pk else None, data)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            return redirect(person)
    status = 422 if request.method == "POST" else 200
    return render(request, "organizations/person_form.html", {"form": form, "person": person}, status=status)


def country_list(request):
    from nqi.core.search import ranked

    q = request.GET.get("q")
    countries = Country.objects.annotate(n_orgs=Count("organizations"))
    countries = ranked(countries, q, "name") if q else countries.order_by("-n_orgs", "name")
    return render(
        request, "organizations/country_list.html", {"page": _page(request, countries), "q": q or ""}
    )


def country_detail(request, code: str):
    country = get_object_or_404(Country, code=code.upper())
    organizations = country.organizations.select_related("parent").order_by("kind", "name")
    return render(
        request, "organizations/country_detail.html", {"country": country, "organizations": organizations}
    )
