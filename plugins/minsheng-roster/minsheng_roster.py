"""minsheng plugin for a roster county: 培训花名册 and 小额贷款台帐 aggregated, 汇总表 for the rest.

3.1 and 3.2 (with its parts 3.2.1–3.2.3) are counted from the training roster by 培训类别, 5.1
is the sum of the year's loans in 万元; both with 身份证号 checks and de-duplication. Every other
indicator comes from the small 汇总表. Roster problems (bad or duplicate IDs, masked) are
reported through the context.

:func:`write_sample` writes a submission in this layout (the ``minsheng_write_sample`` hook), for
``minsheng demo``, examples and tests: rosters with as many trainees and loans as its 3.1, 3.2.1–3.2.3
and 5.1 say.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from decimal import Decimal
from pathlib import Path

from minsheng import Scheme, Submission, Value, ValueStatus
from minsheng.plugins import hookimpl
from minsheng.sheets import find_table, read_county_code, read_reporter, read_roster

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
    county = read_county_code(summary, labels=("行政区划代码",), rows=6)
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
        county=county,
        year=context.year,
        values=values,
        reporter=read_reporter(summary, rows=range(0, table.header_first), problems=context.problems),
        source=context.provenance(SUMMARY),
    )


@hookimpl
def minsheng_indicators(scheme):
    """A full report: the 汇总表 and the two rosters together carry every indicator."""
    return [ind.code for ind in scheme.indicators]


# ---------------------------------------------------------------------------------------------
# Writing the layout

#: the training category written for each indicator counted from the 培训花名册
TRAINING_CATEGORIES = {
    "3.1": "城镇职业技能培训",
    "3.2.1": "金蓝领工程",
    "3.2.2": "阳光工程",
    "3.2.3": "雨露工程",
}
PARTS = ("3.2.1", "3.2.2", "3.2.3")
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文斌辉鹏红玲金兰春梅海燕"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@functools.cache
def _county_names() -> dict[str, str]:
    from minsheng.regions import load_regions

    return {c.code: c.name for c in load_regions()}


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def make_id(rng: random.Random, region: str, born: dt.date | None = None) -> str:
    """A valid 18-character 身份证号 (GB 11643 check character) for someone born in ``region``."""
    born = born or dt.date(1955, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 35))
    body = f"{region}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


def _unique_id(rng: random.Random, region: str, used: set[str]) -> str:
    while (pid := make_id(rng, region)) in used:
        pass
    used.add(pid)
    return pid


def _count(values: dict[str, Value], code: str) -> int:
    """How many roster rows an indicator's value asks for (0 when it is not a reported number)."""
    v = values.get(code)
    if v is None or v.amount is None:
        return 0
    if v.amount != v.amount.to_integral_value() or v.amount < 0:
        raise ValueError(f"{code} 是人数，花名册只能写整数行，实际是 {v.amount}")
    return int(v.amount)


