"""Small real workbooks from rows, as .xlsx or .xls: sample files for plugins, demos and tests.

The public name is :func:`minsheng.testing.write_workbook`; it lives here so that a plugin's
``minsheng_write_sample`` can use it without pytest installed. openpyxl (.xlsx) and xlwt (.xls)
load when a file is written.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

#: the document time written into an .xlsx when no ``stamp`` is given (same rows, same bytes)
DEFAULT_STAMP = dt.datetime(2000, 1, 1)

SUFFIXES = (".xlsx", ".xls")


def write_workbook(
    path: str | os.PathLike[str],
    sheets: Mapping[str, Sequence[Sequence[Any]]],
    *,
    merged: Mapping[str, Sequence[str]] | None = None,
    stamp: dt.datetime | None = None,
) -> Path:
    """Write ``sheets`` (sheet name → rows of cell values) as a workbook at ``path``; return it.

    The format follows the suffix: ``.xlsx`` (openpyxl) or ``.xls`` (the Excel 97–2003 format a
    county's older software saves, written with xlwt: ``pip install xlwt``). A cell is ``None``
    (blank), text, a number (``int``, ``float``, ``Decimal``) or a ``datetime.date`` (shown as
    yyyy-mm-dd). ``merged`` maps sheet names to ranges to merge (``{"表1": ["A1:D1"]}``). The
    write is atomic, and the same arguments give the same bytes (``stamp`` is the .xlsx
    document time, default 2000-01-01). Any other suffix raises ``ValueError``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"write_workbook 只能写 .xlsx 或 .xls 文件，不能写“{path.name}”")
    from .files import atomic_write_bytes

    if suffix == ".xls":
        data = _xls_bytes(sheets, merged or {})
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, data)
        return path
    from openpyxl import Workbook

    from .workbooks import save_workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = sheet.cell(r, c, float(value) if isinstance(value, Decimal) else value)
                if isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        for ref in (merged or {}).get(title, ()):
            sheet.merge_cells(ref)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_workbook(book, path, stamp or DEFAULT_STAMP)
    return path


def _xls_bytes(sheets: Mapping[str, Sequence[Sequence[Any]]], merged: Mapping[str, Sequence[str]]) -> bytes:
    try:
        import xlwt
    except ImportError:
        raise ImportError("写 .xls 文件需要 xlwt：请运行 pip install xlwt") from None
    from openpyxl.utils import range_boundaries

    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    book = xlwt.Workbook(encoding="utf-8")
    for title, rows in sheets.items():
        sheet = book.add_sheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    sheet.write(r, c, value, date_style)
                else:
                    sheet.write(r, c, float(value) if isinstance(value, Decimal) else value)
        for ref in merged.get(title, ()):
            c1, r1, c2, r2 = range_boundaries(ref)
            sheet.merge(r1 - 1, r2 - 1, c1 - 1, c2 - 1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


__all__ = ["write_workbook"]
