"""Scheme files are checked for everything a person can get wrong (scheme.py's promise), each alone.

Every test starts from a small sound scheme (which must load without a problem) and breaks one
thing; the problem code (and, where it matters, that nothing else is reported) is pinned.
"""

import copy
from decimal import Decimal as D

import pytest

from minsheng import Condition, Rule, SchemeError, load_scheme, parse_scheme
from minsheng.scheme import scheme_from_dict


def sound() -> dict:
    """A sound scheme in its plain-dict (parsed TOML) form: two groups, every kind of rule."""
    return {
        "id": "test",
        "name": "测试方案",
        "total": D(20),
        "bonus_cap": D(3),
        "excellent_quota": D("0.3"),
        "grades": [
            {"name": "优秀", "minimum": D(90)},
            {"name": "良好", "minimum": D(80), "below": D(90)},
            {"name": "合格", "minimum": D(60), "below": D(80)},
            {"name": "不合格", "minimum": D(0), "below": D(60)},
        ],
        "cross_items": [
            {"code": "criticized", "name": "通报批评", "points": D(2)},
            {"code": "falsification", "name": "弄虚作假", "veto": True},
        ],
        "groups": [
            {
                "code": "1",
                "name": "就业",
                "weight": D(12),
                "indicators": [
                    {
                        "code": "1.1",
                        "name": "新增就业",
                        "rule": "ratio",
                        "weight": D(4),
                        "bonus": {"step": D("0.1"), "per_step": D("0.5"), "cap": D(2)},
                        "parts": ["1.1.1"],
                    },
                    {"code": "1.1.1", "name": "其中", "rule": "info", "weight": D(0)},
                    {
                        "code": "1.2",
                        "name": "分档",
                        "rule": "steps",
                        "weight": D(4),
                        "steps": [[D(1), D(1)], [D("0.5"), D(0)]],
                    },
                    {"code": "1.3", "name": "失业率", "rule": "ceiling", "weight": D(4)},
                ],
            },
            {
                "code": "2",
                "name": "保障",
                "weight": D(8),
                "indicators": [
                    {
                        "code": "2.1",
                        "name": "达标",
                        "rule": "binary",
                        "weight": D(4),
                        "condition": "eq",
                        "threshold": D(100),
                    },
                    {"code": "2.2", "name": "逾期", "rule": "deduct", "weight": D(4), "per_unit": D("0.5")},
                    {"code": "2.V", "name": "否决", "rule": "veto", "weight": D(0)},
                    {
                        "code": "2.3",
                        "name": "到位率",
                        "rule": "ratio",
                        "weight": D(0),
                        "calculator": "pension-relief",
                        "calculator_params": {"standard": D(200)},
                    },
                ],
            },
        ],
    }


def problems_of(data: dict) -> list[tuple[str, str]]:
    with pytest.raises(SchemeError) as exc:
        scheme_from_dict(data)
    return [(p.code, p.message) for p in exc.value.problems]


def codes_of(data: dict) -> list[str]:
    return [code for code, _ in problems_of(data)]


def indicator(data: dict, code: str) -> dict:
    return next(i for g in data["groups"] for i in g["indicators"] if i["code"] == code)


def test_the_sound_scheme_loads_with_every_parameter():
    s = scheme_from_dict(sound())
    assert (s.id, s.name, s.total, s.bonus_cap, s.excellent_quota) == ("test", "测试方案", 20, 3, D("0.3"))
    assert (s.excellent_grade, s.veto_grade, s.advanced_count, s.year) == ("优秀", "不合格", 3, None)
    assert [g.code for g in s.groups] == ["1", "2"]
    loan = s.indicator("1.1")
    assert (loan.rule, loan.weight, loan.parts) == (Rule.RATIO, D(4), ("1.1.1",))
    assert (loan.bonus.step, loan.bonus.per_step, loan.bonus.cap) == (D("0.1"), D("0.5"), D(2))
    assert [(st.at, st.fraction) for st in s.indicator("1.2").steps] == [(1, 1), (D("0.5"), 0)]
    agreed = s.indicator("2.1")
    assert (agreed.condition, agreed.threshold) == (Condition.EQ, D(100))
    assert s.indicator("2.2").per_unit == D("0.5")
    assert s.indicator("2.3").calculator == "pension-relief"
    assert s.indicator("2.3").calculator_params["standard"] == D(200)
    assert [(c.code, c.points, c.veto) for c in s.cross_items] == [
        ("criticized", 2, False),
        ("falsification", 0, True),
    ]
    assert [(g.name, g.minimum, g.below) for g in s.grades][:2] == [("优秀", 90, None), ("良好", 80, 90)]


