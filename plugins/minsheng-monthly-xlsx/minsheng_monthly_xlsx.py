"""minsheng plugin for the monthly progress .xlsx: one sheet per group, months 1–12 in columns.

The month reported is the last month column holding any figure (12 for a year-end report); each
indicator's value is its cumulative figure in that column, found by the code in 指标代码. The
自评分 column gives ``self_scores``; the 封面 gives the county, the reporter and 自评总分.
"""

from __future__ import annotations

import re

from minsheng import Submission
from minsheng.plugins import hookimpl
from minsheng.sheets import SheetError, find_table, parse_number, read_reporter

__version__ = "0.1.0"

COVER = "封面"
HEADER = ("指标代码", "累计完成情况")
GROUP_SHEET = re.compile(r"^\d+\D")


def _group_sheets(book) -> list[str]:
    return [n for n in book.visible_sheet_names if GROUP_SHEET.match(n)]


def _cover_fields(sheet) -> dict[str, tuple[object, str]]:
    """Label → (raw value, cell) for the 封面's two-column label/value layout."""
    out: dict[str, tuple[object, str]] = {}
    for row in sheet.rows(0, min(sheet.n_rows, 30)):
        for i, cell in enumerate(row[:-1]):
            label = cell.text.rstrip("：:")
            if label and label not in out and not row[i + 1].is_blank:
                out[label] = (row[i + 1].value, row[i + 1].ref)
    return out


@hookimpl
def minsheng_claim(path, book):
    """Ours: an .xlsx with a 封面 titled 逐月进度表 and sheets named like 1扩大就业."""
    if book.format not in ("xlsx", "xlsm") or COVER not in book.sheet_names:
        return None
    if "逐月进度表" not in book.sheet(COVER).cell("A1").text or len(_group_sheets(book)) < 3:
        return None
    return 0.9


@hookimpl
def minsheng_read(path, book, context):
    """Every indicator's figure in the last month reported, with 自评分, from every group sheet."""
    cover = book.sheet(COVER)
    fields = _cover_fields(cover)
    code_raw = fields.get("行政区划代码", ("", ""))[0]
    county = str(int(code_raw)) if isinstance(code_raw, int | float) else str(code_raw).strip()
    if not re.fullmatch(r"\d{6}", county):
        raise SheetError(
            "no-county-code",
            "封面上没有 6 位“行政区划代码”，无法确定是哪个县的报表；请补填。",
            str(path),
            sheet=COVER,
        )
    tables = [find_table(book.sheet(name), HEADER) for name in _group_sheets(book)]
    months = {m: [t.column("累计完成情况", f"{m}月") for t in tables] for m in range(1, 13)}
    month = max(
        (m for m, cols in months.items() for t, col in zip(tables, cols, strict=True)
         if any(not t.sheet.cell(r.index, col.index).is_blank for r in t.rows)),
        default=12,
    )  # fmt: skip
    values = {}
    self_scores = {}
    for table, col in zip(tables, months[month], strict=True):
        score_col = table.column("自评分", required=False)
        for ind in context.scheme.indicators:
            row = table.find_row(code=ind.code)
            if row is None:
                continue
            values[ind.code] = table.value(
                row, col, to_unit=ind.unit, source=context.provenance, problems=context.problems
            )
            if score_col is not None:
                score = table.value(
                    row, score_col, unit="分", source=context.provenance, problems=context.problems
                )
                if score.is_reported:
                    self_scores[ind.code] = score.amount
    total = None
    if "自评总分" in fields:
        raw, ref = fields["自评总分"]
        v = parse_number(raw, provenance=context.provenance(COVER, ref), problems=context.problems)
        total = v.amount if v.is_reported else None
    return Submission(
        county=county,
        year=context.year,
        values=values,
        month=month,
        reporter=read_reporter(cover, problems=context.problems),
        self_scores=self_scores,
        self_total=total,
        source=context.provenance(COVER),
    )
