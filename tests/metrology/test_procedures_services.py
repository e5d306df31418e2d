"""Procedures library services: versions per language, visibility, export → import round trip, errors."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from nqi.metrology.models import Procedure, ProcedureVersion
from nqi.metrology.services import procedures as services
from tests.metrology import test_procedures_setup
from tests.metrology.test_procedures_setup import DATA

lib = test_procedures_setup.lib  # the fixture

pytestmark = pytest.mark.django_db


def test_current_version_supersedes_only_the_same_language(lib):
    user = lib.net.vmi_user
    draft_vi = lib.mass.versions.get(language="vi")
    first_en = lib.mass.versions.get(language="en")
    second = services.add_version(
        user, lib.mass, {"version": "2.0", "language": "en", "body": "Scope: E1 and E2.", "status": "current"}
    )
    first_en.refresh_from_db()
    assert (
        first_en.status == "superseded" and second.status == "current" and second.effective_from is not None
    )
    services.issue_version(user, draft_vi)
    assert {v.language: v.version for v in lib.mass.current_versions()} == {"en": "2.0", "vi": "1.0"}
    with pytest.raises(ValidationError) as again:
        services.issue_version(user, draft_vi)
    assert "status" in again.value.message_dict
    with pytest.raises(ValidationError) as duplicate:
        services.add_version(user, lib.mass, {"version": "2.0", "language": "en", "body": "x"})
    assert "version" in duplicate.value.message_dict
    with pytest.raises(ValidationError) as empty:
        services.add_version(user, lib.mass, {"version": "3.0", "language": "ru"})
    assert "body" in empty.value.message_dict
    with pytest.raises(PermissionDenied):
        services.add_version(lib.net.quatest_user, lib.mass, {"version": "9", "language": "en", "body": "x"})
    procedure_edits_are_scoped_and_validated(lib)


def procedure_edits_are_scoped_and_validated(lib):
    net = lib.net
    with pytest.raises(PermissionDenied):
        services.save_procedure(net.quatest_user, lib.mass, {"title": "Hijacked"})
    with pytest.raises(PermissionDenied):
        services.save_procedure(net.vmi_user, None, {"code": "X", "title": "X", "owner": net.quatest})
    with pytest.raises(ValidationError) as clash:
        services.save_procedure(net.vmi_user, None, {"code": "VMI-M-01", "title": "Again", "owner": net.vmi})
    assert "code" in clash.value.message_dict
    with pytest.raises(ValidationError) as bad_language:
        services.save_procedure(net.vmi_user, lib.mass, {"title_i18n": {"xx": "?"}})
    assert "title_i18n" in bad_language.value.message_dict
    services.save_procedure(
        net.vmi_user, lib.mass, {"title_i18n": {"ru": "Калибровка гирь"}}, [net.mass, net.voltage]
    )
    assert sorted(s.code for s in lib.mass.services.all()) == ["EM-1.1", "M-1.1"]


def test_unshared_procedures_are_visible_only_in_scope(lib):
    net = lib.net
    codes = lambda user: set(services.visible_procedures(user).values_list("code", flat=True))  # noqa: E731
    assert codes(AnonymousUser()) == {"VMI-M-01", "Q1-T-01"}
    assert codes(net.quatest_user) == {"VMI-M-01", "Q1-T-01"}
    assert codes(net.vmi_user) == {"VMI-M-01", "Q1-T-01", "VMI-INT-02"}
    assert codes(net.admin) == codes(None) == {"VMI-M-01", "Q1-T-01", "VMI-INT-02"}
    # Search results keep to the same rule.
    assert not services.filtered_procedures(net.quatest_user, q="comparator").exists()
    assert [p.code for p in services.filtered_procedures(net.vmi_user, q="comparator")] == ["VMI-INT-02"]
    assert [p.code for p in services.filtered_procedures(None, language="vi")] == ["VMI-M-01"]
    import_is_all_or_nothing_with_named_errors(lib)


def test_export_import_round_trip_through_a_file(lib, tmp_path):
    net = lib.net
    document = services.export_procedures(Procedure.objects.filter(owner=net.vmi, shared=True))
    assert [p["code"] for p in document["procedures"]] == ["VMI-M-01"]  # the internal one stays home
    exported = document["procedures"][0]
    assert exported["services"] == ["M-1.1"] and exported["area"] == "M"
    assert {(v["language"], v["status"]) for v in exported["versions"]} == {
        ("en", "current"),
        ("vi", "draft"),
    }
    path = tmp_path / "vmi.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    # UzNIM imports VMI's file: same code, new owner, every version, services mapped by code.
    report = services.import_procedures(net.admin, json.loads(path.read_text(encoding="utf-8")), net.uznim)
    copy = report.created[0]
    assert (copy.owner, copy.code, copy.title_i18n["vi"]) == (
        net.uznim,
        "VMI-M-01",
        exported["title_i18n"]["vi"],
    )
    assert [s.code for s in copy.services.all()] == ["M-1.1"] and report.versions == 2
    assert services.export_procedures(Procedure.objects.filter(pk=copy.pk))["procedures"][0] == {
        **exported,
        "owner": {"acronym": "UzNIM", "name": net.uznim.name, "country": "UZ"},
    }
    with pytest.raises(ValidationError) as clash:
        services.import_procedures(net.admin, document, net.uznim)
    assert "already has a procedure VMI-M-01" in clash.value.message_dict["procedures[0].code"][0]
    import_of_a_partner_file_reports_unknown_codes(lib)


def import_of_a_partner_file_reports_unknown_codes(lib):
    net = lib.net
    document = json.loads((DATA / "procedures_exchange.json").read_text(encoding="utf-8"))
    with pytest.raises(ValidationError) as no_owner:
        services.import_procedures(net.admin, document)  # the administrator has no laboratory
    assert "owner" in no_owner.value.message_dict
    with pytest.raises(PermissionDenied):
        services.import_procedures(net.quatest_user, document, net.vmi)
    report = services.import_procedures(net.vmi_user, document)  # into VMI, the user's laboratory
    assert [p.code for p in report.created] == ["UZ-M-011", "UZ-T-004"]
    assert report.unknown_services == ["M-7.3"] and report.versions == 4
    mass = Procedure.objects.get(owner=net.vmi, code="UZ-M-011")
    assert {(v.language, v.version, v.status) for v in mass.versions.all()} == {
        ("ru", "1.0", "superseded"),
        ("ru", "2.0", "current"),
        ("en", "2.0", "current"),
    }


BROKEN = [
    (lambda d: d.update(format="other/1"), "format"),
    (lambda d: d["procedures"][1]["versions"][0].update(language="xx"), "procedures[1].versions[0].language"),
    (
        lambda d: d["procedures"][0]["versions"].append(dict(d["procedures"][0]["versions"][1])),
        "procedures[0].versions[3].version",
    ),
    (lambda d: d["procedures"][1].update(title=""), "procedures[1].title"),
    (
        lambda d: d["procedures"][0]["versions"][0].update(effective_from="soon"),
        "procedures[0].versions[0].effective_from",
    ),
    (lambda d: d["procedures"][0].update(versions="none"), "procedures[0].versions"),
]


def import_is_all_or_nothing_with_named_errors(lib):
    before = Procedure.objects.count(), ProcedureVersion.objects.count()
    for change, field in BROKEN:
        document = json.loads((DATA / "procedures_exchange.json").read_text(encoding="utf-8"))
        change(document)
        with pytest.raises(ValidationError) as failed:
            services.import_procedures(lib.net.vmi_user, document)
        assert field in failed.value.message_dict, (field, failed.value.message_dict)
        assert (Procedure.objects.count(), ProcedureVersion.objects.count()) == before
