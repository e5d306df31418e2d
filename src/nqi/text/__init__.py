"""Text folding and search helpers (pure Python, no Django).

``fold`` turns any text into the form both search back ends index and query: lower case, no
diacritics, Vietnamese đ → d, Cyrillic ё → е, the Uzbek o‘/g‘ apostrophe variants removed, and every
run of characters that is not a letter or digit replaced by one space. Indexing and querying
through the same function is what makes SQLite FTS5 and PostgreSQL tsvector return the same matches.
"""

from __future__ import annotations

from nqi.text.folding import fold, natural_key, search_terms, tokens

__all__ = ["fold", "natural_key", "search_terms", "tokens"]
