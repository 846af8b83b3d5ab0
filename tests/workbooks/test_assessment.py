"""The assessment workbook and the 考核评分表, reopened with openpyxl and checked against the assessment."""

from __future__ import annotations

from decimal import Decimal as D

import attrs
import pytest
from wbhelpers import header_row, num, open_book, table, xml_parts

import minsheng
from minsheng import CountyStatus, IndicatorStatus
from minsheng.model import COUNTY_STATUS_LABELS
from minsheng.problems import title as problem_title
from minsheng.workbooks import write_assessment, write_county_sheets
from minsheng.workbooks.assessment import marks

SHEETS = ["封面", "综合排名", "分项得分", "指标明细", "设区市汇总", "问题清单", "数据来源"]


@pytest.fixture(scope="module")
def book_path(tmp_path_factory, assessment, scheme):
    path = tmp_path_factory.mktemp("assessment") / "考核结果.xlsx"
    write_assessment(assessment, scheme, path)
    return path


@pytest.fixture(scope="module")
def book(book_path):
    return open_book(book_path)


def test_sheets_in_order(book):
    assert book.sheetnames == SHEETS


def test_cover_names_scheme_date_and_how_many_inputs(book, assessment):
    ws = book["封面"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("2008年1月20日" in t for t in texts)
    assert any(assessment.scheme_id in t for t in texts)
    assert any(f"共 {len(assessment.inputs)} 个" in t for t in texts)


def test_cover_is_one_printed_page(book):
    """#12 item 18: nothing on the cover grows with the counties or the files; it prints on one page."""
    ws = book["封面"]
    assert ws.max_row <= 12
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 1)


def test_input_files_are_listed_sorted_in_data_sources(book, assessment):
    rows = table(book["数据来源"], "SHA-256")
    files = sorted(assessment.inputs, key=lambda f: f.path)
    assert [(r["文件"].value, r["SHA-256"].value, r["读取插件"].value) for r in rows] == [
        (f.path, f.sha256, f.plugin) for f in files
    ]


def test_no_absolute_path_of_the_office_in_any_output(tmp_path, assessment, scheme):
    """#12 item 18: paths relative to the submissions folder; a file outside it keeps only its name."""
    from minsheng.relpaths import relative_paths

    root = "/home/办公室/2007年终考核/报表"
    moved = attrs.evolve(
        assessment,
        inputs=tuple(
            attrs.evolve(f, path=f"{root}/{'南昌市' if i % 2 else '九江市'}/{f.path}")
            for i, f in enumerate(reversed(assessment.inputs))
        ),
        problems=tuple(
            attrs.evolve(p, file=f"/home/办公室/{p.file}") if p.file else p for p in assessment.problems
        ),
    )
    path = tmp_path / "考核结果.xlsx"
    write_assessment(moved, scheme, path)
    assert not any("/home/" in text for text in xml_parts(path).values())
    rows = table(open_book(path)["数据来源"], "SHA-256")
    shown = [r["文件"].value for r in rows]
    assert shown == sorted(shown) and all(p.startswith(("南昌市/", "九江市/")) for p in shown)
    explicit = relative_paths(moved, [root])
    assert sorted(f.path for f in explicit.inputs) == shown
    assert "/home/" not in minsheng.to_json(explicit)


def test_ranking_matches_assessment(book, assessment):
    rows = table(book["综合排名"], "代码")
    assert len(rows) == len(assessment.counties)
    for row, r in zip(rows, assessment.counties, strict=True):
        assert row["代码"].value == r.county.code
        assert row["县（市、区）"].value == r.county.name
        assert row["设区市"].value == r.county.city_name
        assert row["排名"].value == r.rank
        assert num(row["总分"]) == r.total
        assert row["等次"].value == r.grade
        assert (row["标记"].value or "") == marks(r)
        assert row["状态"].value == COUNTY_STATUS_LABELS[r.status]
        if r.total is not None:
            assert num(row["指标得分"]) == r.indicator_total
            assert num(row["扣分"]) == r.deduction_total
            assert row["总分"].number_format == "0.00"
    statuses = {row["状态"].value for row in rows}
    assert {"已评", "缺报"} <= statuses
    vetoed = next(row for row in rows if row["代码"].value == "360402")
    assert vetoed["标记"].value == "一票否决"  # a vetoed county is never 末位 (#12 item 16)


def test_ranking_has_a_bar_chart_of_totals(book_path, assessment):
    parts = xml_parts(book_path)
    charts = [n for n in parts if n.startswith("xl/charts/chart")]
    assert len(charts) == 1
    chart = parts[charts[0]]
    scored = sum(1 for r in assessment.counties if r.total is not None)
    assert "<barChart>" in chart and '<barDir val="col"' in chart
    assert f"$H$5:$H${4 + scored}" in chart  # totals of the scored counties
    assert f"$C$5:$C${4 + scored}" in chart  # their names as categories


