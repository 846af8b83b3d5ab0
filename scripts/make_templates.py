"""Build the standard workbook templates (报表、目标任务表、考核结果、考核评分表).

Run from the repository root::

    python scripts/make_templates.py            # writes templates/xlsx/ and src/minsheng/templates/
    python scripts/make_templates.py --out DIR  # writes DIR only (the tests compare it with both)

The templates carry no scheme: rows and columns for indicators, groups and grades are copied from
row templates and expanding columns when they are filled (see docs/templates.md). A province may
restyle the produced files in Excel or WPS; this script is the starting point, not the contract.
Output is byte-identical from run to run.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from minsheng.workbooks._output import save_workbook
from minsheng.workbooks._template import TEMPLATE_NAMES

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = (ROOT / "templates" / "xlsx", ROOT / "src" / "minsheng" / "templates")
STAMP = dt.datetime(2007, 1, 1)

BODY = "宋体"
TITLE = "黑体"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")
INPUT_FILL = PatternFill("solid", fgColor="FFF9DB")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
UNLOCKED = Protection(locked=False)
GRADE_FILLS = {"优秀": "C6EFCE", "良好": "DDEBF7", "合格": "FFEB9C", "不合格": "FFC7CE"}


def font(size: float = 10.5, *, bold: bool = False, name: str = BODY, color: str | None = None) -> Font:
    return Font(name=name, size=size, bold=bold, color=color)


def widths(ws: Worksheet, values: dict[str, float]) -> None:
    for col, w in values.items():
        ws.column_dimensions[col].width = w


def title(ws: Worksheet, ref: str, text: str, size: float = 16, height: float = 32) -> None:
    first = ref.split(":")[0]
    ws.merge_cells(ref)
    cell = ws[first]
    cell.value = text
    cell.font = font(size, bold=True, name=TITLE)
    cell.alignment = CENTER
    ws.row_dimensions[cell.row].height = height


def text(ws: Worksheet, ref: str, value: str, *, align: Alignment = LEFT, f: Font | None = None) -> None:
    first = ref.split(":")[0]
    if ":" in ref:
        ws.merge_cells(ref)
    ws[first].value = value
    ws[first].alignment = align
    ws[first].font = f or font()


def header(ws: Worksheet, row: int, labels: list[str], *, height: float = 30) -> None:
    for i, label in enumerate(labels, start=1):
        cell = ws.cell(row, i, label)
        cell.font = font(10.5, bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = CENTER
        cell.border = BOX
    ws.row_dimensions[row].height = height


def row_template(
    ws: Worksheet,
    row: int,
    values: list[object],
    *,
    aligns: list[Alignment] | None = None,
    bold: bool = False,
    fill: PatternFill | None = None,
    inputs: tuple[int, ...] = (),
    height: float | None = 20,
) -> None:
    for i, value in enumerate(values, start=1):
        cell = ws.cell(row, i, value)
        cell.font = font(10.5, bold=bold)
        cell.border = BOX
        cell.alignment = aligns[i - 1] if aligns else CENTER
        if fill is not None:
            cell.fill = fill
        if i in inputs:
            cell.protection = UNLOCKED
            cell.fill = INPUT_FILL
    if height:
        ws.row_dimensions[row].height = height


def table(
    ws: Worksheet,
    row: int,
    labels: list[str],
    values: list[object],
    *,
    aligns: list[Alignment] | None = None,
    header_height: float = 30,
) -> None:
    """A header row and below it the row the writer repeats, one per county (its height fitted)."""
    header(ws, row, labels, height=header_height)
    row_template(ws, row + 1, values, aligns=aligns, height=None)


def chart_placeholder(ws: Worksheet, ref: str, key: str) -> None:
    """The merged row a chart is drawn over; its placeholder text is white, unseen if left."""
    ws.merge_cells(ref)
    first = ref.split(":")[0]
    ws[first].value = key
    ws[first].font = font(9, color="FFFFFF")
    ws.row_dimensions[int(first[1:])].height = 230


def band(ws: Worksheet, ref: str, key: str, *, size: float) -> None:
    """A merged, shaded row naming the group of rows below it (repeated with them)."""
    ws.merge_cells(ref)
    first = ws[ref.split(":")[0]]
    first.value = key
    first.font = font(size, bold=True)
    first.fill = GROUP_FILL
    first.alignment = LEFT
    first.border = BOX


def a4_landscape(ws: Worksheet, title_rows: str | None, area: str | None, *, fit_width: bool = True) -> None:
    """A4 landscape; ``area`` None prints whatever the sheet holds (a table the office extends)."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    if fit_width:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows is not None:
        ws.print_title_rows = title_rows
    if area is not None:
        ws.print_area = area
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "&A　第 &P 页"
    ws.oddFooter.center.size = 9


def number_validation(sqref: str, prompt: str) -> DataValidation:
    dv = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorStyle="warning",
        errorTitle="请填写数字",
        error="此处应填写不小于 0 的数字（可带小数）。年度目标为“—”（不考核）的指标可填“—”，空白表示未填报（不等于 0）。",
        promptTitle="填报提示",
        prompt=prompt,
    )
    dv.add(sqref)
    return dv


def grade_colours(ws: Worksheet, ref: str) -> None:
    for grade, colour in GRADE_FILLS.items():
        ws.conditional_formatting.add(
            ref,
            CellIsRule(operator="equal", formula=[f'"{grade}"'], fill=PatternFill("solid", bgColor=colour)),
        )


def notes_sheet(wb: Workbook, name: str, heading: str, lines: list[str]) -> None:
    ws = wb.create_sheet(name)
    widths(ws, {"A": 110})
    title(ws, "A1:A1", heading, size=14, height=28)
    for i, line in enumerate(lines, start=2):
        cell = ws.cell(i, 1, line)
        cell.font = font(10.5)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE


