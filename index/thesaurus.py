"""Words residents use → words government reports use. Expands lexical queries only
(dense search sees the question as typed). Keys and values are Simplified."""

from collections.abc import Callable

from index.lexicon import table

SYNONYMS: dict[str, tuple[str, ...]] = table("synonyms.tsv")  # index/lexicon/synonyms.tsv says where they come from


def expand(tokens: list[str], tokenize: Callable[[str], list[str]]) -> list[str]:
    """The tokens plus the report-side words of any that have synonyms, tokenized the way the
    index was (地区生产总值 is indexed as 地区 / 生产总值)."""
    # A word inside a longer word of the question (经济 in 经济运行) is not the resident's word: the longer one is.
    own = [token for token in tokens if not any(token != other and token in other for other in tokens)]
    extra = [t for token in own for syn in SYNONYMS.get(token, ()) for t in tokenize(syn) if t not in tokens]
    return tokens + list(dict.fromkeys(extra))
