"""Harmonization rate, coverage, trend, outdated adoptions and candidates on real ISO/IEC records."""

import datetime as dt

import pytest

from nqi.standards.models import CommitteeMembership, InternationalCommittee
from nqi.standards.national import analysis, worklists
from nqi.standards.national.models import NationalStandard

pytestmark = pytest.mark.django_db


def test_rate_by_facets(vn):
    rate = analysis.harmonization_rate(vn)
    # in force: 9001:2015, 14001:2010, 17025:2017, 4255, 7391-1 (link in review), 6165 → 4 of 6 adopt
    assert (rate["overall"].total, rate["overall"].part) == (6, 4)
    assert rate["by_degree"] == {"IDT": 3, "MOD": 1, "NEQ": 0, "none": 2}
    by_tc = {s.key: (s.total, s.part) for s in rate["by_tc"]}
    assert by_tc["TCVN/TC 176"] == (2, 2) and by_tc["TCVN/TC 12"] == (1, 0)
    assert {s.key for s in rate["by_ics"]} >= {"03", "13", "29"}


def test_coverage_counts_current_editions_once(vn):
    cover = analysis.coverage(vn)
    # ISO 9001:2015, ISO/IEC 17025:2017 and IEC 60529:1989 are current editions the country adopts
    assert cover["overall"].part == 3
    assert cover["any_edition"].part >= 4  # + ISO 14001 (2004 adopted, 2015 current)
    canon = list(analysis.current_editions().values_list("canonical", flat=True))
    assert canon.count("ISO/IEC 17025:2017") == 1
    committees = {s.key for s in cover["by_committee"]}
    assert "ISO/TC 176" in committees


def test_trend_follows_dates(vn):
    points = {p.key: (p.total, p.part) for p in analysis.trend(vn, 2007, 2020)}
    assert points["2007"] == (1, 0)  # TCVN 7391-1:2004, its link still in review
    assert points["2008"] == (3, 2)  # + TCVN ISO 9001:2008 and TCVN 4255:2008
    assert points["2015"] == (5, 3)  # 9001:2008 withdrawn at the end of 2015 and 9001:2015 added
    assert points["2020"] == (6, 4)


def test_outdated_reasons_and_suggestions(vn):
    items = {i.designation: i for i in worklists.outdated_adoptions(vn, today=dt.date(2026, 1, 1))}
    assert items["TCVN ISO 14001:2010"].reason == "new_edition"
    assert items["TCVN ISO 14001:2010"].suggestion == "ISO 14001:2015"
    assert items["TCVN ISO 9001:2015"].reason == "supplement"
    assert items["TCVN ISO 9001:2015"].suggestion == "ISO 9001:2015/Amd 1:2024"
    assert items["TCVN 4255:2008"].reason == "supplement"
    assert "TCVN ISO 9001:2008" not in items  # replaced nationally: not in force
    counts = worklists.outdated_counts(list(items.values()))
    assert set(counts) == set(worklists.REASONS)


def test_outdated_withdrawn_revision_and_stability(vn):
    std = NationalStandard.objects.get(designation="TCVN ISO/IEC 17025:2017")
    doc = std.adoptions.get().document
    doc.stage, doc.stage_group = 9092, "review"
    doc.save()
    items = {i.designation: i for i in worklists.outdated_adoptions(vn, today=dt.date(2026, 1, 1))}
    assert items["TCVN ISO/IEC 17025:2017"].reason == "revision"
    doc.stage, doc.stage_group = 9599, "withdrawn"
    doc.save()
    items = {i.designation: i for i in worklists.outdated_adoptions(vn)}
    assert items["TCVN ISO/IEC 17025:2017"].reason == "withdrawn"
    iec = NationalStandard.objects.get(designation="TCVN 4255:2008").adoptions.get()
    iec.document.supplements.all().delete()
    from nqi.standards.models import InternationalDocument

    InternationalDocument.objects.filter(edition_ref="IEC 60529:1989").exclude(pk=iec.document_id).delete()
    items = {i.designation: i for i in worklists.outdated_adoptions(vn, today=dt.date(2030, 1, 1))}
    assert items["TCVN 4255:2008"].reason == "stability"


def test_candidates_ranked_by_ics_and_membership(vn):
    committee = InternationalCommittee.objects.get(reference="ISO/TC 176")
    CommitteeMembership.objects.update_or_create(
        committee=committee, member_id=2199, defaults={"member_acronym": "STAMEQ", "status": "P"}
    )
    found = worklists.adoption_candidates(vn, limit=None, today=dt.date(2026, 1, 1))
    documents = [c.document for c in found]
    assert "ISO 9001:2015" not in documents and "ISO 14001:2015" not in documents  # adopted (any edition)
    assert "ISO 3166-1:2020" in documents
    assert found == sorted(found, key=lambda c: -c.score)
    tc176 = [c for c in found if c.committee.startswith("ISO/TC 176")]
    assert not tc176 or any("P-member" in r for r in tc176[0].reasons)
