"""The year end looks back (#13 item 6): 同比, 单项先进 and 平时考核计入年终, by hand-computed cases."""

import json
from decimal import Decimal as D

import attrs
import pytest
from builders import full_allocation, make_submission, make_targets
from openpyxl import load_workbook

from minsheng import InputError, load_scheme, score, to_json
from minsheng.lookback import (
    Lookback,
    PastCounty,
    PastResult,
    eligible_grades,
    group_completion,
    group_leaders,
    group_score,
    interim_deductions,
    look_back,
    lookback_data,
)
from minsheng.model import InterimRule
from minsheng.workbooks.assessment import write_assessment
from minsheng.workbooks.county_sheets import write_county_sheets

ZEROS = dict.fromkeys(("3.1", "3.2", "7.1", "7.2", "7.3"), "0")  # −30: 70, 合格


@pytest.fixture(scope="module")
def province(scheme):
    """Six counties whose group scores are worked out by hand below."""
    t = make_targets(["1", "2", "3", "4", "5", "6"], scheme)
    alloc = full_allocation(scheme)
    subs = [
        make_submission(scheme, "1", alloc, **{"1.3": "50"}),  # g1 11, total 99, 优秀
        make_submission(scheme, "2", alloc, **{"1.3": "50"}),  # g1 11, total 99, 优秀
        make_submission(scheme, "3", alloc, **{"7.V": "1"}),  # perfect but vetoed: never 单项先进
        # g1 12, but 不合格: 3.x, 7.1–7.5, 4.1, 5.1, 5.2 at 0 → 100 − 43 = 57
        make_submission(
            scheme,
            "4",
            alloc,
            **{c: "0" for c in ("3.1", "3.2", "7.1", "7.2", "7.3", "7.5", "4.1", "5.1", "5.2")},
        ),
        make_submission(scheme, "5", alloc, **{"1.1": "50"}),  # g1 9, total 97, 良好 (the 30% quota)
        make_submission(scheme, "6", alloc, **ZEROS),  # g1 12, total 70, 合格; g3 0, g7 4
    ]
    return t, score(scheme, t, subs)


def test_the_hand_computed_province_is_as_described(province):
    _, a = province
    totals = {r.county.code: (r.total, r.grade) for r in a.counties}
    assert totals == {
        "1": (D(99), "优秀"),
        "2": (D(99), "优秀"),
        "3": (D(100), "不合格"),
        "4": (D(57), "不合格"),
        "5": (D(97), "良好"),  # 优秀 at most 30%: the two tied at 99 keep it
        "6": (D(70), "合格"),
    }


def test_group_leaders_exclude_vetoed_and_failing_counties_and_ties_share(scheme, province):
    _, a = province
    leaders = {
        g.code: [(x.county.code, x.score, x.rank) for x in g.leaders] for g in group_leaders(scheme, a)
    }
    # 扩大就业: 3 (vetoed, 12) and 4 (不合格, 12) are left out; 6 is 合格 and the best
    assert leaders["1"] == [("6", D(12), 1)]
    # 培训就业: 1, 2 and 5 share the top (14); 4 and 6 scored 0
    assert leaders["3"] == [("1", D(14), 1), ("2", D(14), 1), ("5", D(14), 1)]
    # 扩面征缴: 6 has 4 of 20
    assert [c for c, _, _ in leaders["7"]] == ["1", "2", "5"]
    assert all("3" not in [c for c, _, _ in v] and "4" not in [c for c, _, _ in v] for v in leaders.values())


def test_group_leaders_count_is_a_scheme_setting_with_competition_ranks(scheme, province):
    _, a = province
    two = attrs.evolve(scheme, group_advanced_count=2)
    g1 = group_leaders(two, a)[0]
    # 6 first (12), 1 and 2 share second (11); 5 (9) is fourth, beyond the two places
    assert [(x.county.code, x.rank) for x in g1.leaders] == [("6", 1), ("1", 2), ("2", 2)]
    none = attrs.evolve(scheme, group_advanced_count=0)
    assert all(not g.leaders for g in group_leaders(none, a))


