"""Pages of the international catalogue: search with facets, documents, ICS, committees, changes."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from nqi.standards import exports
from nqi.standards.filters import (
    CURRENT_GROUPS,
    DocumentFilters,
    DocumentSort,
    InternationalCommitteeFilters,
    document_facets,
    filter_changes,
    filter_committees,
    filter_documents,
    ics_document_counts,
)
from nqi.standards.models import (
    ChangeEvent,
    CommitteeMembership,
    IcsCode,
    InternationalCommittee,
    InternationalDocument,
    Source,
)
from nqi.standards.stages import StageGroup

PAGE_SIZE = 25
MAX_CHAIN = 60


def _page(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _int_param(value: str | None, low: int = 0, high: int = 9999) -> int | None:
    try:
        number = int((value or "").strip())
    except ValueError:
        return None
    return number if low <= number <= high else None


def _text_param(request, name: str, max_length: int) -> str | None:
    value = (request.GET.get(name) or "").replace("\x00", "").strip()
    return value[:max_length] or None


def document_filters(request) -> DocumentFilters:
    """The catalogue filters of a page's query string; unknown values are ignored, not errors."""
    get = request.GET
    stage = get.get("stage_group")
    source = get.get("source")
    sort = get.get("sort")
    return DocumentFilters(
        q=_text_param(request, "q", 300),
        publisher=_text_param(request, "publisher", 40),
        deliverable_type=_text_param(request, "deliverable_type", 10),
        stage_group=stage if stage in StageGroup.values else None,
        ics_field=_text_param(request, "ics_field", 2),
        ics=_text_param(request, "ics", 12),
        committee=_text_param(request, "committee", 80),
        year_from=_int_param(get.get("year_from")),
        year_to=_int_param(get.get("year_to")),
        source=source if source in Source.values else None,
        current_only=(get.get("current_only") or "").lower() in {"1", "true", "on"},
        sort=sort if sort in DocumentSort._value2member_map_ else DocumentSort.RELEVANCE,
    )


def _facet_filters(filters: DocumentFilters) -> list[tuple[str, str, object]]:
    """The filters set from the facets (not in the search form): name, label, value."""
    labels = {
        "publisher": _("Publisher"),
        "deliverable_type": _("Type"),
        "ics_field": _("ICS field"),
        "ics": _("ICS"),
        "committee": _("Committee"),
        "year_from": _("From"),
        "year_to": _("Until"),
    }
    return [
        (name, label, getattr(filters, name))
        for name, label in labels.items()
        if getattr(filters, name) not in (None, "")
    ]


def _facet_links(request, filters: DocumentFilters, facets, ics_titles) -> list[dict[str, object]]:
    """The sidebar: per facet, its values with counts and the URL that applies each."""
    base = {key: value for key, value in request.GET.items() if key != "page" and value}

    def link(changes: dict[str, object]) -> str:
        return "?" + urlencode({**base, **{k: str(v) for k, v in changes.items()}})

    stage_labels = dict(StageGroup.choices)
    groups = [
        ("stage_group", _("Status"), [(v, stage_labels.get(v, v), n) for v, n in facets["stage_group"]]),
        ("publisher", _("Publisher"), [(v, v, n) for v, n in facets["publisher"]]),
        ("deliverable_type", _("Type"), [(v, v, n) for v, n in facets["deliverable_type"]]),
        (
            "ics_field",
            _("ICS field"),
            [(v, f"{v} {ics_titles.get(v, '')}", n) for v, n in facets["ics_field"]],
        ),
        ("committee", _("Committee"), [(v, v, n) for v, n in facets["committee"]]),
    ]
    sections = []
    for name, title, values in groups:
        current = str(getattr(filters, name) or "")
        items = [
            {"label": label, "count": n, "url": link({name: value}), "active": str(value) == current}
            for value, label, n in values
        ]
        sections.append({"name": name, "title": title, "items": items})
    decades = [
        {
            "label": _("%(start)s–%(end)s") % {"start": decade, "end": decade + 9},
            "count": n,
            "url": link({"year_from": decade, "year_to": decade + 9}),
            "active": filters.year_from == decade and filters.year_to == decade + 9,
        }
        for decade, n in facets["decade"]
    ]
    sections.append({"name": "decade", "title": _("Decade"), "items": decades})
    return [section for section in sections if section["items"]]


def document_list(request):
    filters = document_filters(request)
    page = _page(request, filter_documents(filters))
    facets = document_facets(filters, page.paginator.count)
    fields = [code for code, _n in facets["ics_field"]]
    ics_titles = dict(IcsCode.objects.filter(level=1, code__in=fields).values_list("code", "title_en"))
    context = {
        "page": page,
        "filters": filters,
        "facets": facets,
        "facet_sections": _facet_links(request, filters, facets, ics_titles),
        "stage_groups": StageGroup.choices,
        "querystring": request.GET.urlencode(),
        "hidden": [(name, value) for name, _label, value in _facet_filters(filters)],
        "active_filters": [(label, value) for _name, label, value in _facet_filters(filters)],
    }
    template = "standards/_document_results.html" if request.htmx else "standards/document_list.html"
    return render(request, template, context)


def document_export(request, fmt: str):
    queryset = filter_documents(document_filters(request))
    return exports.csv_response(queryset) if fmt == "csv" else exports.json_response(queryset)


