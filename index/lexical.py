"""BM25 over jieba tokens, with the reports' own place and project names kept whole."""

from __future__ import annotations

import logging
import re
import threading
from functools import cached_property, lru_cache
from collections.abc import Iterable, Sequence
from typing import Protocol

import bm25s
import jieba
import jieba.posseg as pseg
import numpy as np

from index.lexicon import words
from index.textnorm import normalize

jieba.setLogLevel(logging.WARNING)

# Names end in these; the span before them (1–8 CJK chars) is taken from the text at ingest.
_SUFFIX = "|".join(words("name_suffixes.txt"))  # index/lexicon/name_suffixes.txt
_NAME = re.compile(rf"[\u4e00-\u9fff]{{1,8}}?(?:{_SUFFIX}|江|河)(?:[\u4e00-\u9fff]{{0,4}}?(?:{_SUFFIX}))*")
_SUFFIX_END = re.compile(rf"(?:{_SUFFIX}|江|河)")
# Clause breaks, including conjunctions and particles that rarely sit inside a name.
_CLAUSE_BREAK = re.compile(r"[,，、;；。:：()（）“”\"和及与的被为对在把将]")
_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,12})[”\"」』]")
# Leading words of these parts of speech are verbs, numbers or adverbs glued to a name.
_NOT_NAME_START = ("v", "p", "c", "m", "d", "u", "r", "f", "q", "a", "t", "y", "e", "o")
_TOKEN_OK = re.compile(r"[\w\u4e00-\u9fff]")
# Function words and question words carry no topic; they only add noise to BM25.
STOPWORDS = frozenset(words("stopwords.txt"))  # index/lexicon/stopwords.txt


@lru_cache(maxsize=65536)  # reports of one region repeat their names; POS tagging is the slow part
def _trim_name(span: str) -> str:
    words = list(pseg.cut(span))
    while words and (words[0].flag.startswith(_NOT_NAME_START) or (len(words[0].word) == 1 and words[0].flag != "ns")):
        words.pop(0)
    return "".join(w.word for w in words)


def extract_terms(texts: Iterable[str]) -> set[str]:
    """Place and project names and quoted phrases (normalised) from a report's text, for jieba's dictionary.

    A chained name (永安路东延区块) also contributes each name inside it (永安路), so either matches.
    """
    terms: set[str] = set()
    for text in texts:
        norm = normalize(text)
        terms.update(m.group(1) for m in _QUOTED.finditer(norm))
        for clause in _CLAUSE_BREAK.split(norm):
            for m in _NAME.finditer(clause):
                name = _trim_name(m.group(0))
                for end in (e.end() for e in _SUFFIX_END.finditer(name)):
                    if 3 <= end <= 12:
                        terms.add(name[:end])
    return terms


class Tokenizer:
    """jieba with the reports' names added, loaded on first use: its dictionary takes ~1 s and 62 MB, which
    a snapshot loaded at start (index.saved_snapshot) must not pay before it is asked anything."""

    def __init__(self, terms: Iterable[str] = ()) -> None:
        self.terms = tuple(terms)
        self._jieba: jieba.Tokenizer | None = None
        self._lock = threading.Lock()  # jieba's lazy dictionary load is not thread-safe

    def __reduce__(self):
        return Tokenizer, (self.terms,)  # saved as its terms; the dictionary is jieba's own

    def _cutter(self) -> jieba.Tokenizer:
        if self._jieba is None:  # under self._lock
            # A copy of the default dictionary, which part-of-speech tagging loads anyway (jieba.dt), not a
            # second load of it from jieba's cache (~0.7 s at start); the names go into the copy only.
            jieba.dt.check_initialized()
            cutter = jieba.Tokenizer()
            cutter.FREQ, cutter.total, cutter.initialized = dict(jieba.dt.FREQ), jieba.dt.total, True
            for term in self.terms:
                cutter.add_word(term, freq=2000)
            self._jieba = cutter
        return self._jieba

    def warm(self) -> None:
        with self._lock:
            self._cutter()

    def tokens(self, normalized_text: str) -> list[str]:
        """Search-mode tokens: long names yield their parts too, so 清水湾 matches 清水湾社区."""
        with self._lock:
            words = list(self._cutter().cut_for_search(normalized_text))
        return [w for w in words if _TOKEN_OK.search(w) and w not in STOPWORDS]


_CODE_MASK = (1 << 21) - 1  # code points fit in 21 bits


def _char_pairs(text: str) -> np.ndarray:
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    return (codes[:-1] << np.uint64(21)) | codes[1:]


def _holds_all(ordered: np.ndarray, values: np.ndarray) -> bool:
    """Does the sorted array hold every one of the values?"""
    if not len(ordered):
        return False
    found = np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)
    return bool(np.all(ordered[found] == values))


class Vocabulary(Protocol):
    """What answering asks of the indexed words: how they are cut, how rare they are, whether used at all."""

    def tokens(self, normalized_text: str) -> list[str]: ...

    def idf(self, token: str) -> float: ...

    def knows(self, word: str) -> bool: ...