def test_optional_settings_take_their_documented_defaults():
    data = sound()
    for key in ("total", "bonus_cap", "excellent_quota"):
        del data[key]
    data["groups"][0]["weight"] = D(92)
    indicator(data, "1.3")["weight"] = D(84)
    s = scheme_from_dict(data | {"year": 2007, "advanced_count": 2})
    assert (s.total, s.bonus_cap, s.excellent_quota, s.year, s.advanced_count) == (100, 0, None, 2007, 2)


def test_scheme_text_is_parsed_with_decimal_numbers():
    s = parse_scheme(
        'id = "t"\nname = "n"\ntotal = 1\nveto_grade = "合格"\n[[grades]]\nname = "优秀"\nminimum = 60\n'
        '[[grades]]\nname = "合格"\nminimum = 0\nbelow = 60\n'
        '[[groups]]\ncode = "1"\nname = "g"\nweight = 1\n'
        '[[groups.indicators]]\ncode = "1.1"\nname = "i"\nrule = "deduct"\nweight = 1\nper_unit = 0.1\n'
    )
    assert s.indicator("1.1").per_unit == D("0.1") and isinstance(s.indicator("1.1").per_unit, D)


def test_duplicate_group_codes():
    data = sound()
    data["groups"][1]["code"] = "1"
    problems = problems_of(data)
    assert [c for c, _ in problems] == ["duplicate-code"]
    assert "“1”" in problems[0][1]


def test_duplicate_indicator_codes():
    data = sound()
    indicator(data, "1.3")["code"] = "1.2"
    assert codes_of(data) == ["duplicate-code"]


def test_duplicate_cross_item_codes():
    data = sound()
    data["cross_items"][1]["code"] = "criticized"
    assert codes_of(data) == ["duplicate-code"]


def test_negative_indicator_weight():
    """An indicator weight below 0 is refused, even when the sums still add up."""
    data = sound()
    indicator(data, "1.2")["weight"] = D(-1)
    indicator(data, "1.3")["weight"] = D(9)
    assert codes_of(data) == ["bad-parameter"]


def test_info_or_veto_indicator_with_a_weight():
    for code in ("1.1.1", "2.V"):
        data = sound()
        indicator(data, code)["weight"] = D(1)
        indicator(data, "1.3" if code == "1.1.1" else "2.2")["weight"] = D(3)
        assert codes_of(data) == ["bad-parameter"], code


def test_zero_weight_ratio_indicator_is_allowed():
    data = sound()
    assert scheme_from_dict(data).indicator("2.3").weight == 0


@pytest.mark.parametrize("quota", ["0", "-0.1", "1.01"])
def test_excellent_quota_outside_zero_to_one(quota):
    """quota 0 (nobody may be 优秀) is a mistake; the share must be in (0, 1]."""
    data = sound() | {"excellent_quota": D(quota)}
    assert codes_of(data) == ["bad-parameter"]


@pytest.mark.parametrize("quota", ["1", "0.01"])
def test_excellent_quota_within_zero_to_one(quota):
    assert scheme_from_dict(sound() | {"excellent_quota": D(quota)}).excellent_quota == D(quota)


def test_highest_band_with_an_upper_limit():
    """The top grade has no `below`: with bonus points a total may exceed the scheme total."""
    data = sound()
    data["grades"][0]["below"] = D(101)
    assert codes_of(data) == ["grade-bands"]


