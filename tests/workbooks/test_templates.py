"""The templates: made by the committed script, shipped in the package, restylable without code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.styles import Font, PatternFill
from wbhelpers import num, table

from minsheng.plugins.context import ReadContext
from minsheng.sheets import open_workbook
from minsheng.workbooks import read_form, template_path, write_assessment, write_form
from minsheng.workbooks._template import TEMPLATE_NAMES, TemplateError

ROOT = Path(__file__).resolve().parents[2]


def test_committed_templates_are_what_the_script_makes(tmp_path):
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_templates.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for name in TEMPLATE_NAMES.values():
        fresh = (tmp_path / name).read_bytes()
        assert (ROOT / "templates" / "xlsx" / name).read_bytes() == fresh, name
        assert (ROOT / "src" / "minsheng" / "templates" / name).read_bytes() == fresh, name


def test_templates_ship_inside_the_package():
    for kind in TEMPLATE_NAMES:
        path = template_path(kind)
        assert path.is_file() and path.parent.name == "templates" and path.parent.parent.name == "minsheng"


def restyle(src: Path, dst: Path, renames: dict[str, str]) -> None:
    """What a provincial office does in Excel: other fonts, colours, widths, titles, sheet names."""
    wb = load_workbook(src)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                cell.font = Font(name="仿宋", size=12, bold=cell.font.b, color="1F3864")
                if cell.fill and cell.fill.fgColor and cell.fill.fgColor.rgb == "00D9E1F2":
                    cell.fill = PatternFill("solid", fgColor="FCE4D6")
        for letter in ("A", "B", "C", "D"):
            ws.column_dimensions[letter].width = (ws.column_dimensions[letter].width or 8) + 3
        for cell in ws[1]:
            if isinstance(cell.value, str) and "{年度}" in cell.value:
                cell.value = (
                    "某省{年度}年度"
                    + cell.value.replace("{年度}年度", "").replace("{年度}年", "")
                    + "（省民生办）"
                )
    for old, new in renames.items():
        wb[old].title = new
    wb.move_sheet(wb.worksheets[-1], offset=-(len(wb.worksheets) - 1))
    wb.save(dst)


def test_a_restyled_assessment_template_still_fills(tmp_path, assessment, scheme):
    styled = tmp_path / "我省样式.xlsx"
    restyle(template_path("assessment"), styled, {"综合排名": "排名表", "分项得分": "分组得分"})
    out = tmp_path / "考核结果.xlsx"
    write_assessment(assessment, scheme, out, template=styled)
    wb = load_workbook(out)
    assert wb.sheetnames[0] == "数据来源" and "排名表" in wb.sheetnames
    ws = wb["排名表"]
    assert ws["A1"].value == "某省2007年度民生工程目标管理考核综合排名（省民生办）"
    assert ws.column_dimensions["A"].width == 9
    rows = table(ws, "代码")
    for row, r in zip(rows, assessment.counties, strict=True):
        assert row["代码"].value == r.county.code and num(row["总分"]) == r.total
        assert row["总分"].font.name == "仿宋" and row["总分"].font.sz == 12
    header = ws.cell(4, 1)
    assert header.value == "排名" and header.fill.fgColor.rgb == "00FCE4D6"
    groups = table(wb["分组得分"], "代码")
    first = groups[0]
    assert num(first["总分"]) == assessment.counties[0].total
    assert first["代码"].font.name == "仿宋"


def test_a_restyled_form_still_fills_and_reads(tmp_path, scheme, targets):
    styled = tmp_path / "报表样式.xlsx"
    restyle(template_path("form"), styled, {"报表": "年报表"})
    out = tmp_path / "form.xlsx"
    county = targets.counties[0]
    write_form(scheme, out, county=county, allocation=targets.allocations[county.code], template=styled)
    wb = load_workbook(out)
    ws = wb["年报表"]
    assert ws["A1"].value.startswith("某省2007") and ws["A1"].font.name == "仿宋"
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 9).value == "1.1")
    assert ws.cell(row, 4).value == 1000 and ws.cell(row, 4).font.name == "仿宋"
    ws.cell(row, 5).value = 1234
    wb.save(out)
    ctx = ReadContext(scheme=scheme, year=2007, plugin="standard-form", plugin_version="0.1.0", file=str(out))
    with open_workbook(out) as book:
        sub = read_form(out, book, ctx)
    assert sub.county == county.code
    assert sub.values["1.1"].amount == 1234 and sub.values["1.1"].provenance.sheet == "年报表"


def test_a_template_without_its_placeholders_is_refused_in_chinese(tmp_path, assessment, scheme):
    wb = load_workbook(template_path("assessment"))
    for row in wb["指标明细"].iter_rows():
        for cell in row:
            if cell.value == "{实际完成}":
                cell.value = "实际完成"
    broken = tmp_path / "broken.xlsx"
    wb.save(broken)
    with pytest.raises(TemplateError, match="占位符“\\{实际完成\\}”"):
        write_assessment(assessment, scheme, tmp_path / "out.xlsx", template=broken)
    assert not (tmp_path / "out.xlsx").exists()


def test_importing_minsheng_does_not_import_openpyxl():
    code = (
        "import sys, minsheng, minsheng.workbooks, minsheng.workbooks.form; print('openpyxl' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
