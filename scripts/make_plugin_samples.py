"""Sample county files for the three example plugins in plugins/, made by code, not by hand.

Run from the repository root::

    python scripts/make_plugin_samples.py OUT_DIR     # three sample files for 南昌县 (360121)

Each layout has a function the example-province generator can call with a county and its values
(actuals in the scheme's units, keyed by indicator code; ``None`` writes a blank cell, a string
such as ``"—"`` is written as is):

- :func:`make_xls_summary`  → .xls (Excel 97-2003) summary table, three-row merged header,
  其中 rows, 小计/合计 rows, people in 万人 and money in 万元 (plugin ``minsheng-xls-summary``);
- :func:`make_monthly_xlsx` → .xlsx with one sheet per indicator group, months 1–12 as
  cumulative columns and a 自评分 column (plugin ``minsheng-monthly-xlsx``);
- :func:`make_roster`       → .xlsx with a 培训花名册 and a 小额贷款台帐 of thousands of rows
  that add up to 3.1, 3.2 (3.2.1–3.2.3) and 5.1, plus a small 汇总表 for the rest
  (plugin ``minsheng-roster``).

Everything random is drawn from ``random.Random(seed)``: same arguments, same cells.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import openpyxl
import xlwt

from minsheng import County, Indicator, Scheme, load_scheme

Values = Mapping[str, Decimal | int | float | str | None]

GROUP_NUMERALS = "一二三四五六七八九十"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文斌辉鹏红玲金兰春梅海燕"
#: the roster layout's training categories, by indicator code
TRAINING_CATEGORIES = {
    "3.1": "城镇职业技能培训",
    "3.2.1": "金蓝领工程",
    "3.2.2": "阳光工程",
    "3.2.3": "雨露工程",
}
ROSTER_CODES = ("3.1", "3.2", "3.2.1", "3.2.2", "3.2.3", "5.1")
SAMPLE_COUNTY = County("360121", "南昌县", "3601", "南昌市")


def _county(county: County | tuple[str, str]) -> County:
    return county if isinstance(county, County) else County(county[0], county[1])


def _scheme(scheme: Scheme | None) -> Scheme:
    return scheme or load_scheme("jiangxi-2007")


def _dec(v: Decimal | int | float | str) -> Decimal:
    return v if isinstance(v, Decimal) else Decimal(str(v))


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng: random.Random) -> str:
    return f"0791-{rng.randrange(5_000_000, 8_999_999)}"


def make_id(rng: random.Random, region: str, born: dt.date | None = None) -> str:
    """A valid 18-character 身份证号 (GB 11643 check character) for someone born in ``region``."""
    born = born or dt.date(1955, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 35))
    body = f"{region}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def _unique_id(rng: random.Random, region: str, used: set[str]) -> str:
    while (pid := make_id(rng, region)) in used:
        pass
    used.add(pid)
    return pid


def example_values(scheme: Scheme | None = None, seed: int = 0) -> dict[str, Decimal]:
    """Plausible year-end actuals for every scored or reported indicator, in the scheme's units."""
    scheme = _scheme(scheme)
    rng = random.Random(seed)
    out: dict[str, Decimal] = {}
    for ind in scheme.indicators:
        if ind.code in ("3.2", "3.2.1", "3.2.2", "3.2.3"):
            continue
        if ind.unit == "人":
            out[ind.code] = Decimal(rng.randrange(300, 12000))
        elif ind.unit == "万元":
            out[ind.code] = Decimal(rng.randrange(500, 90000)) / 100
        elif ind.unit == "%":
            out[ind.code] = Decimal(rng.randrange(3000, 10000)) / 100 if ind.code != "2.1" else Decimal("3.9")
        elif ind.rule.value == "veto":
            out[ind.code] = Decimal(0)
        else:
            out[ind.code] = Decimal(rng.choice((0, 0, 0, 1, 2)))
    out["2.3"] = Decimal(100)
    parts = {
        "3.2.1": rng.randrange(2000, 6000),
        "3.2.2": rng.randrange(800, 2500),
        "3.2.3": rng.randrange(100, 600),
    }
    for code, n in parts.items():
        out[code] = Decimal(n)
    out["3.2"] = Decimal(sum(parts.values()))
    return out