def test_grade_bands_gap_overlap_and_missing_upper_limit():
    gap = sound()
    gap["grades"][1]["below"] = D(89)
    overlap = sound()
    overlap["grades"][1]["below"] = D(91)
    open_ = sound()
    del open_["grades"][2]["below"]
    assert [codes_of(d) for d in (gap, overlap, open_)] == [["grade-bands"]] * 3
    assert "空档" in problems_of(gap)[0][1] and "重叠" in problems_of(overlap)[0][1]


def test_lowest_band_must_start_at_zero():
    data = sound()
    data["grades"][3]["minimum"] = D(1)
    assert codes_of(data) == ["grade-bands"]
    data["grades"][3]["minimum"] = D(0)
    data["grades"].pop(3)
    data["grades"][2]["minimum"] = D(0)
    data["veto_grade"] = "合格"
    assert scheme_from_dict(data).veto_grade == "合格"


def test_duplicate_grade_names_and_unknown_named_grades():
    data = sound()
    data["grades"][2]["name"] = "良好"
    assert "grade-bands" in codes_of(data)
    assert codes_of(sound() | {"excellent_grade": "甲"}) == ["grade-bands"]
    assert codes_of(sound() | {"veto_grade": "丁"}) == ["grade-bands"]
    assert codes_of(sound() | {"grades": []}) == ["grade-bands"]


def test_duplicate_steps():
    """Steps run from the highest ratio down, each ratio once."""
    data = sound()
    indicator(data, "1.2")["steps"] = [[D(1), D(1)], [D(1), D("0.5")]]
    assert codes_of(data) == ["bad-parameter"]


def test_steps_out_of_order_or_fraction_outside_zero_to_one():
    for steps in ([[D("0.5"), D(0)], [D(1), D(1)]], [[D(1), D("1.1")]], [[D(1), D("-0.1")]]):
        data = sound()
        indicator(data, "1.2")["steps"] = steps
        assert codes_of(data) == ["bad-parameter"], steps
    data = sound()
    indicator(data, "1.2")["steps"] = [[D(1), D(1)], [D("0.5"), D(0)]]
    assert scheme_from_dict(data).indicator("1.2").steps[1].fraction == 0


def test_steps_rule_without_steps_or_with_a_malformed_step():
    data = sound()
    indicator(data, "1.2")["steps"] = []
    assert codes_of(data) == ["missing-parameter"]
    indicator(data, "1.2")["steps"] = [[D(1), D(1)], [D("0.5")]]
    assert codes_of(data) == ["bad-parameter"]


def test_indicator_that_is_its_own_part():
    data = sound()
    indicator(data, "1.1")["parts"] = ["1.1"]
    problems = problems_of(data)
    assert [c for c, _ in problems] == ["unknown-part"]
    assert "自己" in problems[0][1]


def test_part_that_names_no_indicator():
    data = sound()
    indicator(data, "1.1")["parts"] = ["1.1.9"]
    assert codes_of(data) == ["unknown-part"]


def test_negative_bonus_cap():
    assert codes_of(sound() | {"bonus_cap": D(-1)}) == ["bad-parameter"]
    assert scheme_from_dict(sound() | {"bonus_cap": D(0)}).bonus_cap == 0


def test_negative_advanced_count():
    assert codes_of(sound() | {"advanced_count": -1}) == ["bad-parameter"]
    assert scheme_from_dict(sound() | {"advanced_count": 0}).advanced_count == 0


def test_bonus_step_of_zero_is_refused():
    """A bonus `step` of 0 (no step at all) is a mistake in the scheme file: bad-parameter."""
    data = sound()
    indicator(data, "1.1")["bonus"] = {"step": D(0), "per_step": D("0.5"), "cap": D(2)}
    assert codes_of(data) == ["bad-parameter"]


