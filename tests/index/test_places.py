"""The gazetteer of Chinese administrative divisions (index.places): lookup by name, mentions in text."""

import pytest

from index.places import (
    LEVELS, NATIONAL, NATIONAL_GOVERNMENT, Gazetteer, Place, from_jionlp, gazetteer, level_of, read_table, write_table,
)

HAILAR = Place("海拉尔区", "区县", ("内蒙古自治区", "呼伦贝尔市"), ("海拉尔",))


def mentions(text: str, **kw) -> list[tuple[int, int, str]]:
    return sorted((start, end, place.name) for start, end, place in gazetteer().mentions(text, **kw))


def places_in(text: str, **kw) -> list[Place]:
    return [place for _, _, place in gazetteer().mentions(text, **kw)]


def test_the_gazetteer_is_loaded_once():
    assert gazetteer() is gazetteer()
    assert len(gazetteer().places) > 10_000  # every province, city, county and town


def test_the_table_is_what_jionlp_gives(tmp_path):
    """index/lexicon/places.tsv is written from jionlp (python -m index.places); a new jionlp shows here."""
    places = from_jionlp()
    assert read_table() == places
    write_table(places[:3], tmp_path / "places.tsv")
    assert (tmp_path / "places.tsv").read_text(encoding="utf-8").splitlines()[-3:] == [
        "\t".join((p.name, p.level, " ".join(p.parents), " ".join(p.aliases))) for p in places[:3]]


# --- lookup ----------------------------------------------------------------------------------------

def test_a_province_by_full_and_short_name():
    (anhui,) = gazetteer().lookup("安徽省")
    assert anhui == Place("安徽省", "省", (), anhui.aliases)
    assert "安徽" in anhui.aliases and anhui.short == "安徽"
    assert gazetteer().lookup("安徽") == [anhui]


def test_an_autonomous_region_by_its_short_name():
    (region,) = gazetteer().lookup("内蒙古")
    assert (region.name, region.level, region.parents) == ("内蒙古自治区", "省", ())


def test_a_district_knows_its_enclosing_divisions():
    assert gazetteer().lookup("海拉尔区") == [HAILAR]
    assert gazetteer().lookup("海拉尔") == [HAILAR]
    assert HAILAR.within(gazetteer().lookup("呼伦贝尔市")[0])
    assert HAILAR.within(gazetteer().lookup("内蒙古自治区")[0])
    assert not HAILAR.within(gazetteer().lookup("安徽省")[0])
    (city,) = gazetteer().lookup("呼伦贝尔市")
    assert (city.level, city.parents) == ("市", ("内蒙古自治区",))


@pytest.mark.parametrize("name", ["北京市", "天津市", "上海市", "重庆市"])
def test_municipalities_are_provinces(name):
    (place,) = gazetteer().lookup(name)
    assert (place.level, place.parents) == ("省", ())


def test_level_of_follows_the_depth_of_the_tree():
    assert [level_of("x", d) for d in range(4)] == ["省", "市", "区县", "乡镇街道"]
    assert level_of("上海市", 1) == "省"
    assert LEVELS[0] == NATIONAL


def test_a_town_is_known_by_its_full_name_only():
    (kandun,) = gazetteer().lookup("坎墩街道")
    assert (kandun.level, kandun.parents, kandun.aliases) == ("乡镇街道", ("浙江省", "宁波市", "慈溪市"), ())
    assert gazetteer().lookup("坎墩") == []
    assert gazetteer().lookup("人民") == []  # 人民街道's short form is an everyday word
    assert gazetteer().lookup("人民街道")  # several cities have one
    assert all(p.level == "乡镇街道" for p in gazetteer().lookup("人民街道"))


def test_lookup_returns_a_copy():
    found = gazetteer().lookup("安徽")
    found.clear()
    assert gazetteer().lookup("安徽")


@pytest.mark.parametrize("name", ["全国", "国务院", "中央政府"])
def test_national_names_mean_the_state_council(name):
    assert gazetteer().lookup(name) == [NATIONAL_GOVERNMENT]
    assert NATIONAL_GOVERNMENT.level == NATIONAL and NATIONAL_GOVERNMENT.name == "全国"


