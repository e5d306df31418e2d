"""Behaviour of the public API: structure, errors, batch, search, normalisations."""

from __future__ import annotations

import pytest

from nqi.pubid import (
    Degree,
    Identifier,
    NationalIdentifier,
    PubidError,
    Supplement,
    find_all,
    parse,
    parse_many,
    parse_query,
    render,
)
from nqi.pubid import _parse as internals


def intl(text: str) -> Identifier:
    ident = parse(text)
    assert isinstance(ident, Identifier)
    return ident


def national(text: str) -> NationalIdentifier:
    ident = parse(text)
    assert isinstance(ident, NationalIdentifier)
    return ident


# ----------------------------------------------------------------------- structure


def test_structure_of_a_supplement_chain() -> None:
    ident = intl("ISO/IEC 13818-1:2015/Amd 3:2016/Cor 1:2017")
    assert ident.publisher == "ISO"
    assert ident.copublishers == ("IEC",)
    assert ident.number == "13818"
    assert ident.parts == ("1",)
    assert ident.year == 2015
    assert ident.supplements == (Supplement("Amd", 3, 2016), Supplement("Cor", 1, 2017))
    assert ident.base.canonical == "ISO/IEC 13818-1"
    assert ident.dated_base.canonical == "ISO/IEC 13818-1:2015"
    assert ident.is_supplement


def test_iec_consolidated_version() -> None:
    ident = intl("IEC 60601-1-2:2014+AMD1:2020 CSV")
    assert ident.consolidated == (Supplement("Amd", 1, 2020),)
    assert ident.form == "CSV"
    assert ident.dated_base.canonical == "IEC 60601-1-2:2014"
    assert ident.urn == "urn:iec:std:iec:60601-1-2:2014::csv::plus:amd:1:2020"


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("ISO/PDTR 10013", "ISO/CD TR 10013"),
        ("FprISO 17025", "ISO/PRF 17025"),
        ("ISO 1234:2010/FDAmd 2", "ISO 1234:2010/FDAM 2"),
        ("ISO 1234:2010/PDAM 2", "ISO 1234:2010/CD Amd 2"),
        ("ISO 5843/6", "ISO 5843-6"),
        ("ISO/R 300/III-1968", "ISO/R 300-3:1968"),
        ("ISO 639-1:2002(E/F/R)", "ISO 639-1:2002(en,fr,ru)"),
        ("ISO 9001:2015/Amd7-2021", "ISO 9001:2015/Amd 7:2021"),
        ("ISO 9001:2015/Cor.1:2016", "ISO 9001:2015/Cor 1:2016"),
        ("ИСО/ТУ 16949:2009", "ISO/TS 16949:2009"),
        ("Руководство ИСО/МЭК 76", "ISO/IEC Guide 76"),
        ("iso/iec 27001 : 2013", "ISO/IEC 27001:2013"),
        ("ISO 80000\u20112:2019", "ISO 80000-2:2019"),
        ("ISO/CD 14065.2", "ISO/CD 14065.2"),
        ("ISO/DIS 14065", "ISO/DIS 14065"),
        ("ISO/DTS 21001", "ISO/DTS 21001"),
        ("ISO/IEC DTR 29110-5-6", "ISO/IEC DTR 29110-5-6"),
        ("ISO 5537|IDF 26", "ISO 5537|IDF 26"),
        ("ISO/IEC Directives, Part 1", "ISO/IEC Directives, Part 1"),
        ("IEC 60034-1:2022/Amd 1:2024", "IEC 60034-1:2022/AMD1:2024"),
        ("ISO/IEC 27001:2013/COR1:2014", "ISO/IEC 27001:2013/Cor 1:2014"),
    ],
)
def test_normalisations(text: str, canonical: str) -> None:
    assert parse(text).canonical == canonical


def test_equality_and_hash_on_meaning() -> None:
    a = parse("ISO/IEC 27001:2013/COR1:2014")
    b = parse("iso/iec 27001:2013 / Cor.1:2014")
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b}) == 1
    assert parse("ISO 9001:2015") != parse("ISO 9001:2008")


def test_render_styles() -> None:
    ident = parse("ISO/IEC 27001:2013/Cor 1:2014")
    assert render(ident, "iec") == "ISO/IEC 27001:2013/COR1:2014"
    assert render(ident, "iso") == "ISO/IEC 27001:2013/Cor 1:2014"
    tr = parse("IEC TR 62282-1:2005")
    assert render(tr, "iso") == "IEC/TR 62282-1:2005"
    assert str(tr) == "IEC TR 62282-1:2005"


