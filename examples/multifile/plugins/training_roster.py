"""示例插件：县里单独报送的“职业培训花名册”，只含培训人数（3.1、3.2 及其中各项）。

工作表“培训花名册”：A1 标题，A2“行政区划代码：360102”，第 3 行表头（序号 | 姓名 | 身份证号 |
培训类别），以下每人一行。人数按培训类别统计，身份证号核对并去重。
"""

import datetime as dt
import random

from minsheng import Submission
from minsheng.plugins import hookimpl
from minsheng.sheets import find_table, read_county_code, read_roster

SHEET = "培训花名册"
CATEGORIES = {"3.1": ["城镇职业技能培训"], "3.2.1": ["金蓝领"], "3.2.2": ["阳光工程"], "3.2.3": ["雨露工程"]}
CODES = ("3.1", "3.2", "3.2.1", "3.2.2", "3.2.3")


@hookimpl
def minsheng_claim(path, book):
    # 只有花名册、没有汇总表的文件（有汇总表和台帐的是示例插件 roster 的格式）
    if tuple(book.sheet_names) == (SHEET,):
        return 0.9
    return None


@hookimpl
def minsheng_read(path, book, context):
    sheet = book.sheet(SHEET)
    roster = read_roster(
        find_table(sheet, ["身份证号", "培训类别"]),
        id_column="身份证号",
        category_column="培训类别",
        categories=CATEGORIES,
        source=context.provenance,
    )
    context.report(*roster.problems)
    values = {
        code: roster.count_value(code, source=context.provenance)
        for code in ("3.1", "3.2.1", "3.2.2", "3.2.3")
    }
    values["3.2"] = roster.count_value("3.2.1", "3.2.2", "3.2.3", source=context.provenance)
    county = read_county_code(sheet, labels=("行政区划代码",), rows=2)
    return Submission(county=county, year=context.year, values=values, source=context.provenance(SHEET, "A1"))


@hookimpl
def minsheng_indicators(scheme):
    return list(CODES)


def _id(rng, region):
    body = f"{region}{1960 + rng.randrange(30)}0{rng.randrange(1, 10)}1{rng.randrange(10)}{rng.randrange(1000):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


@hookimpl
def minsheng_write_sample(path, submission, scheme):
    """每个培训类别按 submission 中的人数写若干行（身份证号有效且不重复）。"""
    from openpyxl import Workbook

    from minsheng.workbooks import save_workbook

    rng = random.Random(f"{submission.county}/{submission.year}")
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet["A1"] = f"{submission.year}年职业培训花名册"
    sheet["A2"] = f"行政区划代码：{submission.county}"
    sheet.append(["序号", "姓名", "身份证号", "培训类别"])
    used, n = set(), 0
    for code, (category, *_) in CATEGORIES.items():
        value = submission.values.get(code)
        for _ in range(int(value.amount) if value is not None and value.is_reported else 0):
            while (pid := _id(rng, submission.county)) in used:
                pass
            used.add(pid)
            n += 1
            sheet.append([n, f"学员{n}", pid, category])
    day = submission.submitted_on or dt.date(submission.year + 1, 1, 5)
    save_workbook(book, path, dt.datetime(day.year, day.month, day.day))
    return path
