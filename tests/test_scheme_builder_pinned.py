"""The scheme builder pinned field by field: which key of the scheme file each setting is read from,
its default, the problem code a bad value gets (and that the problem names the field), and that a bad
value's stand-in adds no second, made-up problem. Fast: schemes built from the built-in scheme's
parsed TOML, edited in memory."""

import copy
import tomllib
from decimal import Decimal as D

import pytest

from minsheng import CALCULATORS, SchemeError, builtin_scheme_text
from minsheng.model import ProgressSettings
from minsheng.scheme import scheme_from_dict

BASE = tomllib.loads(builtin_scheme_text("jiangxi-2007"), parse_float=D)


def data(**top):
    d = copy.deepcopy(BASE)
    for key, value in top.items():
        if value is None:
            d.pop(key, None)
        else:
            d[key] = value
    return d


def indicator(d, code):
    return next(i for g in d["groups"] for i in g["indicators"] if i["code"] == code)


def problems(d):
    with pytest.raises(SchemeError) as info:
        scheme_from_dict(d, origin="方案.toml")
    assert all(p.file == "方案.toml" for p in info.value.problems)
    return [(p.code, p.message) for p in info.value.problems]


def only(d, code, *named):
    """The one problem a bad value gets: its code, and the message names the field."""
    found = problems(d)
    assert [c for c, _ in found] == [code], found
    for name in named:
        assert name in found[0][1], (name, found[0][1])


# --- the scheme's own settings ---------------------------------------------------------------------


def test_the_base_scheme_builds():
    s = scheme_from_dict(data())
    assert s.id == "jiangxi-2007" and s.total == 100 and s.bonus_cap == 5 and s.excellent_quota == D("0.30")


def test_total_bonus_cap_and_quota_are_read_and_a_bad_one_is_one_problem():
    only(data(total="一百"), "bad-parameter", "total 应为数字")
    only(data(bonus_cap="五"), "bad-parameter", "bonus_cap 应为数字")
    only(data(excellent_quota="三成"), "bad-parameter", "excellent_quota 应为数字")
    assert scheme_from_dict(data(excellent_quota=None)).excellent_quota is None
    assert scheme_from_dict(data(bonus_cap=None)).bonus_cap == 0


def test_group_advanced_count_and_grade():
    s = scheme_from_dict(data())
    assert (s.group_advanced_count, s.group_advanced_grade) == (1, None)
    s = scheme_from_dict(data(group_advanced_count=2, group_advanced_grade="优秀"))
    assert (s.group_advanced_count, s.group_advanced_grade) == (2, "优秀")
    assert scheme_from_dict(data(group_advanced_grade="")).group_advanced_grade is None
    for bad in ("两", True, D("1.5")):
        only(data(group_advanced_count=bad), "bad-parameter", "group_advanced_count 应为整数")


def test_interim_is_read_from_its_table():
    s = scheme_from_dict(data(interim={"points": D("0.2")}))
    assert s.interim is not None and s.interim.points == D("0.2")
    assert scheme_from_dict(data()).interim is None


def test_earlier_ids_are_a_list_of_scheme_ids():
    assert scheme_from_dict(data(earlier_ids=["jiangxi-2006"])).earlier_ids == ("jiangxi-2006",)
    assert scheme_from_dict(data()).earlier_ids == ()
    for bad in ("jiangxi-2006", [""], [2006], ["jiangxi-2006", 1]):
        only(data(earlier_ids=bad), "bad-parameter", "earlier_ids")


def test_a_grade_without_a_minimum_is_one_problem_naming_it():
    grades = copy.deepcopy(BASE["grades"])
    del grades[-1]["minimum"]  # the lowest grade, whose minimum is 0
    only(data(grades=grades), "missing-parameter", "不合格", "minimum")
    grades = copy.deepcopy(BASE["grades"])
    grades[-1]["minimum"] = "零"
    only(data(grades=grades), "bad-parameter", "不合格", "minimum")


def test_a_cross_item_with_bad_points_is_one_problem_naming_it():
    cross = copy.deepcopy(BASE["cross_items"])
    cross[0]["points"] = "两分"
    only(data(cross_items=cross), "bad-parameter", "criticized-by-province", "points")
    s = scheme_from_dict(data())
    assert [(c.points, c.veto) for c in s.cross_items] == [(2, False), (1, False), (0, True)]