def test_equal_group_scores_are_separated_by_the_groups_completion(scheme):
    """Ratios stop at full marks, so most counties share the top group score: the group's
    completion (ratios weighted by weight) puts the county that did more ahead; counties equal
    on both still share the place."""
    t = make_targets(["x", "y", "z"], scheme)
    alloc = full_allocation(scheme)
    subs = [
        make_submission(scheme, "x", alloc),
        make_submission(scheme, "y", alloc, **{"1.1": "130"}),  # 130% of 1.1's target
        make_submission(scheme, "z", alloc),
    ]
    a = score(scheme, t, subs)
    g1 = group_leaders(scheme, a)[0]
    assert [(x.county.code, x.rank) for x in g1.leaders] == [("y", 1)]
    y = g1.leaders[0]
    assert y.score == group_score(a.result("x"), "1", D(12)) == D(12)  # the same score as x and z
    assert y.completion is not None and y.completion > group_completion(a.result("x"), "1") == D(1)
    two = group_leaders(attrs.evolve(scheme, group_advanced_count=2), a)[0]
    assert [(x.county.code, x.rank) for x in two.leaders] == [("y", 1), ("x", 2), ("z", 2)]


def test_eligible_grades_default_to_pass_or_better(scheme):
    assert eligible_grades(scheme) == {"优秀", "良好", "合格"}
    assert eligible_grades(attrs.evolve(scheme, group_advanced_grade="良好")) == {"优秀", "良好"}


def test_a_group_with_indicators_not_assessed_is_rescaled(scheme):
    t = make_targets(["7"], scheme)
    alloc = dict(t.allocations["7"])
    alloc["7.3"] = None  # 不考核: group 7 counts 15 of 20
    t = attrs.evolve(t, allocations={"7": alloc})
    r = score(scheme, t, [make_submission(scheme, "7", full_allocation(scheme), **{"7.1": "50"})]).result("7")
    g7 = next(g for g in r.groups if g.code == "7")
    assert (g7.score, g7.applicable_weight) == (D(12), D(15))  # 7.1 3 of 6
    assert group_score(r, "7", D(20)) == D(16)  # 12 × 20 / 15


# --------------------------------------------------------------------------------------------
# 同比 and the history folder


def last_year(scheme, ranks_of: dict[str, str]):
    """A 2006 assessment of the same counties: each county's 1.1 as given (of 100)."""
    t = attrs.evolve(make_targets(list(ranks_of), scheme), year=2006)
    subs = [
        attrs.evolve(make_submission(scheme, c, full_allocation(scheme), **{"1.1": v}), year=2006)
        for c, v in ranks_of.items()
    ]
    return score(scheme, t, subs)


def write(folder, name, data):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_comparison_with_last_years_result(scheme, province, tmp_path):
    t, a = province
    # 2006: 5 first (100), 1 second (97), 6 third (94), 2 fourth (91); 3 and 4 did not take part
    before = last_year(scheme, {"5": "100", "1": "50", "6": "0"})
    before = attrs.evolve(before)
    extra = last_year(scheme, {"2": "0"})  # 94 alone: placed after 6 by hand below
    data = json.loads(to_json(before))
    two = json.loads(to_json(extra))["counties"][0]
    two["total"], two["rank"] = "91.00", 4
    data["counties"].append(two)
    history = tmp_path / "历年"
    write(history, "2006年度考核结果.json", data)
    _, back = look_back(scheme, t, a, history)
    rows = {
        c.county.code: (c.previous_total, c.previous_rank, c.rank, c.rank_change, c.change_text)
        for c in back.comparisons
    }
    # 2007 ranks: 1 and 2 first (99), 5 third (97), 6 fourth (70), 4 fifth (57), 3 vetoed sixth
    assert rows["1"] == (D(97), 2, 1, 1, "上升1位")
    assert rows["2"] == (D(91), 4, 1, 3, "上升3位")
    assert rows["5"] == (D(100), 1, 3, -2, "下降2位")
    assert rows["6"] == (D(94), 3, 4, -1, "下降1位")
    assert rows["3"] == (None, None, 6, None, "—") and rows["4"][:2] == (None, None)
    assert back.comparison("1").total_change == D(2)
    assert back.previous_file == "历年/2006年度考核结果.json"
    assert [p.code for p in back.problems] == []