# ---------------------------------------------------------------------------------------------
# a. the .xls summary table


def _xls_styles() -> dict[str, xlwt.XFStyle]:
    def style(spec: str, fmt: str | None = None) -> xlwt.XFStyle:
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


def _xls_unit(ind: Indicator) -> tuple[str, Decimal]:
    """The unit the summary table writes an indicator in, and the divisor from the scheme unit."""
    if ind.unit == "人":
        return "万人", Decimal(10000)
    return ind.unit, Decimal(1)


def _cell_value(v: Decimal | int | float | str | None, divisor: Decimal) -> float | str | None:
    if v is None or isinstance(v, str):
        return v
    return float(_dec(v) / divisor)


def make_xls_summary(
    path: str | Path,
    county: County | tuple[str, str],
    values: Values,
    *,
    targets: Values | None = None,
    scheme: Scheme | None = None,
    seed: int = 0,
    reported_on: dt.date = dt.date(2008, 1, 8),
) -> Path:
    """Write a county's year-end summary as an Excel 97-2003 workbook (sheet 汇总表).

    Layout: title, 行政区划代码, a 填报单位/填报人/电话 line and a 填报日期/单位 line; a three-row
    merged header (序号 | 指标名称 | 计量单位 | 年度目标任务 | 完成情况: 累计完成, 其中 上半年/下半年 |
    完成率（%）); one heading row per group (一、扩大就业 …); 3.2's parts as 其中 rows; a 小计 row
    after group 3 and a 扩面人数合计 row after 7.3; the 单位负责人…报出日期 footer.
    People are written in 万人, money in 万元.
    """
    scheme = _scheme(scheme)
    county = _county(county)
    rng = random.Random(seed)
    targets = targets or {}
    st = _xls_styles()
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("汇总表")
    for col, width in enumerate((6, 40, 9, 13, 13, 12, 12, 11)):
        ws.col(col).width = width * 256
    ws.write_merge(0, 0, 0, 7, f"{county.name}2007年就业和社会保障目标任务完成情况汇总表", st["title"])
    person = _person(rng)
    ws.write(1, 0, f"行政区划代码：{county.code}", st["plain"])
    ws.write(1, 2, f"填报单位：{county.name}劳动和社会保障局", st["plain"])
    ws.write(1, 5, "填报人：", st["plain"])
    ws.write(1, 6, person, st["plain"])
    ws.write(2, 0, f"填报日期：{reported_on.year}年{reported_on.month}月{reported_on.day}日", st["plain"])
    ws.write(2, 2, f"电话：{_phone(rng)}", st["plain"])
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
        unit, divisor = _xls_unit(ind)
        v = values.get(ind.code)
        t = targets.get(ind.code)
        if numbered:
            number += 1
            ws.write(row, 0, number, st["text"])
        else:
            ws.write(row, 0, "", st["text"])
        ws.write(row, 1, label, st["text"])
        ws.write(row, 2, unit, st["text"])
        fmt = st["money"] if unit == "万元" else st["num"]
        for col, cell in ((3, t), (4, v)):
            cv = _cell_value(cell, divisor)
            ws.write(row, col, "" if cv is None else cv, fmt)
        if v is not None and not isinstance(v, str) and unit in ("万人", "万元"):
            first = (_dec(v) * Decimal(rng.randrange(40, 55)) / 100).quantize(Decimal(1))
            ws.write(row, 5, float(first / divisor), fmt)
            ws.write(row, 6, float((_dec(v) - first) / divisor), fmt)
        else:
            ws.write(row, 5, "", fmt)
            ws.write(row, 6, "", fmt)
        if v is not None and not isinstance(v, str) and t and not isinstance(t, str) and _dec(t) != 0:
            ws.write(row, 7, float((_dec(v) / _dec(t) * 100).quantize(Decimal("0.01"))), st["num"])
        else:
            ws.write(row, 7, "", st["num"])
        row += 1
        return None if v is None or isinstance(v, str) else _dec(v) / divisor

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

    aliases = {"1.2": "农村劳动力转移就业", "3.1": "城镇职业技能培训", "3.2": "农村劳动力转移培训"}
    for gi, group in enumerate(scheme.groups):
        ws.write(row, 0, f"{GROUP_NUMERALS[gi]}、{group.name}", st["group"])
        for col in range(1, 8):
            ws.write(row, col, "", st["text"])
        row += 1
        training: list[Decimal | None] = []
        coverage: list[Decimal | None] = []
        for ind in group.indicators:
            if ind.code in ("3.2.1", "3.2.2", "3.2.3"):
                continue
            amount = write_indicator(ind, aliases.get(ind.code, ind.name), True)
            if ind.code in ("3.1", "3.2"):
                training.append(amount)
            if ind.code == "3.2":
                for i, part in enumerate(("3.2.1", "3.2.2", "3.2.3")):
                    p = scheme.indicator(part)
                    write_indicator(p, f"其中：{p.name}" if i == 0 else f"\u3000\u3000\u3000{p.name}", False)
            if ind.code in ("7.1", "7.2", "7.3"):
                coverage.append(amount)
            if ind.code == "7.3":
                write_sum("扩面人数合计", coverage)
        if group.code == "3":
            write_sum("小计", training)
    row += 1
    footer = ("单位负责人：" + _person(rng), "统计负责人：" + _person(rng), "填表人：" + person)
    for col, text in zip((0, 2, 4), footer, strict=True):
        ws.write(row, col, text, st["plain"])
    ws.write(row, 6, f"报出日期：{reported_on.year}.{reported_on.month}.{reported_on.day}", st["plain"])
    path = Path(path)
    wb.save(str(path))
    return path


