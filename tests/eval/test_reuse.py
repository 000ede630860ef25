from eval.reuse import ReusedVectors
from eval.synthetic import SAMPLE_VARIANT, variant, vary
from tests.fakes import FakeEmbedder

BASE = ["2022年,坎墩街道預計可實現地區生產總值58億元,同比增長2.8%。", "平安坎墩建設,街道黨工委領導下完成123處整治。",
        "成立慈溪坎塘郊野農旅有限公司。", "坎东初中"]  # a place built on the short name's first character


def _reusing(*variants):
    names = {n for v in (SAMPLE_VARIANT, *variants) for n in v.names}
    return ReusedVectors(FakeEmbedder(), names)


def test_a_variant_gets_the_vectors_of_the_text_it_was_made_from():
    v = next(v for i in range(1, 30) if (v := variant(0, i)).name.endswith("镇"))
    embedder = _reusing(v)
    base = embedder.embed(BASE)
    varied = [vary(t, v) for t in BASE]
    assert varied != BASE
    assert embedder.embed(varied) == base
    assert (embedder.encoded, embedder.reused) == (len(BASE), len(BASE))
    assert base == FakeEmbedder().embed(BASE)  # the first text of a skeleton is encoded as it is


def test_other_meaning_and_questions_are_encoded():
    embedder = _reusing(variant(0, 1))
    embedder.embed(BASE)
    other = ["2022年,坎墩街道工業總產值115億元。", "平安坎墩建設,完成123處整治。"]
    assert embedder.embed(other) == FakeEmbedder().embed(other)
    assert embedder.encoded == len(BASE) + 2
    question = [vary(BASE[0], variant(0, 1))]
    assert embedder.embed(question) == FakeEmbedder().embed(question)  # one text: a question, never reused
    assert embedder.reused == 0
