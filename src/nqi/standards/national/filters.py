"""Filters shared by the national catalogue pages and the API."""

from __future__ import annotations

from functools import cached_property

from django.db import connection
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from ninja import Field, Schema

from nqi.core.search import kind_of
from nqi.standards.national.models import Adoption, Degree, NationalStandard, NationalStatus
from nqi.text import search_terms


class StandardFilters(Schema):
    q: str | None = Field(None, description="Search words (designation, titles, TC; prefix match)")
    country: str | None = Field(None, pattern="^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 code")
    status: NationalStatus | None = None
    degree: Degree | None = Field(None, description="Only standards adopting with this degree")
    harmonized: bool | None = Field(None, description="Only standards that adopt (true) or do not (false)")
    ics: str | None = Field(None, max_length=12, pattern=r"^[0-9.]+$", description="ICS code or prefix")
    tc: str | None = Field(None, max_length=120, description="National technical committee")
    year: int | None = Field(None, ge=1900, le=2100)


def filter_standards(filters: StandardFilters, rank: bool = True):
    """The matching standards; ranked by relevance when searching and ``rank``, else by designation."""
    queryset = NationalStandard.objects.select_related("country")
    if filters.country:
        queryset = queryset.filter(country__code=filters.country.upper())
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.degree:
        queryset = queryset.filter(
            Exists(Adoption.objects.filter(standard=OuterRef("pk"), degree=filters.degree))
        )
    if filters.harmonized is not None:
        has = Exists(Adoption.objects.filter(standard=OuterRef("pk")))
        queryset = queryset.filter(has if filters.harmonized else ~has)
    if filters.ics:
        queryset = (
            queryset.filter(ics_field=filters.ics[:2])
            if len(filters.ics) <= 2
            else queryset.filter(ics_codes__icontains=filters.ics)
        )
    if filters.tc:
        queryset = queryset.filter(technical_committee=filters.tc)
    if filters.year:
        queryset = queryset.filter(year=filters.year)
    terms = search_terms(filters.q)
    if not terms:
        return queryset.order_by("sort_key", "pk")
    sql, params = _match_sql(terms)
    queryset = queryset.filter(pk__in=RawSQL(sql, params))
    return RankedStandards(queryset, terms) if rank else queryset


# The FTS table is put first (CROSS JOIN): otherwise SQLite may scan every entry of the kind and run
# MATCH on each, which takes seconds on a national catalogue of tens of thousands of standards.
_KIND = kind_of(NationalStandard)


def _match_sql(terms: list[str], ranked_order: bool = False) -> tuple[str, list[object]]:
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{term}:*" for term in terms)
        sql = "SELECT object_id FROM core_searchentry WHERE kind = %s AND tsv @@ to_tsquery('simple', %s)"
        if ranked_order:
            return sql + " ORDER BY ts_rank_cd(tsv, to_tsquery('simple', %s)) DESC, object_id", [
                _KIND,
                tsquery,
                tsquery,
            ]
        return sql, [_KIND, tsquery]
    sql = (
        "SELECT e.object_id FROM core_searchentry_fts CROSS JOIN core_searchentry e "
        "ON e.id = core_searchentry_fts.rowid WHERE core_searchentry_fts MATCH %s AND e.kind = %s"
    )
    if ranked_order:
        sql += " ORDER BY bm25(core_searchentry_fts), e.object_id"
    return sql, [" ".join(f'"{term}"*' for term in terms), _KIND]


class RankedStandards:
    """Matching standards, most relevant first; quacks like a QuerySet for the Paginator and ninja."""

    ordered = True

    def __init__(self, queryset: QuerySet[NationalStandard], terms: list[str]):
        self.queryset = queryset
        self.terms = terms

    @cached_property
    def ids(self) -> list[int]:
        allowed = set(self.queryset.order_by().values_list("pk", flat=True))
        sql, params = _match_sql(self.terms, ranked_order=True)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall() if row[0] in allowed]

    def all(self) -> RankedStandards:
        return self

    def select_related(self, *names: str) -> RankedStandards:
        return RankedStandards(self.queryset.select_related(*names), self.terms)

    def count(self) -> int:
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            ids = self.ids[index]
            found = self.queryset.order_by().in_bulk(ids)
            return [found[pk] for pk in ids if pk in found]
        return self[index : index + 1][0]

    def __iter__(self):
        return iter(self[:])


def facets(queryset: QuerySet[NationalStandard]) -> dict[str, list[tuple[str, int]]]:
    """Counts by status, ICS field, TC and year of the filtered list (top values only).

    Give it the unranked queryset (``filter_standards(filters, rank=False)``).
    """
    plain = queryset.order_by()

    def top(name: str, limit: int = 30) -> list[tuple[str, int]]:
        rows = plain.values_list(name).annotate(n=Count("pk")).order_by("-n", name)[:limit]
        return [(str(value), n) for value, n in rows if value not in (None, "")]

    degrees = (
        Adoption.objects.filter(standard__in=plain.values("pk"))
        .values_list("degree")
        .annotate(n=Count("standard", distinct=True))
        .order_by("degree")
    )
    return {
        "status": top("status"),
        "degree": [(d, n) for d, n in degrees],
        "ics": top("ics_field"),
        "tc": top("technical_committee"),
        "year": sorted(top("year", 40), reverse=True),
    }
