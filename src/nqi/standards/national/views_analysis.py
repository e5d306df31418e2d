"""Pages of the harmonization analysis: dashboard with charts, outdated adoptions, candidates (+ exports)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from nqi.organizations.models import Country
from nqi.standards.national import analysis, charts, exports, worklists
from nqi.standards.national.models import NationalStandard
from nqi.standards.national.views import catalogue_countries


def _country(request) -> Country | None:
    code = (request.GET.get("country") or "").upper()
    if code:
        country = Country.objects.filter(code=code).first()
        if country is None:
            raise Http404(_("Unknown country."))
        return country
    return catalogue_countries().first()


def _base(request, country) -> dict:
    return {
        "country": country,
        "countries": catalogue_countries(),
        "is_demo": country is not None
        and NationalStandard.objects.filter(country=country, is_demo=True).exists(),
    }


def dashboard(request):
    country = _country(request)
    context = _base(request, country)
    if country is not None:
        rate = analysis.harmonization_rate(country)
        cover = analysis.coverage(country)
        points = analysis.trend(country)
        outdated = worklists.outdated_counts(worklists.outdated_adoptions(country))
        context.update(
            rate=rate,
            cover=cover,
            outdated=[(worklists.REASONS[k], n, k) for k, n in outdated.items()],
            outdated_total=sum(outdated.values()),
            charts={
                "trend": charts.trend_svg(points) if points else "",
                "degrees": charts.degrees_svg(rate["by_degree"]),
                "rate_ics": charts.shares_svg(rate["by_ics"], _("Harmonization rate by ICS field")),
                "cover_ics": charts.shares_svg(cover["by_ics"], _("Coverage of ISO/IEC by ICS field")),
                "cover_committee": charts.shares_svg(
                    cover["by_committee"], _("Coverage of ISO/IEC by committee")
                ),
            },
        )
    return render(request, "national/dashboard.html", context)


def outdated_list(request):
    country = _country(request)
    context = _base(request, country)
    reason = request.GET.get("reason") if request.GET.get("reason") in worklists.REASONS else None
    items = worklists.outdated_adoptions(country) if country else []
    if reason:
        items = [i for i in items if i.reason == reason]
    context.update(
        page=Paginator(items, 50).get_page(request.GET.get("page")),
        reason=reason,
        reasons=worklists.REASONS.items(),
    )
    return render(request, "national/outdated.html", context)


def candidates_list(request):
    country = _country(request)
    fmt = request.GET.get("format")
    items = worklists.adoption_candidates(country, limit=500) if country else []
    if fmt in ("csv", "xlsx", "pdf") and country is not None:
        return exports.programme(country, items, fmt)
    context = _base(request, country)
    context["page"] = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(request, "national/candidates.html", context)
