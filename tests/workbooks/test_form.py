"""The standard form: its conventions, and reading back exactly what the writer wrote."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook
from wbhelpers import header_row

from minsheng import County, Rule, ValueStatus, score
from minsheng.plugins.context import ReadContext
from minsheng.sheets import SheetError, open_workbook
from minsheng.workbooks import claim_form, read_form, write_form, write_forms
from minsheng.workbooks.form import form_records

COUNTY = County("360102", "东湖区", "360100", "南昌市")


def key_rows(ws):
    """Indicator key (指标代码 column) → row number, as the written form has them."""
    key_col = next(c.column for c in ws[header_row(ws, "指标代码")] if c.value == "指标代码")
    return {
        ws.cell(r, key_col).value: r
        for r in range(header_row(ws, "指标代码") + 1, ws.max_row + 1)
        if ws.cell(r, key_col).value
    }


def read(path, scheme):
    ctx = ReadContext(
        scheme=scheme, year=2007, plugin="standard-form", plugin_version="0.1.0", file=str(path)
    )
    with open_workbook(path) as book:
        return read_form(path, book, ctx), ctx.problems


@pytest.fixture
def form(tmp_path, scheme, targets):
    path = tmp_path / "form.xlsx"
    write_form(scheme, path, county=COUNTY, allocation=targets.allocations[COUNTY.code])
    return path


def test_form_follows_reporting_conventions(form, scheme):
    wb = load_workbook(form)
    ws = wb["报表"]
    assert ws["A1"].value == "2007年民生工程目标任务完成情况表"
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    for label in (
        "填报单位（盖章）：",
        "填报人：",
        "电话：",
        "填报日期：",
        "单位负责人：",
        "统计负责人：",
        "填表人：",
        "报出日期：",
    ):
        assert label in texts, label
    assert {"县（市、区）：东湖区", "代码：360102", "年度：2007", "方案：jiangxi-2007"} <= set(texts)
    assert ws["H2"].value == "报告期：2007年1—12月累计"
    h = header_row(ws, "序号")
    assert [c.value for c in ws[h]][:8] == [
        "序号",
        "指标",
        "计量单位",
        "年度目标",
        "完成情况",
        None,
        "自评分",
        "备注",
    ]
    assert [c.value for c in ws[h + 1]][4:6] == ["累计完成", "完成率"]
    assert "E4:F4" in {str(m) for m in ws.merged_cells.ranges}
    # one row per indicator, grouped by the nine groups, with 其中 rows
    rows = key_rows(ws)
    assert set(rows) >= {ind.code for ind in scheme.indicators}
    group_rows = [
        r
        for r in range(h, ws.max_row + 1)
        if str(ws.cell(r, 2).value or "").endswith("分）") and ws.cell(r, 1).value in "一二三四五六七八九"
    ]
    assert len(group_rows) == 9
    assert ws.cell(rows["3.2.1"], 2).value == "其中：金蓝领工程"
    assert rows["3.2"] < rows["3.2.1"] < rows["3.2.2"] < rows["3.2.3"] < rows["4.1"]
    assert "填报说明" in wb.sheetnames
    # prefilled targets, by unit
    assert ws.cell(rows["1.1"], 4).value == 1000 and ws.cell(rows["1.1"], 4).number_format == "#,##0"
    assert ws.cell(rows["5.1"], 4).number_format == "#,##0.00"
    # footer below the table
    footer = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "单位负责人：")
    assert footer > max(rows.values())


def test_form_is_protected_with_unlocked_inputs_and_validation(form):
    wb = load_workbook(form)
    ws = wb["报表"]
    assert ws.protection.sheet
    assert wb.security.lockStructure
    rows = key_rows(ws)
    for key, r in rows.items():
        assert ws.cell(r, 5).protection.locked is False, key  # 累计完成
        assert ws.cell(r, 4).protection.locked is True, key  # 年度目标
        assert ws.cell(r, 2).protection.locked is True, key
    validated = set()
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "decimal" and dv.operator == "greaterThanOrEqual"
        for rng in dv.sqref.ranges:
            validated |= {
                (r, c)
                for r in range(rng.min_row, rng.max_row + 1)
                for c in range(rng.min_col, rng.max_col + 1)
            }
    assert all((r, 5) in validated for r in rows.values())
    assert (rows["1.1"], 7) in validated  # 自评分
    assert ws.print_title_rows == "$4:$6"
    assert ws.page_setup.orientation == "landscape"


def test_round_trip_reads_back_exactly_what_was_written(form, scheme, targets):
    wb = load_workbook(form)
    ws = wb["报表"]
    rows = key_rows(ws)
    alloc = targets.allocations[COUNTY.code]
    actuals: dict[str, object] = {}
    for ind in scheme.indicators:
        if ind.rule in (Rule.DEDUCT, Rule.VETO):
            actuals[ind.code] = 0
        elif ind.rule is Rule.BINARY:
            actuals[ind.code] = int(ind.threshold)
        elif alloc.get(ind.code) is not None:
            actuals[ind.code] = float(alloc[ind.code] * D("0.9"))
    actuals["3.2.1"] = 500
    actuals["3.2.2"] = "—"  # not applicable
    actuals["5.1"] = "1,125.45"  # text with a thousands separator
    actuals["8.1/eligible"] = 10
    actuals["8.1/paid"] = 24000
    del actuals["1.3"]  # left blank
    del actuals["8.1"]  # the ratio left blank: the calculator derives it
    for key, value in actuals.items():
        ws.cell(rows[key], 5).value = value
    ws.cell(rows["1.1"], 7).value = 5.5
    ws["A3"] = "填报单位（盖章）：东湖区劳动和社会保障局"
    ws["C3"] = "填报人：张三"
    ws["E3"] = "电话：0791-86543210"
    ws["G3"] = "填报日期：2008年1月10日"
    footer = next(
        r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 7).value or "").startswith("报出日期")
    )
    ws.cell(footer, 7).value = "报出日期：2008-01-12"
    filled = form.with_name("filled.xlsx")
    wb.save(filled)

    with open_workbook(filled) as book:
        assert claim_form(book) == 1.0
    sub, problems = read(filled, scheme)
    assert (sub.county, sub.year) == ("360102", 2007)
    assert problems == []
    for key, value in actuals.items():
        got = sub.values[key]
        assert got.provenance.cell == f"E{rows[key]}", key
        assert got.provenance.sheet == "报表" and got.provenance.file == str(filled)
        assert got.provenance.plugin == "standard-form"
        if value == "—":
            assert got.status is ValueStatus.NOT_APPLICABLE
        else:
            assert got.amount == D(str(value).replace(",", "")), key
    assert sub.values["1.3"].status is ValueStatus.MISSING
    assert sub.values["1.3"].provenance.cell == f"E{rows['1.3']}"
    assert sub.self_scores == {"1.1": D("5.5")}
    assert sub.reporter.unit == "东湖区劳动和社会保障局"
    assert sub.reporter.person == "张三" and sub.reporter.phone == "0791-86543210"
    assert str(sub.reporter.date) == "2008-01-10" and str(sub.submitted_on) == "2008-01-12"

    # and it scores: the blank 1.3 is a missing value at its cell, 8.1 comes from the calculator
    # and 6.2 is the office's: two days late by the 报出日期, whatever the county typed in E{6.2}
    result = score(scheme, targets, [sub], deadline=dt.date(2008, 1, 10))
    missing = [p for p in result.problems if p.code == "missing-value" and p.county == "360102"]
    assert [(p.indicator, p.cell) for p in missing] == [("1.3", f"E{rows['1.3']}")]
    s62 = next(s for s in result.result("360102").indicators if s.code == "6.2")
    assert s62.actual == 2 and s62.score == D("2.00")
    claim = [p for p in result.problems if p.code == "lateness-claim-ignored"]
    assert [(p.cell, p.county) for p in claim] == [(f"E{rows['6.2']}", "360102")]
    s81 = next(s for s in result.result("360102").indicators if s.code == "8.1")
    assert s81.actual == D(100) and s81.provenance.cell == f"E{rows['8.1/paid']}"


def test_text_in_a_number_cell_is_a_problem_at_its_cell(form, scheme):
    wb = load_workbook(form)
    ws = wb["报表"]
    r = key_rows(ws)["1.1"]
    ws.cell(r, 5).value = "约一千人"
    wb.save(form)
    sub, problems = read(form, scheme)
    assert sub.values["1.1"].status is ValueStatus.MISSING
    assert [(p.code, p.cell, p.county) for p in problems] == [("not-a-number", f"E{r}", "360102")]


def test_blank_form_needs_the_county_to_name_itself(tmp_path, scheme):
    path = tmp_path / "blank.xlsx"
    write_form(scheme, path)
    ws = load_workbook(path)["报表"]
    assert ws["A2"].value == "县（市、区）：" and ws["A2"].protection.locked is False
    assert ws.cell(key_rows(ws)["1.1"], 4).value is None  # no targets on a blank form
    with pytest.raises(SheetError) as err:
        read(path, scheme)
    assert err.value.code == "form-no-county"
    wb = load_workbook(path)
    wb["报表"]["A2"] = "县（市、区）：西湖区"
    wb["报表"]["C2"] = "代码：360103"
    wb.save(path)
    sub, _ = read(path, scheme)
    assert sub.county == "360103"


def test_a_workbook_that_is_not_the_form_is_not_claimed(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["县名", "人数"])
    wb.active.append(["东湖区", 5])
    path = tmp_path / "other.xlsx"
    wb.save(path)
    with open_workbook(path) as book:
        assert claim_form(book) is None


def test_forms_for_every_county_carry_their_own_targets(tmp_path, scheme, targets):
    paths = write_forms(scheme, targets, tmp_path)
    assert [p.name for p in paths] == [f"{c.code}-{c.name}-2007年民生工程报表.xlsx" for c in targets.counties]
    for path, county in zip(paths, targets.counties, strict=True):
        ws = load_workbook(path)["报表"]
        rows = key_rows(ws)
        for code, target in targets.allocations[county.code].items():
            shown = ws.cell(rows[code], 4).value
            assert shown == ("—" if target is None else target) or D(str(shown)) == target, (
                county.code,
                code,
            )


def test_calculator_amounts_are_offered_as_extra_rows(scheme):
    keys = [rec.get("代码") for _, rec in form_records(scheme, None)]
    for code in ("8.1", "8.2", "8.3", "9.1"):
        assert f"{code}/paid" in keys or f"{code}/revenue_actual" in keys
    assert keys.index("8.1") < keys.index("8.1/eligible") < keys.index("8.2")


def test_reading_needs_no_openpyxl(form, scheme):
    import subprocess

    code = (
        "import sys\n"
        "from minsheng import load_scheme\n"
        "from minsheng.sheets import open_workbook\n"
        "from minsheng.plugins.context import ReadContext\n"
        "from minsheng.plugins.standard_form import read_form\n"
        f"p = {str(form)!r}\n"
        "ctx = ReadContext(scheme=load_scheme(), year=2007, plugin='p', plugin_version='1', file=p)\n"
        "with open_workbook(p) as b: read_form(p, b, ctx)\n"
        "print('openpyxl' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.skipif(
    not __import__("shutil").which("soffice"), reason="LibreOffice (soffice) is not installed"
)
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_a_form_resaved_by_an_office_program_still_reads(tmp_path, form, scheme, fmt):
    """A county that opens the form in WPS/LibreOffice and saves it as .xls or .ods: the reader
    finds the same values at the same cells (and the computed 完成率 does not get in the way)."""
    import subprocess

    wb = load_workbook(form)
    ws = wb["报表"]
    rows = key_rows(ws)
    ws.cell(rows["1.1"], 5).value = 950
    ws.cell(rows["2.1"], 5).value = 4.2
    ws.cell(rows["3.2.1"], 5).value = "—"
    wb.save(form)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(tmp_path / "out"),
            str(form),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    converted = tmp_path / "out" / f"form.{fmt}"
    sub, problems = read(converted, scheme)
    assert problems == []
    assert sub.county == "360102"
    assert sub.values["1.1"].amount == 950 and sub.values["1.1"].provenance.cell == f"E{rows['1.1']}"
    assert sub.values["2.1"].amount == D("4.2")
    assert sub.values["3.2.1"].status is ValueStatus.NOT_APPLICABLE
    assert sub.values["1.2"].status is ValueStatus.MISSING


def test_self_score_is_read_with_its_cell_and_the_mismatch_points_there(form, scheme, targets):
    """#12 item 5: a 自评分 that differs points at the 自评分 cell, not at 累计完成."""
    from minsheng.checks import check_self_scores

    wb = load_workbook(form)
    ws = wb["报表"]
    rows = key_rows(ws)
    alloc = targets.allocations[COUNTY.code]
    for ind in scheme.indicators:
        if ind.rule in (Rule.DEDUCT, Rule.VETO):
            ws.cell(rows[ind.code], 5).value = 0
        elif ind.rule is Rule.BINARY:
            ws.cell(rows[ind.code], 5).value = int(ind.threshold)
        elif alloc.get(ind.code) is not None:
            ws.cell(rows[ind.code], 5).value = float(alloc[ind.code])
    ws.cell(rows["1.1"], 7).value = 5.5
    filled = form.with_name("self.xlsx")
    wb.save(filled)
    sub, _ = read(filled, scheme)
    assert sub.self_score_sources["1.1"].cell == f"G{rows['1.1']}"
    problems = check_self_scores(score(scheme, targets, [sub]))
    assert [(p.indicator, p.cell) for p in problems if p.county == COUNTY.code] == [
        ("1.1", f"G{rows['1.1']}")
    ]
