"""Pages of the national catalogue: search with facets, standard page, review queue, alerts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nqi.core.audit import history_for
from nqi.organizations.models import Country
from nqi.standards.national import importer, services
from nqi.standards.national.filters import StandardFilters, facets, filter_standards
from nqi.standards.national.models import Degree, NationalStandard, NationalStatus, ReviewItem, Watch

PAGE_SIZE = 25


def catalogue_countries():
    return Country.objects.annotate(n=Count("national_standards")).filter(n__gt=0).order_by("-n", "name")


def _filters(request) -> StandardFilters:
    get = request.GET
    status = get.get("status") if get.get("status") in NationalStatus.values else None
    degree = get.get("degree") if get.get("degree") in Degree.values else None
    year = get.get("year", "")
    ics = get.get("ics", "")
    return StandardFilters(
        q=get.get("q") or None,
        country=get.get("country") if len(get.get("country", "")) == 2 else None,
        status=status,
        degree=degree,
        ics=ics if ics.replace(".", "").isdigit() and len(ics) <= 12 else None,
        tc=(get.get("tc") or None) and get.get("tc")[:120],
        year=int(year) if year.isdigit() and 1900 <= int(year) <= 2100 else None,
    )


def standard_list(request):
    filters = _filters(request)
    queryset = filter_standards(filters)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = facets(filter_standards(filters, rank=False))
    labels = dict(NationalStatus.choices)
    counts["status"] = [(value, labels.get(value, value), n) for value, n in counts["status"]]
    context = {
        "page": page,
        "filters": filters,
        "facets": counts,
        "statuses": NationalStatus.choices,
        "degrees": Degree.choices,
        "countries": catalogue_countries(),
        "has_demo": NationalStandard.objects.filter(is_demo=True).exists(),
    }
    template = "national/_standard_rows.html" if request.htmx else "national/standard_list.html"
    return render(request, template, context)


def standard_detail(request, pk: int):
    std = get_object_or_404(NationalStandard.objects.select_related("country", "replaces"), pk=pk)
    context = {
        "std": std,
        "adoptions": std.adoptions.select_related("document", "document__committee"),
        "replaced_by": std.replaced_by.all(),
        "reviews": std.review_items.filter(state=ReviewItem.State.OPEN),
        "history": history_for(std)[:50],
    }
    return render(request, "national/standard_detail.html", context)


def template_download(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404(_("Unknown format."))
    if fmt == "xlsx":
        response = HttpResponse(
            importer.template_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(importer.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="national-catalogue-template.{fmt}"'
    return response


def import_help(request):
    return render(request, "national/import_help.html", {"columns": importer.COLUMNS})


def review_queue(request):
    state = request.GET.get("state") if request.GET.get("state") in ReviewItem.State.values else "open"
    items = (
        ReviewItem.objects.filter(state=state)
        .select_related("standard", "standard__country")
        .prefetch_related("candidates")
    )
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "state": state,
        "states": ReviewItem.State.choices,
        "can_edit": services.can_edit(request.user),
    }
    return render(request, "national/review_queue.html", context)


@login_required
@require_POST
def review_resolve(request, pk: int):
    item = get_object_or_404(ReviewItem, pk=pk)
    action = request.POST.get("action", "")
    document = request.POST.get("document_id", "")
    try:
        services.resolve_review(
            request.user,
            item,
            action,
            int(document) if document.isdigit() else None,
            request.POST.get("reference", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(ref)s: done.") % {"ref": item.reference})
    return redirect("national:review")


@login_required
def alerts(request):
    if request.method == "POST":
        try:
            if request.POST.get("unfollow"):
                services.unfollow(request.user, int(request.POST["unfollow"]))
            else:
                services.follow(request.user, request.POST.get("kind", ""), request.POST.get("value", ""))
        except (ValidationError, ValueError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("national:alerts")
    notifications = request.user.nqi_notifications.all()[:100]
    context = {
        "watches": Watch.objects.filter(user=request.user),
        "kinds": Watch.Kind.choices,
        "notifications": notifications,
    }
    response = render(request, "national/alerts.html", context)
    request.user.nqi_notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return response
