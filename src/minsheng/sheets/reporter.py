"""The 填报单位/填报人/电话/填报日期 line above a table and the 报出日期 line below it."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from ..model import Problem, Reporter, Severity
from .cells import Sheet
from .dates import parse_date
from .workbook import Workbook

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
EDGE_ROWS = 20
#: what a form prints after the unit's name for the stamp or after a name for the signature
_STAMP = re.compile(r"\s*[(（]\s*(?:盖章|公章|签章|印章|章|签字|签名)\s*[)）]\s*|\s*(?:盖章|签字|签名)\s*$")
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")


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
            elif isinstance(value, dt.date):
                found.append(("orphan_date", value, cell.ref))  # a date typed over its label
            continue
        text = unicodedata.normalize("NFKC", value)
        matches = list(_LABEL.finditer(text))
        if not matches:
            if pending:
                found.append((pending, value.strip(), cell.ref))
                pending = None
            elif parse_date(value) is not None:
                found.append(("orphan_date", value.strip(), cell.ref))
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


def _edge_rows(sheet: Sheet) -> tuple[list[int], list[int]]:
    """The first and the last ``EDGE_ROWS`` rows (a 100k-row roster costs nothing)."""
    top = list(range(min(EDGE_ROWS, sheet.n_rows)))
    bottom = [r for r in range(max(0, sheet.n_rows - EDGE_ROWS), sheet.n_rows) if r >= len(top)]
    return top, bottom


def sheet_year(sheet: Sheet, rows: list[int]) -> int | None:
    """The report's year as its title or labels state it (``2007年……完成情况表``), if any."""
    for r in rows:
        for c in sheet.row(r):
            if isinstance(c.value, str) and (m := _YEAR.search(unicodedata.normalize("NFKC", c.value))):
                return int(m.group(1))
    return None


def bad_date_problem(sheet: Sheet, ref: str, raw: object, what: str = "日期") -> Problem:
    """``bad-date``: the cell and its text, and what follows (no lateness computed)."""
    return Problem(
        "bad-date",
        f"单元格 {ref} 的{what}“{raw}”无法识别，该县的逾期天数（报表按时报送）无法据此计算，未计算；"
        "请写成 2008年1月10日、2008-1-10 或二〇〇八年一月十日这样的完整日期。",
        Severity.WARNING,
        file=sheet.file,
        sheet=sheet.name,
        cell=ref,
    )


def _found(sheet: Sheet, rows: list[int], bottom: set[int]) -> dict[str, tuple[object, str]]:
    """Each field's first value and cell; a date cell with no label on a row of labels is the
    填报日期 above the table, the 报出日期 below it (a clerk typed the date over the label)."""
    found: dict[str, tuple[object, str]] = {}
    for r in rows:
        segments = _segments(sheet, r)
        labelled = any(field != "orphan_date" for field, _, _ in segments)
        for field, value, ref in segments:
            if field == "orphan_date":
                if not labelled:
                    continue
                field = "orphan_late" if r in bottom else "orphan_top"
            if field not in found and value not in ("", None):
                found[field] = (value, ref)
    return found


def read_reporter(
    sheet: Sheet,
    *,
    rows: range | None = None,
    problems: list[Problem] | None = None,
    year: int | None = None,
) -> Reporter:
    """The reporter of a county report: 填报单位, 填报人 (or 填表人), 电话 and the date.

    Looks at ``rows`` (default: the first and the last 20 rows, so a 100k-row roster costs
    nothing). A label's value is the text after it in the same cell, or the next non-empty cell;
    a date cell without its label on a line of labels (typed over the label) counts too. The date
    is the 填报日期, or else the 报出日期 below the table, read by :func:`parse_date` with
    ``year`` (default: the year the sheet's title states) for two-digit years and a month and
    day alone. An unreadable date is reported as a ``bad-date`` warning naming the cell. The
    form's "（盖章）" after the unit and "（签字）" after a name are not part of them.
    """
    top, tail = _edge_rows(sheet)
    order = list(rows) if rows is not None else top + tail
    found = _found(sheet, order, set(tail) if rows is None else set())
    year = year or sheet_year(sheet, order)
    date = None
    for field in ("date", "orphan_top", "late_date", "orphan_late"):
        if field in found:
            raw, ref = found[field]
            date = parse_date(raw, year=year)
            if date is None and problems is not None:
                problems.append(bad_date_problem(sheet, ref, raw))
            if date is not None:
                break

    def text(field: str) -> str | None:
        if field not in found:
            return None
        raw = found[field][0]
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        return _STAMP.sub("", str(raw)).strip().lstrip(":：").strip() or None

    return Reporter(unit=text("unit"), person=text("person"), phone=text("phone"), date=date)


def report_title(book: Workbook, sheet: str | None, rows: int = 3) -> str:
    """The first text in the top ``rows`` rows of ``sheet`` (else the first sheet): a report's
    title, where a county writes 更正 or 修订; ``""`` when there is none or it cannot be read."""
    try:
        target = book.sheet(sheet if sheet else 0)
        for r in range(min(rows, target.n_rows)):
            for cell in target.row(r):
                text = cell.text.strip()
                if text and not _number_like(text):
                    return text
    except Exception:  # a title is a hint: a sheet that cannot be read here has none
        return ""
    return ""


def _number_like(text: str) -> bool:
    return text.replace(".", "", 1).replace("-", "", 1).isdigit()
