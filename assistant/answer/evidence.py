"""Sentence-level evidence: which sentences of the top paragraphs answer the question, and how well.

Scores are idf-weighted coverage of the question's content words (synonyms count), character
bigram overlap, the paragraph's retrieval rank, and two checks that matter for government
figures: a question asking "how many" wants a sentence with a number, and a question about one
year wants a sentence from (or naming) that year. How much each counts is fitted
(assistant/answer/weights.py).
"""

from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answer.question import Question
from assistant.answer.weights import AnswerWeights, SentenceFeatures
from index.records import Hit
from index.lexical import STOPWORDS, Vocabulary
from index.textnorm import YEAR, bigrams, normalize, split_sentences
from index.thesaurus import SYNONYMS
from index.time_role import UNKNOWN

_NUMBER = re.compile(r"\d|[一二两三四五六七八九十百千万亿]+(?:个|家|项|条|户|所|次|批|年|届|名|人|位|座|套|只|场|期|轮|大)")
_YEAR_TOKEN = re.compile(r"^(?:19|20)\d{2}$")
_SERIES = re.compile(r"[^、，。；：,;:]{2,}(?:、[^、，。；：,;:]{2,})+")  # 量子信息、聚变能源、深空探测
TOP_PARAGRAPHS = 5
MIN_SENTENCE_CHARS = 8
# A lead: a paragraph's inline title (实施提升轨道交通分担率攻坚行动。/ 四是全力推进棚户区改造工程。), what
# reports write before the sentence that says what is done. Its words match a question best, its content
# is the next sentence. Titles are short clauses with no figure and no comma. Bars of 20 to 40 characters
# gave the same answers on real-dev, real-holdout and the sample's dev set; 30 is their middle.
LEAD_MAX_CHARS = 30
_LEAD_BREAKS = re.compile(r"[，,、：:\d]")


@dataclass(frozen=True)
class Evidence:
    hit_rank: int  # index into the hits
    position: int  # sentence number within its paragraph
    sentence: str  # the report's own text
    score: float
    coverage: float  # idf-weighted share of the question's content words present
    has_number: bool
    section_year: int | None  # the year the sentence's section speaks about
    features: SentenceFeatures | None = None  # what the score was computed from (None: not scored)


@dataclass(frozen=True)
class Terms:
    """The question's content words with idf weights and report-side alternatives."""

    words: tuple[str, ...]
    weights: tuple[float, ...]
    alternatives: tuple[frozenset[str], ...]

    @classmethod
    def of(cls, text: str, lexical: Vocabulary) -> Terms:
        # Years are checked on their own (answerability); as words they would only blur coverage.
        words = tuple(dict.fromkeys(
            t for t in lexical.tokens(normalize(text)) if t not in STOPWORDS and not _YEAR_TOKEN.match(t)
        ))
        return cls(
            words=words,
            weights=tuple(lexical.idf(w) for w in words),
            alternatives=tuple(frozenset((w, *SYNONYMS.get(w, ()))) for w in words),
        )

    @classmethod
    def known(cls, text: str, lexical: Vocabulary) -> Terms:
        """Only the words the corpus uses: a sentence cannot be blamed for words no report contains."""
        terms = cls.of(text, lexical)
        keep = [i for i, alts in enumerate(terms.alternatives) if any(lexical.knows(a) for a in alts)]
        return cls(*(tuple(field[i] for i in keep) for field in (terms.words, terms.weights, terms.alternatives)))

    def coverage(self, normalized: str) -> float:
        total = sum(self.weights)
        if not total:
            return 0.0
        return sum(w * _found_share(alts, normalized) for w, alts in zip(self.weights, self.alternatives)) / total


def _found_share(alternatives: frozenset[str], normalized: str) -> float:
    """1 when a form of the word occurs, also with a short insertion in a compound (农旅公司 in
    农旅有限公司): the tokenizer's dictionary, not the question, decides what is one word."""
    return 1.0 if any(_gapped(a).search(normalized) for a in alternatives) else 0.0


@lru_cache(maxsize=4096)
def _gapped(word: str) -> re.Pattern[str]:
    if len(word) < 3:
        return re.compile(re.escape(word))
    return re.compile(".{0,2}".join(map(re.escape, word)))



