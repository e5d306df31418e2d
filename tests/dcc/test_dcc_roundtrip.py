"""Property tests: parse(build(c)) == c over generated certificates, and their validity."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nqi.dcc import (
    CalibrationLaboratory,
    Certificate,
    Contact,
    CoreData,
    ExpandedUncertainty,
    ExpandedUncertaintyList,
    Identification,
    InfluenceCondition,
    Item,
    Location,
    MeasurementResult,
    MeasuringEquipment,
    Quantity,
    Real,
    RealList,
    RespPerson,
    Result,
    Software,
    Statement,
    Text,
    UsedMethod,
    build,
    parse,
    validate,
)

LANGS = ("en", "vi")
UNITS = (
    r"\metre",
    r"\kilogram",
    r"\degreecelsius",
    r"\ohm",
    r"\volt",
    r"\milli\metre",
    r"\percent",
    r"\metre\per\second\tothe{2}",
)

# Printable text, no surrounding blanks (DCC notEmptyStringType), Vietnamese letters included.
_alphabet = st.characters(
    codec="utf-8",
    categories=("L", "N", "P", "S", "Zs"),
    exclude_characters="\r",
)
words = st.text(_alphabet, min_size=1, max_size=20).map(str.strip).filter(bool)
tokens = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9./-]{0,12}", fullmatch=True)
texts = st.builds(lambda en, vi: Text((("en", en), ("vi", vi))), words, words)
plain = st.builds(lambda t: Text(((None, t),)), words)
decimals = st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
    lambda d: abs(d.adjusted()) < 30
)
non_negative = decimals.map(abs)
positive = non_negative.filter(lambda d: d > 0)
probabilities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(1), places=3)
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
opt = st.none().__or__

identifications = st.builds(
    Identification,
    st.sampled_from(("manufacturer", "calibrationLaboratory", "customer", "owner", "other")),
    tokens,
    opt(texts),
    opt(st.just("basic_serialNumber")),
)
locations = st.builds(
    Location,
    street=words,
    street_no=opt(tokens),
    post_code=opt(tokens),
    city=opt(words),
    country_code=opt(st.sampled_from(("VN", "DE", "LA"))),
    further=opt(texts),
)
contacts = st.builds(
    Contact,
    plain,
    opt(tokens),
    opt(tokens),
    opt(tokens),
    opt(st.just("https://example.org/")),
    opt(locations),
)
strict_contacts = st.builds(Contact, texts, opt(tokens), location=locations)
uncertainties = st.builds(ExpandedUncertainty, non_negative, positive, probabilities, opt(st.just("normal")))
reals = st.builds(Real, decimals, st.sampled_from(UNITS), opt(uncertainties), opt(tokens))


@st.composite
def real_lists(draw: st.DrawFn) -> RealList:
    n = draw(st.integers(1, 6))
    values = tuple(draw(st.lists(decimals, min_size=n, max_size=n)))

    def one_or_n(strategy: st.SearchStrategy) -> tuple:
        size = draw(st.sampled_from(sorted({1, n})))
        return tuple(draw(st.lists(strategy, min_size=size, max_size=size)))

    unc = None
    if draw(st.booleans()):
        unc = ExpandedUncertaintyList(
            one_or_n(non_negative),
            one_or_n(positive),
            one_or_n(probabilities),
            draw(st.just(()) | st.just(("normal",))),
        )
    return RealList(
        values,
        one_or_n(st.sampled_from(UNITS)),
        unc,
        draw(st.just(()) | st.just(tuple(f"p{i}" for i in range(n)))),
    )


quantities = st.builds(Quantity, opt(texts), reals | real_lists(), opt(st.just("basic_measuredValue")))
few = {"min_size": 1, "max_size": 3}
measurement_results = st.builds(
    MeasurementResult,
    texts,
    st.lists(st.builds(Result, texts, st.lists(quantities, **few).map(tuple)), **few).map(tuple),
    st.lists(
        st.builds(UsedMethod, texts, opt(texts), st.lists(tokens, max_size=2).map(tuple)), max_size=2
    ).map(tuple),
    st.lists(
        st.builds(
            MeasuringEquipment,
            texts,
            st.lists(identifications, max_size=2).map(tuple),
            opt(contacts),
            opt(tokens),
            opt(tokens),
        ),
        max_size=2,
    ).map(tuple),
    st.lists(st.builds(InfluenceCondition, texts, st.lists(quantities, **few).map(tuple)), max_size=2).map(
        tuple
    ),
)


@st.composite
def certificates(draw: st.DrawFn) -> Certificate:
    begin = draw(dates)
    end = draw(st.dates(min_value=begin, max_value=date(2099, 12, 31)))
    core = CoreData(
        country_code=draw(st.sampled_from(("VN", "DE", "KH"))),
        used_languages=LANGS,
        mandatory_languages=draw(st.sampled_from((("en",), LANGS))),
        unique_identifier=draw(tokens),
        begin_performance_date=begin,
        end_performance_date=end,
        performance_location=draw(st.sampled_from(("laboratory", "customer", "other"))),
        identifications=tuple(draw(st.lists(identifications, max_size=2))),
        receipt_date=draw(opt(st.just(begin))),
        issue_date=draw(opt(st.just(end))),
    )
    return Certificate(
        software=(draw(st.builds(Software, plain, tokens, opt(st.just("application")))),),
        core=core,
        items=tuple(
            draw(
                st.lists(
                    st.builds(
                        Item, texts, st.lists(identifications, **few).map(tuple), opt(contacts), opt(tokens)
                    ),
                    **few,
                )
            )
        ),
        laboratory=draw(st.builds(CalibrationLaboratory, strict_contacts, opt(tokens))),
        responsible_persons=tuple(
            draw(st.lists(st.builds(RespPerson, contacts, opt(words), st.booleans()), **few))
        ),
        customer=draw(strict_contacts),
        measurement_results=tuple(draw(st.lists(measurement_results, min_size=1, max_size=2))),
        statements=tuple(
            draw(
                st.lists(
                    st.builds(
                        Statement,
                        opt(texts),
                        opt(texts),
                        st.lists(tokens, max_size=2).map(tuple),
                        opt(st.booleans()),
                        opt(st.sampled_from(("pass", "fail", "conditionalPass"))),
                    ),
                    max_size=2,
                )
            )
        ),
        comment=draw(opt(texts)),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(certificates())
def test_parse_inverts_build(certificate: Certificate) -> None:
    xml = build(certificate)
    assert parse(xml) == certificate
    assert build(parse(xml)) == xml  # digits survive exactly


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(certificates())
def test_generated_certificates_are_valid(certificate: Certificate) -> None:
    assert validate(build(certificate)) == []


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_decimal_text_round_trip(value: Decimal) -> None:
    from nqi.dcc.numbers import format_decimal, parse_decimal

    text = format_decimal(value)
    assert "E" not in text and "e" not in text
    assert parse_decimal(text) == value
