from assistant.answer.evidence import Terms
from index.lexical import LexicalIndex, Tokenizer
from index.textnorm import normalize

ORIGINAL = ["成立慈溪市坎塘郊野农旅有限公司", "2022年,街道预计可实现地区生产总值58亿元", "坎墩街道新建停车位50只"]
OTHER_REPORT = ["以新塘农旅公司为依托", "浒山街道新建停车位55只"]


def _terms(question: str, names: set[str]) -> Terms:
    """The question's known words, over both reports, with the names their ingest added to jieba."""
    tokenizer = Tokenizer(names)
    return Terms.known(question, LexicalIndex([normalize(t) for t in ORIGINAL + OTHER_REPORT], tokenizer))


def test_a_compound_counts_when_the_sentence_inserts_a_word_into_it():
    # The other report made 农旅公司 one word: the question keeps it whole, the original splits it.
    terms = _terms("哪家农旅公司成立了", {"农旅公司", "坎墩街道"})
    assert "农旅公司" in terms.words
    assert terms.coverage(normalize(ORIGINAL[0])) == 1.0


def test_scattered_characters_of_a_name_do_not_count():
    terms = _terms("坎墩街道有多少停车位", {"农旅公司", "坎墩街道"})
    assert "坎墩街道" in terms.words
    assert 0 < terms.coverage(normalize(ORIGINAL[1])) < 0.5  # 街道 alone, not 坎墩街道
    assert terms.coverage(normalize(ORIGINAL[2])) == 1.0
