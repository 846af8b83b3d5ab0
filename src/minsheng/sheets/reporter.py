"""The 填报单位/填报人/电话/填报日期 line above a table and the 报出日期 line below it."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from ..model import Problem, Reporter, Severity
from .workbook import Sheet

LABELS = {
    "填报单位": "unit",
    "报送单位": "unit",
    "填报人": "person",
    "填表人": "person",
    "联系电话": "phone",
    "电话": "phone",
    "填报日期": "date",
    "填表日期": "date",
    "报出日期": "late_date",
    "报送日期": "late_date",
    # recognised only to end the value before them
    "单位负责人": None,
    "统计负责人": None,
    "审核人": None,
    "制表人": None,
}
_LABEL = re.compile(
    "(" + "|".join(sorted((re.escape(k) for k in LABELS), key=len, reverse=True)) + r")\s*[:：]?\s*"
)
_DATE = re.compile(r"(\d{4})\s*(?:年|[-./／])\s*(\d{1,2})\s*(?:月|[-./／])\s*(\d{1,2})\s*日?")
EXCEL_EPOCH = dt.date(1899, 12, 30)
EDGE_ROWS = 20


def parse_date(raw: object) -> dt.date | None:
    """A date as reports write it: 2007年12月31日, 2007-12-31, 2007.12.31, 2007/12/31, an Excel
    serial number (39447) or a date/datetime cell; ``None`` when it is not a valid date."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        if 1 <= raw < 2958466 and float(raw).is_integer():
            return EXCEL_EPOCH + dt.timedelta(days=int(raw))
        return None
    if not isinstance(raw, str):
        return None
    text = unicodedata.normalize("NFKC", raw)
    m = _DATE.search(text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    stripped = text.strip()
    if re.fullmatch(r"\d{5}(?:\.0+)?", stripped):
        return parse_date(float(stripped))
    if re.fullmatch(r"\d{8}", stripped):
        try:
            return dt.date(int(stripped[:4]), int(stripped[4:6]), int(stripped[6:]))
        except ValueError:
            return None
    return None


def _segments(sheet: Sheet, r: int) -> list[tuple[str, object, str]]:
    """(label field, raw value, cell ref) found on one row."""
    found: list[tuple[str, object, str]] = []
    pending: str | None = None
    for c in range(sheet.n_cols):
        cell = sheet.cell(r, c)
        if cell.is_blank:
            continue
        value = cell.value
        if not isinstance(value, str):
            if pending:
                found.append((pending, value, cell.ref))
                pending = None
            continue
        text = unicodedata.normalize("NFKC", value)
        matches = list(_LABEL.finditer(text))
        if not matches:
            if pending:
                found.append((pending, value.strip(), cell.ref))
                pending = None
            continue
        if pending and matches[0].start() > 0:
            found.append((pending, text[: matches[0].start()].strip(), cell.ref))
        pending = None
        for i, m in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            field = LABELS[m.group(1)]
            rest = text[m.end() : end].strip()
            if field is None:
                continue
            if rest:
                found.append((field, rest, cell.ref))
            elif i + 1 == len(matches):
                pending = field  # the value is in the next cell
    return found


def read_reporter(
    sheet: Sheet, *, rows: range | None = None, problems: list[Problem] | None = None
) -> Reporter:
    """The reporter of a county report: 填报单位, 填报人 (or 填表人), 电话 and the date.

    Looks at ``rows`` (default: the first and the last 20 rows, so a 100k-row roster costs
    nothing). A label's value
    is the text after it in the same cell, or the next non-empty cell. The date is the 填报日期,
    or else the 报出日期 below the table. An unreadable date is reported as ``bad-date``.
    """
    if rows is not None:
        order = list(rows)
    else:
        top = list(range(min(EDGE_ROWS, sheet.n_rows)))
        order = top + [r for r in range(max(0, sheet.n_rows - EDGE_ROWS), sheet.n_rows) if r >= len(top)]
    found: dict[str, tuple[object, str]] = {}
    for r in order:
        for field, value, ref in _segments(sheet, r):
            if field not in found and value not in ("", None):
                found[field] = (value, ref)
    date = None
    for field in ("date", "late_date"):
        if field in found:
            raw, ref = found[field]
            date = parse_date(raw)
            if date is None and problems is not None:
                problems.append(
                    Problem(
                        "bad-date",
                        f"单元格 {ref} 的日期“{raw}”无法识别；请写成 2007年12月31日 或 2007-12-31。",
                        Severity.WARNING,
                        file=sheet.file,
                        sheet=sheet.name,
                        cell=ref,
                    )
                )
            if date is not None:
                break

    def text(field: str) -> str | None:
        if field not in found:
            return None
        raw = found[field][0]
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        return str(raw).strip() or None

    return Reporter(unit=text("unit"), person=text("person"), phone=text("phone"), date=date)