def test_other_schemes_unreadable_files_and_other_years_are_reported_never_mixed_in(
    scheme, province, tmp_path
):
    t, a = province
    history = tmp_path / "历年"
    good = json.loads(to_json(last_year(scheme, {"1": "100"})))
    write(history, "a-2006.json", good)
    write(history, "b-2006-again.json", {**good, "counties": []})  # a second 2006 result: duplicate
    write(history, "c-other-scheme.json", {**good, "scheme_id": "anhui-2007"})
    write(history, "d-2005.json", {**good, "year": 2005})
    write(history, "e-broken.json", "{not json")
    write(
        history,
        "f-bad-total.json",
        {**good, "counties": [{"county": {"code": "1"}, "total": 5.5, "rank": 1}]},
    )
    write(
        history,
        "g-progress.json",
        {"kind": "progress", "scheme_id": scheme.id, "year": 2007, "period": "2007-06", "counties": []},
    )
    write(history, "h-unknown-kind.json", {**good, "kind": "budget"})
    write(history, "i.xlsx", "not a result")
    a2, back = look_back(scheme, t, a, history)
    found = {(p.file.split("/")[-1], p.code) for p in back.problems}
    assert found == {
        ("b-2006-again.json", "history-duplicate"),
        ("c-other-scheme.json", "history-skipped"),
        ("d-2005.json", "history-unused"),
        ("e-broken.json", "history-skipped"),  # 不是有效的 JSON
        ("f-bad-total.json", "history-skipped"),
        ("g-progress.json", "history-unused"),  # jiangxi-2007 has no [interim] rule
        ("h-unknown-kind.json", "history-skipped"),
        ("i.xlsx", "history-skipped"),
    }
    xlsx = next(p for p in back.problems if p.file.endswith("i.xlsx"))
    assert xlsx.severity.value == "info"  # a workbook kept beside the results is no mistake
    assert back.previous_file == "历年/a-2006.json"
    assert back.comparison("1").previous_rank == 1
    assert set(back.problems) <= set(a2.problems) and a2.counties == a.counties
    broken = next(p for p in back.problems if p.file.endswith("e-broken.json"))
    assert "不是有效的 JSON（第 1 行第 2 列出错）" in broken.message
    other = next(p for p in back.problems if p.code == "history-skipped" and "other" in p.file)
    assert "anhui-2007" in other.message and "jiangxi-2007" in other.message


def test_no_previous_year_is_said_and_a_missing_folder_is_an_input_error(scheme, province, tmp_path):
    t, a = province
    (tmp_path / "空").mkdir()
    _, back = look_back(scheme, t, a, tmp_path / "空")
    assert [p.code for p in back.problems] == ["history-no-previous"]
    assert all(c.previous_rank is None for c in back.comparisons)
    with pytest.raises(InputError) as exc:
        look_back(scheme, t, a, tmp_path / "没有")
    assert exc.value.code == "history-not-found"


# --------------------------------------------------------------------------------------------
# 平时考核计入年终


def progress(period, ranks: dict[str, int | None], scheme_id="jiangxi-2007-interim"):
    """A progress result as ``minsheng progress --json`` writes it (the contract's keys)."""
    year = int(period[:4])
    return {
        "kind": "progress",
        "scheme_id": scheme_id,
        "year": year,
        "period": period,
        "counties": [
            {
                "county": {"code": c, "name": f"{c}县", "city_code": "3601", "city_name": "南昌市"},
                "rank": r,
                "score": "50.00",
                "behind": [],
            }
            for c, r in ranks.items()
        ],
    }


