"""One search service for every catalogue, on SQLite (FTS5) and PostgreSQL (tsvector + pg_trgm).

Models opt in with :func:`searchable`, giving a function that returns the text to index. The text is
folded by :func:`nqi.text.fold` before it is stored and every query is folded the same way, so both
back ends see the same space-separated words and return the same matches: every query term must
match the start of a word in the document (prefix matching, all terms required). Ranking is BM25 on
SQLite and ts_rank_cd plus trigram similarity on PostgreSQL; ties are broken by the caller's order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from django.core.signals import request_finished
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, models, transaction
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete, post_save

from nqi.text import fold, search_terms

_REGISTRY: dict[str, tuple[type[models.Model], Callable[[models.Model], str]]] = {}


def kind_of(model: type[models.Model]) -> str:
    return model._meta.label_lower


def searchable(document: Callable[[models.Model], str]):
    """Class decorator: keep the model's search entry in sync with ``document(instance)``."""

    def register(model: type[models.Model]) -> type[models.Model]:
        _REGISTRY[kind_of(model)] = (model, document)
        post_save.connect(_index_saved, sender=model, dispatch_uid=f"search-save-{model._meta.label}")
        post_delete.connect(_unindex_deleted, sender=model, dispatch_uid=f"search-del-{model._meta.label}")
        return model

    return register


def _index_saved(sender, instance, raw=False, **kwargs) -> None:
    index_objects(sender, [instance])


def _unindex_deleted(sender, instance, **kwargs) -> None:
    from nqi.core.models import SearchEntry

    SearchEntry.objects.filter(kind=kind_of(sender), object_id=instance.pk).delete()


def index_objects(model: type[models.Model], instances: Iterable[models.Model]) -> int:
    """Write the search entries of ``instances`` (insert or replace). Returns how many."""
    from nqi.core.models import SearchEntry

    kind = kind_of(model)
    document = _REGISTRY[kind][1]
    rows = [SearchEntry(kind=kind, object_id=obj.pk, body=fold(document(obj))) for obj in instances]
    if not rows:
        return 0
    with transaction.atomic():
        SearchEntry.objects.filter(kind=kind, object_id__in=[row.object_id for row in rows]).delete()
        SearchEntry.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def reindex(model: type[models.Model], batch_size: int = 2000) -> int:
    """Rebuild the search entries of every object of ``model``."""
    from nqi.core.models import SearchEntry

    kind = kind_of(model)
    with transaction.atomic():
        SearchEntry.objects.filter(kind=kind).delete()
        total = 0
        batch: list[models.Model] = []
        for obj in model._default_manager.order_by("pk").iterator(chunk_size=batch_size):
            batch.append(obj)
            if len(batch) >= batch_size:
                total += index_objects(model, batch)
                batch = []
        total += index_objects(model, batch)
    return total


def _fts5_query(terms: list[str]) -> str:
    return " ".join(f'"{term}"*' for term in terms)


def _tsquery(terms: list[str]) -> str:
    return " & ".join(f"{term}:*" for term in terms)


def _hits_sql(kind: str, terms: list[str]) -> tuple[str, list[object]]:
    """SQL returning (object_id, relevance) for every match, in one pass over the index."""
    if connection.vendor == "postgresql":
        return (
            "SELECT object_id, ts_rank_cd(tsv, query) + similarity(body, %s) FROM core_searchentry, "
            "to_tsquery('simple', %s) AS query WHERE kind = %s AND tsv @@ query",
            [" ".join(terms), _tsquery(terms), kind],
        )
    return (
        # CROSS JOIN fixes the join order in SQLite: the full-text match drives, once. With a plain
        # JOIN the planner may loop over entries and re-run the match per row (seconds, not ms).
        "SELECT e.object_id, -bm25(core_searchentry_fts) FROM core_searchentry_fts "
        "CROSS JOIN core_searchentry e ON e.id = core_searchentry_fts.rowid "
        "WHERE core_searchentry_fts MATCH %s AND e.kind = %s",
        [_fts5_query(terms), kind],
    )


