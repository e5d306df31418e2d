"""Filters of the international catalogue, shared by the pages and the API.

A query that reads as a publication identifier (``iso 9001 2015``, ``ИСО 9001``, ``ISO/IEC 17025``)
is looked up on the stored identifiers first: the exact document, then its edition (amendments and
corrigenda of that edition), then every edition of the document, most recent first. Only when that
finds nothing is the query searched as words in the full-text index.
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from functools import cached_property

from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Max, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Substr
from ninja import Field, Schema
from pydantic import field_validator

from nqi.core.search import kind_of
from nqi.pubid.api import parse_query
from nqi.pubid.errors import PubidError
from nqi.pubid.model import Identifier
from nqi.standards.models import (
    ChangeEvent,
    CommitteeMembership,
    IcsCode,
    ImportRun,
    InternationalCommittee,
    InternationalDocument,
    Source,
)
from nqi.standards.stages import StageGroup
from nqi.text import search_terms

CURRENT_GROUPS = (StageGroup.PUBLISHED, StageGroup.REVIEW)
COMMITTEE_FACET_SIZE = 20
FACET_CACHE_SECONDS = 3600
FACET_SCAN_LIMIT = 20_000
# Length of an ICS code at each level: field "01", group "01.040", sub-group "01.040.01".
ICS_CODE_LENGTH = {1: 2, 2: 6, 3: 9}


class DocumentSort(StrEnum):
    RELEVANCE = "relevance"
    REFERENCE = "reference"
    NEWEST = "-published"
    OLDEST = "published"


def _clean(value: str | None) -> str | None:
    """Strip blanks and NUL characters (PostgreSQL refuses them); empty means no filter."""
    if value is None:
        return None
    value = value.replace("\x00", "").strip()
    return value or None


class DocumentFilters(Schema):
    q: str | None = Field(None, description="Words, or an identifier such as 'ISO 9001:2015'")
    publisher: str | None = Field(None, max_length=40, description="Publisher, e.g. ISO, IEC, ISO/IEC")
    deliverable_type: str | None = Field(None, max_length=10, description="IS, TS, TR, PAS, Guide, …")
    stage_group: StageGroup | None = None
    ics_field: str | None = Field(None, max_length=2, description="ICS field, e.g. 03")
    ics: str | None = Field(None, max_length=12, description="ICS code or code prefix, e.g. 03.120")
    committee: str | None = Field(None, max_length=80, description="Committee reference, e.g. ISO/TC 176")
    year_from: int | None = Field(None, ge=0, le=9999)
    year_to: int | None = Field(None, ge=0, le=9999)
    source: Source | None = Field(None, description="Catalogue: iso or iec")
    current_only: bool = Field(False, description="Only published documents and those under review")
    sort: DocumentSort = DocumentSort.RELEVANCE

    @field_validator("q", "publisher", "deliverable_type", "ics_field", "ics", "committee", mode="before")
    @classmethod
    def _strip(cls, value):
        return _clean(value) if isinstance(value, str) else value


def parse_identifier(query: str | None) -> Identifier | None:
    """The international identifier a search box query reads as, if any."""
    query = _clean(query)
    if not query or not any(ch.isdigit() for ch in query):
        return None
    try:
        identifier = parse_query(query)
    except (PubidError, ValueError):
        return None
    return identifier if isinstance(identifier, Identifier) else None


def _restricted(filters: DocumentFilters) -> QuerySet[InternationalDocument]:
    """Every filter except the query text."""
    queryset = InternationalDocument.objects.all()
    if filters.source:
        queryset = queryset.filter(source=filters.source)
    if filters.publisher:
        queryset = queryset.filter(publisher=filters.publisher.upper())
    if filters.deliverable_type:
        queryset = queryset.filter(deliverable_type__iexact=filters.deliverable_type)
    if filters.stage_group:
        queryset = queryset.filter(stage_group=filters.stage_group)
    if filters.current_only:
        queryset = queryset.filter(stage_group__in=CURRENT_GROUPS)
    if filters.ics_field:
        queryset = queryset.filter(ics_field=filters.ics_field)
    if filters.ics:
        through = InternationalDocument.ics.through.objects.filter(icscode__code__startswith=filters.ics)
        queryset = queryset.filter(pk__in=through.values("internationaldocument_id"))
    if filters.committee:
        ref = filters.committee
        queryset = queryset.filter(Q(committee_ref__iexact=ref) | Q(committee_ref__istartswith=ref + "/"))
    if filters.year_from is not None:
        queryset = queryset.filter(year__gte=filters.year_from)
    if filters.year_to is not None:
        queryset = queryset.filter(year__lte=filters.year_to)
    return queryset


def _identifier_matches(
    queryset: QuerySet[InternationalDocument], identifier: Identifier
) -> QuerySet[InternationalDocument]:
    canonical = identifier.canonical
    edition = identifier.dated_base.canonical
    base = identifier.base.canonical
    return queryset.filter(Q(canonical=canonical) | Q(edition_ref=edition) | Q(base=base)).annotate(
        match_rank=Case(
            When(canonical=canonical, then=Value(0)),
            When(edition_ref=edition, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )


def _ordered(queryset: QuerySet[InternationalDocument], sort: DocumentSort, *relevance: object):
    if sort == DocumentSort.REFERENCE:
        return queryset.order_by("sort_key", "pk")
    if sort == DocumentSort.NEWEST:
        return queryset.order_by(F("publication_date").desc(nulls_last=True), "sort_key", "pk")
    if sort == DocumentSort.OLDEST:
        return queryset.order_by(F("publication_date").asc(nulls_last=True), "sort_key", "pk")
    return queryset.order_by(*relevance, "sort_key", "pk")


# Full-text matching of documents. The SQL is that of nqi.core.search, with two differences that
# matter at 90,000 documents: SQLite is told to read the FTS index first (CROSS JOIN; without
# table statistics it would otherwise scan every entry of the kind and run MATCH on each), and the
# relevance order comes from one sorted query instead of one correlated sub-query per row (each of
# which re-expands the prefix terms).
_KIND = kind_of(InternationalDocument)
_TABLE = InternationalDocument._meta.db_table


def _match_sql(terms: list[str]) -> tuple[str, list[object]]:
    """SQL selecting the id of every document matching all ``terms``."""
    if connection.vendor == "postgresql":
        return (
            "SELECT object_id FROM core_searchentry WHERE kind = %s AND tsv @@ to_tsquery('simple', %s)",
            [_KIND, " & ".join(f"{term}:*" for term in terms)],
        )
    return (
        "SELECT e.object_id FROM core_searchentry_fts CROSS JOIN core_searchentry e "
        "ON e.id = core_searchentry_fts.rowid WHERE core_searchentry_fts MATCH %s AND e.kind = %s",
        [" ".join(f'"{term}"*' for term in terms), _KIND],
    )


def _ranked_sql(terms: list[str], within: QuerySet | None) -> tuple[str, list[object]]:
    """SQL selecting the ids of the matching documents (among ``within``), most relevant first."""
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{term}:*" for term in terms)
        sql = (
            f"SELECT e.object_id FROM core_searchentry e JOIN {_TABLE} d ON d.id = e.object_id "
            "WHERE e.kind = %s AND e.tsv @@ to_tsquery('simple', %s)"
        )
        params: list[object] = [_KIND, tsquery]
        order = "ts_rank_cd(e.tsv, to_tsquery('simple', %s)) + similarity(e.body, %s) DESC"
        order_params: list[object] = [tsquery, " ".join(terms)]
    else:
        sql = (
            "SELECT e.object_id FROM core_searchentry_fts CROSS JOIN core_searchentry e "
            f"ON e.id = core_searchentry_fts.rowid JOIN {_TABLE} d ON d.id = e.object_id "
            "WHERE core_searchentry_fts MATCH %s AND e.kind = %s"
        )
        params = [" ".join(f'"{term}"*' for term in terms), _KIND]
        order, order_params = "bm25(core_searchentry_fts)", []
    if within is not None:
        query = within.order_by().query
        if len(query.alias_map) == 1:  # only columns of the document table: apply its WHERE to d
            where_sql, where_params = query.get_compiler(using=within.db).compile(query.where)
            sql += " AND " + where_sql.replace(f'"{_TABLE}".', "d.")
        else:
            where_sql, where_params = within.order_by().values("pk").query.sql_with_params()
            sql += f" AND e.object_id IN ({where_sql})"
        params.extend(where_params)
    return f"{sql} ORDER BY {order}, d.sort_key, d.id", [*params, *order_params]


def _text_match(queryset: QuerySet[InternationalDocument], terms: list[str]):
    sql, params = _match_sql(terms)
    return queryset.filter(pk__in=RawSQL(sql, params))


class RankedDocuments:
    """Documents matching search words, most relevant first (then by reference).

    Quacks like a QuerySet for the Paginator, ninja's pagination and the exports: the database
    sorts the matches and only the requested slice of ids comes back, then its rows.
    """

    ordered = True

    def __init__(self, queryset: QuerySet[InternationalDocument], terms: list[str]):
        self.queryset = queryset
        self.terms = terms

    def _ids(self, limit: int, offset: int = 0) -> list[int]:
        within = self.queryset if self.queryset.query.where else None
        sql, params = _ranked_sql(self.terms, within)
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} LIMIT %s OFFSET %s", [*params, limit, offset])
            return [row[0] for row in cursor.fetchall()]

    @cached_property
    def ids(self) -> list[int]:
        """All the ranked ids (for exports), at most 1,000,000."""
        return self._ids(1_000_000)

    def all(self) -> RankedDocuments:
        return self

    @cached_property
    def _count(self) -> int:
        return _text_match(self.queryset.order_by(), self.terms).count()

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def fetch(self, ids: list[int]) -> list[InternationalDocument]:
        found = self.queryset.order_by().in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, _step = index.indices(self._count)
            return self.fetch(self._ids(max(stop - start, 0), start)) if stop > start else []
        return self.fetch(self._ids(1, index))[0]

    def __iter__(self):
        ids = self.ids
        for start in range(0, len(ids), 500):
            yield from self.fetch(ids[start : start + 500])


def matching_documents(filters: DocumentFilters) -> QuerySet[InternationalDocument]:
    """The filtered documents, unordered; the identifier lookup or full-text match applied."""
    queryset = _restricted(filters)
    identifier = parse_identifier(filters.q)
    if identifier is not None:
        found = _identifier_matches(queryset, identifier)
        if found.exists():
            return found
    terms = search_terms(filters.q)
    return _text_match(queryset, terms) if terms else queryset


def filter_documents(filters: DocumentFilters) -> QuerySet[InternationalDocument] | RankedDocuments:
    """The documents the filters ask for, in the order they ask for."""
    queryset = matching_documents(filters).select_related("committee")
    if "match_rank" in queryset.query.annotations:
        main_first = Case(
            When(supplement_type="", then=Value(0)), default=Value(1), output_field=IntegerField()
        )
        return _ordered(queryset, filters.sort, "match_rank", main_first, F("year").desc(nulls_last=True))
    terms = search_terms(filters.q)
    if terms and filters.sort == DocumentSort.RELEVANCE:
        return RankedDocuments(_restricted(filters).select_related("committee"), terms)
    return _ordered(queryset, filters.sort)


def _counts(queryset: QuerySet, field: str, limit: int | None = None) -> list[tuple[str, int]]:
    rows = queryset.order_by().values(field).annotate(n=Count("pk")).order_by("-n", field)
    if limit:
        rows = rows[:limit]
    return [(row[field], row["n"]) for row in rows if row[field] not in (None, "")]


def data_version() -> str:
    """Changes whenever an import ran: the catalogue changes only through imports."""
    runs = ImportRun.objects.aggregate(last=Max("started_at"), n=Count("pk"))
    return f"{runs['n']}-{runs['last'].isoformat() if runs['last'] else ''}"


def document_facets(
    filters: DocumentFilters, total: int | None = None
) -> dict[str, list[tuple[object, int]]]:
    """Counts of the filtered documents per publisher, type, stage group, ICS field, committee and
    decade, cached until the next import. ``total`` is the size of the result when known: up to
    FACET_SCAN_LIMIT documents, one query reads the six columns and Python counts them (four to
    five times faster than six GROUP BY queries that each re-run the match); above, one aggregate
    query per facet."""
    key_data = json.dumps([data_version(), filters.model_dump(mode="json", exclude={"sort"})], sort_keys=True)
    key = "nqi-catalogue-facets-" + hashlib.sha1(key_data.encode()).hexdigest()
    facets = cache.get(key)
    if facets is None:
        small = total is not None and total <= FACET_SCAN_LIMIT
        facets = _scanned_facets(filters) if small else _document_facets(filters)
        cache.set(key, facets, FACET_CACHE_SECONDS)
    return facets


_FACET_COLUMNS = ("publisher", "deliverable_type", "stage_group", "ics_field", "committee_ref", "year")


def _facets_from_counts(counts: dict[str, dict[object, int]]) -> dict[str, list[tuple[object, int]]]:
    def top(name: str, limit: int | None = None) -> list[tuple[object, int]]:
        items = sorted(
            ((v, n) for v, n in counts[name].items() if v not in (None, "")), key=lambda i: (-i[1], i[0])
        )
        return items[:limit] if limit else items

    decades: dict[int, int] = {}
    for year, n in counts["year"].items():
        if year:
            decades[year // 10 * 10] = decades.get(year // 10 * 10, 0) + n
    groups = counts["stage_group"]
    return {
        "publisher": top("publisher"),
        "deliverable_type": top("deliverable_type"),
        "stage_group": [(value, groups[value]) for value in StageGroup.values if groups.get(value)],
        "ics_field": sorted(top("ics_field")),
        "committee": top("committee_ref", COMMITTEE_FACET_SIZE),
        "decade": sorted(decades.items(), reverse=True),
    }


def _scanned_facets(filters: DocumentFilters) -> dict[str, list[tuple[object, int]]]:
    counts: dict[str, dict[object, int]] = {name: {} for name in _FACET_COLUMNS}
    for row in matching_documents(filters).order_by().values_list(*_FACET_COLUMNS):
        for name, value in zip(_FACET_COLUMNS, row, strict=True):
            counts[name][value] = counts[name].get(value, 0) + 1
    return _facets_from_counts(counts)


def _document_facets(filters: DocumentFilters) -> dict[str, list[tuple[object, int]]]:
    queryset = matching_documents(filters).order_by()
    if "match_rank" in queryset.query.annotations:
        # counting on the identifier matches: drop the ranking expression from the GROUP BY
        queryset = InternationalDocument.objects.filter(pk__in=queryset.values("pk"))
    groups = dict(_counts(queryset, "stage_group"))
    decades: dict[int, int] = {}
    for row in queryset.values("year").annotate(n=Count("pk")):
        if row["year"]:
            decade = row["year"] // 10 * 10
            decades[decade] = decades.get(decade, 0) + row["n"]
    return {
        "publisher": _counts(queryset, "publisher"),
        "deliverable_type": _counts(queryset, "deliverable_type"),
        "stage_group": [(value, groups[value]) for value in StageGroup.values if value in groups],
        "ics_field": sorted(_counts(queryset, "ics_field")),
        "committee": _counts(queryset, "committee_ref", COMMITTEE_FACET_SIZE),
        "decade": sorted(decades.items(), reverse=True),
    }


# --- ICS -------------------------------------------------------------------------------------------


def ics_document_counts(level: int, prefix: str = "") -> dict[str, int]:
    """Current documents per ICS code of ``level`` (under ``prefix``), each document counted once."""
    length = ICS_CODE_LENGTH[level]
    through = InternationalDocument.ics.through.objects.filter(
        internationaldocument__stage_group__in=CURRENT_GROUPS
    )
    if prefix:
        through = through.filter(icscode__code__startswith=prefix)
    rows = (
        through.annotate(prefix=Substr("icscode__code", 1, length))
        .values("prefix")
        .annotate(n=Count("internationaldocument_id", distinct=True))
        .order_by()
    )
    return {row["prefix"]: row["n"] for row in rows}


class IcsFilters(Schema):
    level: int | None = Field(None, ge=1, le=3, description="1 field, 2 group, 3 sub-group")
    parent: str | None = Field(None, max_length=12, description="Code of the parent, e.g. 03.120")
    q: str | None = None

    @field_validator("parent", "q", mode="before")
    @classmethod
    def _strip(cls, value):
        return _clean(value) if isinstance(value, str) else value


def filter_ics(filters: IcsFilters) -> QuerySet[IcsCode]:
    queryset = IcsCode.objects.select_related("parent")
    if filters.level:
        queryset = queryset.filter(level=filters.level)
    if filters.parent:
        queryset = queryset.filter(parent__code=filters.parent)
    if filters.q:
        queryset = queryset.filter(
            Q(code__startswith=filters.q)
            | Q(title_en__icontains=filters.q)
            | Q(title_fr__icontains=filters.q)
        )
    return queryset.order_by("code")


# --- Committees -----------------------------------------------------------------------------------


class InternationalCommitteeFilters(Schema):
    q: str | None = Field(None, description="Reference, title or secretariat words")
    kind: str | None = Field(None, max_length=10, description="TC, SC, PC, JTC, …")
    member: str | None = Field(None, max_length=50, description="Member body acronym, e.g. AFNOR")
    source: Source | None = None

    @field_validator("q", "kind", "member", mode="before")
    @classmethod
    def _strip(cls, value):
        return _clean(value) if isinstance(value, str) else value


def filter_committees(filters: InternationalCommitteeFilters) -> QuerySet[InternationalCommittee]:
    from nqi.core.search import ranked

    queryset = InternationalCommittee.objects.select_related("parent")
    if filters.source:
        queryset = queryset.filter(source=filters.source)
    if filters.kind:
        queryset = queryset.filter(kind__iexact=filters.kind)
    if filters.member:
        members = CommitteeMembership.objects.filter(member_acronym__iexact=filters.member)
        queryset = queryset.filter(pk__in=members.values("committee_id"))
    return ranked(queryset, filters.q, "sort_key", "pk")


# --- Changes --------------------------------------------------------------------------------------


def filter_changes(kind: str | None = None, since=None) -> QuerySet[ChangeEvent]:
    queryset = ChangeEvent.objects.select_related("document", "committee")
    if kind:
        queryset = queryset.filter(kind=kind)
    if since:
        queryset = queryset.filter(date__gte=since)
    return queryset.order_by("-date", "-id")
