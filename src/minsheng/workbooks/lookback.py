"""The look back in the assessment workbook (``assess --history``): 同比 columns on 综合排名, the
单项先进 sheet (with 平时考核计入年终), and the 同比 lines of each county's 考核评分表.

Without a look back the 单项先进 sheet of the template is removed and nothing else changes, so the
workbook is byte for byte what it was before the feature.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..lookback import CADENCE_WORDS, GroupLeader, Lookback, eligible_grades
from ..model import Scheme
from ._cells import FORMAT_SCORE, Formatted
from ._template import expand_column, fill_rows

LOOKBACK_MARK = "单项序号"  # the placeholder that finds the 单项先进 sheet
COMPARISON_FIELDS = ("上年总分", "上年排名", "升降")


def _leaders(leaders: Sequence[GroupLeader]) -> str:
    """1县、2县（完成率 100.00%）: the counties, and the completion that ranked them (said once
    when they share it, as counties sharing a place do)."""
    if not leaders:
        return "（无）"

    def pct(x: GroupLeader) -> str:
        return "" if x.completion is None else f"（完成率 {x.completion * 100:.2f}%）"

    if len({x.completion for x in leaders}) == 1:
        return "、".join(x.county.name for x in leaders) + pct(leaders[0])
    return "、".join(x.county.name + pct(x) for x in leaders)


def _score(x: Decimal | None) -> Any:
    return None if x is None else Formatted(x, FORMAT_SCORE)


def _num(x: Decimal) -> str:
    return format(x.normalize(), "f") if x == x.to_integral_value() else format(x, "f")


def lookback_sheet(wb: Workbook) -> Worksheet | None:
    """The sheet holding ``{单项序号}`` (the 单项先进 sheet), if the template has one."""
    token = "{" + LOOKBACK_MARK + "}"
    for ws in wb.worksheets:
        if any(isinstance(c.value, str) and token in c.value for c in ws._cells.values()):
            return ws
    return None


def drop_lookback_sheet(wb: Workbook) -> None:
    """No look back: the workbook as it was before (the 单项先进 sheet removed)."""
    ws = lookback_sheet(wb)
    if ws is not None:
        wb.remove(ws)


def add_comparison_columns(ws: Worksheet) -> None:
    """Three columns after 总分 on the 综合排名 template: 上年总分, 上年排名, 升降 (their row
    placeholders ``{上年总分}`` …), styled as the columns beside them."""
    col = expand_column(ws, "总分", 1 + len(COMPARISON_FIELDS))
    if not col:
        return
    row = next(r for (r, c), cell in sorted(ws._cells.items()) if c == col and cell.value == "{总分#0}")
    ws.cell(row, col).value = "{总分}"
    plain = next(
        (cell for (r, _c), cell in sorted(ws._cells.items()) if r == row and cell.value == "{加分}"), None
    )
    centred = next(
        (cell for (r, _c), cell in sorted(ws._cells.items()) if r == row and cell.value == "{排名}"), None
    )
    for i, field in enumerate(COMPARISON_FIELDS, start=1):
        cell = ws.cell(row, col + i)
        cell.value = "{" + field + "}"
        like = centred if field == "升降" else plain
        if like is not None:
            cell._style = copy(like._style)
        for r in range(1, row):
            head = ws._cells.get((r, col + i))
            if head is not None and head.value == ws.cell(r, col).value and isinstance(head.value, str):
                head.value = field


def comparison_fields(lookback: Lookback) -> dict[str, dict[str, Any]]:
    """county code → the 同比 fields of its 综合排名 row."""
    return {
        c.county.code: {
            "上年总分": _score(c.previous_total),
            "上年排名": c.previous_rank,
            "升降": c.change_text,
        }
        for c in lookback.comparisons
    }


def interim_text(lookback: Lookback) -> str:
    rule = lookback.interim_rule
    if rule is None:
        return "本考核方案未设平时考核计分规则（[interim]），序时进度通报不计入年终考核。"
    text = f"每期序时进度通报综合排名末位扣 {_num(rule.points)} 分"
    if rule.consecutive:
        text += f"，连续末位的从第二期起每期再加扣 {_num(rule.consecutive)} 分"
    if rule.cap is not None:
        text += f"，最多扣 {_num(rule.cap)} 分"
    periods = lookback.interim_periods
    counted = f"计入{CADENCE_WORDS[rule.cadence]} {len(periods)} 期" + (
        f"（{periods[0]} 至 {periods[-1]}）" if periods else "：历年结果目录中没有本年的序时进度通报"
    )
    return f"{text}；{counted}。"


def comparison_text(lookback: Lookback) -> str:
    if lookback.previous_file is None:
        return f"同比：历年结果目录中没有同一考核方案 {lookback.previous_year} 年度的考核结果，未作同比。"
    return (
        f"同比：与 {lookback.previous_year} 年度考核结果（{lookback.previous_file}）比较，见“综合排名”的上年总分、"
        "上年排名和升降（上升为名次提前）；各县考核评分表也列出上年总分和排名。"
    )


def fill_lookback_sheet(ws: Worksheet, lookback: Lookback, scheme: Scheme, fields: dict[str, Any]) -> None:
    """The 单项先进 table (one row per indicator group) and the 平时考核 table (one row per
    county that lost points for ranking last in a progress report)."""
    grades = sorted((g for g in scheme.grades), key=lambda g: -g.minimum)
    allowed = eligible_grades(scheme)
    local = {
        **fields,
        "单项先进说明": (
            f"单项先进：各指标组得分最高的 {scheme.group_advanced_count} 名（得分相同的比该组完成率，两者都相同的并列），"
            f"在未被一票否决、等次为{'、'.join(g.name for g in grades if g.name in allowed)}的县中评出；"
            "有不考核指标的组按适用分值折算后比较。"
        ),
        "平时考核规则": interim_text(lookback),
        "同比说明": comparison_text(lookback),
    }
    rows = []
    for i, g in enumerate(lookback.group_leaders, start=1):
        rows.append(
            (
                "group",
                {
                    "单项序号": i,
                    "单项组": f"{g.code} {g.name}",
                    "单项分值": _score(g.weight),
                    "单项最高分": _score(g.leaders[0].score) if g.leaders else None,
                    "单项个数": len(g.leaders),
                    "单项先进": _leaders(g.leaders),
                },
            )
        )
    fill_rows(ws, {"group": "单项序号"}, rows, local)
    interim = [
        (
            "county",
            {
                "平时序号": i,
                "平时县": d.county.name,
                "平时市": d.county.city_name,
                "平时期数": len(d.periods),
                "平时扣分": _score(d.points),
                "平时各期": "、".join(d.periods),
            },
        )
        for i, d in enumerate(lookback.interim, start=1)
    ] or [
        (
            "county",
            {
                "平时序号": None,
                "平时县": "（无）",
                "平时市": None,
                "平时期数": None,
                "平时扣分": None,
                "平时各期": None,
            },
        )
    ]
    fill_rows(ws, {"county": "平时序号"}, interim, local)


def county_lines(lookback: Lookback, code: str) -> list[tuple[str, Any, str]]:
    """The 同比 and 单项先进 lines of one county's 考核评分表: (label, score, note)."""
    lines: list[tuple[str, Any, str]] = []
    c = lookback.comparison(code)
    if lookback.previous_file is not None and c is not None:
        if c.previous_total is None and c.previous_rank is None:
            note = f"{lookback.previous_year} 年度未评分"
        else:
            rank = f"排名 第 {c.previous_rank} 名" if c.previous_rank is not None else "未排名"
            note = f"{lookback.previous_year} 年度{rank}；本年较上年{c.change_text}"
        lines.append(("上年总分", _score(c.previous_total), note))
    honours = lookback.honours(code)
    if honours:
        lines.append(("单项先进", None, "、".join(honours)))
    return lines


__all__ = [
    "add_comparison_columns",
    "comparison_fields",
    "county_lines",
    "drop_lookback_sheet",
    "fill_lookback_sheet",
    "lookback_sheet",
]
