"""The catalogue importer on real ISO Open Data and IEC records (tests/standards/data)."""

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from nqi.core.search import search
from nqi.standards.importing.classification import import_ics
from nqi.standards.importing.committees import import_committees
from nqi.standards.importing.documents import import_documents
from nqi.standards.models import (
    ChangeEvent,
    CommitteeMembership,
    IcsCode,
    InternationalCommittee,
    InternationalDocument,
)

from .conftest import DATA

pytestmark = pytest.mark.django_db


def doc(reference: str) -> InternationalDocument:
    return InternationalDocument.objects.get(canonical=reference)


def records() -> list[dict]:
    return [json.loads(line) for line in (DATA / "iso_sample.jsonl").read_text().splitlines()]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def test_initial_import_links_editions_supplements_ics_and_committees(catalogue):
    iso = InternationalDocument.objects.filter(source="iso")
    assert iso.count() == 30 and InternationalDocument.objects.filter(source="iec").count() == 31
    current = doc("ISO 9001:2015")
    assert current.stage == 9092 and current.stage_group == "review" and current.base == "ISO 9001"
    assert [d.canonical for d in current.replaces.order_by("sort_key")] == [
        "ISO 9001:2008",
        "ISO 9001:2008/Cor 1:2009",
    ]
    assert [d.canonical for d in current.replaced_by.all()] == ["ISO/CD 9001.2"]
    assert [d.canonical for d in current.supplements.all()] == ["ISO 9001:2015/Amd 1:2024"]
    assert doc("ISO 9001:2015/Amd 1:2024").edition_ref == "ISO 9001:2015"
    assert (
        doc("ISO 9001:2008").stage_group == "withdrawn" and doc("ISO/CD 9001.2").stage_group == "development"
    )
    assert current.committee.reference == "ISO/TC 176/SC 2"
    assert [ics.code for ics in current.ics.all()] == ["03.100.70", "03.120.10"]
    assert IcsCode.objects.get(code="03.120.10").parent.code == "03.120"
    assert current.publication_date == dt.date(2015, 9, 1) and current.date_precision == "month"
    # first import: no flood of "new document" events
    assert not ChangeEvent.objects.exists()


def test_documents_are_searchable_by_reference_and_title(catalogue):
    found = [
        d.canonical for d in search(InternationalDocument, "quality management systems requirements", 50)
    ]
    assert "ISO 9001:2015" in found
    best = search(InternationalDocument, "17025 2017", 5)[0]
    assert best.canonical.startswith("ISO/IEC 17025:2017")


def test_iec_records_keep_status_and_stability_dates(catalogue):
    iec = InternationalDocument.objects.filter(source="iec")
    assert iec.filter(stable_until__isnull=False).exists()
    withdrawn = iec.filter(status__in=["REVISED", "REPLACED", "WITHDRAWN"])
    assert withdrawn.exists() and set(withdrawn.values_list("stage_group", flat=True)) == {"withdrawn"}


def test_reimport_without_change_changes_nothing(catalogue):
    run = import_documents([DATA / "iso_sample.jsonl"], "iso")
    assert (run.added, run.changed, run.unchanged, run.rejected) == (0, 0, 30, 0)
    assert not ChangeEvent.objects.exists()


def test_reimport_records_dated_change_events(catalogue, tmp_path):
    rows = records()
    by_id = {row["id"]: row for row in rows}
    by_id[62085]["currentStage"] = 9599  # ISO 9001:2015 withdrawn …
    by_id[62085]["replacedBy"] = [99001]  # … replaced by a new edition
    rows.append(
        {
            **by_id[62085],
            "id": 99001,
            "reference": "ISO 9001:2026",
            "currentStage": 6060,
            "publicationDate": "2026-09",
            "edition": 6,
            "replaces": [62085],
            "replacedBy": None,
        }
    )
    rows.append(
        {**by_id[88431], "id": 99002, "reference": "ISO 9001:2015/Amd 2:2026", "publicationDate": "2026-03"}
    )
    run = import_documents([write_jsonl(tmp_path / "iso.jsonl", rows)], "iso", today=dt.date(2026, 11, 23))
    assert (run.added, run.changed, run.rejected) == (2, 1, 0)
    events = {
        (e.kind, e.document.canonical, e.new_value) for e in ChangeEvent.objects.select_related("document")
    }
    assert ("new_edition", "ISO 9001:2015", "ISO 9001:2026") in events
    assert ("withdrawn", "ISO 9001:2015", "Withdrawn") in {(k, d, v.split(" ", 1)[-1]) for k, d, v in events}
    assert ("supplement", "ISO 9001:2015", "ISO 9001:2015/Amd 2:2026") in events
    assert ("new_document", "ISO 9001:2026", "ISO 9001:2026") in events
    stage = ChangeEvent.objects.get(kind="stage_change")
    assert stage.old_value.startswith("90.92") and stage.new_value.startswith("95.99")
    assert stage.date == dt.date(2026, 11, 23) and stage.import_run == run
    assert doc("ISO 9001:2026").replaces.filter(canonical="ISO 9001:2015").exists()