class LexicalIndex:
    def __init__(self, texts: Sequence[str], tokenizer: Tokenizer,
                 stored: Sequence[list[str] | None] | None = None) -> None:
        """`stored`: each text's tokens when known (computed at ingest), else None: jieba is most
        of the build time."""
        self.tokenizer = tokenizer
        self.size = len(texts)
        self._bm25 = bm25s.BM25()
        token_lists = [tokenizer.tokens(t) if known is None else known
                       for t, known in zip(texts, stored or [None] * len(texts), strict=True)]
        if texts:
            self._bm25.index([tokens or ["∅"] for tokens in token_lists], show_progress=False)
        self._idf = self._compute_idf([set(tokens) for tokens in token_lists])
        self.texts = texts
        # Every adjacent character pair of the corpus: a word with a pair outside it is unknown without
        # scanning 10M characters (6 ms at 1,000 reports, paid by each unusual word of a question). The
        # joined corpus is not kept: a second copy of every text, 20 MB at 1,000 reports, in every process.
        self._pairs = np.unique(_char_pairs("\x00".join(texts)))
        # And every character (both halves of the pairs): a one-character word (哪, 卖) has no pair to rule it
        # out, and its scan of every text took 14-24 ms twice a question at 1,000 reports, most of the slowest asks.
        chars = np.unique(np.concatenate([self._pairs >> np.uint64(21), self._pairs & np.uint64(_CODE_MASK)]))
        self._chars = chars[chars != 0]  # not the separator

    @staticmethod
    def _compute_idf(token_sets: list[set[str]]) -> dict[str, float]:
        df: dict[str, int] = {}
        for tokens in token_sets:
            for token in tokens:
                df[token] = df.get(token, 0) + 1
        n = max(len(token_sets), 1)
        return {t: float(np.log(1 + (n - d + 0.5) / (d + 0.5))) for t, d in df.items()}

    def scoped(self, mask: np.ndarray | None) -> Vocabulary:
        return self if mask is None else ScopedVocabulary(self, mask)

    def tokens(self, normalized_text: str) -> list[str]:
        return self.tokenizer.tokens(normalized_text)

    def idf(self, token: str) -> float:
        """Unseen tokens get the highest weight: they are what the corpus cannot answer."""
        return self._idf.get(token, float(np.log(1 + (self.size + 0.5) / 0.5)))

    def knows(self, word: str) -> bool:
        """Whether any indexed text contains the (normalised) word, whatever jieba made of it."""
        if word in self._idf:
            return True
        return self.may_hold(word) and (len(word) == 1 or any(word in text for text in self.texts))

    def may_hold(self, word: str) -> bool:
        """False when some text of the corpus would have to hold a character or pair none holds; exact for a
        word of one or two characters."""
        if len(word) == 1:
            return _holds_all(self._chars, np.array([ord(word)], dtype=np.uint64))
        return _holds_all(self._pairs, _char_pairs(word))

    def scores(self, query_tokens: Sequence[str], mask: np.ndarray | None = None) -> np.ndarray:
        """BM25 scores; with a mask (a report filter), as if only the masked chunks were indexed.

        Global idf would make words that name the filtered report (坎墩街道, its years) rare and so
        decisive, though within that report they tell nothing apart: each token's score is re-weighted
        from the corpus idf to its idf within the mask.
        """
        if not self.size or not query_tokens:
            return np.zeros(self.size)
        if mask is None:
            return self._bm25.get_scores(list(query_tokens), weight_mask=None)
        inside = max(float(mask.sum()), 1.0)
        total = np.zeros(self.size)
        for token in query_tokens:
            if token not in self._idf:
                continue
            docs, values = self._posting(token, mask)
            total[docs] += values * (np.log(1 + (inside - len(docs) + 0.5) / (len(docs) + 0.5)) / self._idf[token])
        return total

    def frequency(self, token: str, mask: np.ndarray) -> int:
        """In how many of the masked chunks the token occurs."""
        return len(self._posting(token, mask)[0])

    def _posting(self, token: str, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The masked chunks that hold the token and its BM25 score in each, read from bm25s's per-token
        score columns: a full-length score array per token (bm25s's get_scores with a weight mask) was
        the largest part of a scoped search at 58,000 chunks."""
        token_id = self._bm25.vocab_dict.get(token)
        if token_id is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        columns = self._bm25.scores
        start, end = columns["indptr"][token_id], columns["indptr"][token_id + 1]
        docs = columns["indices"][start:end]
        kept = mask[docs] > 0
        return docs[kept], columns["data"][start:end][kept]



class ScopedVocabulary:
    """A lexical index seen from the chunks in a mask (a report filter), as if only they were indexed:
    words naming the filtered reports weigh what they weigh there, and a word only other reports use
    is unknown (the question cannot be answered from these reports by it)."""

    def __init__(self, corpus: LexicalIndex, mask: np.ndarray) -> None:
        self.corpus, self.mask, self.tokenizer = corpus, mask, corpus.tokenizer
        self._inside = max(float(mask.sum()), 1.0)
        self._idf: dict[str, float] = {}

    @cached_property
    def _text(self) -> str:
        """The masked chunks' texts, joined when first asked (a year's 11,000 chunks: 2 MB)."""
        return "\x00".join(self.corpus.texts[i] for i in np.flatnonzero(self.mask))

    def tokens(self, normalized_text: str) -> list[str]:
        return self.tokenizer.tokens(normalized_text)

    def knows(self, word: str) -> bool:
        # Most words are settled without the masked texts (a substring search of 2 MB for a year's chunks, forty
        # times a question): one the corpus cannot hold, or a token the mask's postings hold.
        if not self.corpus.may_hold(word):
            return False
        return bool(self.corpus.frequency(word, self.mask)) or word in self._text

    def idf(self, token: str) -> float:
        if token not in self._idf:
            df = float(self.corpus.frequency(token, self.mask))
            self._idf[token] = float(np.log(1 + (self._inside - df + 0.5) / (df + 0.5)))
        return self._idf[token]