def score_sentences(question: Question, hits: Sequence[Hit], lexical: Vocabulary,
                    weights: AnswerWeights = AnswerWeights()) -> list[Evidence]:
    focus = Terms.known(question.focus, lexical)
    context = Terms.known(question.search, lexical) if question.search != question.focus else focus
    focus_bigrams = bigrams(normalize(question.focus))
    wants_number, wants_list, role_asked = question.intent.wants_number, question.intent.wants_list, question.intent.role_asked
    evidence = []
    for rank, hit in enumerate(hits[:TOP_PARAGRAPHS]):
        section_year = hit.chunk.year
        for position, sentence in enumerate(split_sentences(hit.paragraph_text)):
            role = hit.paragraph_roles[position] if position < len(hit.paragraph_roles) else UNKNOWN
            norm = normalize(sentence)
            if len(norm) < MIN_SENTENCE_CHARS:
                continue
            coverage = focus.coverage(norm)
            has_number = bool(_NUMBER.search(norm))
            named = {int(y) for y in YEAR.findall(norm)}
            year_other = float(sum(year not in named and bool(named or (section_year and section_year != year))
                                   for year in question.years))
            features = SentenceFeatures(
                focus_coverage=coverage,
                context_coverage=context.coverage(norm),
                bigram_overlap=len(focus_bigrams & bigrams(norm)) / max(len(focus_bigrams), 1),
                rank=1 / (1 + rank),
                number_asked=float(wants_number and has_number),
                year_named=float(sum(year in named for year in question.years)),
                year_other=year_other,
                # Only where the years do not already say it: a dated section's role is its year's.
                role_other=float(not year_other and UNKNOWN not in (role_asked, role) and role != role_asked),
                enumerates=float(wants_list and bool(_SERIES.search(norm))),
            )
            evidence.append(Evidence(rank, position, sentence, weights.score(features), coverage, has_number,
                                     section_year, features))
    return sorted(evidence, key=lambda e: -e.score)


def _of_the_year_asked(evidence: Sequence[Evidence], years: Sequence[int], swap_ratio: float) -> Sequence[Evidence]:
    """A question about one year is answered by sentences of that year (naming it, or in its section):
    a 2025 target beside the 2024 result it was asked for is another year's figure, so it goes when
    any sentence of the year asked is there."""
    if len(years) != 1:
        return evidence
    year = years[0]

    def of_year(e: Evidence) -> bool | None:
        named = {int(y) for y in YEAR.findall(normalize(e.sentence))}
        if year in named or (not named and e.section_year == year):
            return True
        return False if named or e.section_year is not None else None

    verdicts = [of_year(e) for e in evidence]
    kept = [e for e, fits in zip(evidence, verdicts) if fits is not False]
    # Only a close contender of the year asked replaces the best: a weak one would answer from a sentence
    # that merely sits in the right section; left as it is, the verdict refuses the other year's figure.
    if True not in verdicts or kept[0].score < swap_ratio * evidence[0].score:
        return evidence
    return kept


def select(evidence: Sequence[Evidence], question: Question, max_sentences: int = 3,
           weights: AnswerWeights = AnswerWeights()) -> list[Evidence]:
    """The best sentence, plus close runners-up that add something (more for list questions)."""
    # A sentence of the year asked this close to the best could have been chosen on its own: the list ratio.
    evidence = _of_the_year_asked(evidence, question.years, weights.list_runner_up_ratio)
    if not evidence:
        return []
    best = evidence[0]
    ratio = weights.list_runner_up_ratio if question.intent.wants_list else weights.runner_up_ratio
    chosen = [best]
    for candidate in evidence[1:]:
        if len(chosen) >= max_sentences or candidate.score < ratio * best.score:
            break
        if candidate.sentence not in {c.sentence for c in chosen}:
            chosen.append(candidate)
    chosen = _with_elaborations(chosen, evidence)
    # Read in document order: paragraph rank, then position in the paragraph.
    return sorted(chosen, key=lambda e: (e.hit_rank, e.position))


def is_lead(sentence: str) -> bool:
    return len(sentence) <= LEAD_MAX_CHARS and not _LEAD_BREAKS.search(sentence)


def _with_elaborations(chosen: list[Evidence], evidence: Sequence[Evidence]) -> list[Evidence]:
    """A chosen lead brings the sentence after it in its paragraph: the title alone answers nothing."""
    following = {(e.hit_rank, e.position): e for e in evidence}
    picked = {(e.hit_rank, e.position) for e in chosen}
    added = [following[key] for e in chosen if is_lead(e.sentence)
             and (key := (e.hit_rank, e.position + 1)) in following and key not in picked]
    return chosen + list({(e.hit_rank, e.position): e for e in added}.values())