RULE = InterimRule(points=D("0.2"), consecutive=D("0.1"), cap=D("0.6"))


def past(period, ranks):
    return PastResult(
        "x", "progress", "s", 2007, period, tuple(PastCounty(c, c, None, r) for c, r in ranks.items())
    )


def test_interim_deductions_by_hand(scheme):
    t = make_targets(["1", "2", "3", "5"], scheme)
    reports = [
        past("2007-01", {"1": 1, "2": 2, "3": 3}),  # 3 last
        past("2007-02", {"1": 1, "2": 2, "3": 2}),  # 2 and 3 share last place
        past("2007-03", {"1": 1, "2": 2, "3": 3}),  # 3 last (third in a row)
        past("2007-05", {"1": 1, "2": 3, "3": 2, "5": None}),  # 2 last; no 2007-04: not in a row
        past("2007-06", {"1": 1, "2": 1, "3": 1}),  # all tied: nobody is last
    ]
    got = {d.county.code: (d.periods, d.points) for d in interim_deductions(RULE, t, reports)}
    # 3: 0.2 + 0.3 + 0.4 = 0.9, capped at 0.6; 2: 0.2 (Feb) + 0.2 (May, not after a last April)
    assert got == {
        "3": (("2007-01", "2007-02", "2007-03"), D("0.60")),
        "2": (("2007-02", "2007-05"), D("0.40")),
    }
    uncapped = attrs.evolve(RULE, cap=None)
    assert {d.county.code: d.points for d in interim_deductions(uncapped, t, reports)}["3"] == D("0.90")


def test_interim_rule_takes_points_off_and_ranks_again(scheme, tmp_path):
    interim = attrs.evolve(scheme, id="jiangxi-2007-interim", interim=RULE)
    t = make_targets(["1", "2", "3"], interim)
    alloc = full_allocation(interim)
    subs = [
        make_submission(interim, "1", alloc),  # 100
        make_submission(interim, "2", alloc, **{"1.3": "90"}),  # 99.8
        make_submission(interim, "3", alloc, **{"1.3": "80"}),  # 99.6
    ]
    a = score(interim, t, subs)
    history = tmp_path / "通报"
    write(history, "01.json", progress("2007-01", {"1": 3, "2": 1, "3": 2}))
    write(history, "02.json", progress("2007-02", {"1": 3, "2": 1, "3": 2}))
    write(history, "q1.json", progress("2007Q1", {"1": 1, "2": 2, "3": 3}))  # a quarterly report: not counted
    write(history, "old.json", progress("2006-12", {"1": 3, "2": 1, "3": 2}))  # last year's
    a2, back = look_back(interim, t, a, history)
    one = a2.result("1")
    # 1 was last in January and February: 0.2 + 0.3 = 0.5 off 100
    assert one.total == D("99.50") and one.deductions[-1].name == "序时进度通报末位"
    assert (one.deductions[-1].count, one.deductions[-1].points) == (2, D("0.50"))
    assert [(r.county.code, r.rank) for r in a2.counties] == [("2", 1), ("3", 2), ("1", 3)]
    assert a2.result("2").total == D("99.80") and a2.result("1").last
    assert back.interim_periods == ("2007-01", "2007-02")
    assert {(p.file.split("/")[-1], p.code) for p in back.problems} == {
        ("q1.json", "history-unused"),
        ("old.json", "history-unused"),
        ("通报", "history-no-previous"),
    }
    data = lookback_data(back)
    assert data["interim"]["counties"] == [
        {
            "county": {"code": "1", "name": "1县", "city_code": "3601", "city_name": "南昌市"},
            "periods": ["2007-01", "2007-02"],
            "points": "0.50",
        }
    ]
    # without the rule the same history changes nothing
    same, _ = look_back(scheme, t, score(scheme, t, subs), history)
    assert same.result("1").total == D(100)


