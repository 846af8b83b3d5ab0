"""The layouts counties really send, read from real .xlsx and .xls files written here:
indicators in columns with a 合计/全县 row, period columns with or without an annual column,
a long list summed by category, and footnotes and signature lines below a table."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from sheetfiles import write_xls, write_xlsx

from minsheng import ValueStatus, load_scheme
from minsheng.sheets import (
    HALF,
    MONTH,
    QUARTER,
    TOTAL,
    SheetError,
    find_table,
    indicator_columns,
    open_workbook,
    period_columns,
    period_value,
    read_columns,
    read_reporter,
    sum_by_category,
)

SCHEME = load_scheme("jiangxi-2007")

TOWNSHIPS: list[list[object]] = [
    ["南昌县2007年各乡镇就业和培训情况汇总表", None, None, None, None],
    ["填报单位（盖章）：南昌县劳动和社会保障局", None, None, None, None],
    [
        "乡镇",
        "城镇新增就业人数(人)",
        "城镇职业技能培训（万人）",
        "农村劳动力转移培训（人）",
        "新增发放小额贷款（万元）",
    ],
    ["莲塘镇", 1200, 0.12, 800, 150.5],
    ["向塘镇", 900, 0.08, "—", 99.5],
    ["合计", 2100, 0.2, 1400, None],
    ["注：1. 本表由各乡镇劳动保障所填报；2. 小额贷款按发放日统计。", None, None, None, None],
    ["说明：合计行由县局汇总。", None, None, None, None],
    ["填报人：张三", None, "审核人：李四", None, "单位负责人：王五"],
]


def write(tmp_path: Path, ext: str, name: str, rows: list[list[object]]) -> Path:
    path = tmp_path / f"{name}.{ext}"
    if ext == "xls":
        return write_xls(path, {name: rows})
    return write_xlsx(path, {name: rows})


@pytest.fixture(params=["xlsx", "xls"])
def ext(request) -> str:
    return request.param


def test_indicators_in_columns_read_from_the_county_row(tmp_path, ext) -> None:
    path = write(tmp_path, ext, "乡镇汇总", TOWNSHIPS)
    with open_workbook(path) as book:
        sheet = book.sheet("乡镇汇总")
        table = find_table(sheet, ["乡镇", "城镇新增就业人数"])
        assert [c.unit for c in table.columns] == [None, "人", "万人", "人", "万元"]
        assert {code: c.letter for code, c in indicator_columns(table, SCHEME).items()} == {
            "1.1": "B",
            "3.1": "C",
            "3.2": "D",
            "5.1": "E",
        }
        total = table.total_row()
        assert total is not None and total.number == 6 and total.kind == TOTAL
        # footnotes and signature lines are not data rows
        assert [r.label for r in table.rows] == ["莲塘镇", "向塘镇", "合计"]
        problems: list = []
        values = read_columns(table, SCHEME, problems=problems)
        reporter = read_reporter(sheet)
    assert problems == []
    assert values["1.1"].amount == D(2100) and values["1.1"].provenance.cell == "B6"
    assert values["3.1"].amount == D(2000)  # 0.2 万人
    assert values["3.2"].amount == D(1400)
    assert values["5.1"].status is ValueStatus.MISSING  # a blank 合计 cell is not 0
    assert values["5.1"].provenance.cell == "E6"
    assert reporter.unit == "南昌县劳动和社会保障局"  # without （盖章）
    assert reporter.person == "张三"


def test_a_township_row_or_the_quanxian_row(tmp_path, ext) -> None:
    rows = [list(r) for r in TOWNSHIPS[:5]] + [["全县", 2100, 0.2, 1400, 250]]
    path = write(tmp_path, ext, "乡镇汇总", rows)
    with open_workbook(path) as book:
        table = find_table(book.sheet("乡镇汇总"), ["乡镇", "城镇新增就业人数"])
        assert table.total_row().label == "全县"
        assert read_columns(table, SCHEME)["5.1"].amount == D(250)
        one = read_columns(table, SCHEME, table.rows[1])
        assert one["3.2"].status is ValueStatus.NOT_APPLICABLE and one["1.1"].amount == D(900)


def test_no_county_row_is_a_problem_for_the_county(tmp_path, ext) -> None:
    path = write(tmp_path, ext, "乡镇汇总", [list(r) for r in TOWNSHIPS[:5]])
    with open_workbook(path) as book:
        table = find_table(book.sheet("乡镇汇总"), ["乡镇", "城镇新增就业人数"])
        assert table.total_row() is None
        with pytest.raises(SheetError) as err:
            read_columns(table, SCHEME)
    assert err.value.code == "total-row-not-found" and err.value.sheet == "乡镇汇总"


MONTHS = [f"{m}月" for m in range(1, 13)]
MONTHLY: list[list[object]] = [
    ["2007年就业月报"],
    ["指标名称", "计量单位", *MONTHS, "全年累计"],
    ["城镇新增就业人数", "人", *([100] * 12), 1200],
    ["城镇职业技能培训", "人", *([50] * 11), 60, 600],  # the months add up to 610
    ["新增发放小额贷款", "万元", 10, 20, 30, *([None] * 9), None],  # 累计 left blank
    ["备注：12月为预计数", None],
]


def test_months_with_an_annual_column(tmp_path, ext) -> None:
    path = write(tmp_path, ext, "月报", MONTHLY)
    with open_workbook(path) as book:
        table = find_table(book.sheet("月报"), ["指标名称", "1月"])
        periods = period_columns(table)
        assert periods.kind == MONTH and [c.letter for c in periods.parts] == list("CDEFGHIJKLMN")
        assert periods.total.letter == "O"
        assert [r.label for r in table.rows] == ["城镇新增就业人数", "城镇职业技能培训", "新增发放小额贷款"]
        problems: list = []
        rows = {r.label: r for r in table.rows}
        first = period_value(table, rows["城镇新增就业人数"], periods, problems=problems)
        second = period_value(table, rows["城镇职业技能培训"], periods, problems=problems)
        third = period_value(table, rows["新增发放小额贷款"], periods, problems=problems)
    assert first.amount == D(1200) and first.provenance.cell == "O3"
    assert second.amount == D(600) and second.provenance.cell == "O4"  # the annual column wins
    assert third.status is ValueStatus.MISSING and third.provenance.cell == "O5"
    [warning] = problems
    assert warning.code == "period-sum-mismatch" and warning.severity.value == "warning"
    assert warning.cell == "O4" and "C4:N4" in warning.message and "610" in warning.message


def test_quarters_without_an_annual_column_are_summed(tmp_path, ext) -> None:
    rows: list[list[object]] = [
        ["指标", "单位", "第一季度", "第二季度", "第三季度", "第四季度"],
        ["城镇新增就业人数", "万人", 0.1, 0.15, "0.05", None],
        ["阳光工程", "人", "—", "—", "—", "—"],
        ["雨露工程", "人", 5, "五十", 5, 5],
    ]
    path = write(tmp_path, ext, "季报", rows)
    with open_workbook(path) as book:
        table = find_table(book.sheet("季报"), ["指标", "第一季度"])
        periods = period_columns(table)
        assert periods.kind == QUARTER and periods.total is None
        problems: list = []
        summed = [period_value(table, r, periods, to_unit="人", problems=problems) for r in table.rows]
    assert summed[0].amount == D(3000) and summed[0].provenance.cell == "C2:F2"
    assert summed[1].status is ValueStatus.NOT_APPLICABLE
    assert summed[2].status is ValueStatus.MISSING  # a part that is not a number: no sum
    assert [p.code for p in problems] == ["not-a-number"] and problems[0].cell == "D4"


def test_halves_under_a_merged_header(tmp_path) -> None:
    rows: list[list[object]] = [
        ["指标名称", "完成情况", None, None],
        [None, "累计完成", "上半年", "下半年"],
        ["城镇新增就业人数", 1000, 400, 500],
    ]
    path = write_xlsx(tmp_path / "h.xlsx", {"表": rows}, merges={"表": ["A1:A2", "B1:D1"]})
    with open_workbook(path) as book:
        table = find_table(book.sheet("表"), ["指标名称", "完成情况"])
        periods = period_columns(table, "完成情况")
        assert periods.kind == HALF and periods.total.path == "完成情况/累计完成"
        problems: list = []
        assert period_value(table, table.rows[0], periods, problems=problems).amount == D(1000)
    assert [p.cell for p in problems] == ["B3"]


def test_no_period_column_is_the_plugin_setting(tmp_path) -> None:
    path = write_xlsx(tmp_path / "p.xlsx", {"表": [["指标名称", "本年完成"], ["城镇新增就业人数", 3]]})
    with open_workbook(path) as book:
        table = find_table(book.sheet("表"), ["指标名称"])
        with pytest.raises(SheetError) as err:
            period_columns(table)
    assert err.value.code == "plugin-header-mismatch" and "本年完成" in err.value.message_zh


LEDGER: list[list[object]] = [
    ["南昌县2007年小额担保贷款发放台帐"],
    ["序号", "借款人", "贷款类别", "发放日期", "贷款金额（元）"],
    [1, "李强", "下岗失业人员", "2007-03-01", 50000],
    [2, "张敏", "自主创业", "2007-04-01", 20000],
    [3, "刘芳", "下岗失业人员", "2007-05-01", "三万"],
    [4, "陈杰", "其他", "2007-06-01", 10000],
    [5, "赵勇", "自主创业", "2007-07-01", 30000],
    [None, "合计", None, None, 140000],
    ["注：金额单位为元。"],
    ["填报人：张三", None, "审核人：李四"],
]


def test_long_list_summed_by_category(tmp_path, ext) -> None:
    path = write(tmp_path, ext, "台帐", LEDGER)
    categories = {"xiagang": ["下岗"], "chuangye": ["创业"]}
    with open_workbook(path) as book:
        table = find_table(book.sheet("台帐"), ["借款人", "贷款类别"])
        problems: list = []
        amounts = sum_by_category(
            table, "贷款类别", categories, amount_column="贷款金额", to_unit="万元", problems=problems
        )
        counts = sum_by_category(table, "贷款类别", categories)
    assert amounts["xiagang"].amount == D(5) and amounts["chuangye"].amount == D(5)
    assert amounts["xiagang"].provenance.cell == "E3:E7"
    assert counts["xiagang"].amount == D(2) and counts["chuangye"].amount == D(2)
    assert counts["chuangye"].provenance.cell == "C3:C7"
    assert [(p.code, p.cell) for p in problems] == [("not-a-number", "E5"), ("unknown-category", "C6")]
    assert "“其他”不属于任何统计类别（类别中应含有：下岗、创业）" in problems[1].message


def test_a_rosters_footnotes_are_not_people(tmp_path, ext) -> None:
    from minsheng.sheets import read_roster

    rows: list[list[object]] = [
        ["序号", "姓名", "身份证号", "培训类别"],
        [1, "李强", "360828198503120417", "阳光工程"],
        [2, "张敏", "360828199007081521", "雨露工程"],
        ["注：身份证号须为18位。"],
        ["说明：本表一人一行。"],
        ["填报人：张三", None, "复核人：李四"],
    ]
    path = write(tmp_path, ext, "花名册", rows)
    with open_workbook(path) as book:
        table = find_table(book.sheet("花名册"), ["身份证号"])
        assert [r.label for r in table.rows] == ["李强", "张敏"]
        roster = read_roster(table, id_column="身份证号")
    assert (roster.rows, roster.counted, roster.problems) == (2, 2, [])


def test_units_as_rows_under_a_danwei_header(tmp_path, ext) -> None:
    """A first column headed 单位 naming the units that report is not a column of units."""
    rows: list[list[object]] = [
        ["单位", "城镇新增就业人数(人)", "新增发放小额贷款（万元）"],
        ["县就业局", 1500, 200],
        ["县社保局", 600, 50],
        ["全县合计", 2100, 250],
    ]
    path = write(tmp_path, ext, "各单位", rows)
    with open_workbook(path) as book:
        table = find_table(book.sheet("各单位"), ["单位", "城镇新增就业人数"])
        assert table.unit_col is None and table.label_col == 0
        assert table.total_row().label == "全县合计"
        values = read_columns(table, SCHEME)
    assert (values["1.1"].amount, values["5.1"].amount) == (D(2100), D(250))


def test_a_plan_column_is_not_the_annual_figure(tmp_path) -> None:
    rows: list[list[object]] = [
        ["指标名称", "本年计划", "上半年", "下半年", "上年同期累计", "本年累计"],
        ["城镇新增就业人数", 2000, 900, 1000, 1800, 1900],
    ]
    path = write_xlsx(tmp_path / "plan.xlsx", {"表": rows})
    with open_workbook(path) as book:
        table = find_table(book.sheet("表"), ["指标名称", "上半年"])
        periods = period_columns(table)
        assert periods.total.path == "本年累计"
        assert period_value(table, table.rows[0], periods).amount == D(1900)
