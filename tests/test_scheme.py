"""The built-in scheme and the checks that catch a province's editing mistakes."""

from decimal import Decimal as D

import pytest

from minsheng import Rule, SchemeError, builtin_scheme_text, load_scheme, parse_scheme


def test_builtin_scheme_has_the_nine_groups(scheme):
    assert [g.name for g in scheme.groups] == [
        "扩大就业",
        "稳定就业",
        "培训就业",
        "安置就业",
        "激励就业",
        "保障就业",
        "扩面征缴",
        "提高保障能力",
        "强化政府责任",
    ]
    assert [g.weight for g in scheme.groups] == [D(w) for w in (12, 8, 14, 10, 10, 6, 20, 12, 8)]
    assert sum(i.weight for i in scheme.indicators) == D(100)
    loan = scheme.indicator("5.1")
    assert loan.bonus is not None and (loan.bonus.step, loan.bonus.per_step, loan.bonus.cap) == (
        D("0.1"),
        D("0.5"),
        D(2),
    )
    assert scheme.indicator("3.2").parts == ("3.2.1", "3.2.2", "3.2.3")
    assert scheme.indicator("7.V").rule is Rule.VETO
    assert "10亿元" in loan.description  # the speech's words are kept


def test_loading_a_file(tmp_path):
    path = tmp_path / "my.toml"
    path.write_text(
        builtin_scheme_text().replace('name = "扩大就业"', 'name = "扩大就业（本省）"'), encoding="utf-8"
    )
    assert load_scheme(path).groups[0].name == "扩大就业（本省）"


def problems_of(text):
    with pytest.raises(SchemeError) as exc:
        parse_scheme(text, origin="bad.toml")
    return exc.value.problems


def edit(old, new, count=1):
    text = builtin_scheme_text()
    assert old in text
    return text.replace(old, new, count)


def test_group_weight_mismatch():
    problems = problems_of(
        edit(
            'code = "1.1"\nname = "城镇新增就业人数"\nunit = "人"\nrule = "ratio"\nweight = 6',
            'code = "1.1"\nname = "城镇新增就业人数"\nunit = "人"\nrule = "ratio"\nweight = 7',
        )
    )
    codes = [p.code for p in problems]
    assert codes == ["weight-mismatch", "weight-mismatch"] or codes == ["weight-mismatch"]
    assert "指标组 1" in problems[0].message and problems[0].file == "bad.toml"


def test_total_weight_mismatch():
    problems = problems_of(edit("total = 100", "total = 120"))
    assert [p.code for p in problems] == ["weight-mismatch"]
    assert "120" in problems[0].message


def test_duplicate_codes():
    problems = problems_of(edit('code = "1.2"', 'code = "1.1"'))
    assert "duplicate-code" in [p.code for p in problems]


def test_unknown_rule():
    problems = problems_of(edit('rule = "ceiling"', 'rule = "ceilling"'))
    assert [p.code for p in problems] == ["unknown-rule"]
    assert "ceilling" in problems[0].message


def test_missing_parameters():
    problems = problems_of(edit("per_unit = 1\n", ""))
    assert [p.code for p in problems] == ["missing-parameter"]
    problems = problems_of(edit('condition = "le"\n', ""))
    assert [p.code for p in problems] == ["missing-parameter"]
    problems = problems_of(edit('rule = "ratio"\nweight = 6', 'rule = "steps"\nweight = 6'))
    assert [p.code for p in problems] == ["missing-parameter"]


def test_grade_band_gap_and_overlap():
    assert [p.code for p in problems_of(edit("below = 90", "below = 85"))] == ["grade-bands"]
    assert [p.code for p in problems_of(edit("below = 90", "below = 95"))] == ["grade-bands"]
    gap = problems_of(edit("below = 90", "below = 85"))[0].message
    assert "空档" in gap
    assert "重叠" in problems_of(edit("below = 90", "below = 95"))[0].message
    assert [p.code for p in problems_of(edit("minimum = 0\n", "minimum = 10\n"))] == ["grade-bands"]


def test_unknown_part():
    problems = problems_of(edit('parts = ["3.2.1", "3.2.2", "3.2.3"]', 'parts = ["3.2.1", "3.2.9", "3.2.3"]'))
    assert [p.code for p in problems] == ["unknown-part"]
    assert "3.2.9" in problems[0].message


def test_all_problems_reported_at_once():
    text = edit('rule = "ceiling"', 'rule = "nope"').replace("total = 100", "total = 99")
    assert sorted(p.code for p in problems_of(text)) == ["unknown-rule", "weight-mismatch"]


def test_syntax_error_and_missing_file(tmp_path):
    assert [p.code for p in problems_of("id = ")] == ["scheme-syntax"]
    with pytest.raises(SchemeError) as exc:
        load_scheme(tmp_path / "nowhere.toml")
    assert exc.value.problems[0].code == "scheme-not-found"


def test_bad_number():
    assert "bad-parameter" in [p.code for p in problems_of(edit("bonus_cap = 5", 'bonus_cap = "five"'))]


def test_steps_rule_in_a_province_scheme():
    text = edit(
        'rule = "ratio"\nweight = 6\ndescription = "把新增就业',
        'rule = "steps"\nsteps = [[1, 1], [0.8, 0.6], [0.5, 0.3]]\nweight = 6\ndescription = "把新增就业',
    )
    s = parse_scheme(text)
    assert s.indicator("1.1").rule is Rule.STEPS and s.indicator("1.1").steps[1].fraction == D("0.6")
    bad = text.replace("[[1, 1], [0.8, 0.6], [0.5, 0.3]]", "[[0.5, 0.3], [1, 1]]")
    assert [p.code for p in problems_of(bad)] == ["bad-parameter"]


def test_lateness_marker_is_one_deduct_indicator():
    from minsheng.scheme import builtin_scheme_text, parse_scheme

    text = builtin_scheme_text()
    two = text.replace("per_unit = 2\nweight = 2\n", "per_unit = 2\nweight = 2\nlateness = true\n")
    with pytest.raises(SchemeError, match="只能有一个逾期天数指标"):
        parse_scheme(two)
    ratio = text.replace("lateness = true", "").replace(
        'code = "1.1"\nname = "城镇新增就业人数"\n',
        'code = "1.1"\nname = "城镇新增就业人数"\nlateness = true\n',
    )
    with pytest.raises(SchemeError, match="应为扣分制"):
        parse_scheme(ratio)
    with pytest.raises(SchemeError, match="应为 true 或 false"):
        parse_scheme(text.replace("lateness = true", 'lateness = "是"'))