def test_the_interim_scheme_file_parses_and_validates():
    from minsheng.scheme import SchemeError, scheme_from_dict

    s = load_scheme("examples/jiangxi-2007-平时考核.toml")
    assert s.interim == InterimRule(points=D("0.2"), consecutive=D("0.1"), cap=D(1), cadence="month")
    assert s.group_advanced_count == 1 and s.id == "jiangxi-2007-interim"
    builtin = load_scheme("jiangxi-2007")
    assert attrs.evolve(s, id=builtin.id, name=builtin.name, interim=None) == builtin
    import tomllib

    with open("examples/jiangxi-2007-平时考核.toml", "rb") as f:
        data = tomllib.load(f)
    for bad in ({"points": -1}, {"points": 0.2, "cadence": "week"}, "yes"):
        with pytest.raises(SchemeError) as exc:
            scheme_from_dict({**data, "interim": bad})
        assert {p.code for p in exc.value.problems} == {"bad-parameter"}
    with pytest.raises(SchemeError):
        scheme_from_dict({**data, "group_advanced_grade": "甲等"})


# --------------------------------------------------------------------------------------------
# The workbook


def test_the_workbook_shows_comparison_leaders_and_interim(scheme, province, tmp_path):
    t, a = province
    history = tmp_path / "历年"
    write(history, "2006.json", to_json(last_year(scheme, {"5": "100", "1": "50", "6": "0"})))
    a2, back = look_back(scheme, t, a, history)
    out = write_assessment(a2, scheme, tmp_path / "考核结果.xlsx", lookback=back)
    wb = load_workbook(out)
    assert wb.sheetnames.index("单项先进") == wb.sheetnames.index("设区市汇总") + 1
    ws = wb["综合排名"]
    header = [c.value for c in ws[4]]
    assert header[7:11] == ["总分", "上年总分", "上年排名", "升降"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=5, max_row=10, values_only=True)}
    assert rows["1"][7:11] == (99, 97, 2, "上升1位")
    assert rows["5"][7:11] == (97, 100, 1, "下降2位")
    assert rows["3"][8:11] == (None, None, "—")
    assert ws.print_area == "'综合排名'!$A$1:$O$12"
    sheet = wb["单项先进"]
    groups = {r[1]: r for r in sheet.iter_rows(min_row=4, max_row=12, values_only=True)}
    assert groups["1 扩大就业"][2:] == (12, 12, 1, "6县（完成率 100.00%）")
    assert groups["3 培训就业"][2:] == (14, 14, 3, "1县、2县、5县（完成率 100.00%）")
    assert "未设平时考核" in sheet.cell(14, 1).value and sheet.cell(16, 2).value == "（无）"
    assert "2006 年度" in sheet.cell(18, 1).value
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9

    written = write_county_sheets(a2, scheme, tmp_path / "评分表", lookback=back)
    one = load_workbook(next(p for p in written if p.name.startswith("1-"))).active
    lines = {r[0]: r for r in one.iter_rows(values_only=True) if r[0] in ("上年总分", "单项先进")}
    assert lines["上年总分"][4] == 97 and lines["上年总分"][5] == "2006 年度排名 第 2 名；本年较上年上升1位"
    assert (
        lines["单项先进"][5]
        == "稳定就业、培训就业、安置就业、激励就业、保障就业、扩面征缴、提高保障能力、强化政府责任"
    )


def test_without_a_look_back_the_workbook_has_no_leaders_sheet(scheme, province, tmp_path):
    _, a = province
    wb = load_workbook(write_assessment(a, scheme, tmp_path / "a.xlsx"))
    assert "单项先进" not in wb.sheetnames
    assert [c.value for c in wb["综合排名"][4]][7:9] == ["总分", "等次"]


