"""minsheng plugin for a roster county: 培训花名册 and 小额贷款台帐 aggregated, 汇总表 for the rest.

3.1 and 3.2 (with its parts 3.2.1–3.2.3) are counted from the training roster by 培训类别, 5.1
is the sum of the year's loans in 万元; both with 身份证号 checks and de-duplication. Every other
indicator comes from the small 汇总表. Roster problems (bad or duplicate IDs, masked) are
reported through the context.
"""

from __future__ import annotations

import datetime as dt
import re

from minsheng import Submission
from minsheng.plugins import hookimpl
from minsheng.sheets import SheetError, find_table, read_reporter, read_roster

__version__ = "0.1.0"

SUMMARY = "汇总表"
TRAINING = "培训花名册"
LOANS = "小额贷款台帐"
CATEGORIES = {
    "3.1": ["城镇职业技能培训", "城镇职业技能", "再就业培训"],
    "3.2.1": ["金蓝领"],
    "3.2.2": ["阳光工程"],
    "3.2.3": ["雨露工程"],
}
FROM_ROSTERS = ("3.1", "3.2", "3.2.1", "3.2.2", "3.2.3", "5.1")
COUNTY_CODE = re.compile(r"行政区划代码\s*[:：]?\s*(\d{6})")


@hookimpl
def minsheng_claim(path, book):
    """Ours: a workbook with both a 培训花名册 and a 小额贷款台帐 sheet."""
    if TRAINING in book.sheet_names and LOANS in book.sheet_names and SUMMARY in book.sheet_names:
        return 0.95
    return None


@hookimpl
def minsheng_read(path, book, context):
    """Counts and sums from the rosters, the rest from the 汇总表, each value located."""
    summary = book.sheet(SUMMARY)
    head = " ".join(c.text for r in summary.rows(0, 6) for c in r)
    code = COUNTY_CODE.search(head)
    if code is None:
        raise SheetError(
            "no-county-code",
            "汇总表中找不到“行政区划代码：XXXXXX”，无法确定是哪个县的报表；请补填。",
            str(path),
            sheet=SUMMARY,
        )
    values = {}
    table = find_table(summary, ["指标名称", "完成数"])
    done = table.column("完成数")
    for ind in context.scheme.indicators:
        if ind.code in FROM_ROSTERS:
            continue
        row = table.indicator_row(ind)
        if row is not None:
            values[ind.code] = table.value(
                row, done, to_unit=ind.unit, source=context.provenance, problems=context.problems
            )

    trained = read_roster(
        find_table(book.sheet(TRAINING), ["身份证号", "培训类别"]),
        id_column="身份证号",
        category_column="培训类别",
        categories=CATEGORIES,
        date_column="结业日期",
        year=context.year,
        as_of=dt.date(context.year + 1, 12, 31),
        source=context.provenance,
    )
    context.report(*trained.problems)
    values["3.1"] = trained.count_value("3.1", source=context.provenance)
    values["3.2"] = trained.count_value("3.2.1", "3.2.2", "3.2.3", source=context.provenance)
    for part in ("3.2.1", "3.2.2", "3.2.3"):
        values[part] = trained.count_value(part, source=context.provenance)

    loans = read_roster(
        find_table(book.sheet(LOANS), ["身份证号", "贷款金额"]),
        id_column="身份证号",
        amount_column="贷款金额",
        to_unit=context.scheme.indicator("5.1").unit,
        date_column="发放日期",
        year=context.year,
        as_of=dt.date(context.year + 1, 12, 31),
        source=context.provenance,
    )
    context.report(*loans.problems)
    values["5.1"] = loans.amount_value(source=context.provenance)

    return Submission(
        county=code.group(1),
        year=context.year,
        values=values,
        reporter=read_reporter(summary, rows=range(0, table.header_first), problems=context.problems),
        source=context.provenance(SUMMARY),
    )