# --------------------------------------------------------------------------------------------
# 报表: the standard county submission form


def form_template() -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "报表"
    widths(ws, {"A": 7, "B": 40, "C": 9, "D": 12, "E": 12, "F": 9, "G": 9, "H": 16, "I": 12})
    title(ws, "A1:H1", "{年度}年民生工程目标任务完成情况表")
    for ref, value in (
        ("A2:B2", "县（市、区）：{县名}"),
        ("C2:D2", "代码：{县代码}"),
        ("E2", "年度：{年度}"),
        ("F2:G2", "方案：{方案}"),
        ("H2", "报告期：{报告期}"),
    ):
        text(ws, ref, value)
    # "报告期：2007年1—12月累计" is wider than the 备注 column: shrunk to one line, never cut off
    ws["H2"].alignment = Alignment(horizontal="left", vertical="center", shrink_to_fit=True)
    for ref, value in (
        ("A3:B3", "填报单位（盖章）：{填报单位}"),
        ("C3:D3", "填报人：{填报人}"),
        ("E3:F3", "电话：{电话}"),
        ("G3:H3", "填报日期：{填报日期}"),
    ):
        text(ws, ref, value)
        ws[ref.split(":")[0]].protection = UNLOCKED
    ws.row_dimensions[2].height = ws.row_dimensions[3].height = 20

    # multi-row header: 序号 | 指标 | 计量单位 | 年度目标 | 完成情况(累计完成, 完成率) | 自评分 | 备注
    header(
        ws,
        4,
        ["序号", "指标", "计量单位", "年度目标", "完成情况", "", "自评分", "备注", "指标代码"],
        height=20,
    )
    header(ws, 5, ["", "", "", "", "累计完成", "完成率", "", "", ""], height=20)
    for col in "ABCDGHI":
        ws.merge_cells(f"{col}4:{col}5")
    ws.merge_cells("E4:F4")
    header(ws, 6, ["甲", "乙", "丙", "1", "2", "3=2÷1", "4", "5", ""], height=16)
    for col in "ABCDEFGHI":
        ws[f"{col}6"].font = font(9)
    for r in (4, 5, 6):
        ws[f"I{r}"].font = font(9, color="808080")

    left = [CENTER, LEFT, CENTER, RIGHT, RIGHT, RIGHT, RIGHT, LEFT, CENTER]
    rate = '=IF(AND(ISNUMBER(D{r}),ISNUMBER(E{r}),N(D{r})>0),E{r}/D{r},"")'
    row_template(
        ws, 7, ["{组序号}", "{指标组}", "", "", "", "", "", "", ""], aligns=left, bold=True, fill=GROUP_FILL
    )
    row_template(
        ws,
        8,
        [
            "{序号}",
            "{指标}",
            "{计量单位}",
            "{年度目标}",
            "{累计完成}",
            rate.format(r=8),
            "{自评分}",
            None,
            "{代码}",
        ],
        aligns=left,
        inputs=(5, 7, 8),
    )
    row_template(
        ws,
        9,
        [
            "{序号}",
            "{指标（无完成率）}",
            "{计量单位}",
            "{年度目标}",
            "{累计完成}",
            "—",
            "{自评分}",
            None,
            "{代码}",
        ],
        aligns=left,
        inputs=(5, 7, 8),
    )
    row_template(
        ws,
        10,
        [
            "{序号}",
            "{其中指标}",
            "{计量单位}",
            "{年度目标}",
            "{累计完成}",
            rate.format(r=10),
            None,
            None,
            "{代码}",
        ],
        aligns=left,
        inputs=(5, 8),
    )
    row_template(
        ws,
        11,
        ["", "{测算项}", "{计量单位}", "—", "{累计完成}", "", "", None, "{代码}"],
        aligns=left,
        inputs=(5, 8),
    )
    for r in (10, 11):
        ws[f"B{r}"].alignment = Alignment(horizontal="left", vertical="center", wrap_text=True, indent=2)
    for r in (7, 8, 9, 10, 11):
        ws[f"F{r}"].number_format = "0.0%"
        ws[f"I{r}"].font = font(9, color="808080")
    ws.add_data_validation(
        number_validation("E8:E11", "填写本年累计完成数；年度目标为“—”的可填“—”。空白表示未填报。")
    )
    ws.add_data_validation(number_validation("G8:G9", "填写本县自评得分（可不填）。"))

    ws.row_dimensions[12].height = 8
    for ref, value in (
        ("A13:B13", "单位负责人：{单位负责人}"),
        ("C13:D13", "统计负责人：{统计负责人}"),
        ("E13:F13", "填表人：{填表人}"),
        ("G13:H13", "报出日期：{报出日期}"),
    ):
        text(ws, ref, value)
        ws[ref.split(":")[0]].protection = UNLOCKED
    ws.row_dimensions[13].height = 22
    text(
        ws,
        "A14:H14",
        "说明：1. 黄色单元格为填报项，其余单元格已锁定（审阅→撤销工作表保护，无密码）。"
        "2. 只有年度目标为“—”（不考核）的指标可填“—”；空白表示未填报，不等于 0。3. 详见“填报说明”工作表。",
        f=font(9),
    )
    ws.row_dimensions[14].height = 30
    ws.freeze_panes = "A7"
    a4_landscape(ws, "4:6", "A1:H14")
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False

    notes_sheet(
        wb,
        "填报说明",
        "{年度}年民生工程目标任务完成情况表 填报说明",
        [
            "一、本表由各县（市、区）按考核方案“{方案名称}”填报，报送设区市和省民生工程办公室。",
            "二、“年度目标”为省下达的目标任务，不得修改；“累计完成”填写 1 月至报告期末的累计数；“完成率”自动计算。",
            "三、计量单位见丙栏：人、户、次、起、天填整数，万元保留两位小数，%栏填百分数（如 4.2 表示 4.2%）。",
            "四、只有年度目标为“—”（省里定为不考核）的指标可填“—”；扣分、否决和按固定标准考核的指标须如实填报（没有发生的填 0），填“—”的按缺报处理。空白表示未填报，不等于 0，考核时按缺报处理。数字中可用千分位逗号，不要填文字说明。",
            "五、“其中”项为上一行指标的组成部分，各项之和不得大于合计数。逾期天数（报表按时报送）由省里按收文登记的"
            "收到日期（没有登记的按本表的报出日期）计算，县里填写的数不作依据；请如实填写表尾的报出日期。",
            "六、第八、九组的到位率可直接填写；也可只填写其下方的测算项（人数、金额，单位为元），由省里按政策标准测算到位率。"
            "两者都填时以直接填写的到位率为准。",
            "七、“自评分”为本县按考核方案算出的该指标得分（含超额加分），可不填；不考核、未填报的指标不比对。"
            "省里只在考核计分的指标上与考评得分比对，相差超过 0.01 分的在问题清单中提示（指向自评分那一格），"
            "不影响得分；自评总分与“折算后的指标得分加加分”（不含省里督查扣分）比对。“备注”可填写说明。",
            "八、“指标代码”栏（不打印）供汇总程序识别指标，请勿修改；请勿增删行列或修改表头文字。",
            "九、表头“县（市、区）”“代码”“年度”“方案”四项用于识别报表，请勿修改。",
        ],
    )
    wb.security = WorkbookProtection(lockStructure=True)
    return wb