# A search is run once into a temporary table of (object_id, rank); filtering and ordering then
# join on it by primary key. Both databases would otherwise re-run the full-text match for every
# candidate row when ordering by relevance. The table is rebuilt on every call (milliseconds), so it
# is never stale after a re-index or a rolled-back transaction; its name depends on the query only.


def _rank_table(kind: str, terms: list[str]) -> str:
    name = "nqi_rank_" + hashlib.sha1(repr((kind, terms)).encode(), usedforsecurity=False).hexdigest()[:16]
    sql, params = _hits_sql(kind, terms)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(f"CREATE TEMPORARY TABLE {name} (object_id BIGINT PRIMARY KEY, rank DOUBLE PRECISION)")
        cursor.execute(f"INSERT INTO {name} (object_id, rank) {sql}", params)
    # `connection` is a proxy; remember the name on the real wrapper, which drop_rank_tables visits.
    connections[DEFAULT_DB_ALIAS].__dict__.setdefault("_nqi_rank_tables", set()).add(name)
    return name


def drop_rank_tables(**kwargs) -> None:
    """Forget this request's search results (they may be stale by the next request)."""
    for conn in connections.all(initialized_only=True):
        tables = conn.__dict__.pop("_nqi_rank_tables", None)
        if not tables or conn.connection is None:
            continue
        try:
            with conn.cursor() as cursor:
                for name in tables:
                    cursor.execute(f"DROP TABLE IF EXISTS {name}")
        except DatabaseError:  # a broken connection is closed by Django anyway; its temp tables go with it
            pass


request_finished.connect(drop_rank_tables, dispatch_uid="nqi-drop-rank-tables")


def matching_ids_sql(kind: str, terms: list[str]) -> tuple[str, list[object]]:
    """SQL selecting the ``object_id`` of every entry of ``kind`` that matches all ``terms``."""
    return f"SELECT object_id FROM {_rank_table(kind, terms)}", []


def filter_queryset(queryset: models.QuerySet, query: str | None, rank: bool = True) -> models.QuerySet:
    """Restrict ``queryset`` to objects matching ``query``; annotate ``search_rank`` when ranking.

    An empty or punctuation-only query returns the queryset unchanged.
    """
    terms = search_terms(query)
    if not terms:
        return queryset
    model = queryset.model
    table = _rank_table(kind_of(model), terms)
    queryset = queryset.filter(pk__in=RawSQL(f"SELECT object_id FROM {table}", []))
    if rank:
        pk_column = f'"{model._meta.db_table}"."{model._meta.pk.column}"'
        rank_sql = f"SELECT rank FROM {table} WHERE object_id = {pk_column}"
        queryset = queryset.annotate(search_rank=RawSQL(rank_sql, [], output_field=models.FloatField()))
    return queryset


def search(model: type[models.Model], query: str | None, limit: int = 20) -> list[models.Model]:
    """The best ``limit`` objects of ``model`` for ``query``, most relevant first."""
    queryset = filter_queryset(model._default_manager.all(), query)
    if "search_rank" not in queryset.query.annotations:
        return []
    return list(queryset.order_by("-search_rank", "pk")[:limit])


def registered_models() -> list[type[models.Model]]:
    return [model for model, _document in _REGISTRY.values()]


def ranked(queryset: models.QuerySet, query: str | None, *order: str) -> models.QuerySet:
    """``queryset`` filtered by ``query``, most relevant first, then by ``order``.

    A query with no searchable words (empty, punctuation, symbols) leaves the queryset unfiltered
    and ordered by ``order`` alone.
    """
    filtered = filter_queryset(queryset, query)
    if "search_rank" in filtered.query.annotations:
        return filtered.order_by("-search_rank", *order)
    return filtered.order_by(*order)