@pytest.mark.parametrize(
    "bonus",
    [
        {"step": D("-0.1"), "per_step": D("0.5"), "cap": D(2)},
        {"step": D("0.1"), "per_step": D(-1), "cap": D(2)},
        {"step": D("0.1"), "per_step": D("0.5"), "cap": D(-1)},
    ],
)
def test_bonus_parameters_must_not_be_negative_and_the_step_positive(bonus):
    data = sound()
    indicator(data, "1.1")["bonus"] = bonus
    assert codes_of(data) == ["bad-parameter"]


def test_bonus_with_zero_points_or_cap_is_allowed():
    data = sound()
    indicator(data, "1.1")["bonus"] = {"step": D("0.1"), "per_step": D(0), "cap": D(0)}
    bonus = scheme_from_dict(data).indicator("1.1").bonus
    assert (bonus.per_step, bonus.cap) == (0, 0)


def test_a_parameter_of_zero_stays_zero():
    """rebudget_policy_spending = 0 switches re-budgeting off (DOMAIN.md section 4, calculator D)."""
    data = sound()
    indicator(data, "2.3")["calculator"] = "fund-budget"
    indicator(data, "2.3")["calculator_params"] = {"rebudget_policy_spending": D(0)}
    assert scheme_from_dict(data).indicator("2.3").calculator_params == {"rebudget_policy_spending": D(0)}


def test_an_unknown_rule_is_checked_as_a_ratio_for_the_rest():
    data = sound()
    indicator(data, "1.1")["rule"] = "ratoi"  # with its bonus: only the rule is wrong
    assert codes_of(data) == ["unknown-rule"]


def test_bonus_only_on_a_ratio_rule():
    data = sound()
    indicator(data, "1.3")["bonus"] = {"step": D("0.1"), "per_step": D("0.5"), "cap": D(2)}
    assert codes_of(data) == ["bad-parameter"]


def test_bonus_written_as_a_number():
    data = sound()
    indicator(data, "1.1")["bonus"] = 2
    assert codes_of(data) == ["bad-parameter"]


def test_binary_needs_a_known_condition():
    data = sound()
    del indicator(data, "2.1")["condition"]
    assert codes_of(data) == ["missing-parameter"]
    indicator(data, "2.1")["condition"] = "gt"
    assert "bad-parameter" in codes_of(data)


@pytest.mark.parametrize("per_unit", [None, D(0), D(-1)])
def test_deduct_needs_a_positive_per_unit(per_unit):
    data = sound()
    indicator(data, "2.2")["per_unit"] = per_unit
    assert codes_of(data) == ["missing-parameter"]


def test_unknown_rule_and_unknown_calculator():
    data = sound()
    indicator(data, "1.3")["rule"] = "ratio2"
    assert codes_of(data) == ["unknown-rule"]
    data = sound()
    indicator(data, "2.3")["calculator"] = "pension"
    assert codes_of(data) == ["unknown-calculator"]


def test_group_and_scheme_weights_must_add_up():
    data = sound()
    indicator(data, "1.3")["weight"] = D(5)
    problems = problems_of(data)
    assert [c for c, _ in problems] == ["weight-mismatch"]
    assert "13" in problems[0][1] and "12" in problems[0][1]
    data = sound()
    data["groups"][1]["weight"] = D(9)
    indicator(data, "2.2")["weight"] = D(5)
    assert codes_of(data) == ["weight-mismatch"]


def test_missing_id_name_or_groups():
    for key in ("id", "name", "groups"):
        data = sound()
        del data[key]
        assert codes_of(data) == ["missing-parameter"], key


def test_missing_and_bad_numbers():
    data = sound()
    del data["groups"][0]["weight"]
    assert "missing-parameter" in codes_of(data)
    data = sound()
    indicator(data, "1.3")["weight"] = "四"
    assert "bad-parameter" in codes_of(data)
    data = sound()
    indicator(data, "1.3")["weight"] = True
    assert "bad-parameter" in codes_of(data)


def test_indicator_without_a_code():
    data = sound()
    del indicator(data, "1.3")["code"]
    assert "missing-parameter" in codes_of(data)