# --------------------------------------------------------------------------------------------
# 目标任务表: targets (province totals and the split across counties) and 督查发现


def targets_template() -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "目标任务"
    widths(ws, {"A": 11, "B": 14, "C": 11, "D": 12, "E": 13})
    title(ws, "A1:E1", "{年度}年民生工程目标任务分解表")
    text(ws, "A2:B2", "年度：{年度}")
    text(ws, "C2:E2", "方案：{方案}")
    header(ws, 3, ["县（市、区）代码", "县（市、区）", "设区市代码", "设区市", "{指标代码}"], height=20)
    header(ws, 4, ["", "", "", "", "{指标名称}（{计量单位}）"], height=66)
    for col in "ABCD":
        ws.merge_cells(f"{col}3:{col}4")
    ws["E3"].font = font(10.5, bold=True, name="Arial")
    row_template(ws, 5, ["全省", "全省合计", "", "", "{省目标}"], bold=True, fill=GROUP_FILL)
    row_template(ws, 6, ["{县代码}", "{县名}", "{市代码}", "{市名}", "{目标}"], inputs=(5,))
    ws.add_data_validation(number_validation("E5:E6", "填写目标任务数；不考核的填“—”或留空。"))
    ws.row_dimensions[7].height = 8
    text(
        ws,
        "A8:E8",
        "说明：每县一行，每个指标一列（第 3 行为指标代码，请勿修改）。“—”或空白表示该县不考核该指标。"
        "人、户填整数，万元保留两位小数，%栏填百分数。各县目标之和应等于全省合计（%栏除外）。",
        f=font(9),
    )
    ws.row_dimensions[8].height = 30
    ws.freeze_panes = "E6"
    # one column per indicator: too wide for one page, so print across pages with the county columns repeated
    a4_landscape(ws, "3:5", "A1:E8", fit_width=False)
    ws.print_title_cols = "A:D"
    ws.page_setup.scale = 85

    # 督查发现 and 收文登记: the note above the header and nothing below the rows, so that the office
    # can add, insert and type rows anywhere below in Excel or WPS without unmerging anything
    fs = wb.create_sheet("督查发现")
    widths(fs, {"A": 14, "B": 14, "C": 22, "D": 8, "E": 50})
    title(fs, "A1:E1", "{年度}年督查发现（通报批评、弄虚作假等）", size=14)
    text(
        fs,
        "A2:E2",
        "说明：每条一行。“项目”填考核方案中的共性扣分或否决项目名称（可下拉选择）；次数为整数，不填按 1 次计。"
        "行不够时在表格下方接着填写或插入行，所有行都会读取；填不全的行会报错，不会被略过。",
        f=font(9),
    )
    fs.row_dimensions[2].height = 30
    header(fs, 3, ["县（市、区）代码", "县（市、区）", "项目", "次数", "说明"])
    row_template(
        fs,
        4,
        ["{督查县代码}", "{督查县名}", "{项目}", "{次数}", "{说明}"],
        aligns=[CENTER, CENTER, LEFT, RIGHT, LEFT],
    )
    fs.freeze_panes = "A4"
    a4_landscape(fs, "3:3", None)

    rs = wb.create_sheet("收文登记")
    widths(rs, {"A": 14, "B": 14, "C": 14, "D": 12, "E": 40})
    title(rs, "A1:E1", "{年度}年报表收文登记", size=14)
    text(rs, "A2", "报送截止日期：", align=RIGHT, f=font(11, bold=True))
    rs["B2"].value = "{截止日期}"
    rs["B2"].number_format = "yyyy-mm-dd"
    rs["B2"].protection = UNLOCKED
    rs["B2"].fill = INPUT_FILL
    rs["B2"].font = font(11)
    text(
        rs,
        "C2:E2",
        "说明：收到各县报表的当天填“收到日期”（如 2008-01-12）。逾期天数按本表的收到日期计算，"
        "不取县里在报表中填的数；本表没有登记的县按其报表上的报出日期计算。",
        f=font(9),
    )
    rs.row_dimensions[2].height = 42
    header(rs, 3, ["县（市、区）代码", "县（市、区）", "收到日期", "收件人", "说明"])
    row_template(
        rs,
        4,
        ["{收文县代码}", "{收文县名}", "{收到日期}", None, "{收文说明}"],
        aligns=[CENTER, CENTER, CENTER, CENTER, LEFT],
        inputs=(3, 4, 5),
    )
    rs["C4"].number_format = "yyyy-mm-dd"
    rs.freeze_panes = "A4"
    a4_landscape(rs, "3:3", None)

    notes_sheet(
        wb,
        "填写说明",
        "目标任务表 填写说明",
        [
            "一、“目标任务”工作表：第 3 行为指标代码，第 4 行为指标名称和计量单位；第 5 行为全省合计，以下每县一行。",
            "二、县（市、区）代码为 6 位行政区划代码，不得重复；设区市代码、名称用于设区市汇总。",
            "三、“—”或空白表示该县不考核该指标；目标不得为负数，不得填文字。",
            "四、人数、户数、金额类指标的各县目标之和应等于全省合计；不相等时程序给出差额提示。百分比类指标不求和。",
            "五、“督查发现”工作表登记督查中发现的通报批评、弄虚作假等情况，每条一行，按考核方案扣分或一票否决。",
            "六、“收文登记”工作表登记收到各县报表的日期和报送截止日期；逾期天数（6.2）由程序按收到日期计算，"
            "以本表为准，不取县里填报的数；未登记的县按其报表的报出日期计算。",
        ],
    )
    return wb