def edition_chain(document: InternationalDocument) -> list[InternationalDocument]:
    """Every edition linked to ``document`` through replaces / replaced-by, oldest first."""
    through = InternationalDocument.replaces.through.objects
    seen = {document.pk}
    frontier = {document.pk}
    while frontier and len(seen) < MAX_CHAIN:
        links = through.filter(
            Q(from_internationaldocument_id__in=frontier) | Q(to_internationaldocument_id__in=frontier)
        ).values_list("from_internationaldocument_id", "to_internationaldocument_id")
        found = {pk for pair in links for pk in pair} - seen
        seen |= found
        frontier = found
    if len(seen) == 1:
        return []
    editions = InternationalDocument.objects.filter(pk__in=seen)
    if not document.supplement_type:
        editions = editions.filter(supplement_type="") | InternationalDocument.objects.filter(pk=document.pk)
    return sorted(
        editions,
        key=lambda d: (d.publication_date or dt.date(d.year or 9999, 12, 31), d.sort_key),
    )


def document_detail(request, pk: int):
    document = get_object_or_404(
        InternationalDocument.objects.select_related("committee", "supplement_to"), pk=pk
    )
    ics = list(document.ics.select_related("parent__parent").order_by("code"))
    context = {
        "doc": document,
        "ics": [(code, code.ancestors()) for code in ics],
        "chain": edition_chain(document),
        "supplements": document.supplements.order_by("sort_key"),
        "events": document.events.order_by("date", "id"),
        "stage_groups": dict(StageGroup.choices),
    }
    return render(request, "standards/document_detail.html", context)


# --- ICS ------------------------------------------------------------------------------------------


def _with_counts(codes, level: int, prefix: str = ""):
    counts = ics_document_counts(level, prefix)
    return [(code, counts.get(code.code, 0)) for code in codes]


def ics_list(request):
    fields = IcsCode.objects.filter(level=1).order_by("code")
    return render(request, "standards/ics_list.html", {"fields": _with_counts(fields, 1)})


def ics_detail(request, code: str):
    node = get_object_or_404(IcsCode.objects.select_related("parent__parent"), code=code)
    children = []
    if node.level < 3:
        children = _with_counts(node.children.order_by("code"), node.level + 1, node.code)
    documents = filter_documents(
        DocumentFilters(ics=node.code, current_only=True, sort=DocumentSort.REFERENCE)
    )
    context = {
        "node": node,
        "ancestors": node.ancestors(),
        "children": children,
        "page": _page(request, documents),
    }
    return render(request, "standards/ics_detail.html", context)


# --- committees -----------------------------------------------------------------------------------


def committee_list(request):
    source = request.GET.get("source")
    filters = InternationalCommitteeFilters(
        q=_text_param(request, "q", 200),
        kind=_text_param(request, "kind", 10),
        member=_text_param(request, "member", 50),
        source=source if source in Source.values else None,
    )
    per_committee = (
        InternationalDocument.objects.filter(committee=OuterRef("pk"))
        .order_by()
        .values("committee")
        .annotate(n=Count("pk"))
        .values("n")
    )
    queryset = filter_committees(filters).annotate(n_documents=Subquery(per_committee))
    kinds = (
        InternationalCommittee.objects.exclude(kind="")
        .values_list("kind", flat=True)
        .distinct()
        .order_by("kind")
    )
    context = {"page": _page(request, queryset), "filters": filters, "kinds": list(kinds)}
    template = "standards/_committee_rows.html" if request.htmx else "standards/committee_list.html"
    return render(request, template, context)


def work_programme_counts(committee: InternationalCommittee) -> dict[str, int]:
    rows = committee.documents.order_by().values("stage_group").annotate(n=Count("pk"))
    counts = {row["stage_group"]: row["n"] for row in rows}
    return {group: counts.get(group, 0) for group in StageGroup.values}


def committee_detail(request, pk: int):
    committee = get_object_or_404(InternationalCommittee.objects.select_related("parent"), pk=pk)
    members = list(committee.memberships.all())
    counts = work_programme_counts(committee)
    context = {
        "committee": committee,
        "p_members": [m.member_acronym for m in members if m.status == CommitteeMembership.Status.P],
        "o_members": [m.member_acronym for m in members if m.status == CommitteeMembership.Status.O],
        "children": committee.children.order_by("sort_key"),
        "programme": [(value, label, counts[value]) for value, label in StageGroup.choices],
        "in_development": committee.documents.filter(stage_group=StageGroup.DEVELOPMENT).order_by(
            "stage", "sort_key"
        ),
        "current_count": sum(counts[group] for group in CURRENT_GROUPS),
    }
    return render(request, "standards/committee_detail.html", context)


# --- changes --------------------------------------------------------------------------------------


def change_list(request):
    kind = request.GET.get("kind")
    kind = kind if kind in ChangeEvent.Kind.values else None
    try:
        since = dt.date.fromisoformat(request.GET.get("since") or "")
    except ValueError:
        since = None
    context = {
        "page": _page(request, filter_changes(kind, since), 50),
        "kind": kind,
        "since": since,
        "kinds": ChangeEvent.Kind.choices,
    }
    return render(request, "standards/change_list.html", context)
