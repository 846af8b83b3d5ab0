"""The office's receipt register (收文登记): the day each county's report arrived.

It lives as the 收文登记 sheet of the targets workbook (made by ``minsheng template targets``, read
by :func:`minsheng.workbooks.read_targets`), or as a file of its own, .xlsx or .csv, given to
``minsheng assess --received FILE`` (:func:`read_received`). The lateness indicator (6.2 逾期天数) is
computed from it, and it wins over the counties' own report dates (docs/scheme.md).

Columns, found by their header labels: 县（市、区）代码 (or 县代码, 代码), 县（市、区）, 收到日期 (or
收文日期); a line ``报送截止日期：2008-01-10`` above the table gives the deadline.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..model import Problem, Provenance, Receipt
from ..sheets.cells import value_text
from ..sheets.dates import parse_date

CODE_HEADERS = {"县（市、区）代码", "县代码", "代码", "行政区划代码", "县区代码"}
NAME_HEADERS = {"县（市、区）", "县（市、区）名称", "县名", "县区"}
DATE_HEADERS = {"收到日期", "收文日期", "收到时间", "收件日期", "收到"}
DEADLINE_LABEL = re.compile(r"^报送截止日期[:：]?\s*(.*)$")


def _norm(text: str) -> str:
    return text.replace("(", "（").replace(")", "）").replace(" ", "").replace("\u3000", "").strip()


def date_of(value: Any) -> dt.date | None:
    """A date from a register cell: a date, an Excel day number (with a time of day or not),
    ``20080112`` typed as a number, or any way a Chinese office writes a date as text
    (:func:`minsheng.sheets.dates.parse_date`)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000101 <= value <= 29991231 and float(value).is_integer():
            return parse_date(str(int(value)))
        if 1 <= value < 2958466:
            return parse_date(int(value))  # an Excel day number (a time of day dropped)
        return None
    return parse_date(value)


def _columns(header: list[str]) -> dict[str, int]:
    cols: dict[str, int] = {}
    for i, text in enumerate(header):
        t = _norm(text)
        for role, names in (("code", CODE_HEADERS), ("name", NAME_HEADERS), ("date", DATE_HEADERS)):
            if t in names and role not in cols:
                cols[role] = i
    return cols


def is_register(header: list[str]) -> bool:
    """Whether a header row is a receipt register's (a county code column and a 收到日期 column)."""
    return {"code", "date"} <= set(_columns(header))


def read_rows(
    rows: Sequence[Sequence[tuple[Any, str | None]]], *, file: str, sheet: str | None, known: set[str] | None
) -> tuple[dt.date | None, dict[str, Receipt], list[Problem]]:
    """The deadline, the receipts and the problems of a register given as rows of (value, cell ref).

    A row with a county and no date is a county not yet received (no problem); a date that cannot
    be read, a county not in the targets, or a county listed twice is an error at its cell.
    """
    problems: list[Problem] = []
    deadline: dt.date | None = None
    receipts: dict[str, Receipt] = {}
    cols: dict[str, int] | None = None
    for row in rows:
        texts = ["" if v is None else str(v).strip() for v, _ in row]
        if cols is None:
            for i, text in enumerate(texts):
                m = DEADLINE_LABEL.match(_norm(text))
                if m:
                    # the date follows the label in its cell, or is the very next cell (never a note further on)
                    ref = row[i][1]
                    rest: Any = m.group(1)
                    if not rest and i + 1 < len(row):
                        rest, ref = row[i + 1]
                    if rest is not None and str(rest).strip():
                        deadline = date_of(rest)
                        if deadline is None:
                            problems.append(_bad_date(ref, file, sheet, str(rest), "报送截止日期"))
            if is_register(texts):
                cols = _columns(texts)
            continue
        code = _norm(texts[cols["code"]]) if cols["code"] < len(texts) else ""
        raw, ref = row[cols["date"]] if cols["date"] < len(row) else (None, None)
        if not code and not str(raw or "").strip():
            continue
        if code.startswith(("说明", "注")):
            continue
        where = Provenance(file=file, sheet=sheet, cell=ref)
        if not re.fullmatch(r"\d{6}", code) or (known is not None and code not in known):
            problems.append(
                Problem(
                    "unknown-county",
                    f"收文登记中的县（市、区）代码“{code or '空白'}”不在目标任务表中（或不是 6 位代码），该行未用。",
                    county=code or None,
                    file=file,
                    sheet=sheet,
                    cell=row[cols["code"]][1] if cols["code"] < len(row) else None,
                )
            )
            continue
        if not str(raw or "").strip():
            continue  # not received yet: the county's own report date counts
        date = date_of(raw)
        if date is None:
            problems.append(_bad_date(ref, file, sheet, str(raw), "收到日期", code))
        elif code in receipts:
            problems.append(
                Problem(
                    "duplicate-county",
                    f"收文登记中县（市、区）代码 {code} 出现两次（第一次在 {receipts[code].source.cell}），只用第一行。",
                    county=code,
                    file=file,
                    sheet=sheet,
                    cell=ref,
                )
            )
        else:
            receipts[code] = Receipt(date, where)
    return deadline, receipts, problems