def test_every_problem_is_reported_at_once_and_names_the_file():
    data = copy.deepcopy(sound())
    data["bonus_cap"] = D(-1)
    data["excellent_quota"] = D(0)
    indicator(data, "1.1")["parts"] = ["1.1"]
    with pytest.raises(SchemeError) as exc:
        scheme_from_dict(data, origin="省.toml")
    assert sorted(p.code for p in exc.value.problems) == ["bad-parameter", "bad-parameter", "unknown-part"]
    assert {p.file for p in exc.value.problems} == {"省.toml"}


def test_builtin_scheme_is_sound():
    s = load_scheme("jiangxi-2007")
    assert s.total == 100 and sum(g.weight for g in s.groups) == 100


# --- what a scheme file says is what the scheme holds ------------------------------------------

FULL = """
id = "full"
name = "全参数方案"
year = 2008
total = 20
bonus_cap = 4
excellent_grade = "甲"
excellent_quota = 0.25
veto_grade = "丁"
advanced_count = 2
source = "讲话"
description = "说明"

[[grades]]
name = "甲"
minimum = 15

[[grades]]
name = "丁"
minimum = 0
below = 15

[[cross_items]]
code = "criticized"
name = "通报批评"
points = 1.5

[[cross_items]]
code = "falsification"
name = "弄虚作假"
veto = true

[[groups]]
code = "A"
name = "就业"
weight = 12
description = "组说明"

[[groups.indicators]]
code = "A.1"
name = "新增就业"
unit = "人"
rule = "ratio"
weight = 8
aliases = ["新增就业人数", "城镇新增就业"]
description = "指标说明"
bonus = { step = 0.2, per_step = 0.25, cap = 1 }
parts = ["A.2"]

[[groups.indicators]]
code = "A.2"
name = "其中"
unit = "人"
rule = "info"

[[groups.indicators]]
code = "A.3"
name = "分档"
unit = "%"
rule = "steps"
weight = 4
steps = [[1.0, 1.0], [0.6, 0.5]]

[[groups]]
code = "B"
name = "保障"
weight = 8

[[groups.indicators]]
code = "B.1"
name = "到位率"
unit = "%"
rule = "binary"
weight = 3
condition = "le"
threshold = 2.5

[[groups.indicators]]
code = "B.2"
name = "逾期"
unit = "天"
rule = "deduct"
weight = 5
per_unit = 0.5

[[groups.indicators]]
code = "B.3"
name = "救助"
unit = "%"
rule = "ratio"
calculator = "pension-relief"
calculator_params = { standard = 180, months = 10 }

[[groups.indicators]]
code = "B.V"
name = "否决"
rule = "veto"
"""


def test_every_field_of_a_scheme_file_reaches_the_scheme(tmp_path):
    from minsheng import Bonus, CrossItem, Grade, Indicator, IndicatorGroup, Scheme, Step

    path = tmp_path / "full.toml"
    path.write_text(FULL, encoding="utf-8")
    expected = Scheme(
        id="full",
        name="全参数方案",
        year=2008,
        total=D(20),
        bonus_cap=D(4),
        excellent_grade="甲",
        excellent_quota=D("0.25"),
        veto_grade="丁",
        advanced_count=2,
        source="讲话",
        description="说明",
        grades=(Grade("甲", D(15)), Grade("丁", D(0), D(15))),
        cross_items=(
            CrossItem("criticized", "通报批评", D("1.5"), False),
            CrossItem("falsification", "弄虚作假", D(0), True),
        ),
        groups=(
            IndicatorGroup(
                "A",
                "就业",
                D(12),
                (
                    Indicator(
                        "A.1",
                        "新增就业",
                        "人",
                        Rule.RATIO,
                        D(8),
                        description="指标说明",
                        aliases=("新增就业人数", "城镇新增就业"),
                        bonus=Bonus(D("0.2"), D("0.25"), D(1)),
                        parts=("A.2",),
                    ),
                    Indicator("A.2", "其中", "人", Rule.INFO, D(0)),
                    Indicator(
                        "A.3",
                        "分档",
                        "%",
                        Rule.STEPS,
                        D(4),
                        steps=(Step(D(1), D(1)), Step(D("0.6"), D("0.5"))),
                    ),
                ),
                description="组说明",
            ),
            IndicatorGroup(
                "B",
                "保障",
                D(8),
                (
                    Indicator(
                        "B.1", "到位率", "%", Rule.BINARY, D(3), condition=Condition.LE, threshold=D("2.5")
                    ),
                    Indicator("B.2", "逾期", "天", Rule.DEDUCT, D(5), per_unit=D("0.5")),
                    Indicator(
                        "B.3",
                        "救助",
                        "%",
                        Rule.RATIO,
                        D(0),
                        calculator="pension-relief",
                        calculator_params={"standard": D(180), "months": D(10)},
                    ),
                    Indicator("B.V", "否决", "", Rule.VETO, D(0)),
                ),
            ),
        ),
    )
    assert load_scheme(path) == expected
    assert load_scheme(str(path)) == expected
    assert parse_scheme(FULL) == expected


