"""The targets workbook's optional 进度计划 sheet: a planned schedule per indicator.

Layout (any position; found by its headers): a header row with ``指标代码`` and month columns
``1月`` … ``12月`` or quarter columns ``一季度`` … ``四季度`` (also ``第一季度``, ``1季度``, ``Q1``);
one row per indicator with a plan, each cell the cumulative share of the annual target due by
that month's or quarter's end, in per cent (``50`` or ``50%``). Blank cells are simply not
planned (interpolated between planned ones). An indicator whose plan is not a number between 0
and 100, or falls from one period to the next, gets a ``bad-schedule`` problem and keeps 序时进度.
"""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path

from ..model import Problem, Scheme
from ..progress_rules import Schedule

SHEET = "进度计划"
_QUARTERS = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}
_MONTH = re.compile(r"^(?:1[-—–~至])?(\d{1,2})月(?:末|底)?(?:累计)?$")
_QUARTER = re.compile(r"^(?:第)?([一二三四1-4])季度(?:末)?$|^Q([1-4])$", re.IGNORECASE)


def _month_of(text: str) -> int | None:
    t = text.replace(" ", "").replace("（%）", "").replace("(%)", "")
    if m := _MONTH.match(t):
        month = int(m.group(1))
        return month if 1 <= month <= 12 else None
    if m := _QUARTER.match(t):
        return _QUARTERS[(m.group(1) or m.group(2)).upper()]
    return None


def read_schedule(path: str | os.PathLike[str], scheme: Scheme) -> tuple[Schedule, list[Problem]]:
    """The planned schedule in the targets workbook at ``path`` (empty when it has no 进度计划)."""
    from ..sheets import open_workbook, parse_number

    problems: list[Problem] = []
    with open_workbook(path) as book:
        if SHEET not in book.sheet_names:
            return Schedule({}), problems
        sheet = book.sheet(SHEET)
        header = None
        for r, row in enumerate(sheet.rows(0, 30)):
            texts = {c.text.replace(" ", ""): c.col for c in row if c.text}
            if "指标代码" in texts:
                header = (r, texts["指标代码"], {c.col: m for c in row if (m := _month_of(c.text))})
                break
        if header is None or not header[2]:
            problems.append(
                Problem(
                    "bad-schedule",
                    f"“{SHEET}”工作表中找不到“指标代码”和“1月”……“12月”（或“一季度”……“四季度”）表头，"
                    "进度计划未采用，各指标按序时进度 N/12 判断；请按 docs/progress.md 的格式填写。",
                    file=str(path),
                    sheet=SHEET,
                )
            )
            return Schedule({}), problems
        row0, key_col, months = header
        known = {ind.code for ind in scheme.indicators}
        plans: dict[str, dict[int, Decimal]] = {}
        for row in sheet.rows(row0 + 1):
            cells = {c.col: c for c in row}
            key = cells[key_col].text.strip() if key_col in cells else ""
            if not key:
                continue
            where = sheet.provenance(cells[key_col].row, key_col) if key_col in cells else None
            if key not in known:
                problems.append(
                    Problem.at(
                        "bad-schedule",
                        f"“{SHEET}”中的指标代码“{key}”不是本考核方案的指标，该行未采用；请核对编号。",
                        where,
                        indicator=key,
                    )
                )
                continue
            plan: dict[int, Decimal] = {}
            bad = None
            for col, month in sorted(months.items(), key=lambda x: x[1]):
                cell = cells.get(col)
                if cell is None or cell.is_blank:
                    continue
                value = parse_number(cell, "%", to_unit="%", provenance=sheet.provenance(cell.row, col))
                if value.amount is None or not 0 <= value.amount <= 100:
                    bad = f"{cell.ref} 的“{cell.text}”不是 0～100 的百分数"
                    break
                share = value.amount / 100
                if plan and share < plan[max(plan)]:
                    bad = f"{cell.ref} 的计划进度低于前一期（累计进度不应减少）"
                    break
                plan[month] = share
            if bad is not None:
                problems.append(
                    Problem.at(
                        "bad-schedule",
                        f"指标 {key} 的进度计划有误：{bad}；该指标按序时进度 N/12 判断，请改正。",
                        where,
                        indicator=key,
                    )
                )
                continue
            if plan:
                plans[key] = plan
    return Schedule(plans), problems


def write_schedule_sheet(path: str | Path, scheme: Scheme, schedule: Schedule, year: int) -> Path:
    """Add a 进度计划 sheet holding ``schedule`` (quarter-end plans) to the targets workbook at ``path``."""
    from openpyxl import load_workbook
    from openpyxl.styles import Alignment, Font

    from ._output import save_workbook, stamp_for

    wb = load_workbook(path)
    ws = wb.create_sheet(SHEET)
    ws["A1"] = f"{year}年进度计划（截至各季度末累计应完成全年目标的百分比；未列的指标按序时进度 N/12）"
    ws["A1"].font = Font(name="黑体", size=12, bold=True)
    ws.append(["指标代码", "指标名称", "一季度", "二季度", "三季度", "四季度"])
    for cell in ws[2]:
        cell.font = Font(name="宋体", bold=True)
        cell.alignment = Alignment(horizontal="center")
    for code, plan in sorted(schedule.plans.items()):
        ind = scheme.indicator(code)
        ws.append([code, ind.name, *(int(plan[m] * 100) for m in (3, 6, 9, 12))])
    ws.column_dimensions["B"].width = 28
    save_workbook(wb, path, stamp_for(None, year))
    return Path(path)


__all__ = ["SHEET", "read_schedule", "write_schedule_sheet"]
