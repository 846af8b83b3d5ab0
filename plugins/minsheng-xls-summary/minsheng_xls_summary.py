"""minsheng plugin for the .xls 完成情况汇总表 (three-row merged header, 万人/万元).

Reads the 累计完成 column of every scheme indicator found by name or alias, converts 万人 to 人
(and whatever unit each row states to the scheme's unit), checks the 其中 and 小计/合计 rows,
and reads the 填报单位 block. Every value keeps its cell.

:func:`write_sample` writes a submission in this layout (the ``minsheng_write_sample`` hook), for
``minsheng demo``, examples and tests; it needs ``xlwt``.
"""

from __future__ import annotations

import functools
import io
import random
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from minsheng import Indicator, Scheme, Submission, Value, ValueStatus
from minsheng.plugins import hookimpl
from minsheng.sheets import check_sums, find_county_code, find_table, read_county_code, read_reporter

__version__ = "0.1.0"

SHEET = "汇总表"
HEADER = ("指标名称", "完成情况")
HEAD_ROWS = 4  # the title block: title, 行政区划代码, 填报单位 line, 填报日期 line
YEAR = re.compile(r"((?:19|20)\d\d)\s*年")


def _head_text(sheet, rows: int = HEAD_ROWS) -> str:
    return "\n".join(c.text for r in sheet.rows(0, rows) for c in r if c.text)


@hookimpl
def minsheng_claim(path, book):
    """Ours: a 汇总表 sheet whose title says 完成情况汇总表, in any format (kept as .xls, or re-saved
    as .xlsx or .ods: the toolkit reads them alike)."""
    if SHEET not in book.sheet_names:
        return None
    sheet = book.sheet(SHEET)
    if "完成情况汇总表" not in _head_text(sheet) or find_county_code(sheet, rows=HEAD_ROWS) is None:
        return None
    return 0.9


@hookimpl
def minsheng_read(path, book, context):
    """The 累计完成 column of every indicator row, in the scheme's units, with its cell."""
    sheet = book.sheet(SHEET)
    county = read_county_code(sheet, rows=HEAD_ROWS)
    year = YEAR.search(_head_text(sheet))
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
        county=county,
        year=int(year.group(1)) if year else context.year,
        values=values,
        reporter=read_reporter(sheet, problems=context.problems),
        source=context.provenance(SHEET),
    )


@hookimpl
def minsheng_indicators(scheme):
    """A full report: the 汇总表 has a row for every indicator of the scheme."""
    return [ind.code for ind in scheme.indicators]


# ---------------------------------------------------------------------------------------------
# Writing the layout

GROUP_NUMERALS = "一二三四五六七八九十"
PARTS = ("3.2.1", "3.2.2", "3.2.3")
ALIASES = {"1.2": "农村劳动力转移就业", "3.1": "城镇职业技能培训", "3.2": "农村劳动力转移培训"}
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文斌辉鹏红玲金兰春梅海燕"

Amount = Decimal | int | float | str | None


@functools.cache
def _county_names() -> dict[str, str]:
    from minsheng.regions import load_regions

    return {c.code: c.name for c in load_regions()}


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def _unit(ind: Indicator) -> tuple[str, Decimal]:
    """The unit the summary table writes an indicator in, and the divisor from the scheme unit."""
    if ind.unit == "人":
        return "万人", Decimal(10000)
    return ind.unit, Decimal(1)


def _content(value: Value, divisor: Decimal) -> float | str:
    """A value's cell: the number in the row's unit, its raw text or "—", or blank."""
    if value.amount is not None:
        return float(value.amount / divisor)
    if value.status is ValueStatus.NOT_APPLICABLE:
        return value.raw or "—"
    return value.raw or ""


def _target(t: Amount, divisor: Decimal) -> float | str:
    if t is None or isinstance(t, str):
        return t or ""
    return float(Decimal(str(t)) / divisor)


