from hypothesis import given, settings
from hypothesis import strategies as st

from nqi.text import fold, search_terms, tokens


def test_vietnamese_diacritics_and_d_stroke():
    assert (
        fold("Ủy ban Tiêu chuẩn Đo lường Chất lượng Quốc gia")
        == "uy ban tieu chuan do luong chat luong quoc gia"
    )
    assert fold("Đà Nẵng") == fold("da nang")


def test_uzbek_apostrophe_variants_agree():
    variants = [
        "O‘zbekiston",
        "O’zbekiston",
        "Oʻzbekiston",
        "Oʼzbekiston",
        "O'zbekiston",
        "O`zbekiston",
        "Ozbekiston",
    ]
    assert {fold(v) for v in variants} == {"ozbekiston"}
    assert fold("g‘alla") == fold("g'alla") == "galla"


def test_cyrillic_yo_and_kazakh_letters():
    assert fold("Ёлка") == fold("елка") == "елка"
    # Kazakh letters are distinct letters, not accented ones: they must survive folding.
    assert fold("Қазақстан Республикасы") == "қазақстан республикасы"
    # й is its own letter in Russian and Kazakh; folding keeps it.
    assert fold("Йошкар-Ола") == "йошкар ола"


def test_punctuation_becomes_word_breaks():
    assert fold("ISO/IEC 17025:2017") == "iso iec 17025 2017"
    assert tokens("  СТ РК 1234-2020 ") == ["ст", "рк", "1234", "2020"]
    assert fold(None) == "" and fold("—/—") == ""


def test_search_terms_are_distinct_and_bounded():
    assert search_terms("ISO iso Iso 9001") == ["iso", "9001"]
    assert len(search_terms(" ".join(f"w{i}" for i in range(50)), max_terms=5)) == 5


@settings(max_examples=300)
@given(st.text())
def test_fold_is_idempotent_and_safe_for_query_syntax(text):
    folded = fold(text)
    assert fold(folded) == folded
    # Only word characters and single spaces: nothing FTS5 or tsquery would read as syntax.
    assert all(ch.isalnum() or ch == " " for ch in folded)
    assert "  " not in folded and folded == folded.strip()
