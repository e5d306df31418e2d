"""Site-wide pages: home, global search, API tokens, about, error pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from nqi import __version__
from nqi.core.models import ApiToken, AuditEntry
from nqi.core.search import search as search_model


def home(request):
    from nqi.organizations.models import Country, Organization, Person

    context = {
        "counts": {
            "organizations": Organization.objects.count(),
            "people": Person.objects.count(),
            "countries": Country.objects.filter(organizations__isnull=False).distinct().count(),
        },
        "recent_changes": AuditEntry.objects.select_related("content_type")[:8],
    }
    return render(request, "core/home.html", context)


def _search_sections():
    from nqi.metrology.models import Cmc, Comparison, Instrument
    from nqi.organizations.models import Country, Organization, Person
    from nqi.standards.models import InternationalCommittee, InternationalDocument

    # Procedures are left out: unshared ones are private to their laboratory.
    return [
        (_("Organizations"), Organization, "organizations:organization-list"),
        (_("People"), Person, "organizations:person-list"),
        (_("Countries"), Country, "organizations:country-list"),
        (_("International documents"), InternationalDocument, "standards:document-list"),
        (_("Committees"), InternationalCommittee, "standards:committee-list"),
        (_("Calibration and measurement capabilities"), Cmc, "metrology:cmc-list"),
        (_("Instruments and standards"), Instrument, "metrology:instrument-list"),
        (_("Comparisons"), Comparison, "metrology:comparison-list"),
    ]


def search(request):
    query = (request.GET.get("q") or "").strip()
    sections = []
    if query:
        for title, model, list_url in _search_sections():
            hits = search_model(model, query, limit=10)
            sections.append({"title": title, "hits": hits, "list_url": list_url})
    template = "core/_search_results.html" if request.htmx else "core/search.html"
    total = sum(len(section["hits"]) for section in sections)
    return render(request, template, {"query": query, "sections": sections, "total": total})


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    new_key = None
    if request.method == "POST":
        if "revoke" in request.POST:
            ApiToken.objects.filter(user=request.user, pk=request.POST["revoke"]).update(revoked=True)
            messages.success(request, _("The token was revoked."))
            return redirect("api-tokens")
        name = (request.POST.get("name") or "").strip()
        if not name:
            messages.error(request, _("Give the token a name."))
        else:
            _token, new_key = ApiToken.issue(request.user, name[:100])
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(request, "core/api_tokens.html", {"tokens": tokens, "new_key": new_key})


def about(request):
    return render(request, "core/about.html", {"version": __version__})


def not_found(request, exception=None):
    return render(request, "core/error.html", {"status": 404, "title": _("Page not found")}, status=404)


def forbidden(request, exception=None):
    return render(
        request,
        "core/error.html",
        {"status": 403, "title": _("Not allowed"), "detail": str(exception or "")},
        status=403,
    )