def test_a_group_with_a_bad_weight_is_one_problem_naming_it():
    d = data()
    d["groups"][0]["weight"] = "十二"
    found = problems(d)  # read as 0 for the checks that follow: the sums say so
    assert [c for c, _ in found] == ["bad-parameter", "weight-mismatch", "weight-mismatch"], found
    assert "指标组 1" in found[0][1] and "weight" in found[0][1]
    assert "分值为 0，" in found[1][1] and "之和为 88，" in found[2][1]


# --- [progress] ---------------------------------------------------------------------------------------


def test_progress_is_read_from_its_table_with_defaults():
    s = scheme_from_dict(data(progress={"band": 3, "red": 20, "consecutive": 3, "due_day": 10}))
    assert s.progress == ProgressSettings(band=D(3), red=D(20), consecutive=3, due_day=10)
    assert scheme_from_dict(data(progress=None)).progress == ProgressSettings()
    assert scheme_from_dict(data(progress={"red": 40})).progress == ProgressSettings(red=D(40))


def test_progress_band_from_zero_to_below_red():
    assert scheme_from_dict(data(progress={"band": 0})).progress.band == 0
    assert scheme_from_dict(data(progress={"band": D("29.9")})).progress.band == D("29.9")
    for band in (30, 31, -1):
        only(data(progress={"band": band}), "bad-parameter", "band")
    only(data(progress={"band": "五"}), "bad-parameter", "[progress] band 应为数字")
    only(data(progress={"red": "三十"}), "bad-parameter", "[progress] red 应为数字")


@pytest.mark.parametrize(("key", "low", "high"), [("consecutive", 1, 12), ("due_day", 1, 28)])
def test_progress_counts_within_their_range(key, low, high):
    for ok in (low, high):
        assert getattr(scheme_from_dict(data(progress={key: ok})).progress, key) == ok
    for bad in (low - 1, high + 1, True, "3", D(3)):
        only(data(progress={key: bad}), "bad-parameter", key)


def test_progress_unknown_key_is_refused():
    only(data(progress={"bands": 5}), "bad-parameter", "bands")


# --- indicators -----------------------------------------------------------------------------------------


def test_an_indicator_with_a_bad_weight_or_bonus_is_one_problem_naming_it():
    d = data()
    indicator(d, "1.1")["weight"] = "六"
    found = problems(d)  # read as 0 for the checks that follow: group 1's sum says so
    assert [c for c, _ in found] == ["bad-parameter", "weight-mismatch"], found
    assert "指标 1.1" in found[0][1] and "weight" in found[0][1] and "之和为 6；" in found[1][1]
    for field, value, name in (
        ("bonus", {"step": "x", "per_step": D("0.5"), "cap": 1}, "bonus.step"),
        ("bonus", {"step": D("0.1"), "per_step": "x", "cap": 1}, "bonus.per_step"),
        ("bonus", {"step": D("0.1"), "per_step": D("0.5"), "cap": "x"}, "bonus.cap"),
        ("bonus", {"step": D("0.1"), "per_step": D("0.5")}, "bonus.cap"),
        ("lateness", "yes", "lateness"),
    ):
        d = data()
        indicator(d, "1.1")[field] = value
        found = problems(d)
        assert [c for c, _ in found] in (["bad-parameter"], ["missing-parameter"]), (field, value, found)
        assert "指标 1.1" in found[0][1] and name in found[0][1], found


def test_calculator_defaults_and_params_are_read():
    d = data()
    indicator(d, "8.3")["calculator_defaults"] = {"minors_dibao": 2}
    indicator(d, "8.2")["calculator_params"] = {"months": 5}
    s = scheme_from_dict(d)
    assert s.indicator("8.3").calculator_defaults == {"minors_dibao": D(2)}
    assert scheme_from_dict(data()).indicator("8.3").calculator_defaults == {
        "minors_dibao": D(0),
        "adults_dibao": D(0),
    }
    assert s.indicator("8.2").calculator_defaults == {}
    params = s.indicator("8.2").calculator_params
    assert params == CALCULATORS["pension-adjustment"].defaults() | {"months": D(5)}


def test_calculator_params_left_out_are_the_calculators_defaults():
    d = data()
    indicator(d, "8.2").pop("calculator_params", None)
    ind = scheme_from_dict(d).indicator("8.2")
    assert CALCULATORS["pension-adjustment"].defaults()
    assert ind.calculator_params == CALCULATORS["pension-adjustment"].defaults()
    assert scheme_from_dict(d).indicator("1.1").calculator_params == {}


