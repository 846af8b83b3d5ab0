"""minsheng plugin for the .xls 完成情况汇总表 (three-row merged header, 万人/万元).

Reads the 累计完成 column of every scheme indicator found by name or alias, converts 万人 to 人
(and whatever unit each row states to the scheme's unit), checks the 其中 and 小计/合计 rows,
and reads the 填报单位 block. Every value keeps its cell.
"""

from __future__ import annotations

import re

from minsheng import Submission
from minsheng.plugins import hookimpl
from minsheng.sheets import SheetError, check_sums, find_table, read_reporter

__version__ = "0.1.0"

SHEET = "汇总表"
HEADER = ("指标名称", "完成情况")
COUNTY_CODE = re.compile(r"(?:行政区划代码|县（市、区）代码|区划代码)\s*[:：]?\s*(\d{6})")
YEAR = re.compile(r"((?:19|20)\d\d)\s*年")


def _head_text(sheet, rows: int = 4) -> str:
    return "\n".join(c.text for r in sheet.rows(0, rows) for c in r if c.text)


@hookimpl
def minsheng_claim(path, book):
    """Ours: an Excel 97-2003 file with a 汇总表 sheet whose title says 完成情况汇总表."""
    if book.format != "xls" or SHEET not in book.sheet_names:
        return None
    head = _head_text(book.sheet(SHEET))
    if "完成情况汇总表" not in head or not COUNTY_CODE.search(head):
        return None
    return 0.9


@hookimpl
def minsheng_read(path, book, context):
    """The 累计完成 column of every indicator row, in the scheme's units, with its cell."""
    sheet = book.sheet(SHEET)
    head = _head_text(sheet)
    code = COUNTY_CODE.search(head)
    if code is None:
        raise SheetError(
            "no-county-code",
            "汇总表表头中找不到“行政区划代码：XXXXXX”，无法确定是哪个县的报表；请补填 6 位代码。",
            str(path),
            sheet=SHEET,
        )
    year = YEAR.search(head)
    table = find_table(sheet, HEADER)
    done = table.column("完成情况", "累计完成")
    values = {}
    for ind in context.scheme.indicators:
        row = table.indicator_row(ind)
        if row is None:
            continue
        values[ind.code] = table.value(
            row, done, to_unit=ind.unit, source=context.provenance, problems=context.problems
        )
    context.report(*check_sums(table, done, source=context.provenance))
    return Submission(
        county=code.group(1),
        year=int(year.group(1)) if year else context.year,
        values=values,
        reporter=read_reporter(sheet, problems=context.problems),
        source=context.provenance(SHEET),
    )