def test_group_scores(book, assessment, scheme):
    ws = book["分项得分"]
    r0 = header_row(ws, "代码")
    headers = [c.value for c in ws[r0] if c.value]
    assert headers[4 : 4 + len(scheme.groups)] == [
        f"{n}、{g.name}\n（{g.weight}分）" for n, g in zip("一二三四五六七八九", scheme.groups, strict=True)
    ]
    rows = table(ws, "代码")
    for row, r in zip(rows, assessment.counties, strict=True):
        cells = [row[h] for h in headers[4 : 4 + len(scheme.groups)]]
        if r.status is CountyStatus.SCORED:
            assert [num(c) for c in cells] == [g.score for g in r.groups]
            assert num(row["总分"]) == r.total
        else:
            assert all(c.value is None for c in cells)


def test_indicator_detail(book, assessment, scheme):
    rows = table(book["指标明细"], "代码")
    expected = [(r, s) for r in assessment.counties for s in r.indicators]
    assert len(rows) == len(expected)
    for row, (r, s) in zip(rows, expected, strict=True):
        assert (row["代码"].value, row["指标代码"].value) == (r.county.code, s.code)
        assert num(row["年度目标"]) == s.target
        assert num(row["实际完成"]) == s.actual
        assert num(row["完成率"]) == s.ratio
        if s.status is IndicatorStatus.SCORED:
            assert num(row["得分"]) == s.score
    units = {
        row["计量单位"].value: row["实际完成"].number_format
        for row in rows
        if row["实际完成"].value is not None
    }
    assert units["人"] == "#,##0"
    assert units["万元"] == "#,##0.00"
    assert next(r["完成率"].number_format for r in rows if r["完成率"].value is not None) == "0.00%"
    missing = next(r for r in rows if r["代码"].value == "360103" and r["指标代码"].value == "1.2")
    assert missing["状态"].value == "缺报" and missing["实际完成"].value is None


def test_city_summary(book, assessment, scheme):
    rows = table(book["设区市汇总"], "设区市代码")
    assert [r["设区市代码"].value for r in rows] == [c.code for c in assessment.cities]
    for row, c in zip(rows, assessment.cities, strict=True):
        assert row["县（市、区）数"].value == c.counties
        assert row["已评"].value == c.scored
        assert num(row["平均分"]) == c.average_total
        for g in scheme.grades:
            assert row[g.name].value == c.grades[g.name]


def test_problem_list_has_every_problem_with_its_place(book, assessment):
    rows = table(book["问题清单"], "序号")
    assert len(rows) == len(assessment.problems)
    for row, p in zip(rows, assessment.problems, strict=True):
        assert row["问题代码"].value == p.code
        assert row["问题"].value == problem_title(p.code) != p.code
        assert row["单元格"].value == p.cell
        assert row["工作表"].value == p.sheet
        assert row["级别"].value == {"error": "错误", "warning": "警告", "info": "提示"}[p.severity.value]
    assert any(r["问题代码"].value == "missing-value" and r["单元格"].value == "E9" for r in rows)
    assert {(r["问题代码"].value, r["问题"].value) for r in rows} >= {("missing-value", "缺报")}


def test_a_plugins_own_problem_code_is_titled_with_the_plugin(tmp_path, assessment, scheme):
    from attrs import evolve

    from minsheng import Problem, Severity

    own = Problem("wanan:roster-gap", "花名册缺第 3 页", Severity.WARNING, county="360103", plugin="wanan")
    path = write_assessment(evolve(assessment, problems=(own,)), scheme, tmp_path / "own.xlsx")
    [row] = table(open_book(path)["问题清单"], "序号")
    assert (row["问题代码"].value, row["问题"].value, row["级别"].value) == (
        "wanan:roster-gap",
        "插件“wanan”报告的问题",
        "警告",
    )


def test_sources_give_the_cell_of_every_value(book, assessment):
    rows = table(book["数据来源"], "代码")
    expected = [(r, s) for r in assessment.counties for s in r.indicators if s.provenance.file]
    assert len(rows) == len(expected)
    for row, (r, s) in zip(rows, expected, strict=True):
        assert (row["代码"].value, row["指标代码"].value) == (r.county.code, s.code)
        assert (row["文件"].value, row["工作表"].value, row["单元格"].value) == (
            s.provenance.file,
            s.provenance.sheet,
            s.provenance.cell,
        )
        if s.actual is not None:
            assert num(row["数值"]) == s.actual


