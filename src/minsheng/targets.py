"""The targets workbook (目标任务表) as the office fills it in: its layout and its reader.

The workbook holds the province totals, one row per county and one column per indicator, and an
optional 督查发现 sheet of findings (通报批评, 弄虚作假) against counties. Reading uses the sheet
toolkit, so the province may keep the workbook as .xlsx, .xls (WPS) or .ods. The reader finds the
table by its header labels (``县（市、区）代码``, ``县（市、区）``, ``设区市代码``, ``设区市``) and the
indicator columns by the indicator codes in the header row, then checks everything a person can get
wrong. The template is written by :mod:`minsheng.workbooks.targets`.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from .model import (
    County,
    Finding,
    Indicator,
    Problem,
    Provenance,
    Rule,
    Scheme,
    Severity,
    Targets,
    ValueStatus,
)
from .sheets.cells import value_text
from .workbooks.received import _norm, is_register, register_in_book

TARGET_KINDS = {"province": "省目标", "county": "县代码"}
FINDING_KINDS = {"finding": "督查县代码"}
RECEIPT_KINDS = {"receipt": "收文县代码"}
NON_ADDITIVE_UNITS = frozenset({"%", "％"})
BLANK_FINDING_ROWS = 30
FINDING_ROOM = 999  # the 项目 drop-down reaches this far below the first finding row

_HEADERS = {
    "县（市、区）代码": "code",
    "县代码": "code",
    "代码": "code",
    "行政区划代码": "code",
    "县（市、区）": "name",
    "县（市、区）名称": "name",
    "县名": "name",
    "设区市代码": "city_code",
    "设区市": "city_name",
    "设区市名称": "city_name",
}
_FINDING_HEADERS = {**_HEADERS, "项目": "item", "次数": "count", "说明": "note", "备注": "note"}


def target_indicators(scheme: Scheme) -> list[Indicator]:
    """Indicators that get a column: those scored against a county target, and their 其中 parts."""
    parts = {p for ind in scheme.indicators for p in ind.parts}
    return [
        ind for ind in scheme.indicators if ind.needs_target or (ind.rule is Rule.INFO and ind.code in parts)
    ]


def read_regions(path: str | Path) -> list[County]:
    """Counties from a region CSV (``minsheng template targets --regions``): English or Chinese
    headers, UTF-8 with or without a BOM, or GBK/GB18030 as Chinese Excel saves it."""
    from .regions import read_regions_file

    return list(read_regions_file(path))


def cross_item_name(scheme: Scheme, code: str) -> str:
    """The 项目 text a person picks from the drop-down list (the reader accepts name or code)."""
    try:
        return scheme.cross_item(code).name
    except KeyError:
        return code


def _find_table(sheet: Any, headers: dict[str, str], need: set[str]) -> tuple[int, dict[str, int]] | None:
    # the raw grid's texts, not Cell objects (a blank cell has no role)
    for r, line in enumerate(sheet.grid()[:30]):
        cols: dict[str, int] = {}
        for col, v in enumerate(line):
            role = headers.get(_norm(value_text(v)))
            if role and role not in cols:
                cols[role] = col
        if need <= set(cols):
            return r, cols
    return None


def _year_of(sheet: Any, before: int) -> tuple[int | None, str | None]:
    from .sheets.refs import cell_ref

    for r, line in enumerate(sheet.grid()[: max(before, 0)]):
        for col, v in enumerate(line):
            m = re.match(r"^年度[:：]\s*(\d{4})", _norm(value_text(v)))
            if m:
                return int(m.group(1)), cell_ref(r, col)
    return None, None


def _match_indicator(scheme: Scheme, code_text: str, name_text: str) -> Indicator | None:
    codes = {ind.code: ind for ind in scheme.indicators}
    if code_text in codes:
        return codes[code_text]
    name = re.sub(r"（[^（）]*）$", "", _norm(name_text or code_text))
    for ind in scheme.indicators:
        if name and (name == _norm(ind.name) or name in (_norm(a) for a in ind.aliases)):
            return ind
    return None


def read_targets(path: str | Path, scheme: Scheme) -> tuple[Targets, list[Finding], list[Problem]]:
    """Read a targets workbook: the targets, the findings of its 督查发现 sheet, and every problem.

    Checks: unknown indicator columns (warning, column ignored); negative or text targets (error
    at the cell, target left out); county codes that are not 6 digits or repeat (error, row left
    out); counties' targets that do not add up to the province total (warning with the
    difference; % columns are not added up); no year (error). "—" or blank is 不考核 (``None``).
    """
    from .sheets import Cell, SheetError, open_workbook, parse_number
    from .sheets.amounts import MAX_ABS, decimal_from_float
    from .sheets.refs import cell_ref

    file = str(path)
    problems: list[Problem] = []

    def problem(
        code: str,
        message: str,
        sheet: str | None,
        cell: str | None,
        severity: Severity = Severity.ERROR,
        county: str | None = None,
        indicator: str | None = None,
    ) -> None:
        problems.append(
            Problem(
                code,
                message,
                severity=severity,
                county=county,
                indicator=indicator,
                file=file,
                sheet=sheet,
                cell=cell,
            )
        )

    with open_workbook(path) as book:
        table = None
        for name in book.sheet_names:
            sheet = book.sheet(name)
            hit = _find_table(sheet, _HEADERS, {"code", "name"})
            # the 督查发现 sheet has the same county columns, and a 项目 column
            header_texts = [c.text for c in sheet.row(hit[0])] if hit is not None else []
            if (
                hit is not None
                and not any(_norm(t) == "项目" for t in header_texts)
                and not is_register(header_texts)
            ):
                table = (sheet, *hit)
                break
        if table is None:
            raise SheetError(
                "not-targets-workbook",
                "找不到目标任务表的表头（县（市、区）代码、县（市、区））；请用 minsheng template targets 生成的样式填写。",
                file,
            )
        sheet, header_row, cols = table
        prov = Provenance(file=file, sheet=sheet.name)
        year, _ = _year_of(sheet, header_row)
        if year is None:
            year = scheme.year
            if year is None:
                problem(
                    "targets-no-year",
                    "目标任务表未写年度（如“年度：2007”），考核方案也未指定年度；请补上。",
                    sheet.name,
                    None,
                )
                year = 0
        fixed = set(cols.values())
        header = sheet.row(header_row)
        name_at = {c.col: c.text for c in next(sheet.rows(header_row + 1, header_row + 2), [])}
        columns: dict[int, Indicator] = {}
        for c in header:
            if c.col in fixed or not c.text:
                continue
            ind = _match_indicator(scheme, _norm(c.text), name_at.get(c.col, ""))
            if ind is None:
                problem(
                    "unknown-indicator",
                    f"目标任务表第 {c.ref} 栏“{c.text}”不是考核方案“{scheme.id}”中的指标，已忽略；请核对指标代码。",
                    sheet.name,
                    c.ref,
                    Severity.WARNING,
                )
            elif ind.code in {i.code for i in columns.values()}:
                problem(
                    "duplicate-indicator",
                    f"指标 {ind.code} 在目标任务表中出现两栏，只读取第一栏。",
                    sheet.name,
                    c.ref,
                )
            else:
                columns[c.col] = ind

        counties: list[County] = []
        allocations: dict[str, dict[str, Decimal | None]] = {}
        province: dict[str, Decimal] = {}
        province_cells: dict[str, str] = {}
        seen: dict[str, str] = {}
        width = sheet.n_cols
        flags, percent = sheet.flags, sheet.percent
        for r in range(header_row + 1, sheet.n_rows):
            # the row's cells as sheet.rows() gives them, made only where they are looked at: a
            # column beyond the sheet's width has none
            def at(col: int, r: int = r) -> Cell | None:
                return sheet.cell(r, col) if 0 <= col < width else None

            code_cell = at(cols["code"])
            name_cell = at(cols["name"])
            code = _norm(code_cell.text) if code_cell is not None else ""
            name = name_cell.text if name_cell is not None else ""
            if not code and not name:
                continue
            if code.startswith(("说明", "注", "填表说明")):
                break
            is_province = code in ("全省", "合计", "全省合计") or (
                not code and ("全省" in name or name == "合计")
            )
            if not is_province and not re.fullmatch(r"\d{6}", code):
                ref = code_cell.ref if code_cell is not None else None
                problem(
                    "bad-county-code",
                    f"“{name or code}”的县（市、区）代码“{code or '空白'}”不是 6 位行政区划代码，该行未读取。",
                    sheet.name,
                    ref,
                )
                continue
            if not is_province and code in seen:
                problem(
                    "duplicate-county",
                    f"县（市、区）代码 {code} 重复出现（第一次在 {seen[code]}），只读取第一行。",
                    sheet.name,
                    code_cell.ref if code_cell else None,
                    county=code,
                )
                continue
            alloc: dict[str, Decimal | None] = {}
            for col, ind in columns.items():
                if 0 <= col < width and (r, col) not in flags and (r, col) not in percent:
                    # the common cells, as parse_number reads them in the column's own unit:
                    # blank (MISSING) and a finite float (REPORTED, 15 significant digits)
                    raw = sheet.value(r, col)
                    if raw is None:
                        if not is_province:
                            alloc[ind.code] = None
                        continue
                    if type(raw) is float and math.isfinite(raw):
                        quick = decimal_from_float(raw)
                        if abs(quick) < MAX_ABS and not quick < 0:
                            if not is_province:
                                alloc[ind.code] = quick
                            else:
                                province[ind.code] = quick
                                province_cells[ind.code] = cell_ref(r, col)
                            continue
                cell = at(col)
                if cell is None:
                    if not is_province:
                        alloc[ind.code] = None
                    continue
                found: list[Problem] = []
                value = parse_number(
                    cell,
                    ind.unit,
                    provenance=Provenance(file=file, sheet=sheet.name, cell=cell.ref),
                    problems=found,
                )
                for p in found:
                    problems.append(
                        Problem(
                            p.code,
                            f"目标任务 {ind.code}“{ind.name}”：{p.message}",
                            severity=Severity.ERROR,
                            county=None if is_province else code,
                            indicator=ind.code,
                            file=file,
                            sheet=sheet.name,
                            cell=cell.ref,
                        )
                    )
                amount = value.amount if value.status is ValueStatus.REPORTED else None
                if amount is not None and amount < 0:
                    problem(
                        "negative-target",
                        f"指标 {ind.code}“{ind.name}”的目标 {amount} 为负数；目标不能为负，请改正。",
                        sheet.name,
                        cell.ref,
                        county=None if is_province else code,
                        indicator=ind.code,
                    )
                    amount = None
                if is_province:
                    if amount is not None:
                        province[ind.code] = amount
                        province_cells[ind.code] = cell.ref
                elif not found and not (amount is None and value.status is ValueStatus.REPORTED):
                    alloc[ind.code] = amount
            if is_province:
                continue
            seen[code] = code_cell.ref if code_cell else ""
            city_code_cell = at(cols["city_code"]) if "city_code" in cols else None
            city_name_cell = at(cols["city_name"]) if "city_name" in cols else None
            city_code = city_code_cell.text if city_code_cell is not None else ""
            city_name = city_name_cell.text if city_name_cell is not None else ""
            counties.append(County(code, name, _norm(city_code), city_name))
            allocations[code] = alloc

        for ind in columns.values():
            total = province.get(ind.code)
            if total is None or ind.unit in NON_ADDITIVE_UNITS:
                continue
            amounts = [v for a in allocations.values() if (v := a.get(ind.code)) is not None]
            allocated = sum(amounts, Decimal(0))
            if allocated != total:
                diff = allocated - total
                problem(
                    "allocation-mismatch",
                    f"指标 {ind.code}“{ind.name}”各县目标之和为 {allocated}{ind.unit}，全省合计为 {total}{ind.unit}，"
                    f"{'多' if diff > 0 else '少'} {abs(diff)}{ind.unit}；请核对目标分解。",
                    sheet.name,
                    province_cells.get(ind.code),
                    Severity.WARNING,
                    indicator=ind.code,
                )

        findings = _read_findings(book, scheme, file, {c.code for c in counties}, problems)
        deadline, receipts, found = register_in_book(book, file, {c.code for c in counties})
        problems.extend(found)
    targets = Targets(
        year=year,
        counties=tuple(counties),
        allocations=allocations,
        province=province,
        source=prov,
        deadline=deadline,
        receipts=receipts,
    )
    return targets, findings, problems


def _incomplete(file: str, sheet: str, ref: str | None, text: dict[str, str]) -> Problem:
    shown = "、".join(t for t in text.values() if t.strip())
    return Problem(
        "finding-incomplete",
        f"督查发现这一行填了“{shown}”，但没有县（市、区）代码和项目，无法处理；请补全或删去这一行。",
        file=file,
        sheet=sheet,
        cell=ref,
    )


def _read_findings(
    book: Any, scheme: Scheme, file: str, known: set[str], problems: list[Problem]
) -> list[Finding]:
    by_name = {item.name: item.code for item in scheme.cross_items}
    codes = {item.code for item in scheme.cross_items}
    out: list[Finding] = []
    for name in book.sheet_names:
        sheet = book.sheet(name)
        hit = _find_table(sheet, _FINDING_HEADERS, {"code", "item"})
        if hit is None:
            continue
        header_row, cols = hit
        for row in sheet.rows(header_row + 1):
            by_col = {c.col: c for c in row}
            cells = {role: by_col.get(col) for role, col in cols.items()}
            text = {role: (cell.text if cell is not None else "") for role, cell in cells.items()}
            refs = {role: (cell.ref if cell is not None else None) for role, cell in cells.items()}
            code, item = _norm(text["code"]), text["item"].strip()
            if code.startswith(("说明", "注")):
                continue  # an old template's footer: findings typed below it are read too
            if not code and not item:
                filled = [role for role, t in text.items() if t.strip()]
                if filled:
                    problems.append(_incomplete(file, name, refs[filled[0]], text))
                continue
            if code not in known:
                problems.append(
                    Problem(
                        "unknown-county",
                        f"督查发现所列县（市、区）代码“{code or '空白'}”不在目标任务表中，该条未处理。",
                        county=code or None,
                        file=file,
                        sheet=name,
                        cell=refs["code"],
                    )
                )
                continue
            item_code = by_name.get(item) or (item if item in codes else None)
            if item_code is None:
                problems.append(
                    Problem(
                        "unknown-finding",
                        f"督查发现项目“{item}”不是考核方案的共性扣分或否决项目（可用：{'、'.join(by_name)}），该条未处理。",
                        county=code,
                        file=file,
                        sheet=name,
                        cell=refs["item"],
                    )
                )
                continue
            count_text = text.get("count", "")
            count = 1
            if count_text:
                if not re.fullmatch(r"\d+", count_text) or int(count_text) < 1:
                    problems.append(
                        Problem(
                            "bad-count",
                            f"督查发现的次数应为正整数，实为“{count_text}”；该条未处理。",
                            county=code,
                            file=file,
                            sheet=name,
                            cell=refs.get("count"),
                        )
                    )
                    continue
                count = int(count_text)
            out.append(
                Finding(
                    county=code,
                    item=item_code,
                    count=count,
                    note=text.get("note", ""),
                    source=Provenance(file=file, sheet=name, cell=refs["item"]),
                )
            )
        break
    return out