def test_a_minimal_scheme_file_takes_the_documented_defaults():
    from minsheng import Scheme

    data = {
        "id": "m",
        "name": "最简",
        "grades": [{"name": "优秀", "minimum": 60}, {"name": "不合格", "minimum": 0, "below": 60}],
        "groups": [{"weight": 100, "indicators": [{"code": "1.1", "rule": "ratio", "weight": 100}]}],
    }
    s = scheme_from_dict(data)
    assert (s.year, s.total, s.bonus_cap, s.excellent_grade, s.excellent_quota, s.veto_grade) == (
        None,
        D(100),
        D(0),
        "优秀",
        None,
        "不合格",
    )
    assert (s.advanced_count, s.cross_items, s.description, s.source) == (3, (), "", "")
    (group,) = s.groups
    assert (group.code, group.name, group.description) == ("1", "", "")  # a group's code: its place
    (i,) = group.indicators
    assert (i.name, i.unit, i.description, i.aliases, i.bonus, i.steps, i.parts) == (
        "",
        "",
        "",
        (),
        None,
        (),
        (),
    )
    assert (i.condition, i.threshold, i.per_unit, i.calculator, i.calculator_params) == (
        None,
        None,
        None,
        None,
        {},
    )
    assert isinstance(s, Scheme)


def test_defaults_of_unnamed_items_are_empty_text():
    data = sound()
    data["cross_items"].append({"code": "x", "points": D(1)})
    data["cross_items"].append({"name": "无编号", "points": D(1)})
    data["grades"][3].pop("name")
    data["veto_grade"] = ""
    s = scheme_from_dict(data)
    assert s.cross_item("x") == __import__("minsheng").CrossItem("x", "", D(1), False)
    assert [g.name for g in s.grades] == ["优秀", "良好", "合格", ""]
    assert s.cross_items[-1].code == ""


def test_a_group_of_weight_zero_is_sound():
    data = sound()
    data["groups"].append(
        {
            "code": "3",
            "name": "否决",
            "weight": D(0),
            "indicators": [{"code": "3.V", "name": "否决2", "rule": "veto"}],
        }
    )
    assert scheme_from_dict(data).groups[2].weight == 0


def test_numbers_are_read_as_decimals_exactly():
    """Arithmetic is decimal, never binary floating point: a long number in the file is kept whole."""
    s = parse_scheme(
        'id = "t"\nname = "n"\ntotal = 1\nveto_grade = "合格"\n[[grades]]\nname = "优秀"\nminimum = 60\n'
        '[[grades]]\nname = "合格"\nminimum = 0\nbelow = 60\n'
        '[[groups]]\ncode = "1"\nname = "g"\nweight = 1\n'
        '[[groups.indicators]]\ncode = "1.1"\nname = "i"\nrule = "deduct"\nweight = 1\n'
        "per_unit = 0.12345678901234567891\n"
    )
    assert s.indicator("1.1").per_unit == D("0.12345678901234567891")