def test_print_setup(book):
    for name in SHEETS:
        ws = book[name]
        assert ws.page_setup.orientation == "landscape", name
        assert int(ws.page_setup.paperSize) == 9, name  # A4
        assert ws.print_title_rows or name == "封面", name
    assert book["综合排名"].freeze_panes == "A5"
    assert book["指标明细"].freeze_panes == "D3"


def test_grades_are_coloured(book):
    ws = book["综合排名"]
    rules = {rule.formula[0]: rng.sqref for rng in ws.conditional_formatting for rule in rng.rules}
    assert set(rules) >= {'"优秀"', '"良好"', '"合格"', '"不合格"'}
    last = 4 + 5
    assert all(str(sqref) == f"I5:I{last}" for sqref in rules.values())


def test_county_sheets(tmp_path, assessment, scheme):
    paths = write_county_sheets(assessment, scheme, tmp_path)
    assert len(paths) == len(assessment.counties)
    for path, r in zip(paths, assessment.counties, strict=True):
        assert path.name.startswith(r.county.code)
        ws = open_book(path).active
        assert ws["A1"].value == f"{r.county.name}2007年度民生工程目标管理考核评分表"
        headers = [c.value for c in ws[header_row(ws, "考评内容")]]
        assert headers == ["项目", "考评内容", "分值", "自评分", "考评得分", "计分方法", "备注"]
        rows = {row["项目"].value: row for row in table(ws, "项目")}
        scores = {s.code: s for s in r.indicators}
        for code, s in scores.items():
            if s.status is IndicatorStatus.SCORED:
                assert num(rows[code]["考评得分"]) == s.score, code
                assert num(rows[code]["自评分"]) == s.self_score
        groups = {g.code: g for g in r.groups}
        for n, g in zip("一二三四五六七八九", scheme.groups, strict=True):
            if g.code in groups:
                assert num(rows[f"{n}、{g.name}"]["考评得分"]) == groups[g.code].score
        if r.total is not None:
            assert num(rows["总分"]["考评得分"]) == r.total
            assert rows["等次"]["考评得分"].value == r.grade
        else:
            assert COUNTY_STATUS_LABELS[r.status] in rows["总分"]["计分方法"].value
        assert ws.page_setup.orientation == "landscape"


def test_deductions_show_on_the_county_sheet(tmp_path, assessment, scheme):
    r = assessment.result("360121")
    assert r.deduction_total == D(2)
    path = write_county_sheets(assessment, scheme, tmp_path)[2]
    rows = {row["项目"].value: row for row in table(open_book(path).active, "项目")}
    assert num(rows["扣分：被省通报批评"]["考评得分"]) == D(-2)


def test_an_empty_run_still_writes_every_sheet(tmp_path, scheme):
    from minsheng import Targets, score

    empty = score(scheme, Targets(year=2007, counties=()), [])
    path = write_assessment(empty, scheme, tmp_path / "empty.xlsx")
    book = open_book(path)
    assert book.sheetnames == SHEETS
    assert table(book["综合排名"], "代码") == []
    assert table(book["问题清单"], "序号") == []
    ws = book["综合排名"]
    # the footer note moved up to just below the header, with nothing left of the row template
    note = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value or "").startswith("说明"))
    assert note == header_row(ws, "代码") + 2
    assert not any("{" in str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert write_county_sheets(empty, scheme, tmp_path / "c") == []


def test_a_template_without_the_title_column_still_fills(tmp_path, assessment, scheme):
    from openpyxl import load_workbook

    from minsheng.workbooks import template_path

    old = load_workbook(template_path("assessment"))
    ws = old["问题清单"]
    assert ws["I3"].value == "{问题标题}"
    ws.delete_cols(9)
    old.save(tmp_path / "old.xlsx")
    path = write_assessment(assessment, scheme, tmp_path / "a.xlsx", template=tmp_path / "old.xlsx")
    rows = table(open_book(path)["问题清单"], "序号")
    assert [(r["问题代码"].value, r["级别"].value) for r in rows] == [
        (p.code, {"error": "错误", "warning": "警告", "info": "提示"}[p.severity.value])
        for p in assessment.problems
    ]
    assert "问题" not in rows[0]


def test_chart_axis_starts_near_the_lowest_total(book_path, assessment):
    """#12 item 19: a 90 and a 101 look different; the axis is not pinned at 0."""
    from minsheng.workbooks._chart import axis_minimum

    assert axis_minimum([D("90"), D("101")]) == 80
    assert axis_minimum([D("95.5"), D("99")]) == 90
    assert axis_minimum([D("3"), D("100")]) == 0
    assert axis_minimum([D("0.00")]) == 0
    parts = xml_parts(book_path)
    chart = next(v for k, v in parts.items() if k.startswith("xl/charts/chart"))
    lowest = min(r.total for r in assessment.counties if r.total is not None)
    assert f'<min val="{axis_minimum([lowest])}"' in chart
