"""Property tests: parse(render(x)) == x for generated identifiers, in every style."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nqi.pubid import Adoption, Degree, Identifier, NationalIdentifier, PubidError, Supplement, parse, render
from nqi.pubid import _lexicon as lx

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

years = st.integers(min_value=1950, max_value=2035)
numbers = st.integers(min_value=1, max_value=99999).map(str)
parts = st.one_of(
    st.integers(min_value=1, max_value=999).map(str),
    st.tuples(st.sampled_from("ABCEFX"), st.integers(min_value=1, max_value=99)).map(
        lambda t: f"{t[0]}{t[1]:02d}"
    ),
    st.tuples(st.integers(min_value=1, max_value=9), st.sampled_from(["Q", "AB", "A"])).map(
        lambda t: f"{t[0]}{t[1]}"
    ),
)
STAGES = ["PWI", "NP", "AWI", "WD", "CD", "DIS", "FDIS", "PRF"]


@st.composite
def supplements(
    draw: st.DrawFn, kinds: tuple[str, ...] = ("Amd", "Cor", "Add", "Suppl", "Ext", "ISH")
) -> Supplement:
    kind = draw(st.sampled_from(kinds))
    number = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=20)))
    stage = draw(st.one_of(st.none(), st.sampled_from(STAGES)))
    iteration = (
        draw(st.integers(min_value=2, max_value=5))
        if stage and number is not None and draw(st.booleans())
        else None
    )
    year = draw(st.one_of(st.none(), years))
    return Supplement(kind=kind, number=number, year=year, stage=stage, iteration=iteration)


@st.composite
def identifiers(draw: st.DrawFn) -> Identifier:
    publisher = draw(st.sampled_from(["ISO", "IEC", "CISPR"]))
    copubs: tuple[str, ...] = ()
    if publisher == "ISO":
        copubs = draw(
            st.sampled_from([(), (), ("IEC",), ("IEC", "IEEE"), ("ASTM",), ("SAE",), ("IEEE",), ("HL7",)])
        )
    elif publisher == "IEC":
        copubs = draw(st.sampled_from([(), (), ("IEEE",), ("ISO",)]))
    doctype = draw(
        st.sampled_from([None, None, "TS", "TR", "PAS", "Guide", "ISP", "TTA", "R", "DATA", "SRD", "IWA"])
    )
    if doctype == "IWA":
        publisher, copubs = "ISO", ()
    stage = draw(st.one_of(st.none(), st.sampled_from(STAGES)))
    iteration = draw(st.integers(min_value=2, max_value=5)) if stage and draw(st.booleans()) else None
    consolidated: tuple[Supplement, ...] = ()
    form = None
    if publisher in ("IEC", "CISPR") and draw(st.booleans()):
        consolidated = tuple(
            draw(st.lists(st.builds(Supplement, st.just("Amd"), st.integers(1, 5), years), max_size=2))
        )
        form = draw(st.sampled_from([None, "CSV", "RLV", "EXV", "CMV", "EXV-RLV"]))
    return Identifier(
        publisher=publisher,
        number=draw(numbers),
        copublishers=copubs,
        parts=tuple(draw(st.lists(parts, max_size=3))),
        doctype=doctype,
        stage=stage,
        iteration=iteration,
        year=draw(st.one_of(st.none(), years)),
        edition=draw(st.one_of(st.none(), st.integers(1, 9))),
        consolidated=consolidated,
        form=form,
        supplements=tuple(draw(st.lists(supplements(), max_size=3))),
        languages=tuple(draw(st.lists(st.sampled_from(["en", "fr", "ru", "es"]), max_size=3, unique=True))),
        all_parts=draw(st.booleans()),
    )


@SETTINGS
@given(identifiers(), st.sampled_from(["canonical", "iso", "iec"]))
def test_round_trip_international(ident: Identifier, style: str) -> None:
    text = render(ident, style)  # type: ignore[arg-type]
    again = parse(text)
    assert again == ident, text
    assert again.canonical == ident.canonical
    assert again.sort_key == ident.sort_key


SCHEMES = [
    lx.OTHER_SCHEMES["TCVN"],
    lx.UZ,
    lx.KZ,
    lx.RU,
    lx.OTHER_SCHEMES["ГОСТ"],
    lx.ks("Q"),
    lx.CN_T,
    lx.EN,
    lx.en_adopter("BS"),
]


@st.composite
def simple_international(draw: st.DrawFn) -> Identifier:
    return Identifier(
        publisher=draw(st.sampled_from(["ISO", "IEC"])),
        number=draw(numbers),
        copublishers=draw(st.sampled_from([(), ("IEC",)])),
        parts=tuple(draw(st.lists(st.integers(1, 39).map(str), max_size=2))),  # "-40" could be a ГОСТ year
        doctype=draw(st.sampled_from([None, "TS", "TR"])),
    )


@st.composite
def nationals(draw: st.DrawFn) -> NationalIdentifier:
    scheme = draw(st.sampled_from(SCHEMES))
    year = draw(st.one_of(st.none(), years))
    embedded = draw(st.one_of(st.none(), simple_international()))
    if embedded is not None and embedded.publisher == "IEC":
        embedded = Identifier("IEC", embedded.number, parts=embedded.parts)
    number = ""
    if embedded is None:
        number = draw(
            st.one_of(
                numbers,
                st.tuples(numbers, st.integers(1, 9)).map(
                    lambda t: f"{t[0]}-{t[1]}" if scheme.year_sep == ":" else f"{t[0]}.{t[1]}"
                ),
            )
        )
    adoptions: list[Adoption] = []
    if embedded is not None and scheme.embed_degree is not None:
        adoptions.append(Adoption(embedded, scheme.embed_degree, "embedded"))
    adopted = draw(
        st.one_of(
            st.none(),
            simple_international().map(
                lambda i: Identifier(i.publisher, i.number, i.copublishers, i.parts, i.doctype, year=2016)
            ),
        )
    )
    if adopted is not None:
        if scheme.slash_degree is not None and embedded is None and draw(st.booleans()):
            adoptions.append(Adoption(adopted, scheme.slash_degree, "slash"))
        else:
            implied = scheme.embed_degree if embedded is not None else scheme.paren_degree
            degree = draw(st.sampled_from([implied, Degree.IDT, Degree.MOD, Degree.NEQ]))
            if embedded is not None:
                adoptions = []
            adoptions.append(Adoption(adopted, degree, "paren"))
    cons = (
        tuple(draw(st.lists(st.builds(Supplement, st.just("A"), st.integers(1, 20), years), max_size=1)))
        if scheme.prefix in ("EN", "BS EN")
        else ()
    )
    return NationalIdentifier(
        scheme=scheme,
        number=number,
        embedded=embedded,
        year=year,
        consolidated=cons,
        adoptions=tuple(adoptions),
    )


@SETTINGS
@given(nationals())
def test_round_trip_national(ident: NationalIdentifier) -> None:
    text = ident.canonical
    again = parse(text)
    assert again == ident, text
    assert again.canonical == text


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ISOECГТРК 0123456789-/:.()+|,'‘ADmdCorTSRu")), max_size=30))
def test_parser_never_crashes(text: str) -> None:
    try:
        ident = parse(text)
    except PubidError as exc:
        assert 0 <= exc.position <= len(text)
        return
    assert parse(ident.canonical) == ident
