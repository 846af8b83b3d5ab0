"""find_table, read_reporter on real files with a three-row merged header, 其中, 小计 and 合计 rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest
from sheetfiles import write_ods, write_xls, write_xlsx

from minsheng import Provenance, ValueStatus, load_scheme
from minsheng.sheets import (
    HEADING,
    ITEM,
    PART,
    SUBTOTAL,
    TOTAL,
    SheetError,
    find_table,
    open_workbook,
    read_reporter,
)
from minsheng.sheets.reporter import parse_date

ROWS: list[list[object]] = [
    ["南昌县2007年就业和社会保障目标任务完成情况表", None, None, None, None, None, None, None],
    ["填报单位：南昌县劳动和社会保障局", None, None, "填报人：张三", None, "电话：", "0791-5712345", None],
    ["填报日期：2007年12月31日", None, None, None, None, None, "单位：万人、万元", None],
    ["序号", "指标名称", "计量单位", "年度目标任务", "完成情况", None, None, "完成率（%）"],
    [None, None, None, None, "累计完成", "其中", None, None],
    [None, None, None, None, None, "上半年", "下半年", None],
    ["一、扩大就业", None, None, None, None, None, None, None],
    ["1", "城镇新增就业人数", "万人", 1.2, 1.35, 0.6, 0.75, 112.5],
    ["2", "农村劳动力转移就业", "万人", 2, "2.1", None, None, 105],
    ["二、培训就业", None, None, None, None, None, None, None],
    ["3", "城镇职业技能培训", "万人", 0.4, 0.41, None, None, None],
    ["4", "农村劳动力转移培训", "万人", 0.91, 0.95, None, None, None],
    [None, "其中：金蓝领工程", "万人", 0.6, 0.62, None, None, None],
    [None, "　　　阳光工程", "万人", 0.25, "—", None, None, None],
    [None, "　　　雨露工程", "万人", 0.06, None, None, None, None],
    [None, "小计", "万人", 1.31, 1.36, None, None, None],
    ["5", "新增发放小额贷款", "亿元", 0.1, 0.12, None, None, None],
    [None, "合计", None, None, None, None, None, None],
    [None, None, None, None, None, None, None, None],
    ["单位负责人：李四", None, "统计负责人：王五", None, "填表人：张三", None, "报出日期：2008.1.5", None],
]
MERGES = [
    (0, 0, 0, 7),
    (3, 0, 5, 0),
    (3, 1, 5, 1),
    (3, 2, 5, 2),
    (3, 3, 5, 3),
    (3, 4, 3, 6),
    (4, 4, 5, 4),
    (4, 5, 4, 6),
    (3, 7, 5, 7),
]


def _a1(r0: int, c0: int, r1: int, c1: int) -> str:
    from minsheng.sheets import cell_ref

    return f"{cell_ref(r0, c0)}:{cell_ref(r1, c1)}"


@pytest.fixture(params=["xls", "xlsx", "ods"])
def sheet(request: pytest.FixtureRequest, tmp_path: Path):
    kind = request.param
    path = tmp_path / f"summary.{kind}"
    if kind == "xls":
        write_xls(path, {"汇总表": ROWS}, merges={"汇总表": MERGES})
    elif kind == "xlsx":
        write_xlsx(path, {"汇总表": ROWS}, merges={"汇总表": [_a1(*m) for m in MERGES]})
    else:
        write_ods(path, {"汇总表": ROWS}, merges={"汇总表": MERGES})
    return open_workbook(path).sheet("汇总表")


def test_three_row_merged_header_flattens_into_paths(sheet) -> None:
    table = find_table(sheet, ["指标名称", "完成情况"])
    assert (table.header_first, table.header_last) == (3, 5)
    assert [c.path for c in table.columns] == [
        "序号",
        "指标名称",
        "计量单位",
        "年度目标任务",
        "完成情况/累计完成",
        "完成情况/其中/上半年",
        "完成情况/其中/下半年",
        "完成率",
    ]
    assert table.columns[-1].unit == "%"
    assert table.column("完成情况", "累计").letter == "E"
    assert table.column("其中", "下半年").letter == "G"
    assert table.column("年度目标").letter == "D"
    assert table.label_col == 1 and table.unit_col == 2
    with pytest.raises(SheetError) as err:
        table.column("自评分")
    # the header was found by the plugin's own texts: a column it lacks is the plugin's mistake
    assert err.value.code == "plugin-header-mismatch"
    assert err.value.message_zh.startswith("插件的表头设置与报表不符：插件要找“自评分”栏")
    assert "完成情况/累计完成" in err.value.message_zh and err.value.cell == "A4"


def test_rows_are_classified(sheet) -> None:
    table = find_table(sheet, ["指标名称", "完成情况"])
    kinds = [(r.number, r.key, r.kind) for r in table.rows]
    assert kinds == [
        (7, "扩大就业", HEADING),
        (8, "城镇新增就业人数", ITEM),
        (9, "农村劳动力转移就业", ITEM),
        (10, "培训就业", HEADING),
        (11, "城镇职业技能培训", ITEM),
        (12, "农村劳动力转移培训", ITEM),
        (13, "金蓝领工程", PART),
        (14, "阳光工程", PART),
        (15, "雨露工程", PART),
        (16, "小计", SUBTOTAL),
        (17, "新增发放小额贷款", ITEM),
        (18, "合计", TOTAL),
    ]  # the footer (单位负责人…) ends the table
    parts = [r for r in table.rows if r.kind == PART]
    assert {r.parent for r in parts} == {11}  # row 12 (0-based 11): 农村劳动力转移培训


def test_indicator_rows_by_name_and_alias_with_units_converted(sheet) -> None:
    scheme = load_scheme("jiangxi-2007")
    table = find_table(sheet, ["指标名称", "完成情况"])
    rows = table.indicator_rows(scheme)
    assert {code: r.number for code, r in rows.items()} == {
        "1.1": 8,
        "1.2": 9,
        "3.1": 11,
        "3.2": 12,
        "3.2.1": 13,
        "3.2.2": 14,
        "3.2.3": 15,
        "5.1": 17,
    }
    done = table.column("完成情况", "累计完成")
    problems: list = []

    def src(sheet_name: str, cell: str) -> Provenance:
        return Provenance(file="f", sheet=sheet_name, cell=cell, plugin="t", plugin_version="1")

    got = {
        code: table.value(row, done, to_unit=scheme.indicator(code).unit, source=src, problems=problems)
        for code, row in rows.items()
    }
    assert {c: v.amount for c, v in got.items() if v.is_reported} == {
        "1.1": D("13500"),
        "1.2": D("21000"),
        "3.1": D("4100"),
        "3.2": D("9500"),
        "3.2.1": D("6200"),
        "5.1": D("1200"),  # 0.12 亿元 = 1200 万元
    }
    assert got["3.2.2"].status is ValueStatus.NOT_APPLICABLE
    assert got["3.2.3"].status is ValueStatus.MISSING  # blank is never 0
    assert got["5.1"].provenance == src("汇总表", "E17")
    assert problems == []


def test_reporter_line_above_and_date_below(sheet) -> None:
    reporter = read_reporter(sheet)
    assert reporter.unit == "南昌县劳动和社会保障局"
    assert reporter.person == "张三"
    assert reporter.phone == "0791-5712345"
    assert reporter.date == dt.date(2007, 12, 31)
    below = read_reporter(sheet, rows=range(15, sheet.n_rows))
    assert below.date == dt.date(2008, 1, 5) and below.person == "张三"


def test_table_not_found(sheet) -> None:
    with pytest.raises(SheetError) as err:
        find_table(sheet, ["考核内容", "自评分"])
    assert err.value.code == "table-not-found" and err.value.sheet == "汇总表"


def test_header_text_of_the_plugin_not_in_the_header(sheet) -> None:
    """Some of the plugin's texts are in a header row, others not: the plugin's header setting is
    wrong, said to the plugin author with the texts the header has."""
    with pytest.raises(SheetError) as err:
        find_table(sheet, ["指标名称", "自评分"])
    e = err.value
    assert e.code == "plugin-header-mismatch" and e.sheet == "汇总表" and e.cell == "A4"
    assert e.message_zh.startswith("插件的表头设置与报表不符")
    assert "有“指标名称”，却没有“自评分”" in e.message_zh
    assert "序号、指标名称、计量单位、年度目标任务、完成情况、完成率（%）" in e.message_zh
    assert e.problem().code == "plugin-header-mismatch"


@pytest.mark.parametrize(
    ("raw", "date"),
    [
        ("2007年12月31日", dt.date(2007, 12, 31)),
        ("2007-12-31", dt.date(2007, 12, 31)),
        ("2007.12.31", dt.date(2007, 12, 31)),
        ("2007/1/5", dt.date(2007, 1, 5)),
        ("２００７年１月５日", dt.date(2007, 1, 5)),
        ("20071231", dt.date(2007, 12, 31)),
        (39447, dt.date(2007, 12, 31)),
        (39447.0, dt.date(2007, 12, 31)),
        ("39447", dt.date(2007, 12, 31)),
        (dt.datetime(2007, 12, 31, 8, 0), dt.date(2007, 12, 31)),
        ("2007年2月30日", None),
        ("去年年底", None),
        (True, None),
        (None, None),
    ],
)
def test_parse_date(raw, date) -> None:
    assert parse_date(raw) == date