def _styles():
    import xlwt

    def style(spec: str, fmt: str | None = None):
        return xlwt.easyxf(spec, num_format_str=fmt) if fmt else xlwt.easyxf(spec)

    border = "borders: left thin, right thin, top thin, bottom thin;"
    return {
        "title": style("font: name 黑体, height 320; align: horiz center, vert center;"),
        "plain": style("font: name 宋体;"),
        "head": style(f"font: name 宋体, bold on; align: horiz center, vert center, wrap on; {border}"),
        "text": style(f"font: name 宋体; {border}"),
        "num": style(f"font: name 宋体; {border}", "0.0000"),
        "money": style(f"font: name 宋体; {border}", "#,##0.00"),
        "group": style(f"font: name 宋体, bold on; {border}"),
    }


def write_sample(
    path: str | Path,
    submission: Submission,
    scheme: Scheme,
    *,
    targets: Mapping[str, Amount] | None = None,
    county_name: str | None = None,
    seed: int | str | None = None,
) -> Path:
    """Write ``submission`` as this layout's Excel 97-2003 workbook (sheet 汇总表); return the path
    (its suffix made ``.xls``).

    Title, 行政区划代码, a 填报单位/填报人/电话 line and a 填报日期/单位 line; a three-row merged
    header (序号 | 指标名称 | 计量单位 | 年度目标任务 | 完成情况: 累计完成, 其中 上半年/下半年 |
    完成率（%）); one heading row per group (一、扩大就业 …); one row per indicator the submission
    has a value for, 3.2's parts as 其中 rows; a 小计 row after group 3 and a 扩面人数合计 row after
    7.3; the 单位负责人…报出日期 footer. People in 万人, money in 万元. A missing value is blank
    (or its raw text), a not-applicable one its raw text or "—". ``targets`` fills 年度目标任务.
    The county's name comes from ``county_name`` or the region table; the 上半年 share and the
    负责人 names are drawn from ``random.Random(seed)`` (default: county and year). The date is
    ``submitted_on``, else ``reporter.date``. Same arguments, same bytes.
    """
    import xlwt

    rng = random.Random(f"{submission.county}/{submission.year}" if seed is None else seed)
    name = county_name or _county_names().get(submission.county, submission.county)
    reporter = submission.reporter
    reported_on = submission.submitted_on or reporter.date
    values = submission.values
    targets = targets or {}
    st = _styles()
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet(SHEET)
    for col, width in enumerate((6, 40, 9, 13, 13, 12, 12, 11)):
        ws.col(col).width = width * 256
    ws.write_merge(0, 0, 0, 7, f"{name}{submission.year}年就业和社会保障目标任务完成情况汇总表", st["title"])
    ws.write(1, 0, f"行政区划代码：{submission.county}", st["plain"])
    if reporter.unit:
        ws.write(1, 2, f"填报单位：{reporter.unit}", st["plain"])
    if reporter.person:
        ws.write(1, 5, "填报人：", st["plain"])
        ws.write(1, 6, reporter.person, st["plain"])
    if reported_on:
        ws.write(2, 0, f"填报日期：{reported_on.year}年{reported_on.month}月{reported_on.day}日", st["plain"])
    if reporter.phone:
        ws.write(2, 2, f"电话：{reporter.phone}", st["plain"])
    ws.write(2, 6, "单位：万人、万元", st["plain"])
    h = st["head"]
    ws.write_merge(3, 5, 0, 0, "序号", h)
    ws.write_merge(3, 5, 1, 1, "指标名称", h)
    ws.write_merge(3, 5, 2, 2, "计量单位", h)
    ws.write_merge(3, 5, 3, 3, "年度目标任务", h)
    ws.write_merge(3, 3, 4, 6, "完成情况", h)
    ws.write_merge(4, 5, 4, 4, "累计完成", h)
    ws.write_merge(4, 4, 5, 6, "其中", h)
    ws.write(5, 5, "上半年", h)
    ws.write(5, 6, "下半年", h)
    ws.write_merge(3, 5, 7, 7, "完成率（%）", h)

    row = 6
    number = 0

    def write_indicator(ind: Indicator, label: str, numbered: bool) -> Decimal | None:
        nonlocal row, number
        unit, divisor = _unit(ind)
        v = values[ind.code]
        t = targets.get(ind.code)
        if numbered:
            number += 1
            ws.write(row, 0, number, st["text"])
        else:
            ws.write(row, 0, "", st["text"])
        ws.write(row, 1, label, st["text"])
        ws.write(row, 2, unit, st["text"])
        fmt = st["money"] if unit == "万元" else st["num"]
        ws.write(row, 3, _target(t, divisor), fmt)
        ws.write(row, 4, _content(v, divisor), fmt)
        if v.amount is not None and unit in ("万人", "万元"):
            first = (v.amount * Decimal(rng.randrange(40, 55)) / 100).quantize(Decimal(1))
            ws.write(row, 5, float(first / divisor), fmt)
            ws.write(row, 6, float((v.amount - first) / divisor), fmt)
        else:
            ws.write(row, 5, "", fmt)
            ws.write(row, 6, "", fmt)
        if v.amount is not None and t and not isinstance(t, str) and Decimal(str(t)) != 0:
            rate = (v.amount / Decimal(str(t)) * 100).quantize(Decimal("0.01"))
            ws.write(row, 7, float(rate), st["num"])
        else:
            ws.write(row, 7, "", st["num"])
        row += 1
        return None if v.amount is None else v.amount / divisor

    def write_sum(label: str, amounts: list[Decimal | None]) -> None:
        nonlocal row
        ws.write(row, 0, "", st["text"])
        ws.write(row, 1, label, st["group"])
        ws.write(row, 2, "万人", st["text"])
        known = [a for a in amounts if a is not None]
        ws.write(row, 4, float(sum(known, Decimal(0))) if known else "", st["num"])
        for col in (3, 5, 6, 7):
            ws.write(row, col, "", st["num"])
        row += 1

    for gi, group in enumerate(scheme.groups):
        ws.write(row, 0, f"{GROUP_NUMERALS[gi]}、{group.name}", st["group"])
        for col in range(1, 8):
            ws.write(row, col, "", st["text"])
        row += 1
        training: list[Decimal | None] = []
        coverage: list[Decimal | None] = []
        for ind in group.indicators:
            if ind.code in PARTS:
                continue
            if ind.code in values:
                amount = write_indicator(ind, ALIASES.get(ind.code, ind.name), True)
                if ind.code in ("3.1", "3.2"):
                    training.append(amount)
                if ind.code in ("7.1", "7.2", "7.3"):
                    coverage.append(amount)
            if ind.code == "3.2":
                first = True
                for part in PARTS:
                    if part in values:
                        p = scheme.indicator(part)
                        write_indicator(
                            p, f"其中：{p.name}" if first else f"\u3000\u3000\u3000{p.name}", False
                        )
                        first = False
            if ind.code == "7.3":
                write_sum("扩面人数合计", coverage)
        if group.code == "3":
            write_sum("小计", training)
    row += 1
    footer = ["单位负责人：" + _person(rng), "统计负责人：" + _person(rng)]
    if reporter.person:
        footer.append("填表人：" + reporter.person)
    for col, text in zip((0, 2, 4), footer, strict=False):
        ws.write(row, col, text, st["plain"])
    if reported_on:
        ws.write(row, 6, f"报出日期：{reported_on.year}.{reported_on.month}.{reported_on.day}", st["plain"])
    from minsheng.files import atomic_write_bytes

    buf = io.BytesIO()
    wb.save(buf)
    path = Path(path).with_suffix(".xls")
    atomic_write_bytes(path, buf.getvalue())
    return path


@hookimpl
def minsheng_write_sample(path, submission, scheme):
    """This layout's .xls holding the submission (see :func:`write_sample`)."""
    return write_sample(path, submission, scheme)