def test_a_calculator_table_that_is_not_a_table_is_one_problem():
    for key in ("calculator_params", "calculator_defaults"):
        d = data()
        indicator(d, "8.2")[key] = 6
        only(d, "bad-parameter", "指标 8.2", key)
        d = data()
        indicator(d, "8.3")[key] = {"minors_dibao": "六"}
        only(d, "bad-parameter", "指标 8.3", f"{key}.minors_dibao")


# --- the checks of the built scheme (scheme_validation) ------------------------------------------------


def test_group_advanced_count_may_be_zero_not_negative():
    assert scheme_from_dict(data(group_advanced_count=0)).group_advanced_count == 0
    only(data(group_advanced_count=-1), "bad-parameter", "group_advanced_count")


def test_group_advanced_and_the_office_grades_are_defined_grades():
    assert scheme_from_dict(data(group_advanced_grade="良好")).group_advanced_grade == "良好"
    only(data(group_advanced_grade="卓越"), "grade-bands", "group_advanced_grade“卓越”")
    only(data(excellent_grade="卓越"), "grade-bands", "excellent_grade“卓越”")
    only(data(veto_grade="很差"), "grade-bands", "veto_grade“很差”")


def test_interim_deductions_may_be_zero_not_negative():
    ok = {"points": D("0.2"), "consecutive": 0, "cap": D("0.5")}
    for rule in (ok, {**ok, "points": 0}, {**ok, "cap": 0}, {"points": D("0.2")}, {**ok, "consecutive": 2}):
        assert scheme_from_dict(data(interim=rule)).interim is not None, rule
    for bad in ({"points": -1}, {"consecutive": -1}, {"cap": -1}):
        only(data(interim={**ok, **bad}), "bad-parameter", "[interim]")


def test_calculator_settings_without_a_calculator_are_refused():
    for key in ("calculator_params", "calculator_defaults"):
        d = data()
        indicator(d, "1.1")[key] = {"months": 6}
        only(d, "bad-parameter", "指标 1.1", key)


def test_an_unknown_calculator_parameter_is_refused():
    d = data()
    indicator(d, "8.2")["calculator_params"] = {"monts": 6}
    only(d, "bad-parameter", "指标 8.2", "calculator_params.monts")


def test_the_two_shares_of_resident_medical_add_up_to_one():
    for fiscal, personal in ((D("0.5"), D("0.6")), (D("0.4"), D("0.5"))):
        d = data()
        indicator(d, "8.3")["calculator_params"].update(fiscal_share=fiscal, personal_share=personal)
        only(d, "bad-parameter", "指标 8.3", "fiscal_share", "personal_share")
    d = data()
    indicator(d, "8.3")["calculator_params"].update(fiscal_share=D("0.5"), personal_share=D("0.5"))
    assert scheme_from_dict(d).indicator("8.3").calculator_params["fiscal_share"] == D("0.5")


# --- [interim] ------------------------------------------------------------------------------------------


def test_interim_fields_and_defaults():
    rule = scheme_from_dict(data(interim={"points": D("0.2")})).interim
    assert (rule.points, rule.consecutive, rule.cap, rule.cadence, rule.name) == (
        D("0.2"),
        0,
        None,
        "month",
        "序时进度通报末位",
    )
    given = {"points": D("0.3"), "consecutive": 2, "cap": 1, "cadence": "quarter", "name": "季度通报末位"}
    rule = scheme_from_dict(data(interim=given)).interim
    assert (rule.points, rule.consecutive, rule.cap, rule.cadence, rule.name) == (
        D("0.3"),
        2,
        1,
        "quarter",
        "季度通报末位",
    )
    assert scheme_from_dict(data(interim={"points": 1, "name": ""})).interim.name == "序时进度通报末位"


def test_interim_problems_name_the_field():
    only(data(interim="yes"), "bad-parameter", "[interim]")
    only(data(interim={"points": 1, "cadence": "week"}), "bad-parameter", "[interim] 的 cadence", "week")
    only(data(interim={}), "missing-parameter", "[interim] 的 points")
    only(data(interim={"points": "一"}), "bad-parameter", "[interim] 的 points")
    only(data(interim={"points": 1, "consecutive": "两"}), "bad-parameter", "[interim] 的 consecutive")
    only(data(interim={"points": 1, "cap": "三"}), "bad-parameter")
