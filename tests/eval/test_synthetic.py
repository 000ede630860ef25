from eval.synthetic import LEVEL_CYCLE, SAMPLE, SAMPLE_VARIANT, generate, places, short_name, variant, vary
from index.places import gazetteer
from index.reading import read_report_lines
from index.structure import parse_report


def _identity(path):
    return parse_report(read_report_lines(path), doc_id="x", source=path.name).identity


def test_governments_are_distinct_real_divisions_at_every_level():
    first = places(0)[:600]
    assert len({p.name for p in first}) == 600
    assert {p.level for p in first[: len(LEVEL_CYCLE)]} == {"乡镇街道", "区县", "市"}
    assert all(gazetteer().lookup(p.name) == [p] for p in first)  # each name means that division alone
    assert "坎墩街道" not in {p.name for p in places(0)}
    assert places(1)[:20] != first[:20]


def test_identity_reads_back_each_government_and_year(tmp_path):
    for i, path in enumerate(generate(13, tmp_path)):
        v = variant(0, i) if i else SAMPLE_VARIANT
        identity = _identity(path)
        assert (identity.place, identity.year, identity.reviewed_years) == (v.name, v.review_year + 1,
                                                                             (v.review_year,))
        assert identity.title == f"{v.name}{v.review_year}年工作总结和{v.review_year + 1}年工作计划"
        assert v.short in identity.aliases or v.short == v.name


def test_the_level_word_follows_the_government():
    town = next(v for i in range(1, 20) if (v := variant(0, i)).name.endswith("镇"))
    county = next(v for i in range(1, 20) if (v := variant(0, i)).name.endswith("县"))
    assert vary("坎墩街道辦事處，平安坎墩", town) == f"{town.name}辦事處，平安{town.short}"
    assert vary("街道黨工委", county) == "县黨工委"


def test_the_sample_is_its_own_variant():
    text = SAMPLE.read_text(encoding="utf-8")
    assert vary(text, SAMPLE_VARIANT) == text
    assert short_name(SAMPLE_VARIANT.place) == "坎墩"


def test_questions_name_place_and_year_with_that_report_figures():
    from eval.harness import load_questions
    from eval.bench import DEV_QUESTIONS
    from eval.resident import PER_REPORT, questions_for

    dev = load_questions(DEV_QUESTIONS)
    v = variant(0, 2)
    made = questions_for(dev, v, "r2")
    assert len(made) == PER_REPORT and made == questions_for(dev, v, "r2")
    for q in made:
        assert q["question"].startswith((v.name, v.short)) and "坎墩" not in q["question"]
        assert any(w in q["question"] for w in (f"{v.review_year}年", f"{v.review_year + 1}年", "去年", "今年"))
        assert q["gold_report"] == "r2" and "坎墩" not in "".join(q["gold_paragraphs"])
    text = vary(SAMPLE.read_text(encoding="utf-8"), v)
    assert all(g in text for q in made for g in q["gold_paragraphs"])