# ---------------------------------------------------------------------------------------------
# b. the monthly .xlsx, one sheet per group


def _series(rng: random.Random, v: Decimal, months: int, cumulative: bool) -> list[Decimal]:
    """Month-end figures for months 1..months ending exactly at ``v``."""
    if not cumulative:
        return [
            v if m == months else (v * Decimal(rng.randrange(90, 111)) / 100).quantize(v)
            for m in range(1, months + 1)
        ]
    exponent = v.as_tuple().exponent
    quantum = Decimal(1).scaleb(exponent if isinstance(exponent, int) and exponent < 0 else 0)
    out = []
    for m in range(1, months + 1):
        share = Decimal(m) / months * Decimal(rng.randrange(85, 101)) / 100
        out.append(v if m == months else (v * share).quantize(quantum))
    for i in range(len(out) - 2, -1, -1):  # never above the following month
        out[i] = min(out[i], out[i + 1])
    return out


def make_monthly_xlsx(
    path: str | Path,
    county: County | tuple[str, str],
    values: Values,
    *,
    self_scores: Mapping[str, Decimal | int | float] | None = None,
    self_total: Decimal | int | float | None = None,
    targets: Values | None = None,
    months: int = 12,
    errors: Mapping[str, str] | None = None,
    scheme: Scheme | None = None,
    seed: int = 0,
    reported_on: dt.date = dt.date(2008, 1, 6),
) -> Path:
    """Write a county's monthly progress workbook (.xlsx).

    Sheets: 封面 (county, code, 填报单位/填报人/电话/填报日期, 自评总分), then one sheet per indicator
    group named like ``1扩大就业`` with a two-row header: 指标代码 | 指标名称 | 计量单位 | 全年目标 |
    累计完成情况 (1月 … 12月) | 自评分. Month columns are cumulative; the value for ``months`` is the
    given actual, later months are left blank. ``errors`` maps an indicator code to an Excel
    error literal (``"#DIV/0!"``) written as an error cell in its last month.
    """
    scheme = _scheme(scheme)
    county = _county(county)
    rng = random.Random(seed)
    self_scores = self_scores or {}
    targets = targets or {}
    errors = errors or {}
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "封面"
    cover["A1"] = f"{county.name}民生工程（就业和社会保障）2007年逐月进度表"
    cover.merge_cells("A1:D1")
    rows = [
        ("县（市、区）", county.name),
        ("行政区划代码", county.code),
        ("填报单位", f"{county.name}劳动和社会保障局"),
        ("填报人", _person(rng)),
        ("联系电话", _phone(rng)),
        ("填报日期", reported_on),
        ("自评总分", None if self_total is None else float(_dec(self_total))),
    ]
    for i, (label, value) in enumerate(rows, start=3):
        cover.cell(i, 1, label)
        cell = cover.cell(i, 2, value)
        if isinstance(value, dt.date):
            cell.number_format = "yyyy年m月d日"
    for gi, group in enumerate(scheme.groups):
        ws = wb.create_sheet(f"{group.code}{group.name}")
        ws.cell(1, 1, f"{GROUP_NUMERALS[gi]}、{group.name}（2007年逐月累计完成情况）")
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=17)
        header = ["指标代码", "指标名称", "计量单位", "全年目标"]
        for col, text in enumerate(header, start=1):
            ws.cell(2, col, text)
            ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
        ws.cell(2, 5, "累计完成情况")
        ws.merge_cells(start_row=2, start_column=5, end_row=2, end_column=16)
        for m in range(1, 13):
            ws.cell(3, 4 + m, f"{m}月")
        ws.cell(2, 17, "自评分")
        ws.merge_cells(start_row=2, start_column=17, end_row=3, end_column=17)
        r = 4
        for ind in group.indicators:
            label = ind.name if ind.code not in ("3.2.1", "3.2.2", "3.2.3") else f"其中：{ind.name}"
            ws.cell(r, 1, ind.code)
            ws.cell(r, 2, label)
            ws.cell(r, 3, ind.unit)
            t = targets.get(ind.code)
            if t is not None:
                ws.cell(r, 4, t if isinstance(t, str) else float(_dec(t)))
            v = values.get(ind.code)
            if isinstance(v, str):
                for m in range(1, months + 1):
                    ws.cell(r, 4 + m, v)
            elif v is not None:
                cumulative = ind.unit not in ("%",)
                for m, x in enumerate(_series(rng, _dec(v), months, cumulative), start=1):
                    ws.cell(r, 4 + m, float(x))
            if ind.code in errors:
                cell = ws.cell(r, 4 + months)
                cell.value = errors[ind.code]
                cell.data_type = "e"
            if ind.code in self_scores:
                ws.cell(r, 17, float(_dec(self_scores[ind.code])))
            r += 1
    path = Path(path)
    wb.save(path)
    return path


