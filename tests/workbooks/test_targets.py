"""The targets workbook: layout, round trip, the checks, 督查发现, and the template commands."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from wbhelpers import header_row

from minsheng import Severity
from minsheng.cli import main
from minsheng.targets import target_indicators
from minsheng.workbooks import read_targets, write_targets_template


def column_of(ws, code):
    r = header_row(ws, "县（市、区）代码")
    return next(c.column for c in ws[r] if c.value == code)


def row_of(ws, county_code):
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == county_code)


@pytest.fixture
def written(tmp_path, scheme, targets):
    path = tmp_path / "目标任务表.xlsx"
    write_targets_template(scheme, path, targets=targets)
    return path


def test_layout(written, scheme):
    wb = load_workbook(written)
    ws = wb["目标任务"]
    assert ws["A1"].value == "2007年民生工程目标任务分解表"
    h = header_row(ws, "县（市、区）代码")
    codes = [c.value for c in ws[h]][4:]
    assert codes == [ind.code for ind in target_indicators(scheme)]
    assert ws.cell(h + 1, 5).value == "城镇新增就业人数（人）"
    assert ws.cell(h + 2, 1).value == "全省"
    assert [ws.cell(h + 3, c).value for c in range(1, 5)] == ["360102", "东湖区", "360100", "南昌市"]
    assert "督查发现" in wb.sheetnames
    # the title spans every indicator column
    title = next(m for m in ws.merged_cells.ranges if m.min_row == 1)
    assert title.max_col == 4 + len(codes)


def test_round_trip(written, scheme, targets):
    got, findings, problems = read_targets(written, scheme)
    assert problems == [] and findings == []
    assert got.year == 2007
    assert got.counties == targets.counties
    assert got.province == targets.province
    for county in targets.counties:
        for code, target in targets.allocations[county.code].items():
            assert got.allocations[county.code][code] == target, (county.code, code)
    assert got.allocations["360121"]["7.4"] is None  # "—": 不考核


def test_checks_report_every_mistake_at_its_cell(written, scheme):
    wb = load_workbook(written)
    ws = wb["目标任务"]
    h = header_row(ws, "县（市、区）代码")
    c11, c12 = column_of(ws, "1.1"), column_of(ws, "1.2")
    ws.cell(h, ws.max_column + 1).value = "10.9"  # an unknown indicator column
    ws.cell(row_of(ws, "360102"), c11).value = 1500  # allocations no longer add up
    ws.cell(row_of(ws, "360103"), c12).value = -5
    ws.cell(row_of(ws, "360121"), c12).value = "三千"
    wb.save(written)
    targets, _, problems = read_targets(written, scheme)
    found = {(p.code, p.cell, p.severity) for p in problems}
    unknown_col = ws.cell(h, ws.max_column).coordinate
    assert ("unknown-indicator", unknown_col, Severity.WARNING) in found
    province_cell = ws.cell(h + 2, c11).coordinate
    mismatch = next(p for p in problems if p.code == "allocation-mismatch")
    assert mismatch.cell == province_cell and mismatch.indicator == "1.1"
    assert "多 500人" in mismatch.message
    assert ("negative-target", ws.cell(row_of(ws, "360103"), c12).coordinate, Severity.ERROR) in found
    assert ("not-a-number", ws.cell(row_of(ws, "360121"), c12).coordinate, Severity.ERROR) in found
    # and 1.2 no longer adds up either, as its two bad targets were left out
    assert sorted((p.code, p.indicator) for p in problems if p.code == "allocation-mismatch") == [
        ("allocation-mismatch", "1.1"),
        ("allocation-mismatch", "1.2"),
    ]
    assert len(problems) == 5
    # a wrong target is left out (the county is not assessed on it), never read as 0
    assert "1.2" not in targets.allocations["360103"] and "1.2" not in targets.allocations["360121"]
    assert targets.allocations["360102"]["1.1"] == D(1500)


def test_county_codes_must_be_six_digits(written, scheme):
    wb = load_workbook(written)
    ws = wb["目标任务"]
    ws.cell(row_of(ws, "360402"), 1).value = "36040"
    wb.save(written)
    targets, _, problems = read_targets(written, scheme)
    bad = [p for p in problems if p.code == "bad-county-code"]
    assert len(bad) == 1 and bad[0].cell == f"A{row_of(ws, '36040')}"
    assert "360402" not in [c.code for c in targets.counties]


def test_duplicate_county_codes(written, scheme):
    wb = load_workbook(written)
    ws = wb["目标任务"]
    ws.cell(row_of(ws, "360403"), 1).value = "360402"
    wb.save(written)
    targets, _, problems = read_targets(written, scheme)
    dup = [p for p in problems if p.code == "duplicate-county"]
    assert len(dup) == 1 and dup[0].county == "360402"
    assert [c.code for c in targets.counties] == ["360102", "360103", "360121", "360402"]


def test_findings_sheet(written, scheme):
    wb = load_workbook(written)
    fs = wb["督查发现"]
    r = header_row(fs, "项目") + 1
    fs.cell(r, 1).value, fs.cell(r, 3).value, fs.cell(r, 4).value, fs.cell(r, 5).value = (
        "360102",
        "被省通报批评",
        2,
        "年中督查",
    )
    fs.cell(r + 1, 1).value, fs.cell(r + 1, 3).value = "360103", "falsification"
    fs.cell(r + 2, 1).value, fs.cell(r + 2, 3).value = "360103", "迟到"
    fs.cell(r + 3, 1).value, fs.cell(r + 3, 3).value = "999999", "弄虚作假"
    wb.save(written)
    _, findings, problems = read_targets(written, scheme)
    assert [(f.county, f.item, f.count, f.note, f.source.cell) for f in findings] == [
        ("360102", "criticized-by-province", 2, "年中督查", f"C{r}"),
        ("360103", "falsification", 1, "", f"C{r + 1}"),
    ]
    assert {(p.code, p.cell) for p in problems} == {
        ("unknown-finding", f"C{r + 2}"),
        ("unknown-county", f"A{r + 3}"),
    }


def test_cli_writes_targets_forms_and_a_blank_form(tmp_path, scheme):
    regions = tmp_path / "regions.csv"
    regions.write_text(
        "county_code,county_name,city_code,city_name\n360102,东湖区,360100,南昌市\n360402,濂溪区,360400,九江市\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    out = tmp_path / "targets.xlsx"
    result = runner.invoke(main, ["template", "targets", "--regions", str(regions), "-o", str(out)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    ws = wb["目标任务"]
    ws.cell(row_of(ws, "360102"), column_of(ws, "1.1")).value = 800
    ws.cell(row_of(ws, "360402"), column_of(ws, "1.1")).value = 1200
    wb.save(out)

    forms = tmp_path / "forms"
    result = runner.invoke(
        main, ["template", "forms", "--targets", str(out), "--year", "2007", "-o", str(forms)]
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in forms.iterdir())
    assert names == ["360102-东湖区-2007年民生工程报表.xlsx", "360402-濂溪区-2007年民生工程报表.xlsx"]
    ws = load_workbook(forms / names[1])["报表"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 9).value == "1.1")
    assert ws.cell(row, 4).value == 1200

    result = runner.invoke(
        main, ["template", "forms", "--targets", str(out), "--year", "2008", "-o", str(forms)]
    )
    assert result.exit_code == 2 and "2008" in result.output

    blank = tmp_path / "blank.xlsx"
    result = runner.invoke(main, ["template", "form", "-o", str(blank)])
    assert result.exit_code == 0, result.output
    assert load_workbook(blank)["报表"]["A2"].value == "县（市、区）："


def test_cli_refuses_targets_with_errors(tmp_path, written):
    wb = load_workbook(written)
    ws = wb["目标任务"]
    ws.cell(row_of(ws, "360102"), column_of(ws, "1.1")).value = -1
    wb.save(written)
    result = CliRunner().invoke(
        main, ["template", "forms", "--targets", str(written), "-o", str(tmp_path / "f")]
    )
    assert result.exit_code == 2
    assert "negative-target" in result.output
    assert not (tmp_path / "f").exists()


def test_an_indicator_column_headed_by_its_name_is_recognised(written, scheme, targets):
    wb = load_workbook(written)
    ws = wb["目标任务"]
    h = header_row(ws, "县（市、区）代码")
    ws.cell(h, column_of(ws, "1.2")).value = "农村劳动力转移就业"  # an alias instead of the code
    wb.save(written)
    got, _, problems = read_targets(written, scheme)
    assert problems == []
    assert got.allocations["360103"]["1.2"] == targets.allocations["360103"]["1.2"]