def test_bad_rows_are_reported_with_file_line_and_reason(catalogue, tmp_path):
    lines = (DATA / "iso_sample.jsonl").read_text().splitlines()
    good = json.loads(lines[0])
    bad = [
        "{not json",
        json.dumps({**good, "id": None}),
        json.dumps({**good, "id": 777001, "currentStage": "sixty"}),
        json.dumps({**good, "id": 777002, "reference": "hello world"}),
        lines[0],  # duplicate id
        json.dumps({**good, "id": 777003, "reference": "ISO 123456:2020", "publicationDate": "2020-13"}),
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join([*lines, *bad]) + "\n", encoding="utf-8")
    strict = import_documents([path], "iso", all_or_nothing=True)
    assert not strict.applied and strict.rejected == 6 and strict.added == 0
    reasons = {(r["line"], r["reason"].split(":")[0]) for r in strict.rejections}
    assert reasons == {
        (31, "not valid JSON"),
        (32, "id"),
        (33, "currentStage"),
        (34, "reference"),
        (35, "id"),
        (36, "publicationDate"),
    }
    assert all(r["file"] == "mixed.jsonl" for r in strict.rejections)
    assert InternationalDocument.objects.filter(source="iso").count() == 30
    lenient = import_documents([path], "iso")
    assert lenient.applied and lenient.rejected == 6 and lenient.unchanged == 30


def test_csv_form_gives_the_same_documents(db, tmp_path):
    rows = records()
    columns = [
        "id",
        "deliverableType",
        "supplementType",
        "reference",
        "title.en",
        "title.fr",
        "publicationDate",
        "edition",
        "icsCode",
        "ownerCommittee",
        "currentStage",
        "replaces",
        "replacedBy",
        "languages",
        "pages",
        "scope.en",
    ]
    path = tmp_path / "iso_deliverables_metadata.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            flat = {
                "title.en": row["title"]["en"],
                "title.fr": row["title"]["fr"],
                "scope.en": row["scope"]["en"],
            }
            for key in ("icsCode", "replaces", "replacedBy"):
                flat[key] = "[" + ", ".join(str(v) for v in row[key]) + "]" if row[key] else ""
            writer.writerow(
                [flat.get(c, row.get(c)) if flat.get(c, row.get(c)) is not None else "" for c in columns]
            )
    run = import_documents([path], "iso")
    assert run.added == 30 and run.rejected == 0
    assert doc("ISO 9001:2015").replaces.count() == 2
    assert doc("ISO 9001:2015").ics_codes == next(r["icsCode"] for r in rows if r["id"] == 62085)


def test_committees_2026_csv_after_2025_jsonl_records_membership_changes(db):
    first = import_committees([DATA / "committees_2025.jsonl"])
    assert first.added == 8 and first.rejected == 0
    tc176 = InternationalCommittee.objects.get(reference="ISO/TC 176")
    assert (
        tc176.kind == "TC" and InternationalCommittee.objects.get(reference="ISO/TC 176/SC 2").parent == tc176
    )
    p_before = set(
        CommitteeMembership.objects.filter(committee=tc176, status="P").values_list(
            "member_acronym", flat=True
        )
    )
    assert {"BSI", "DIN", "SAC"} <= p_before
    second = import_committees([DATA / "committees_2026.csv"])
    assert second.rejected == 0 and second.changed > 0
    assert ChangeEvent.objects.filter(kind="membership").exists()
    again = import_committees([DATA / "committees_2026.csv"])
    assert again.changed == 0 and again.unchanged == 8


def test_ics_from_xml(db, tmp_path):
    xml = tmp_path / "ICS.xml"
    xml.write_text(
        "<ics><field><identifier>01</identifier><titleEn>Generalities</titleEn></field>"
        "<field><identifier>01.040</identifier><parent>01</parent><titleEn>Vocabularies</titleEn></field>"
        "<field><identifier>1.2.3</identifier><titleEn>Broken</titleEn></field></ics>",
        encoding="utf-8",
    )
    run = import_ics([xml])
    assert run.added == 2 and run.rejected == 1 and "not an ICS code" in run.rejections[0]["reason"]
    assert IcsCode.objects.get(code="01.040").parent.code == "01"


def test_stability_date_events_on_reimport(catalogue):
    later = dt.date(2100, 1, 1)
    run = import_documents([DATA / "iec_sample.jsonl"], "iec", today=later)
    current_with_date = InternationalDocument.objects.filter(
        source="iec", stage_group__in=["published", "review"], stable_until__isnull=False
    ).count()
    assert (
        current_with_date and ChangeEvent.objects.filter(kind="stability_date").count() == current_with_date
    )
    assert run.unchanged == 31
