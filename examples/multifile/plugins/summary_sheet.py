"""示例插件：县里的“民生工程分项汇总表”，含除培训人数外的全部指标（培训人数另报培训花名册）。

工作表“汇总表”：A1 标题，A2“行政区划代码：360102”，A3 报出日期，第 4 行表头（指标代码 | 指标名称 |
计量单位 | 完成数），从第 5 行起每行一个指标。与 training_roster.py 一起演示一个县报送几份文件。
"""

import datetime as dt

from minsheng import Submission
from minsheng.plugins import hookimpl
from minsheng.sheets import cell_ref, parse_date, parse_number, read_county_code

SHEET = "汇总表"
TITLE = "民生工程分项汇总表"
FIRST_ROW = 4  # 第一个指标所在的行（从 0 数起）
FROM_ROSTER = ("3.1", "3.2", "3.2.1", "3.2.2", "3.2.3")  # 由培训花名册报送


@hookimpl
def minsheng_claim(path, book):
    if SHEET in book.sheet_names and TITLE in book.sheet(SHEET).cell("A1").text:
        return 0.9
    return None


@hookimpl
def minsheng_read(path, book, context):
    sheet = book.sheet(SHEET)
    values = {}
    for row in range(FIRST_ROW, sheet.n_rows):
        code = sheet.cell(row, 0).text
        if code in FROM_ROSTER or not code:
            continue
        indicator = context.scheme.indicator(code)
        values[code] = parse_number(
            sheet.cell(row, 3),
            sheet.cell(row, 2).text or indicator.unit,
            to_unit=indicator.unit,
            provenance=context.provenance(SHEET, cell_ref(row, 3)),
            problems=context.problems,
        )
    return Submission(
        county=read_county_code(sheet, labels=("行政区划代码",), rows=3),
        year=context.year,
        values=values,
        submitted_on=parse_date(sheet.cell("B3").value),
        source=context.provenance(SHEET, "A1"),
    )


@hookimpl
def minsheng_indicators(scheme):
    """汇总表不含培训人数：它们由培训花名册报送。"""
    return [ind.code for ind in scheme.indicators if ind.code not in FROM_ROSTER]


@hookimpl
def minsheng_write_sample(path, submission, scheme):
    from openpyxl import Workbook

    from minsheng.workbooks import save_workbook

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet["A1"] = TITLE
    sheet["A2"] = f"行政区划代码：{submission.county}"
    sheet["A3"] = "报出日期"
    day = submission.submitted_on or dt.date(submission.year + 1, 1, 5)
    sheet["B3"] = day
    sheet.append(["指标代码", "指标名称", "计量单位", "完成数"])
    for indicator in scheme.indicators:
        value = submission.values.get(indicator.code)
        if value is None or indicator.code in FROM_ROSTER:
            continue
        cell = float(value.amount) if value.is_reported else (value.raw or None)
        sheet.append([indicator.code, indicator.name, indicator.unit, cell])
    save_workbook(book, path, dt.datetime(day.year, day.month, day.day))
    return path
