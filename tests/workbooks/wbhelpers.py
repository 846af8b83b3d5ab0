"""Reading produced workbooks back with openpyxl, by their visible labels."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

ID_NUMBER = "36010219800101123X"
INJECTION = '=HYPERLINK("http://example.invalid/","点我")'


def header_row(ws: Worksheet, label: str) -> int:
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == label:
                return cell.row
    raise AssertionError(f"no header {label!r} in sheet {ws.title!r}")


def table(ws: Worksheet, label: str) -> list[dict[str, Any]]:
    """Rows under the header row holding ``label``, as dicts by header text, until a blank key cell."""
    r = header_row(ws, label)
    headers = {c.column: c.value for c in ws[r] if c.value}
    key_col = next(col for col, h in headers.items() if h == label)
    out = []
    for row in ws.iter_rows(min_row=r + 1):
        by_col = {c.column: c for c in row}
        if by_col.get(key_col) is None or by_col[key_col].value in (None, ""):
            break
        out.append({h: by_col[col] for col, h in headers.items() if col in by_col})
    return out


def num(cell: Any) -> Decimal | None:
    value = cell.value if hasattr(cell, "value") else cell
    if value is None:
        return None
    return Decimal(str(value))


def open_book(path: Path, **kw: Any):  # type: ignore[no-untyped-def]
    return load_workbook(path, **kw)


def xml_parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith((".xml", ".rels"))}
