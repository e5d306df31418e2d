"""One search service for every catalogue, on SQLite (FTS5) and PostgreSQL (tsvector + pg_trgm).

Models opt in with :func:`searchable`, giving a function that returns the text to index. The text is
folded by :func:`nqi.text.fold` before it is stored and every query is folded the same way, so both
back ends see the same space-separated words and return the same matches: every query term must
match the start of a word in the document (prefix matching, all terms required). Ranking is BM25 on
SQLite and ts_rank_cd plus trigram similarity on PostgreSQL; ties are broken by the caller's order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connection, models, transaction
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


def matching_ids_sql(kind: str, terms: list[str]) -> tuple[str, list[object]]:
    """SQL selecting the ``object_id`` of every entry of ``kind`` that matches all ``terms``."""
    if connection.vendor == "postgresql":
        return (
            "SELECT object_id FROM core_searchentry WHERE kind = %s AND tsv @@ to_tsquery('simple', %s)",
            [kind, _tsquery(terms)],
        )
    return (
        "SELECT e.object_id FROM core_searchentry_fts f JOIN core_searchentry e ON e.id = f.rowid "
        "WHERE core_searchentry_fts MATCH %s AND e.kind = %s",
        [_fts5_query(terms), kind],
    )


def _rank_sql(kind: str, terms: list[str], pk_column: str) -> tuple[str, list[object]]:
    """A correlated scalar: the relevance of the outer row (higher is better)."""
    if connection.vendor == "postgresql":
        return (
            "(SELECT ts_rank_cd(tsv, to_tsquery('simple', %s)) + similarity(body, %s) "
            f"FROM core_searchentry WHERE kind = %s AND object_id = {pk_column})",
            [_tsquery(terms), " ".join(terms), kind],
        )
    return (
        "(SELECT -bm25(core_searchentry_fts) FROM core_searchentry_fts "
        "WHERE core_searchentry_fts MATCH %s AND rowid = "
        f"(SELECT id FROM core_searchentry WHERE kind = %s AND object_id = {pk_column}))",
        [_fts5_query(terms), kind],
    )


def filter_queryset(queryset: models.QuerySet, query: str | None, rank: bool = True) -> models.QuerySet:
    """Restrict ``queryset`` to objects matching ``query``; annotate ``search_rank`` when ranking.

    An empty or punctuation-only query returns the queryset unchanged.
    """
    terms = search_terms(query)
    if not terms:
        return queryset
    model = queryset.model
    kind = kind_of(model)
    sql, params = matching_ids_sql(kind, terms)
    queryset = queryset.filter(pk__in=RawSQL(sql, params))
    if rank:
        pk_column = f'"{model._meta.db_table}"."{model._meta.pk.column}"'
        rank_sql, rank_params = _rank_sql(kind, terms, pk_column)
        queryset = queryset.annotate(
            search_rank=RawSQL(rank_sql, rank_params, output_field=models.FloatField())
        )
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