def _bad_date(
    ref: str | None, file: str, sheet: str | None, text: str, what: str, county: str | None = None
) -> Problem:
    return Problem(
        "bad-date",
        f"收文登记的{what}“{text}”无法识别为日期，未用（逾期天数不按它计算）；请写成 2008-01-12 或 2008年1月12日。",
        county=county,
        file=file,
        sheet=sheet,
        cell=ref,
    )


def register_in_book(
    book: Any, file: str, known: set[str] | None = None
) -> tuple[dt.date | None, dict[str, Receipt], list[Problem]]:
    """The register on the first sheet of ``book`` (a :mod:`minsheng.sheets` workbook) that has one."""
    for name in book.sheet_names:
        sheet = book.sheet(name)
        head = [[value_text(v) for v in line] for line in sheet.grid()[:30]]  # (no Cell objects)
        if not any(is_register(h) for h in head):
            continue
        rows = [_sheet_row(sheet, r) for r in range(sheet.n_rows)]
        return read_rows(rows, file=file, sheet=name, known=known)
    return None, {}, []


def _sheet_row(sheet: Any, r: int) -> list[tuple[Any, str | None]]:
    """Row ``r`` as (value, A1 ref) across the sheet's width, what its Cell objects hold (made from
    the raw grid: a register is read for every run)."""
    from ..sheets.refs import cell_ref

    return [(sheet.value(r, c), cell_ref(r, c)) for c in range(sheet.n_cols)]


def read_received(path: str | Path) -> dict[str, dt.date]:
    """A receipt register file (.xlsx, .xls, .ods or .csv) as ``{county code: day received}``.

    For ``minsheng assess --received FILE``. Raises ``ValueError`` with every problem, in Chinese,
    when a row cannot be read (a bad date, a code that is not 6 digits, a county listed twice):
    a receipt is never silently dropped.
    """
    path = Path(path)
    if path.suffix.lower() in (".csv", ".txt"):
        from ..regions import decode

        table = list(csv.reader(io.StringIO(decode(path.read_bytes()).lstrip("\ufeff"))))
        rows = [[(v, f"{_letter(c)}{r}") for c, v in enumerate(row)] for r, row in enumerate(table, start=1)]
        _, receipts, problems = read_rows(rows, file=str(path), sheet=None, known=None)
    else:
        from ..sheets import open_workbook

        with open_workbook(path) as book:
            _, receipts, problems = register_in_book(book, str(path))
            if not receipts and not problems and not _has_register(book):
                raise ValueError(
                    f"“{path.name}”中找不到收文登记表（表头应有“县（市、区）代码”和“收到日期”两栏）。"
                )
    if problems:
        raise ValueError("；".join(f"{p.cell or ''} {p.message}".strip() for p in problems))
    return {code: r.date for code, r in receipts.items()}


def _letter(col: int) -> str:
    from ..sheets.refs import column_letter

    return column_letter(col)


def _has_register(book: Any) -> bool:
    return any(
        is_register([c.text for c in row])
        for name in book.sheet_names
        for row in book.sheet(name).rows(0, 30)
    )