def test_sort_key_is_natural() -> None:
    texts = ["ISO 10-2", "ISO 100", "ISO 2", "ISO 10", "ISO 10:2000/Amd 1:2005", "ISO 10:2000", "ISO 10-10"]
    ordered = sorted(texts, key=lambda t: parse(t).sort_key)
    assert ordered == [
        "ISO 2",
        "ISO 10",
        "ISO 10:2000",
        "ISO 10:2000/Amd 1:2005",
        "ISO 10-2",
        "ISO 10-10",
        "ISO 100",
    ]
    assert all(ch.isascii() for ch in parse("ISO 10-2").sort_key)


def test_urn_iso() -> None:
    assert parse("ISO/TR 10013:2021").urn == "urn:iso:std:iso:tr:10013"
    assert parse("ISO 639-1:2002(en,fr)").urn == "urn:iso:std:iso:639:-1:en,fr"
    assert parse("ISO/DIS 14065").urn == "urn:iso:std:iso:14065:stage-40.00"


# ------------------------------------------------------------------------ national


def test_tcvn_embedding_is_identical() -> None:
    ident = national("TCVN ISO 9001:2015")
    assert ident.country == "VN"
    assert ident.prefix == "TCVN"
    assert ident.year == 2015
    assert ident.embedded is not None and ident.embedded.canonical == "ISO 9001"
    (adoption,) = ident.adoptions
    assert adoption.degree is Degree.IDT
    assert adoption.form == "embedded"


def test_tcvn_parenthesised_reference_without_degree() -> None:
    ident = national("TCVN 6165:2009 (ISO/IEC Guide 99:2007)")
    assert ident.number == "6165"
    (adoption,) = ident.adoptions
    assert adoption.identifier == parse("ISO/IEC Guide 99:2007")
    assert adoption.degree is None  # the TCVN convention implies no degree here


def test_uzbek_apostrophes_and_explicit_degree() -> None:
    forms = ["O‘z", "O’z", "Oʻz", "Oʼz", "O'z", "O`z"]
    idents = {parse(f"{f} DSt ISO 18831:2019 (ISO 18831:2016, IDT)") for f in forms}
    assert len(idents) == 1
    (ident,) = idents
    assert isinstance(ident, NationalIdentifier)
    assert ident.country == "UZ"
    assert ident.adoptions[0].degree is Degree.IDT
    assert ident.adoptions[0].stated
    assert ident.canonical == "O‘z DSt ISO 18831:2019 (ISO 18831:2016, IDT)"


def test_russian_conventions() -> None:
    slash = national("ГОСТ Р 58904-2020/ISO/TR 25901-1:2016")
    assert slash.country == "RU"
    assert slash.adoptions[0].degree is Degree.IDT
    assert slash.adoptions[0].identifier == parse("ISO/TR 25901-1:2016")
    paren = national("ГОСТ 35298-2025 (ISO 23767:2021)")
    assert paren.country is None  # interstate
    assert paren.adoptions[0].degree is Degree.MOD
    assert not paren.adoptions[0].stated
    assert parse("ГОСТ 35298-2025 (ISO 23767:2021, MOD)") == paren
    explicit = national("ГОСТ 35298-2025 (ISO 23767:2021, IDT)")
    assert explicit.adoptions[0].degree is Degree.IDT
    assert explicit.canonical == "ГОСТ 35298-2025 (ISO 23767:2021, IDT)"
    assert parse("GOST R ISO 9001-2015") == parse("ГОСТ Р ИСО 9001-2015")
    assert national("ГОСТ 2.105-95").year == 1995


def test_kazakh_year_after_hyphen() -> None:
    ident = national("ST RK ISO/IEC 27001-2023")
    assert ident.canonical == "СТ РК ISO/IEC 27001-2023"
    assert ident.year == 2023
    assert ident.international == (parse("ISO/IEC 27001"),)


def test_european_layers_and_national_amendment() -> None:
    ident = national("BS EN IEC 62841-4-5:2021+A11:2021")
    assert ident.country == "GB"
    assert ident.consolidated == (Supplement("A", 11, 2021),)
    assert ident.international == (parse("IEC 62841-4-5"),)
    assert ident.base.canonical == "BS EN IEC 62841-4-5"