# --------------------------------------------------------------------------------------------
# 考核结果: the year-end assessment workbook


def assessment_template() -> Workbook:
    wb = Workbook()
    cover = wb.active
    cover.title = "封面"
    widths(cover, {"A": 16, "B": 14, "C": 30, "D": 58, "E": 18, "F": 10})
    title(cover, "A1:F1", "{方案名称}", size=16, height=36)
    title(cover, "A2:F2", "{年度}年度考核结果", size=20, height=40)
    rows = [
        ("考核方案", "{方案名称}（{方案}）"),
        ("考核年度", "{年度}"),
        ("考核日期", "{考核日期}"),
        ("统计截至", "{年度}年{月份}月"),
        (
            "参评县（市、区）",
            "共 {参评数} 个：已评 {已评数} 个，缺报 {缺报数} 个，出错 {出错数} 个，暂缓 {暂缓数} 个",
        ),
        ("缺报数据处理", "{缺报处理}"),
        ("发现问题", "错误 {错误数} 条，警告 {警告数} 条，提示 {提示数} 条（详见“问题清单”）"),
    ]
    for i, (label, value) in enumerate(rows, start=4):
        text(cover, f"A{i}", label, f=font(11, bold=True))
        cover[f"A{i}"].border = BOX
        text(cover, f"B{i}:F{i}", value, f=font(11))
        for col in "BCDEF":
            cover[f"{col}{i}"].border = BOX
        cover.row_dimensions[i].height = 22
    cover["B5"].alignment = LEFT
    text(cover, "A11", "输入文件", f=font(11, bold=True))
    cover["A11"].border = BOX
    text(cover, "B11:F11", "共 {文件数} 个，各文件的 SHA-256 校验值和读取插件见“数据来源”工作表", f=font(11))
    for col in "BCDEF":
        cover[f"{col}11"].border = BOX
    cover.row_dimensions[11].height = 22
    # the cover is one printed page: nothing on it grows with the number of counties or files
    a4_landscape(cover, None, "A1:F11")
    cover.page_setup.fitToHeight = 1

    rank = wb.create_sheet("综合排名")
    widths(
        rank,
        {"A": 6, "B": 9, "C": 13, "D": 10, "E": 9, "F": 7, "G": 7, "H": 9, "I": 8, "J": 14, "K": 7, "L": 30},
    )
    title(rank, "A1:L1", "{年度}年度民生工程目标管理考核综合排名")
    text(
        rank,
        "A2:L2",
        "考核日期：{考核日期}　　参评 {参评数} 个，已评 {已评数} 个　　{缺报说明}",
        align=RIGHT,
        f=font(9),
    )
    chart_placeholder(rank, "A3:L3", "{总分图}")
    header(
        rank,
        4,
        [
            "排名",
            "代码",
            "县（市、区）",
            "设区市",
            "指标得分",
            "加分",
            "扣分",
            "总分",
            "等次",
            "标记",
            "状态",
            "备注",
        ],
    )
    aligns = [CENTER, CENTER, CENTER, CENTER, RIGHT, RIGHT, RIGHT, RIGHT, CENTER, CENTER, CENTER, LEFT]
    row_template(
        rank,
        5,
        [
            "{排名}",
            "{县代码}",
            "{县名}",
            "{市名}",
            "{指标得分}",
            "{加分}",
            "{扣分}",
            "{总分}",
            "{等次}",
            "{标记}",
            "{状态}",
            "{备注}",
        ],
        aligns=aligns,
        height=None,
    )
    rank["H5"].font = font(10.5, bold=True)
    grade_colours(rank, "I5")
    text(
        rank,
        "A7:L7",
        "说明：总分 = 指标得分（有不考核指标的按适用分值折算为百分制）+ 加分（最多 {加分上限} 分）− 扣分。"
        "总分相同的并列，下一名次顺延；一票否决的县排在最后，等次为“{否决等次}”。先进为等次“{优秀等次}”中排名前 {先进数} 位；末位为排名最后的县。",
        f=font(9),
    )
    rank.row_dimensions[7].height = 30
    rank.freeze_panes = "A5"
    a4_landscape(rank, "4:4", "A1:L7")

    groups = wb.create_sheet("分项得分")
    widths(groups, {"A": 6, "B": 9, "C": 13, "D": 10, "E": 10, "F": 7, "G": 7, "H": 9, "I": 8})
    title(groups, "A1:I1", "{年度}年度各县（市、区）分项得分")
    table(
        groups,
        2,
        ["排名", "代码", "县（市、区）", "设区市", "{指标组}", "加分", "扣分", "总分", "等次"],
        ["{排名}", "{县代码}", "{县名}", "{市名}", "{组得分}", "{加分}", "{扣分}", "{总分}", "{等次}"],
        aligns=[CENTER, CENTER, CENTER, CENTER, RIGHT, RIGHT, RIGHT, RIGHT, CENTER],
        header_height=44,
    )
    grade_colours(groups, "I3")
    groups.freeze_panes = "E3"
    a4_landscape(groups, "2:2", "A1:I3")

    detail = wb.create_sheet("指标明细")
    widths(
        detail,
        {
            "A": 9,
            "B": 12,
            "C": 10,
            "D": 7,
            "E": 34,
            "F": 7,
            "G": 6,
            "H": 12,
            "I": 12,
            "J": 9,
            "K": 7,
            "L": 6,
            "M": 8,
            "N": 7,
        },
    )
    title(detail, "A1:N1", "{年度}年度各县（市、区）指标明细")
    table(
        detail,
        2,
        [
            "代码",
            "县（市、区）",
            "设区市",
            "指标代码",
            "指标",
            "计量单位",
            "分值",
            "年度目标",
            "实际完成",
            "完成率",
            "得分",
            "加分",
            "状态",
            "自评分",
        ],
        [
            "{县代码}",
            "{县名}",
            "{市名}",
            "{指标代码}",
            "{指标}",
            "{计量单位}",
            "{分值}",
            "{年度目标}",
            "{实际完成}",
            "{完成率}",
            "{得分}",
            "{加分}",
            "{状态}",
            "{自评分}",
        ],
        aligns=[
            CENTER,
            CENTER,
            CENTER,
            CENTER,
            LEFT,
            CENTER,
            RIGHT,
            RIGHT,
            RIGHT,
            RIGHT,
            RIGHT,
            RIGHT,
            CENTER,
            RIGHT,
        ],
    )
    detail.freeze_panes = "D3"
    a4_landscape(detail, "2:2", "A1:N3")

    cities = wb.create_sheet("设区市汇总")
    widths(cities, {"A": 11, "B": 12, "C": 12, "D": 8, "E": 9, "F": 8, "G": 10})
    title(cities, "A1:G1", "{年度}年度设区市汇总")
    table(
        cities,
        2,
        ["设区市代码", "设区市", "县（市、区）数", "已评", "平均分", "{等次}", "一票否决"],
        ["{市代码}", "{市名}", "{县数}", "{已评}", "{平均分}", "{等次数}", "{否决数}"],
    )
    cities.freeze_panes = "C3"
    a4_landscape(cities, "2:2", "A1:G3")

    problems = wb.create_sheet("问题清单")
    widths(
        problems,
        {"A": 6, "B": 9, "C": 12, "D": 24, "E": 10, "F": 8, "G": 7, "H": 18, "I": 14, "J": 6, "K": 54},
    )
    title(problems, "A1:K1", "{年度}年度考核问题清单")
    table(
        problems,
        2,
        [
            "序号",
            "代码",
            "县（市、区）",
            "文件",
            "工作表",
            "单元格",
            "指标",
            "问题代码",
            "问题",
            "级别",
            "说明",
        ],
        [
            "{问题序号}",
            "{县代码}",
            "{县名}",
            "{文件}",
            "{工作表}",
            "{单元格}",
            "{指标}",
            "{问题代码}",
            "{问题标题}",
            "{级别}",
            "{说明}",
        ],
        aligns=[CENTER, CENTER, CENTER, LEFT, CENTER, CENTER, CENTER, LEFT, LEFT, CENTER, LEFT],
    )
    problems.conditional_formatting.add(
        "J3", CellIsRule(operator="equal", formula=['"错误"'], fill=PatternFill("solid", bgColor="FFC7CE"))
    )
    problems.conditional_formatting.add(
        "J3", CellIsRule(operator="equal", formula=['"警告"'], fill=PatternFill("solid", bgColor="FFEB9C"))
    )
    problems.freeze_panes = "A3"
    a4_landscape(problems, "2:2", "A1:K3")

    sources = wb.create_sheet("数据来源")
    widths(sources, {"A": 9, "B": 12, "C": 8, "D": 30, "E": 12, "F": 30, "G": 10, "H": 8, "I": 18, "J": 9})
    title(sources, "A1:J1", "{年度}年度数据来源（每个数值取自哪个文件、工作表、单元格）")
    table(
        sources,
        2,
        [
            "代码",
            "县（市、区）",
            "指标代码",
            "指标",
            "数值",
            "文件",
            "工作表",
            "单元格",
            "读取插件",
            "插件版本",
        ],
        [
            "{县代码}",
            "{县名}",
            "{来源指标代码}",
            "{指标}",
            "{数值}",
            "{文件}",
            "{工作表}",
            "{单元格}",
            "{插件}",
            "{插件版本}",
        ],
        aligns=[CENTER, CENTER, CENTER, LEFT, RIGHT, LEFT, CENTER, CENTER, LEFT, CENTER],
    )
    sources.row_dimensions[4].height = 10
    text(
        sources,
        "A5:J5",
        "输入文件（按路径排序；路径相对于报表目录；SHA-256 校验值可用于核对文件是否被改动）",
        f=font(11, bold=True),
    )
    header(sources, 6, ["序号", "县（市、区）", "文件", "", "", "SHA-256", "", "", "读取插件", "插件版本"])
    sources.merge_cells("C6:E6")
    sources.merge_cells("F6:H6")
    row_template(
        sources,
        7,
        ["{文件序号}", "{文件县}", "{文件路径}", None, None, "{校验值}", None, None, "{插件}", "{插件版本}"],
        aligns=[CENTER, CENTER, LEFT, LEFT, LEFT, LEFT, LEFT, LEFT, LEFT, CENTER],
        height=None,
    )
    sources.merge_cells("C7:E7")
    sources.merge_cells("F7:H7")
    sources["F7"].font = Font(name="Consolas", size=8)
    sources.freeze_panes = "A3"
    a4_landscape(sources, "2:2", None)
    lookback_sheet(wb)
    return wb


