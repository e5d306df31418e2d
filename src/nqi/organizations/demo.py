"""Reference and demo data: every country, the real bodies NQI is first aimed at, fictional experts.

Loading is idempotent: rows are matched on their natural keys (country code, seed key) and
updated in place, so running it again changes nothing unless the data files changed.
"""

from __future__ import annotations

import datetime as dt
import gettext
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pycountry
from django.db import transaction

from nqi.core.audit import acting_as
from nqi.organizations.models import Affiliation, Country, Organization, Person

DATA_DIR = Path(__file__).resolve().parent / "data"
LANGUAGES = ("vi", "uz", "kk", "ru")

Progress = Callable[[str, int, int], None]


@dataclass
class LoadSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} added, {self.updated} changed, {self.unchanged} unchanged"


def _read_json(name: str, default):
    path = DATA_DIR / name
    if not path.exists():
        return default
    return json.loads(path.read_text(encoding="utf-8"))


def country_rows() -> list[dict]:
    """ISO 3166-1 countries with names in the UI languages (pycountry + curated overrides)."""
    translations = {
        lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in LANGUAGES
    }
    overrides = _read_json("country_names.json", {})
    rows = []
    for country in pycountry.countries:
        english = getattr(country, "common_name", None) or country.name
        names = {}
        for lang, catalogue in translations.items():
            translated = catalogue.gettext(country.name)
            if translated and translated != country.name:
                names[lang] = translated
        override = overrides.get(country.alpha_2, {})
        english = override.get("en", english)
        names.update({lang: text for lang, text in override.items() if lang in LANGUAGES and text})
        rows.append(
            {
                "code": country.alpha_2,
                "alpha3": country.alpha_3,
                "numeric": country.numeric,
                "name": english,
                "name_i18n": names,
            }
        )
    return rows


def _upsert(model, lookup: dict, values: dict, summary: LoadSummary):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        summary.created += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
        summary.updated += 1
    else:
        summary.unchanged += 1
    return obj


def load_countries(progress: Progress | None = None) -> LoadSummary:
    summary = LoadSummary()
    rows = country_rows()
    for index, row in enumerate(rows, 1):
        code = row.pop("code")
        _upsert(Country, {"code": code}, row, summary)
        if progress:
            progress("countries", index, len(rows))
    return summary


def load_organizations(progress: Progress | None = None) -> LoadSummary:
    summary = LoadSummary()
    rows = _read_json("organizations.json", [])
    countries = {c.code: c for c in Country.objects.all()}
    by_key: dict[str, Organization] = {}
    # Parents first: repeat passes until every parent is known (the file need not be ordered).
    pending = list(rows)
    while pending:
        progressed = False
        for row in list(pending):
            parent_key = row.get("parent")
            if parent_key and parent_key not in by_key:
                continue
            names = dict(row["name"])
            values = {
                "name": names.pop("en"),
                "name_i18n": {k: v for k, v in names.items() if v},
                "kind": row["kind"],
                "acronym": row.get("acronym") or "",
                "country": countries.get(row["country"]) if row.get("country") else None,
                "parent": by_key.get(parent_key) if parent_key else None,
                "iso_member_id": row.get("iso_member_id"),
                "iso_acronym": row.get("iso_acronym") or "",
                "website": row.get("website") or "",
            }
            by_key[row["key"]] = _upsert(Organization, {"seed_key": row["key"]}, values, summary)
            pending.remove(row)
            progressed = True
            if progress:
                progress("organizations", len(by_key), len(rows))
        if not progressed:
            missing = sorted({row["parent"] for row in pending})
            raise ValueError(f"organizations.json: unknown parent keys {missing}")
    return summary


def load_people(progress: Progress | None = None) -> LoadSummary:
    summary = LoadSummary()
    rows = _read_json("people_demo.json", [])
    organizations = {o.seed_key: o for o in Organization.objects.exclude(seed_key="")}
    for index, row in enumerate(rows, 1):
        first_org = organizations.get((row.get("affiliations") or [{}])[0].get("organization", ""))
        values = {
            "given_name": row["given_name"],
            "family_name": row["family_name"],
            "name_native": row.get("name_native", ""),
            "email": row.get("email", ""),
            "country": first_org.country if first_org else None,
            "is_demo": True,
        }
        person = _upsert(Person, {"seed_key": row["key"]}, values, summary)
        for item in row.get("affiliations", []):
            org = organizations.get(item["organization"])
            if org is None:
                continue
            start = dt.date.fromisoformat(item["start"]) if item.get("start") else None
            end = dt.date.fromisoformat(item["end"]) if item.get("end") else None
            Affiliation.objects.get_or_create(
                person=person,
                organization=org,
                role=item.get("role", "staff"),
                start=start,
                defaults={"end": end, "title": item.get("title", "")},
            )
        if progress:
            progress("people", index, len(rows))
    return summary


def load_all(progress: Progress | None = None) -> dict[str, LoadSummary]:
    """Load countries, organizations and demo people in one transaction."""
    with transaction.atomic(), acting_as(None, "demo"):
        return {
            "countries": load_countries(progress),
            "organizations": load_organizations(progress),
            "people": load_people(progress),
        }