# ---------------------------------------------------------------------------------------------
# c. the roster county


def make_roster(
    path: str | Path,
    county: County | tuple[str, str],
    values: Values,
    *,
    noise: bool = True,
    scheme: Scheme | None = None,
    seed: int = 0,
    reported_on: dt.date = dt.date(2008, 1, 10),
) -> Path:
    """Write a roster county's workbook (.xlsx): 汇总表, 培训花名册 and 小额贷款台帐.

    The 培训花名册 holds one row per trainee: ``values["3.1"]`` rows of 城镇职业技能培训 and
    ``values["3.2.1"/"3.2.2"/"3.2.3"]`` rows of 金蓝领/阳光/雨露工程 (3.2 is their sum). The
    小额贷款台帐 holds loans issued in 2007 adding up to ``values["5.1"]`` 万元, in 元. With ``noise``,
    rows the plugin must not count are added (a trainee entered twice, an ID with a wrong check
    character, a loan issued in 2006); the totals stay as given. The other indicators go to the
    汇总表 (指标名称 | 计量单位 | 完成数).
    """
    scheme = _scheme(scheme)
    county = _county(county)
    rng = random.Random(seed)
    region = county.code[:6]
    wb = openpyxl.Workbook()
    summary = wb.active
    summary.title = "汇总表"
    summary["A1"] = f"{county.name}2007年就业和社会保障目标完成情况汇总表"
    summary.merge_cells("A1:D1")
    summary["A2"] = f"行政区划代码：{county.code}"
    summary["A3"] = f"填报单位：{county.name}劳动和社会保障局"
    summary["C3"] = f"填报人：{_person(rng)}"
    summary["A4"] = f"电话：{_phone(rng)}"
    summary["C4"] = "填报日期："
    summary["D4"] = reported_on
    summary["D4"].number_format = "yyyy-mm-dd"
    for col, text in enumerate(("序号", "指标名称", "计量单位", "完成数"), start=1):
        summary.cell(5, col, text)
    r = 6
    n = 0
    for ind in scheme.indicators:
        if ind.code in ROSTER_CODES:
            continue
        n += 1
        summary.cell(r, 1, n)
        summary.cell(r, 2, ind.name)
        summary.cell(r, 3, ind.unit)
        v = values.get(ind.code)
        if v is not None:
            summary.cell(r, 4, v if isinstance(v, str) else float(_dec(v)))
        r += 1
    summary.cell(r + 1, 1, "注：城镇职业技能培训、农村劳动力转移培训、小额贷款见花名册和台帐。")

    # 培训花名册
    ws = wb.create_sheet("培训花名册")
    ws["A1"] = f"{county.name}2007年职业培训花名册"
    ws.merge_cells("A1:H1")
    head = ("序号", "姓名", "性别", "身份证号", "培训类别", "培训工种", "培训机构", "结业日期")
    trades = ("电工", "焊工", "家政服务", "缝纫", "厨师", "计算机操作", "汽车驾驶", "种养殖")
    schools = (f"{county.name}职业技术学校", f"{county.name}就业训练中心", "江西蓝天技工学校")
    for col, text in enumerate(head, start=1):
        ws.cell(2, col, text)
    people: list[tuple[object, ...]] = []
    used: set[str] = set()
    for code, category in TRAINING_CATEGORIES.items():
        count = values.get(code)
        if count is None or isinstance(count, str):
            continue
        for _ in range(int(_dec(count))):
            finished = dt.date(2007, 1, 1) + dt.timedelta(days=rng.randrange(0, 365))
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
        people.append((_person(rng), "男", bad, "阳光工程", "种养殖", schools[0], dt.date(2007, 9, 1)))
    for i, person in enumerate(people, start=1):
        ws.append((i, *person))
        ws.cell(i + 2, 8).number_format = "yyyy-mm-dd"
    ws.append(())
    ws.append(("填表人：" + _person(rng), None, None, f"报出日期：{reported_on:%Y年%m月%d日}"))

    # 小额贷款台帐
    ws = wb.create_sheet("小额贷款台帐")
    ws["A1"] = f"{county.name}2007年小额担保贷款发放台帐"
    ws.merge_cells("A1:G1")
    head = ("序号", "借款人", "身份证号", "贷款金额（元）", "发放日期", "经办银行", "贷款期限（月）")
    for col, text in enumerate(head, start=1):
        ws.cell(2, col, text)
    loans: list[tuple[object, ...]] = []
    total = values.get("5.1")
    if total is not None and not isinstance(total, str):
        left = _dec(total) * 10000  # 元
        banks = ("农村信用社", "邮政储蓄银行", "工商银行")
        while left > 0:
            amount = min(left, Decimal(rng.choice((20000, 30000, 50000, 50000, 80000))))
            left -= amount
            issued = dt.date(2007, 1, 1) + dt.timedelta(days=rng.randrange(0, 365))
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
            loans.append(
                (_person(rng), _unique_id(rng, region, used), 50000.0, dt.date(2006, 12, 20), banks[0], 24)
            )
    for i, loan in enumerate(loans, start=1):
        ws.append((i, *loan))
        ws.cell(i + 2, 5).number_format = "yyyy-mm-dd"
    path = Path(path)
    wb.save(path)
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("out", type=Path, help="folder for the three sample files")
    parser.add_argument("--seed", type=int, default=2007)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    values = example_values(seed=args.seed)
    scores = {code: Decimal(1) for code in values}
    c = SAMPLE_COUNTY
    print(make_xls_summary(args.out / f"{c.code}{c.name}-汇总表.xls", c, values, seed=args.seed))
    print(
        make_monthly_xlsx(
            args.out / f"{c.code}{c.name}-逐月进度.xlsx", c, values, self_scores=scores, seed=args.seed
        )
    )
    print(make_roster(args.out / f"{c.code}{c.name}-花名册.xlsx", c, values, seed=args.seed))


if __name__ == "__main__":
    main()
