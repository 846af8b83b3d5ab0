"""The county a report belongs to: the 6-digit 行政区划代码 written near the top of a sheet.

County layouts write it two ways: in one cell (``行政区划代码：360828``, often part of a title
block) or as a label with the code in a cell to its right (a 封面 of label/value pairs).
"""

from __future__ import annotations

import re

from .errors import SheetError
from .workbook import Cell, Sheet

#: the labels a county code is written after.
COUNTY_CODE_LABELS = ("行政区划代码", "县（市、区）代码", "区划代码")
_SEPARATOR = r"\s*[:：]?\s*"
_CODE = re.compile(r"\d{6}")


def _label_pattern(labels: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    return re.compile(f"(?:{alternatives}){_SEPARATOR}(?P<code>\\d{{6}}(?!\\d))?(?P<rest>.*)", re.S)


def _code_of(cell: Cell) -> str | None:
    """The cell's value as a 6-digit code (a number cell 360828 or 360828.0, or the text)."""
    value = cell.value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) else ""
    return text if _CODE.fullmatch(text) else None


def _code_in_row(row: list[Cell], pattern: re.Pattern[str]) -> tuple[str, str] | None:
    for i, cell in enumerate(row):
        m = pattern.search(cell.text)
        if m is None:
            continue
        if m.group("code"):
            return m.group("code"), cell.ref
        if not m.group("rest").strip():  # the label ends the cell: the code is in the next cell
            following = next((c for c in row[i + 1 :] if not c.is_blank), None)
            code = _code_of(following) if following is not None else None
            if code is not None and following is not None:
                return code, following.ref
    return None


def find_county_code(
    sheet: Sheet, *, labels: tuple[str, ...] = COUNTY_CODE_LABELS, rows: int = 10
) -> tuple[str, str] | None:
    """The county code written after one of ``labels`` in the first ``rows`` rows, and its cell.

    ``行政区划代码：360828`` in one cell, or the label with the code in the next filled cell of
    the row. Exactly six digits: ``3608281`` is no county code. ``None`` when there is none
    (for a :func:`minsheng_claim` that only looks).
    """
    pattern = _label_pattern(labels)
    for row in sheet.rows(0, min(sheet.n_rows, rows)):
        found = _code_in_row(row, pattern)
        if found is not None:
            return found
    return None


def read_county_code(sheet: Sheet, *, labels: tuple[str, ...] = COUNTY_CODE_LABELS, rows: int = 10) -> str:
    """The county code as :func:`find_county_code` finds it; ``SheetError("no-county-code")``
    naming the sheet when there is none, so the file's county is never guessed."""
    found = find_county_code(sheet, labels=labels, rows=rows)
    if found is None:
        raise SheetError(
            "no-county-code",
            f"工作表“{sheet.name}”的前 {rows} 行中找不到“{labels[0]}”及其后的 6 位代码"
            f"（如“{labels[0]}：360828”），无法确定是哪个县的报表；请补填。",
            sheet.file,
            sheet=sheet.name,
        )
    return found[0]
