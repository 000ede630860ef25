import numpy as np
import pytest

import jieba
import jieba.posseg as pseg

from index.lexical import LexicalIndex, Tokenizer, extract_terms
from index.textnorm import normalize

REPORT_A = ["坎墩街道地区生产总值58亿元", "坎墩街道新建停车位50只", "完成临水护栏建设2513米", "新增高新技术企业3家"]
REPORT_B = ["浒山街道地区生产总值61亿元", "浒山街道新建停车位55只", "完成临水护栏建设2600米", "安装智能排口20套"]


def test_filtered_scores_equal_an_index_of_only_the_filtered_report():
    tokenizer = Tokenizer()
    both = LexicalIndex([normalize(t) for t in REPORT_A + REPORT_B], tokenizer)
    alone = LexicalIndex([normalize(t) for t in REPORT_A], tokenizer)
    query = tokenizer.tokens(normalize("坎墩街道新建了多少停车位"))
    mask = np.array([1.0] * len(REPORT_A) + [0.0] * len(REPORT_B))
    filtered = both.scores(query, mask)
    # Same idf; only BM25's average-length normalisation still sees the whole corpus.
    expected = alone.scores(query)
    assert np.allclose(filtered[: len(REPORT_A)], expected, rtol=0.05)
    assert list(np.argsort(-filtered[: len(REPORT_A)])) == list(np.argsort(-expected))
    assert not filtered[len(REPORT_A):].any()
    assert int(np.argmax(filtered)) == 1


def test_names_from_the_report_are_kept_whole_and_split():
    terms = extract_terms(["完成永安路東延區塊改造項目征遷工作", "清水灣社區獲評浙江省第二批未來社區"])
    assert {"永安路东延区块", "永安路", "清水湾社区"} <= terms
    tokens = Tokenizer(terms).tokens(normalize("清水灣社區"))
    assert "清水湾社区" in tokens and "清水湾" in tokens  # whole name and its parts both match


def test_scoped_vocabulary_weighs_words_as_within_the_filtered_report():
    tokenizer = Tokenizer()
    both = LexicalIndex([normalize(t) for t in REPORT_A + REPORT_B], tokenizer)
    alone = LexicalIndex([normalize(t) for t in REPORT_A], tokenizer)
    scoped = both.scoped(np.array([1.0] * len(REPORT_A) + [0.0] * len(REPORT_B)))
    for word in ("坎墩", "停车位", "地区"):
        assert scoped.idf(word) == pytest.approx(alone.idf(word))
    assert scoped.knows("坎墩街道") and scoped.knows("临水护栏")
    assert not scoped.knows("浒山") and not scoped.knows("智能排口")  # only the other report uses them
    assert scoped.knows("值58亿") and not scoped.knows("杭州地铁")  # across tokens; a pair no text has
    assert scoped.knows("墩") and not scoped.knows("浒")
    assert both.knows("浒山")
    assert both.scoped(None) is both


def test_knows_any_substring_of_the_corpus_and_nothing_else():
    index = LexicalIndex([normalize(t) for t in REPORT_A], Tokenizer())
    assert index.knows("坎墩街道") and index.knows("值58亿")  # a token, and text across token boundaries
    assert not index.knows("杭州地铁")  # a character pair the corpus never has
    assert not index.knows("停车位58亿")  # every pair occurs (位5, 58, 8亿), the word does not
    assert not index.knows("米新增")  # nor across two texts
    assert not LexicalIndex([], Tokenizer()).knows("坎墩")


def test_knows_a_single_character_from_the_corpus_characters_without_reading_the_texts():
    index = LexicalIndex([normalize(t) for t in REPORT_A], Tokenizer())
    index.texts = None  # a scan would fail: one character is answered from the characters kept
    first, last = normalize(REPORT_A[0])[0], normalize(REPORT_A[-1])[-1]
    assert index.knows(first) and index.knows(last) and index.knows("墩")
    assert not index.knows("哪") and not index.knows("\x00")
    assert not LexicalIndex([], Tokenizer()).knows("墩")


def test_the_names_go_into_a_copy_of_the_default_dictionary_not_into_it():
    """The tokenizer starts from the dictionary part-of-speech tagging uses (jieba.dt), and cuts as a
    tokenizer that loaded it on its own does; tagging never sees the reports' names."""
    terms = ["清水灣社區", "永安路東延區塊"]
    text = normalize("清水灣社區和永安路東延區塊的停車位建設，全街道實現地區生產總值58億元")
    own = jieba.Tokenizer()
    for term in terms:
        own.add_word(normalize(term), freq=2000)
    tagged = [(w.word, w.flag) for w in pseg.cut(text)]
    ours = Tokenizer([normalize(t) for t in terms])
    assert normalize("永安路東延區塊") in ours.tokens(text)
    assert (ours._jieba.FREQ, ours._jieba.total) == (own.FREQ, own.total)  # the same cuts, whatever the text
    assert normalize("永安路东延区块") not in jieba.dt.FREQ and [(w.word, w.flag) for w in pseg.cut(text)] == tagged