def test_every_malformed_step_is_reported():
    data = sound()
    indicator(data, "1.2")["steps"] = [[D(1)], [D(1), D(1)], [D("0.5")]]
    assert codes_of(data) == ["bad-parameter", "bad-parameter"]


def test_a_step_without_a_number_is_a_problem_not_a_crash():
    data = sound()
    indicator(data, "1.2")["steps"] = [[D(1), None], [D("0.5"), D(0)]]
    assert codes_of(data) == ["missing-parameter"]


def test_a_total_of_zero_is_a_problem_not_a_crash():
    with pytest.raises(SchemeError):
        scheme_from_dict(sound() | {"total": D(0)})


def test_validate_scheme_refuses_a_bonus_step_of_zero_built_in_code():
    import attrs

    from minsheng import Bonus, validate_scheme

    s = scheme_from_dict(sound())
    loan = attrs.evolve(s.indicator("1.1"), bonus=Bonus(D(0), D("0.5"), D(2)))
    group = attrs.evolve(s.groups[0], indicators=(loan, *s.groups[0].indicators[1:]))
    broken = attrs.evolve(s, groups=(group, s.groups[1]))
    assert [(p.code, p.file) for p in validate_scheme(broken, "x.toml")] == [("bad-parameter", "x.toml")]
    assert [p.file for p in validate_scheme(broken)] == ["<scheme>"]
    assert validate_scheme(s) == []


def test_problems_name_the_file_they_came_from_by_default_scheme():
    data = sound()
    del data["id"]
    data["grades"][0]["below"] = D(101)
    with pytest.raises(SchemeError) as exc:
        scheme_from_dict(data)
    assert [(p.code, p.file) for p in exc.value.problems] == [("missing-parameter", "<scheme>")]
    with pytest.raises(SchemeError) as exc:
        scheme_from_dict(sound() | {"grades": [*sound()["grades"][:1], {"name": "x", "minimum": D(0)}]})
    assert {p.file for p in exc.value.problems} == {"<scheme>"}
    with pytest.raises(SchemeError) as exc:
        parse_scheme("id = ")
    assert [(p.code, p.file) for p in exc.value.problems] == [("scheme-syntax", "<scheme>")]


def test_scheme_error_text_lists_every_problem_with_its_code():
    data = sound()
    data["bonus_cap"] = D(-1)
    data["groups"][1]["code"] = "1"
    with pytest.raises(SchemeError) as exc:
        scheme_from_dict(data)
    lines = str(exc.value).split("\n")
    assert [line.split("]")[0] for line in lines] == ["[duplicate-code", "[bad-parameter"]


def test_scheme_files_that_cannot_be_read(tmp_path):
    from minsheng import builtin_scheme_text

    missing = tmp_path / "无.toml"
    with pytest.raises(SchemeError) as exc:
        load_scheme(missing)
    assert [(p.code, p.file) for p in exc.value.problems] == [("scheme-not-found", str(missing))]
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes('id = "江西"'.encode("gbk"))
    with pytest.raises(SchemeError) as exc:
        load_scheme(gbk)
    assert [(p.code, p.file) for p in exc.value.problems] == [("scheme-unreadable", str(gbk))]
    with pytest.raises(SchemeError) as exc:
        load_scheme(tmp_path)  # a folder
    assert [p.code for p in exc.value.problems] == ["scheme-unreadable"]
    broken = tmp_path / "坏.toml"
    broken.write_text('id = "t"\n', encoding="utf-8")
    with pytest.raises(SchemeError) as exc:
        load_scheme(broken)
    assert {p.file for p in exc.value.problems} == {str(broken)}
    with pytest.raises(SchemeError) as exc:
        builtin_scheme_text("hunan-2007")
    assert [p.code for p in exc.value.problems] == ["unknown-scheme"]
    assert builtin_scheme_text().startswith("# 江西省")