def lookback_sheet(wb: Workbook) -> None:
    """单项先进 and 平时考核: written only by ``assess --history`` (removed otherwise). Its cells use
    only the styles the other sheets use, so a workbook without it is what it was before."""
    ws = wb.create_sheet("单项先进")
    widths(ws, {"A": 6, "B": 16, "C": 12, "D": 9, "E": 9, "F": 90})
    title(ws, "A1:F1", "{年度}年度单项先进和平时考核")
    text(ws, "A2:F2", "{单项先进说明}", align=RIGHT, f=font(9))
    table(
        ws,
        3,
        ["序号", "指标组", "分值", "最高得分", "先进个数", "单项先进（县、市、区）"],
        ["{单项序号}", "{单项组}", "{单项分值}", "{单项最高分}", "{单项个数}", "{单项先进}"],
        aligns=[CENTER, LEFT, RIGHT, RIGHT, CENTER, LEFT],
    )
    ws.row_dimensions[5].height = 10
    text(ws, "A6:F6", "平时考核计入年终：{平时考核规则}", f=font(11, bold=True))
    table(
        ws,
        7,
        ["序号", "县（市、区）", "设区市", "末位期数", "扣分", "综合排名末位的通报期"],
        ["{平时序号}", "{平时县}", "{平时市}", "{平时期数}", "{平时扣分}", "{平时各期}"],
        aligns=[CENTER, CENTER, CENTER, CENTER, RIGHT, LEFT],
    )
    ws.row_dimensions[9].height = 10
    text(ws, "A10:F10", "{同比说明}", f=font(9))
    ws.row_dimensions[10].height = 30
    a4_landscape(ws, "3:3", "A1:F10")
    wb.move_sheet(ws, offset=-2)  # after 设区市汇总, before 问题清单 (made last: the styles keep their order)


