"""Writing the targets workbook (目标任务表) from its template: province totals, one row per county,
one column per indicator, the 督查发现 and 收文登记 sheets. Its layout and its reader are in
:mod:`minsheng.targets`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..model import (
    County,
    Finding,
    Indicator,
    Scheme,
    Targets,
)
from ..targets import (
    BLANK_FINDING_ROWS,
    FINDING_KINDS,
    FINDING_ROOM,
    RECEIPT_KINDS,
    TARGET_KINDS,
    cross_item_name,
    target_indicators,
)


def write_targets_template(
    scheme: Scheme,
    path: str | Path,
    *,
    counties: Sequence[County] = (),
    year: int | None = None,
    targets: Targets | None = None,
    findings: Sequence[Finding] = (),
    template: str | Path | None = None,
) -> Path:
    """Write a targets workbook for ``scheme``: one row per county, empty unless ``targets`` is given.

    ``findings`` (通报批评, 弄虚作假) fill the first rows of the 督查发现 sheet; blank rows follow.

    With ``targets``, its counties, province totals and allocations are written (a round trip of
    :func:`read_targets`). A 督查发现 sheet follows with blank rows and the scheme's cross items
    offered as a drop-down list.
    """
    from openpyxl.worksheet.datavalidation import DataValidation

    from ._cells import Formatted, unit_format
    from ._output import save_workbook, stamp_for
    from ._template import expand_column, fill_fields, fill_rows, open_template, sheet_with

    year = year or (targets.year if targets else None) or scheme.year
    if year is None:
        raise ValueError("the targets workbook needs a year")
    if targets is not None:
        counties = targets.counties
    indicators = target_indicators(scheme)
    wb = open_template("targets", template)
    ws = sheet_with(wb, "省目标", "（目标任务表）")
    expand_column(ws, "指标代码", len(indicators))
    fields: dict[str, Any] = {"年度": year, "方案": scheme.id, "方案名称": scheme.name}
    for i, ind in enumerate(indicators):
        fields[f"指标代码#{i}"] = ind.code
        fields[f"指标名称#{i}"] = ind.name
        fields[f"计量单位#{i}"] = ind.unit

    def cell(ind: Indicator, amount: Decimal | None, known: bool) -> Any:
        if amount is None:
            return "—" if known else None
        return Formatted(amount, unit_format(ind.unit))

    province = {
        f"省目标#{i}": cell(ind, targets.province.get(ind.code) if targets else None, False)
        for i, ind in enumerate(indicators)
    }
    records: list[tuple[str, dict[str, Any]]] = [("province", province)]
    for county in counties:
        alloc = targets.allocations.get(county.code, {}) if targets else {}
        row: dict[str, Any] = {
            "县代码": county.code,
            "县名": county.name,
            "市代码": county.city_code,
            "市名": county.city_name,
        }
        for i, ind in enumerate(indicators):
            row[f"目标#{i}"] = cell(ind, alloc.get(ind.code), ind.code in alloc)
        records.append(("county", row))
    fill_rows(ws, TARGET_KINDS, records, fields, "（目标任务表）")

    findings_ws = next(
        (s for s in wb.worksheets if any("{督查县代码}" in str(c.value) for r in s.iter_rows() for c in r)),
        None,
    )
    if findings_ws is not None:
        blank = dict.fromkeys(("督查县代码", "督查县名", "项目", "次数", "说明"))
        names_by_code = {c.code: c.name for c in counties}
        given = [
            (
                "finding",
                {
                    "督查县代码": f.county,
                    "督查县名": names_by_code.get(f.county, ""),
                    "项目": cross_item_name(scheme, f.item),
                    "次数": f.count,
                    "说明": f.note,
                },
            )
            for f in findings
        ]
        rows = given + [("finding", blank)] * BLANK_FINDING_ROWS
        first, last = fill_rows(findings_ws, FINDING_KINDS, rows, fields)
        names = [item.name for item in scheme.cross_items]
        item_col = next((c.column for c in findings_ws[first - 1] if c.value == "项目"), None)
        if names and item_col and len('","'.join(names)) < 250:
            letter = findings_ws.cell(first, item_col).column_letter
            dv = DataValidation(type="list", formula1='"' + ",".join(names) + '"', allow_blank=True)
            dv.add(f"{letter}{first}:{letter}{max(last, first + FINDING_ROOM)}")  # rows the office adds
            findings_ws.add_data_validation(dv)
    register_ws = _fill_register(wb, counties, targets, fields)
    for other in wb.worksheets:
        if other not in (ws, findings_ws, register_ws):
            fill_fields(other, fields)
    path = Path(path)
    save_workbook(wb, path, stamp_for(None, year))
    return path


def _fill_register(
    wb: Any, counties: Sequence[County], targets: Targets | None, fields: dict[str, Any]
) -> Any:
    """The 收文登记 sheet: one row per county, its 收到日期 blank (or as ``targets.receipts`` says)."""
    from ._template import fill_rows

    sheet = next(
        (s for s in wb.worksheets if any("{收文县代码}" in str(c.value) for r in s.iter_rows() for c in r)),
        None,
    )
    if sheet is None:
        return None
    receipts = targets.receipts if targets is not None else {}
    rows = [
        (
            "receipt",
            {
                "收文县代码": c.code,
                "收文县名": c.name,
                "收到日期": receipts[c.code].date if c.code in receipts else None,
                "收文说明": None,
            },
        )
        for c in counties
    ] or [("receipt", dict.fromkeys(("收文县代码", "收文县名", "收到日期", "收文说明")))]
    local = {**fields, "截止日期": targets.deadline if targets is not None else None}
    fill_rows(sheet, RECEIPT_KINDS, rows, local)
    return sheet