def test_lookback_data_round_trips_through_json(scheme, province, tmp_path):
    t, a = province
    (tmp_path / "h").mkdir()
    _, back = look_back(scheme, t, a, tmp_path / "h")
    assert isinstance(back, Lookback)
    data = json.loads(json.dumps(lookback_data(back)))
    assert data["previous_file"] is None and data["interim"] is None
    assert [g["group"] for g in data["group_leaders"]] == [g.code for g in scheme.groups]


def test_quarterly_reports_count_in_a_row_by_quarter(scheme):
    t = make_targets(["1", "2"], scheme)
    quarterly = attrs.evolve(RULE, cadence="quarter", cap=None)
    reports = [
        past("2007Q1", {"1": 2, "2": 1}),
        past("2007Q2", {"1": 2, "2": 1}),
        past("2007Q4", {"1": 2, "2": 1}),
    ]
    got = {d.county.code: (d.periods, d.points) for d in interim_deductions(quarterly, t, reports)}
    # Q1 0.2, Q2 0.3 (in a row), Q4 0.2 (no Q3 report between): 0.7
    assert got == {"1": (("2007Q1", "2007Q2", "2007Q4"), D("0.70"))}


def test_two_reports_of_one_period_use_the_first_and_say_so(scheme, tmp_path):
    interim = attrs.evolve(scheme, id="jiangxi-2007-interim", interim=RULE)
    t = make_targets(["1", "2"], interim)
    a = score(interim, t, [make_submission(interim, c, full_allocation(interim)) for c in ("1", "2")])
    history = tmp_path / "通报"
    write(history, "a.json", progress("2007-03", {"1": 2, "2": 1}))
    write(history, "b.json", progress("2007-03", {"1": 1, "2": 2}))  # the same period again
    a2, back = look_back(interim, t, a, history)
    assert [(p.code, p.file) for p in back.problems if p.code == "history-duplicate"] == [
        ("history-duplicate", "通报/b.json")
    ]
    assert {d.county.code: d.points for d in back.interim} == {"1": D("0.20")}
    assert a2.result("1").total == D("99.80") and a2.result("2").total == D(100)
    assert [f.use for f in back.files] == ["平时考核", ""]


def test_grades_for_leaders_when_the_scheme_has_no_pass_grade(scheme):
    from minsheng import Grade

    bands = (Grade("甲", D(85)), Grade("乙", D(70), D(85)), Grade("丙", D(0), D(70)))
    other = attrs.evolve(scheme, grades=bands, excellent_grade="甲", veto_grade="丙")
    assert eligible_grades(other) == {"甲", "乙"}  # every grade but the lowest
    assert eligible_grades(attrs.evolve(other, group_advanced_grade="甲")) == {"甲"}


def test_a_renamed_scheme_compares_with_its_earlier_id(scheme, province, tmp_path):
    t, a = province
    history = tmp_path / "历年"
    write(history, "2006.json", to_json(last_year(scheme, {"1": "100"})))  # scheme jiangxi-2007
    renamed = attrs.evolve(scheme, id="jiangxi-2008")
    _, back = look_back(renamed, t, a, history)
    assert back.previous_file is None and {p.code for p in back.problems} == {
        "history-skipped",
        "history-no-previous",
    }
    _, back = look_back(attrs.evolve(renamed, earlier_ids=("jiangxi-2007",)), t, a, history)
    assert back.previous_file == "历年/2006.json" and back.comparison("1").previous_rank == 1
    from minsheng.scheme import SchemeError, parse_scheme

    text = open("examples/jiangxi-2007-平时考核.toml", encoding="utf-8").read()
    assert parse_scheme('earlier_ids = ["jiangxi-2006"]\n' + text).earlier_ids == ("jiangxi-2006",)
    with pytest.raises(SchemeError):
        parse_scheme('earlier_ids = "jiangxi-2006"\n' + text)