# --------------------------------------------------------------------------------------------
# 考核评分表: one county's sheet for sign-off


def county_template() -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "考核评分表"
    widths(ws, {"A": 15, "B": 62, "C": 7, "D": 8, "E": 9, "F": 44, "G": 12})
    title(ws, "A1:G1", "{县名}{年度}年度民生工程目标管理考核评分表")
    text(ws, "A2:D2", "县（市、区）：{县名}（{县代码}）　　设区市：{市名}")
    text(ws, "E2:G2", "考核日期：{考核日期}", align=RIGHT)
    header(ws, 3, ["项目", "考评内容", "分值", "自评分", "考评得分", "计分方法", "备注"])
    row_template(
        ws,
        4,
        ["{项目}", "{组说明}", "{组分值}", "{组自评分}", "{组得分}", "", ""],
        aligns=[LEFT, LEFT, RIGHT, RIGHT, RIGHT, LEFT, LEFT],
        bold=True,
        fill=GROUP_FILL,
        height=None,
    )
    row_template(
        ws,
        5,
        ["{指标代码}", "{考评内容}", "{分值}", "{自评分}", "{考评得分}", "{计分方法}", "{备注}"],
        aligns=[CENTER, LEFT, RIGHT, RIGHT, RIGHT, LEFT, LEFT],
        height=None,
    )
    for col in "BFG":
        ws[f"{col}5"].font = font(9.5)
    row_template(
        ws,
        6,
        ["{合计项}", "", "{合计分值}", "{合计自评}", "{合计得分}", "{合计说明}", ""],
        aligns=[LEFT, LEFT, RIGHT, RIGHT, RIGHT, LEFT, LEFT],
        bold=True,
        height=None,
    )
    ws.merge_cells("A6:B6")
    ws.merge_cells("F6:G6")
    grade_colours(ws, "E6")
    ws.row_dimensions[7].height = 12
    text(ws, "A8:C8", "考核组成员（签字）：", f=font(11))
    text(ws, "D8:G8", "县（市、区）人民政府负责人（签字）：", f=font(11))
    ws.row_dimensions[8].height = 36
    text(ws, "A9:G9", "　　　　年　　月　　日", align=RIGHT, f=font(11))
    a4_landscape(ws, "3:3", "A1:G9")
    return wb


# --------------------------------------------------------------------------------------------
# 进度通报: the monthly or quarterly progress workbook (minsheng progress)

STATUS_FILLS = {
    "已完成": "A9D08E",
    "超序时": "C6EFCE",
    "按序时": "DDEBF7",
    "滞后": "FFEB9C",
    "严重滞后": "FF8B8B",
}
STATE_FILLS = {"逾期": "FFEB9C", "缺报": "FFC7CE", "出错": "FFC7CE"}
RATIO = "0.0%"
POINTS = "+0.0;-0.0;0.0"


def fills(ws: Worksheet, ref: str, colours: dict[str, str]) -> None:
    for value, colour in colours.items():
        ws.conditional_formatting.add(
            ref,
            CellIsRule(operator="equal", formula=[f'"{value}"'], fill=PatternFill("solid", bgColor=colour)),
        )