def write_sample(
    path: str | Path,
    submission: Submission,
    scheme: Scheme,
    *,
    noise: bool = False,
    county_name: str | None = None,
    seed: int | str | None = None,
) -> Path:
    """Write ``submission`` as a roster county's workbook (.xlsx): 汇总表, 培训花名册 and
    小额贷款台帐; return the path.

    The 培训花名册 holds one row per trainee: 3.1 rows of 城镇职业技能培训 and 3.2.1/3.2.2/3.2.3
    rows of 金蓝领/阳光/雨露工程 (3.2 must be their sum; a ValueError says so otherwise). The
    小额贷款台帐 holds loans issued in the year adding up to 5.1 万元, in 元. Names, 身份证号, dates
    and loan sizes are drawn from ``random.Random(seed)`` (default: county and year). With
    ``noise``, rows the plugin must not count are added (a trainee entered twice, an ID with a
    wrong check character, a loan issued the year before); the totals stay as given. Every other
    indicator the submission has a value for goes to the 汇总表 (指标名称 | 计量单位 | 完成数): a
    missing value blank (or its raw text), a not-applicable one its raw text or "—". A roster
    cannot say "blank" or "—": such a 3.1, 3.2.x or 5.1 writes no rows and reads back as 0.
    The date is ``submitted_on``, else ``reporter.date``. Same arguments, same bytes.
    """
    import openpyxl

    from minsheng.workbooks import save_workbook

    values = submission.values
    v32 = values.get("3.2")
    if v32 is not None and v32.amount is not None:
        parts = sum((_count(values, c) for c in PARTS), 0)
        if parts != v32.amount:
            raise ValueError(
                f"花名册按培训类别计数，3.2（{v32.amount}）应等于 3.2.1–3.2.3 之和（{parts}）；"
                f"请先让其中各项加起来等于 3.2"
            )
    rng = random.Random(f"{submission.county}/{submission.year}" if seed is None else seed)
    name = county_name or _county_names().get(submission.county, submission.county)
    year = submission.year
    region = submission.county[:6]
    reporter = submission.reporter
    reported_on = submission.submitted_on or reporter.date
    wb = openpyxl.Workbook()
    summary = wb.active
    summary.title = SUMMARY
    summary["A1"] = f"{name}{year}年就业和社会保障目标完成情况汇总表"
    summary.merge_cells("A1:D1")
    summary["A2"] = f"行政区划代码：{submission.county}"
    if reporter.unit:
        summary["A3"] = f"填报单位：{reporter.unit}"
    if reporter.person:
        summary["C3"] = f"填报人：{reporter.person}"
    if reporter.phone:
        summary["A4"] = f"电话：{reporter.phone}"
    if reported_on:
        summary["C4"] = "填报日期："
        summary["D4"] = reported_on
        summary["D4"].number_format = "yyyy-mm-dd"
    for col, text in enumerate(("序号", "指标名称", "计量单位", "完成数"), start=1):
        summary.cell(5, col, text)
    r = 6
    for ind in scheme.indicators:
        if ind.code in FROM_ROSTERS or ind.code not in values:
            continue
        summary.cell(r, 1, r - 5)
        summary.cell(r, 2, ind.name)
        summary.cell(r, 3, ind.unit)
        v = values[ind.code]
        if v.amount is not None:
            summary.cell(r, 4, float(v.amount))
        else:
            summary.cell(r, 4, v.raw or ("—" if v.status is ValueStatus.NOT_APPLICABLE else None))
        r += 1
    summary.cell(r + 1, 1, "注：城镇职业技能培训、农村劳动力转移培训、小额贷款见花名册和台帐。")

    ws = wb.create_sheet(TRAINING)
    ws["A1"] = f"{name}{year}年职业培训花名册"
    ws.merge_cells("A1:H1")
    head = ("序号", "姓名", "性别", "身份证号", "培训类别", "培训工种", "培训机构", "结业日期")
    trades = ("电工", "焊工", "家政服务", "缝纫", "厨师", "计算机操作", "汽车驾驶", "种养殖")
    schools = (f"{name}职业技术学校", f"{name}就业训练中心", "江西蓝天技工学校")
    for col, text in enumerate(head, start=1):
        ws.cell(2, col, text)
    people: list[tuple[object, ...]] = []
    used: set[str] = set()
    start = dt.date(year, 1, 1)
    days = (dt.date(year + 1, 1, 1) - start).days
    for code, category in TRAINING_CATEGORIES.items():
        for _ in range(_count(values, code)):
            finished = start + dt.timedelta(days=rng.randrange(0, days))
            people.append(
                (
                    _person(rng),
                    rng.choice("男女"),
                    _unique_id(rng, region, used),
                    category,
                    rng.choice(trades),
                    rng.choice(schools),
                    finished,
                )
            )
    rng.shuffle(people)
    if noise and people:
        dup = people[len(people) // 3]
        people.insert(len(people) // 2, dup)  # entered twice
        bad = _unique_id(rng, region, used)
        bad = bad[:-1] + ("0" if bad[-1] != "0" else "1")  # a wrong check character
        people.append((_person(rng), "男", bad, "阳光工程", "种养殖", schools[0], dt.date(year, 9, 1)))
    for i, person in enumerate(people, start=1):
        ws.append((i, *person))
        ws.cell(i + 2, 8).number_format = "yyyy-mm-dd"
    ws.append(())
    footer: list[object] = ["填表人：" + (reporter.person or _person(rng)), None, None]
    if reported_on:
        footer.append(f"报出日期：{reported_on:%Y年%m月%d日}")
    ws.append(footer)

    ws = wb.create_sheet(LOANS)
    ws["A1"] = f"{name}{year}年小额担保贷款发放台帐"
    ws.merge_cells("A1:G1")
    head = ("序号", "借款人", "身份证号", "贷款金额（元）", "发放日期", "经办银行", "贷款期限（月）")
    for col, text in enumerate(head, start=1):
        ws.cell(2, col, text)
    loans: list[tuple[object, ...]] = []
    total = values.get("5.1")
    banks = ("农村信用社", "邮政储蓄银行", "工商银行")
    if total is not None and total.amount is not None:
        left = total.amount * 10000  # 元
        while left > 0:
            amount = min(left, Decimal(rng.choice((20000, 30000, 50000, 50000, 80000))))
            left -= amount
            issued = start + dt.timedelta(days=rng.randrange(0, days))
            loans.append(
                (
                    _person(rng),
                    _unique_id(rng, region, used),
                    float(amount),
                    issued,
                    rng.choice(banks),
                    rng.choice((12, 24)),
                )
            )
        if noise:
            last_year = dt.date(year - 1, 12, 20)
            loans.append((_person(rng), _unique_id(rng, region, used), 50000.0, last_year, banks[0], 24))
    for i, loan in enumerate(loans, start=1):
        ws.append((i, *loan))
        ws.cell(i + 2, 5).number_format = "yyyy-mm-dd"
    path = Path(path)
    stamp = dt.datetime.combine(reported_on or dt.date(year + 1, 1, 1), dt.time())
    save_workbook(wb, path, stamp)
    return path


@hookimpl
def minsheng_write_sample(path, submission, scheme):
    """This layout's .xlsx holding the submission, rosters consistent with its totals (see
    :func:`write_sample`)."""
    return write_sample(path, submission, scheme)