def test_unknown_scheme_reports_what_it_did_not_understand() -> None:
    ident = national("XYZ ISO 9001:2015 extra words")
    assert not ident.scheme.known
    assert ident.embedded == parse("ISO 9001")
    assert ident.year == 2015
    assert "XYZ" in ident.unparsed
    assert "extra words" in ident.unparsed


# -------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "position"),
    [("ISO", 3), ("ISO 9001:15", 9), ("ISO 9001 foo", 9), ("", 0), ("9001", 0), ("ISO/IEC ,", 8)],
)
def test_errors_have_positions(text: str, position: int) -> None:
    with pytest.raises(PubidError) as info:
        parse(text)
    assert info.value.position == position
    assert info.value.text == text
    assert str(info.value)
    assert isinstance(info.value, ValueError)
    assert "^" in info.value.pointer()


def test_parse_many_never_stops() -> None:
    results = parse_many(["ISO 9001:2015", "nonsense", "", "IEC 60034-1:2022"])
    assert [r.ok for r in results] == [True, False, False, True]
    assert results[1].line == 2
    assert results[1].error is not None


# -------------------------------------------------------------------- lenient, find


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("iso 9001 2015", "ISO 9001:2015"),
        ("ИСО 9001", "ISO 9001"),
        ("iso9001-2015", "ISO 9001:2015"),
        ("ISO 9001/2015", "ISO 9001:2015"),
        ("iec 60034-1, 2022", "IEC 60034-1:2022"),
        ("ISO 9001:2015 quality", "ISO 9001:2015"),
    ],
)
def test_parse_query(query: str, canonical: str) -> None:
    assert parse_query(query).canonical == canonical


def test_strict_mode_refuses_what_lenient_accepts() -> None:
    with pytest.raises(PubidError):
        parse("iso 9001 2015")


def test_find_all_in_free_text() -> None:
    text = (
        "Selon l'ISO 9001:2015 et l’ISO/IEC 17025:2017/Cor 1:2018, voir ГОСТ Р ИСО 9001-2015, "
        "TCVN ISO 9001:2015 (ISO 9001:2015) and EN ISO 14001. Table 5 en 2015, MS Word."
    )
    found = find_all(text)
    assert [f.identifier.canonical for f in found] == [
        "ISO 9001:2015",
        "ISO/IEC 17025:2017/Cor 1:2018",
        "ГОСТ Р ИСО 9001-2015",
        "TCVN ISO 9001:2015 (ISO 9001:2015)",
        "EN ISO 14001",
    ]
    for f in found:
        assert text[f.start : f.end] == f.text


def test_fast_path_agrees_with_full_parser() -> None:
    samples = [
        "ISO 9001:2015",
        "ISO/IEC 27001:2013/Cor 1:2014",
        "IEC 60601-1-2:2014+AMD1:2020 CSV",
        "ISO/TR 10013:2021",
        "IEC TR 62282-1:2005",
        "ISO/IEC TS 27008:2019",
        "CISPR 11:2009/AMD1:2010",
        "IEC 60079-0:2007/ISH1:2008",
        "ISO/DIS 14065",
        "ISO/IEC DIS 9",
    ]
    for text in samples:
        fast = internals.parse_fast(text)
        assert fast is not None, text
        assert fast == internals.parse_slow(text), text


@pytest.mark.parametrize(
    "text", ["ISO/IEC JTC 1/SC 27 N 1234", "ISO/TC 176/SC 2 N 1500", "ISO/IEC JTC 1 N 16000"]
)
def test_committee_documents(text: str) -> None:
    ident = intl(text)
    assert ident.canonical == text
    assert ident.committee is not None
    assert parse(ident.canonical) == ident


def test_committee_without_document_number_is_an_error() -> None:
    with pytest.raises(PubidError, match="committee, not a document"):
        parse("ISO/IEC JTC 1/SC 27")


def test_find_all_ignores_prose_after_a_publisher_name() -> None:
    assert find_all("ISO members and IEC experts met; ISO ABC is not a standard.") == []
    with pytest.raises(PubidError):
        parse("ISO members")
    assert parse("ISO/IEC VIM:1993").canonical == "ISO/IEC VIM:1993"


def test_named_iec_documents() -> None:
    assert parse("IEC White Paper IoT:WSN:2014").canonical == "IEC White Paper IoT:WSN:2014"
    found = find_all("See IEC White Paper Smart Cities:2014 for details. Later: ISO 9001:2015.")
    assert [f.text for f in found] == ["IEC White Paper Smart Cities:2014", "ISO 9001:2015"]