def number_formats(ws: Worksheet, row: int, formats: dict[str, str]) -> None:
    for col, fmt in formats.items():
        ws[f"{col}{row}"].number_format = fmt


def progress_template() -> Workbook:
    wb = Workbook()
    rank = wb.active
    rank.title = "综合排名"
    widths(
        rank,
        {"A": 6, "B": 9, "C": 13, "D": 10, "E": 11, "F": 8, "G": 8, "H": 7, "I": 8, "J": 8, "K": 9, "L": 24},
    )
    title(rank, "A1:L1", "{期别}民生工程目标任务进度综合排名")
    text(
        rank,
        "A2:L2",
        "截至{期末}　序时进度 {序时进度}　报送截止 {截止日期}　共 {县数} 个县（市、区）：已报 {已报数}，逾期 {逾期数}，"
        "缺报 {缺报数}，出错 {出错数}",
        align=RIGHT,
        f=font(9),
    )
    chart_placeholder(rank, "A3:L3", "{进度排名图}")
    table(
        rank,
        4,
        [
            "排名",
            "代码",
            "县（市、区）",
            "设区市",
            "综合进度得分",
            "滞后指标",
            "严重滞后",
            "报送",
            "上期排名",
            "位次变化",
            "较上期得分",
            "备注",
        ],
        [
            "{排名}",
            "{县代码}",
            "{县名}",
            "{市名}",
            "{综合进度得分}",
            "{滞后数}",
            "{严重滞后数}",
            "{报送}",
            "{上期排名}",
            "{位次变化}",
            "{得分变化}",
            "{备注}",
        ],
        aligns=[CENTER, CENTER, CENTER, CENTER, RIGHT, CENTER, CENTER, CENTER, CENTER, CENTER, RIGHT, LEFT],
    )
    rank["E5"].font = font(10.5, bold=True)
    number_formats(rank, 5, {"E": "0.00", "K": "+0.00;-0.00;0.00"})
    fills(rank, "H5", STATE_FILLS)
    text(
        rank,
        "A7:L7",
        "说明：综合进度得分按考核方案的计分规则，以各县截至本期末应完成的目标（全年目标 × 序时进度或进度计划）计分，"
        "得分相同的并列，下一名次顺延；一票否决的排在最后。滞后指标含严重滞后（落后序时进度 {严重滞后线} 个百分点及以上）。"
        "位次变化为较上期（{上期}）上升（+）或下降（−）的名次。",
        f=font(9),
    )
    rank.row_dimensions[7].height = 30
    rank.freeze_panes = "A5"
    a4_landscape(rank, "4:4", "A1:L7")

    items = wb.create_sheet("分项进度")
    widths(
        items, {"A": 6, "B": 9, "C": 13, "D": 10, "E": 12, "F": 12, "G": 9, "H": 9, "I": 10, "J": 10, "K": 20}
    )
    title(items, "A1:K1", "{期别}各县（市、区）分项进度")
    header(
        items,
        2,
        [
            "排名",
            "代码",
            "县（市、区）",
            "设区市",
            "目标任务",
            "累计完成",
            "完成率",
            "序时进度",
            "超/欠百分点",
            "进度状态",
            "备注",
        ],
    )
    band(items, "A3:K3", "{分项指标}", size=11)
    items.row_dimensions[3].height = 22
    row_template(
        items,
        4,
        [
            "{分项排名}",
            "{县代码}",
            "{县名}",
            "{市名}",
            "{目标任务}",
            "{累计完成}",
            "{完成率}",
            "{应完成}",
            "{超欠}",
            "{进度状态}",
            "{分项备注}",
        ],
        aligns=[CENTER, CENTER, CENTER, CENTER, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, CENTER, LEFT],
        height=None,
    )
    number_formats(items, 4, {"G": RATIO, "H": RATIO, "I": POINTS})
    fills(items, "J4", STATUS_FILLS)
    items.freeze_panes = "A3"
    a4_landscape(items, "2:2", "A1:K4")

    behind = wb.create_sheet("滞后清单")
    widths(behind, {"A": 6, "B": 9, "C": 13, "D": 10, "E": 9, "F": 9, "G": 10, "H": 10, "I": 10, "J": 26})
    title(behind, "A1:J1", "{期别}进度滞后清单")
    text(
        behind,
        "A2:J2",
        "一、各指标进度滞后的县（市、区）（落后序时进度超过 {按序时幅度} 个百分点）",
        f=font(11, bold=True),
    )
    header(
        behind,
        3,
        [
            "序号",
            "代码",
            "县（市、区）",
            "设区市",
            "完成率",
            "序时进度",
            "超/欠百分点",
            "进度状态",
            "连续滞后",
            "备注",
        ],
    )
    band(behind, "A4:J4", "{滞后指标}", size=10.5)
    row_template(
        behind,
        5,
        [
            "{滞后序号}",
            "{县代码}",
            "{县名}",
            "{市名}",
            "{完成率}",
            "{应完成}",
            "{超欠}",
            "{进度状态}",
            "{连续期数}",
            "{滞后备注}",
        ],
        aligns=[CENTER, CENTER, CENTER, CENTER, RIGHT, RIGHT, RIGHT, CENTER, CENTER, LEFT],
        height=None,
    )
    number_formats(behind, 5, {"E": RATIO, "F": RATIO, "G": POINTS})
    fills(behind, "H5", STATUS_FILLS)
    text(behind, "A7:J7", "二、滞后指标最多的县（市、区）", f=font(11, bold=True))
    table(
        behind,
        8,
        ["名次", "代码", "县（市、区）", "设区市", "滞后指标", "严重滞后", "综合排名", "", "", "滞后的指标"],
        [
            "{多项名次}",
            "{县代码}",
            "{县名}",
            "{市名}",
            "{多项滞后数}",
            "{严重滞后数}",
            "{排名}",
            None,
            None,
            "{滞后指标列表}",
        ],
        aligns=[CENTER, CENTER, CENTER, CENTER, CENTER, CENTER, CENTER, CENTER, CENTER, LEFT],
    )
    text(
        behind,
        "A11:J11",
        "三、连续 {连续期数线} 期及以上滞后（近三期及更早，按连续期数）",
        f=font(11, bold=True),
    )
    table(
        behind,
        12,
        [
            "序号",
            "代码",
            "县（市、区）",
            "设区市",
            "指标代码",
            "连续期数",
            "本期完成率",
            "本期序时",
            "本期状态",
            "指标",
        ],
        [
            "{连续序号}",
            "{县代码}",
            "{县名}",
            "{市名}",
            "{连续指标}",
            "{连续期数}",
            "{完成率}",
            "{应完成}",
            "{进度状态}",
            "{指标名称}",
        ],
        aligns=[CENTER, CENTER, CENTER, CENTER, CENTER, CENTER, RIGHT, RIGHT, CENTER, LEFT],
    )
    number_formats(behind, 13, {"G": RATIO, "H": RATIO})
    fills(behind, "I13", STATUS_FILLS)
    a4_landscape(behind, "3:3", "A1:J13")

    cities = wb.create_sheet("设区市")
    widths(cities, {"A": 6, "B": 11, "C": 12, "D": 10, "E": 8, "F": 14, "G": 14})
    title(cities, "A1:G1", "{期别}设区市进度排名")
    table(
        cities,
        2,
        ["排名", "设区市代码", "设区市", "县（市、区）数", "已报", "平均综合进度得分", "滞后（县·指标）"],
        ["{市排名}", "{市代码}", "{市名}", "{市县数}", "{市已报}", "{市平均分}", "{市滞后}"],
        aligns=[CENTER, CENTER, CENTER, CENTER, CENTER, RIGHT, CENTER],
    )
    number_formats(cities, 3, {"F": "0.00"})
    a4_landscape(cities, "2:2", "A1:G3")

    report = wb.create_sheet("报送情况")
    widths(
        report, {"A": 6, "B": 9, "C": 13, "D": 10, "E": 8, "F": 9, "G": 20, "H": 8, "I": 8, "J": 12, "K": 50}
    )
    title(report, "A1:K1", "{期别}报表报送情况")
    text(report, "A2:K2", "一、未按时报送（报送截止 {截止日期}）", f=font(11, bold=True))
    header(report, 3, ["序号", "代码", "县（市、区）", "设区市", "报送", "逾期天数", "说明", "", "", "", ""])
    report.merge_cells("G4:K4")
    row_template(
        report,
        4,
        [
            "{报送序号}",
            "{县代码}",
            "{报送县名}",
            "{市名}",
            "{报送}",
            "{逾期天数}",
            "{报送说明}",
            None,
            None,
            None,
            None,
        ],
        aligns=[CENTER, CENTER, CENTER, CENTER, CENTER, CENTER, LEFT, LEFT, LEFT, LEFT, LEFT],
        height=None,
    )
    fills(report, "E4", STATE_FILLS)
    text(report, "A6:K6", "二、数据问题（审核发现，须改正的在前）", f=font(11, bold=True))
    table(
        report,
        7,
        [
            "序号",
            "代码",
            "县（市、区）",
            "级别",
            "指标",
            "问题代码",
            "问题",
            "工作表",
            "单元格",
            "文件",
            "说明",
        ],
        [
            "{问题序号}",
            "{县代码}",
            "{县名}",
            "{级别}",
            "{指标}",
            "{问题代码}",
            "{问题标题}",
            "{工作表}",
            "{单元格}",
            "{文件}",
            "{说明}",
        ],
        aligns=[CENTER, CENTER, CENTER, CENTER, CENTER, LEFT, LEFT, CENTER, CENTER, LEFT, LEFT],
    )
    report.conditional_formatting.add(
        "D8", CellIsRule(operator="equal", formula=['"错误"'], fill=PatternFill("solid", bgColor="FFC7CE"))
    )
    a4_landscape(report, None, "A1:K8")

    trend = wb.create_sheet("进度趋势")
    widths(trend, {"A": 9, "B": 13, "C": 10, "D": 10, "E": 9})
    title(trend, "A1:E1", "{年度}年各县（市、区）综合进度得分趋势")
    table(
        trend,
        2,
        ["代码", "县（市、区）", "设区市", "{趋势期别}", "本期排名"],
        ["{县代码}", "{趋势县名}", "{市名}", "{趋势得分}", "{排名}"],
        aligns=[CENTER, CENTER, CENTER, RIGHT, CENTER],
    )
    number_formats(trend, 3, {"D": "0.00"})
    trend.freeze_panes = "D3"
    a4_landscape(trend, "2:2", "A1:E3")
    return wb


BUILDERS = {
    "form": form_template,
    "targets": targets_template,
    "assessment": assessment_template,
    "county": county_template,
    "progress": progress_template,
}


def build(directory: Path) -> list[Path]:
    """Write every template into ``directory``; return the paths written."""
    out = []
    for kind, builder in BUILDERS.items():
        path = directory / TEMPLATE_NAMES[kind]
        save_workbook(builder(), path, STAMP)
        out.append(path)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write into this folder only")
    args = parser.parse_args()
    for directory in [args.out] if args.out else OUTPUTS:
        for path in build(directory):
            print(path)


if __name__ == "__main__":
    main()
