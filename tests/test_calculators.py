"""The speech's money rules (DOMAIN.md section 4), by hand and through scoring."""

from decimal import Decimal as D

from builders import full_allocation, make_submission, make_targets

from minsheng import CALCULATORS, Provenance, Value, derive_actuals, score, unstructure


def calc(name, **values):
    return CALCULATORS[name].compute({k: D(v) for k, v in values.items()}, {})


def test_pension_relief():
    # 1,000 eligible retirees × 200元 × 12 months = 2,400,000元 due
    c = calc("pension-relief", eligible=1000, paid=2_160_000)
    assert c.required == D(2_400_000) and c.percent == D(90)
    # months are the scheme's (12 in 2007), never the county's: a stated 6 does not halve what is due
    assert calc("pension-relief", eligible=10, months=6, paid=12_000).percent == D(50)
    c = CALCULATORS["pension-relief"].compute({"eligible": D(10), "paid": D(12_000)}, {"months": D(6)})
    assert c.percent == D(100)


def test_pension_adjustment_from_july():
    # 2007: +80元 × 6 months (July to December)
    c = calc("pension-adjustment", retirees=5000, paid=2_400_000)
    assert c.required == D(2_400_000) and c.percent == D(100)


def test_resident_medical_fiscal_share():
    # 1,000 minors and 2,000 adults: 0.4 × (50×1000 + 150×2000) = 140,000;
    # 100 低保 minors and 100 低保 adults paid in full: 50×100 + 150×100 = 20,000 → 160,000 due.
    c = calc("resident-medical", minors=1000, adults=2000, minors_dibao=100, adults_dibao=100, paid=120_000)
    assert c.required == D(160_000) and c.percent == D(75)


def test_fund_budget_burden():
    # plan: revenue 800, expense 1000 → the province covers the budgeted gap of 200.
    # actual: revenue 700, expense 1000 → a gap of 300; the county bears 100, all from collecting
    # 100 less than budgeted, which is never covered.
    # (no policy-driven spending: 0 said, not left out; a blank one is never read as 0)
    c = calc(
        "fund-budget",
        revenue_plan=800,
        revenue_actual=700,
        expense_plan=1000,
        expense_actual=1000,
        policy_expense=0,
    )
    assert c.percent == D("87.5")
    assert c.details["subsidy"] == D(200)
    assert c.details["county_burden"] == D(100)
    assert c.details["uncovered_gap"] == D(100)
    # policy-driven spending (the +80元) re-budgeted: the subsidy grows with it
    c = calc(
        "fund-budget",
        revenue_plan=800,
        revenue_actual=800,
        expense_plan=1000,
        expense_actual=1100,
        policy_expense=100,
    )
    assert c.details["subsidy"] == D(300) and c.details["county_burden"] == D(0)
    c = CALCULATORS["fund-budget"].compute(
        {
            "revenue_plan": D(800),
            "revenue_actual": D(800),
            "expense_plan": D(1000),
            "expense_actual": D(1100),
            "policy_expense": D(100),
        },
        {"rebudget_policy_spending": D(0)},
    )
    assert c.details["county_burden"] == D(100)


def test_nothing_due_is_not_a_ratio():
    assert calc("pension-relief", eligible=0, paid=0).percent is None


def test_scoring_derives_8_1_from_amounts(scheme, tmp_path):
    t = make_targets(["1"], scheme)
    sub = make_submission(scheme, "1", full_allocation(scheme))
    values = dict(sub.values)
    del values["8.1"]
    where = Provenance(file="a.xlsx", sheet="表1", cell="E30")
    values["8.1/eligible"] = Value.of(1000, Provenance(file="a.xlsx", sheet="表1", cell="E29"))
    values["8.1/paid"] = Value.of(1_800_000, where)
    import attrs

    sub = attrs.evolve(sub, values=values)
    derived, problems = derive_actuals(scheme, sub)
    assert problems == [] and derived.values["8.1"].amount == D(75)
    assert derived.values["8.1"].provenance == where
    values["8.1/months"] = Value.missing(Provenance(file="a.xlsx", sheet="表1", cell="E32"))
    sub = attrs.evolve(sub, values=values)
    assessment = score(scheme, t, [sub])
    r = assessment.result("1")
    s81 = next(s for s in r.indicators if s.code == "8.1")
    assert s81.actual == D(75) and s81.score == D("3.00")
    # the amounts it came from go with it (a blank optional one is no source), in the JSON form too
    assert [(a.code, a.amount, a.provenance.cell) for a in s81.inputs] == [
        ("8.1/eligible", D(1000), "E29"),
        ("8.1/paid", D(1_800_000), "E30"),
    ]
    assert s81.inputs[1].name == "实际发放救助金" and s81.inputs[1].unit == "元"
    assert unstructure(s81)["inputs"][1]["amount"] == "1800000"
    assert all(s.inputs == () for s in r.indicators if s.code != "8.1")

    # and into 数据来源, each at its cell, after the indicator it was derived for
    from openpyxl import load_workbook

    from minsheng.workbooks import write_assessment

    out = tmp_path / "考核结果.xlsx"
    write_assessment(assessment, scheme, out)
    rows = [r for r in load_workbook(out)["数据来源"].iter_rows(values_only=True) if r and r[0] == "1"]
    codes = [r[2] for r in rows]
    at = codes.index("8.1")
    assert codes[at : at + 3] == ["8.1", "8.1/eligible", "8.1/paid"]  # (8.1/months was blank)
    assert rows[at + 2][3] == "困难企业退休人员养老救助发放到位率：实际发放救助金"
    assert rows[at + 2][5:8] == ("a.xlsx", "表1", "E30")
    assert rows[at][5:8] == ("a.xlsx", "表1", "E30")  # the ratio is located at the paid amount


def test_partial_amounts_are_a_missing_value(scheme):
    import attrs

    sub = make_submission(scheme, "1", full_allocation(scheme))
    values = {k: v for k, v in sub.values.items() if k != "8.2"}
    values["8.2/paid"] = Value.of(100)
    derived, problems = derive_actuals(scheme, attrs.evolve(sub, values=values))
    assert [p.code for p in problems] == ["missing-value"]
    assert "retirees" in problems[0].message and "8.2" not in derived.values


def test_a_reported_ratio_wins(scheme):
    import attrs

    sub = make_submission(scheme, "1", full_allocation(scheme), **{"8.1": "99"})
    values = dict(sub.values) | {"8.1/eligible": Value.of(1), "8.1/paid": Value.of(1)}
    derived, _ = derive_actuals(scheme, attrs.evolve(sub, values=values))
    assert derived.values["8.1"].amount == D(99)