def test_districts_of_municipalities_are_known():
    assert [p.parents[0] for p in gazetteer().lookup("浦东新区")] == ["上海市"]
    assert any(p.parents[:1] == ("北京市",) for p in gazetteer().lookup("海淀区"))


# --- mentions --------------------------------------------------------------------------------------

def test_mentions_finds_a_province_with_its_span():
    assert mentions("安徽省的地区生产总值是多少") == [(0, 3, "安徽省")]
    assert mentions("请问安徽的GDP") == [(2, 4, "安徽省")]


def test_mentions_maps_an_alias_to_the_full_name():
    (place,) = places_in("内蒙古的粮食产量")
    assert place.name == "内蒙古自治区"


def test_mentions_finds_a_district_with_its_parents():
    (place,) = places_in("海拉尔区的财政收入")
    assert place == HAILAR


def test_the_longest_form_of_a_name_wins():
    # 内蒙古自治区 is one mention, not 内蒙古 plus 自治区 leftovers; 安徽省, not 安徽
    assert mentions("内蒙古自治区") == [(0, 6, "内蒙古自治区")]
    assert mentions("安徽省") == [(0, 3, "安徽省")]
    assert mentions("海拉尔区") == [(0, 4, "海拉尔区")]


def test_mentions_do_not_overlap_and_name_each_division():
    found = mentions("浙江省宁波市慈溪市坎墩街道")
    assert [(s, e, n) for s, e, n in found] == [
        (0, 3, "浙江省"), (3, 6, "宁波市"), (6, 9, "慈溪市"), (9, 13, "坎墩街道")]
    assert mentions("内蒙古海拉尔区") == [(0, 3, "内蒙古自治区"), (3, 7, "海拉尔区")]
    spans = [(s, e) for s, e, _ in gazetteer().mentions("内蒙古自治区呼伦贝尔市海拉尔区人民代表大会")]
    covered = [i for s, e in set(spans) for i in range(s, e)]
    assert len(covered) == len(set(covered))


def test_a_town_is_only_matched_by_its_full_name():
    assert mentions("坎墩街道今年的目标") == [(0, 4, "坎墩街道")]
    assert mentions("坎墩今年的目标") == []


def test_a_town_short_form_is_never_matched_inside_ordinary_words():
    # 人民街道 exists, but 人民 in 人民代表大会 / 人民政府 is no place
    assert mentions("海拉尔区第十四届人民代表大会第三次会议") == [(0, 4, "海拉尔区")]
    assert mentions("我代表区人民政府向大会报告工作") == []


def test_a_name_shared_by_several_places_yields_each_on_the_same_span():
    found = list(gazetteer().mentions("人民街道"))
    assert len(found) >= 2
    assert {(s, e) for s, e, _ in found} == {(0, 4)}
    assert len({p.parents for _, _, p in found}) == len(found)


def test_towns_can_be_left_out():
    assert mentions("坎墩街道", towns=False) == []
    assert mentions("慈溪市坎墩街道", towns=False) == [(0, 3, "慈溪市")]


@pytest.mark.parametrize("text", ["全国的粮食产量", "国务院的政府工作报告"])
def test_national_words_map_to_the_national_government(text):
    assert places_in(text) == [NATIONAL_GOVERNMENT]


def test_mentions_in_empty_or_placeless_text():
    assert mentions("") == []
    assert mentions("地区生产总值增长了多少") == []


def test_a_small_gazetteer_behaves_the_same():
    a = Place("甲乙省", "省", (), ("甲乙",))
    b = Place("丙丁市", "市", ("甲乙省",), ("丙丁",))
    small = Gazetteer([a, b])
    assert small.lookup("甲乙") == [a]
    assert [(s, e, p.name) for s, e, p in small.mentions("甲乙省丙丁的数据")] == [(0, 3, "甲乙省"), (3, 5, "丙丁市")]
    assert list(Gazetteer([]).mentions("甲乙")) == []
