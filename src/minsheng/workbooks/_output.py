"""Saving workbooks: byte-identical for identical inputs, and atomic.

openpyxl stamps the current time into ``docProps/core.xml`` on every save and zip entries carry
the time they were written. ``workbook_bytes`` fixes both: the document's created/modified
times become ``stamp`` (a date derived from the inputs, never the wall clock) and the zip is
rewritten with fixed entry dates, in openpyxl's entry order.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import _escape_cdata  # type: ignore[attr-defined]  # what openpyxl's writer uses

from openpyxl import Workbook

from ..files import atomic_write_bytes

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_CORE = "docProps/core.xml"
_STAMPED = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def stamp_for(date: dt.date | None, year: int | None = None) -> dt.datetime:
    """The document time for a workbook about ``date`` (else 1 January of ``year``, else 2000-01-01)."""
    if date is not None:
        return dt.datetime(date.year, date.month, date.day)
    return dt.datetime(year or 2000, 1, 1)


def workbook_bytes(wb: Workbook, stamp: dt.datetime) -> bytes:
    """The .xlsx bytes of ``wb``, the same for the same workbook content whenever it is saved."""
    wb.properties.creator = "minsheng"
    wb.properties.lastModifiedBy = "minsheng"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    buf = io.BytesIO()
    # what Workbook.save does, but stored rather than deflated: normalize_zip compresses every
    # entry anyway, so compressing here too would be wasted
    from openpyxl.writer.excel import ExcelWriter

    if wb.read_only:
        raise TypeError("Workbook is read-only")
    if wb.write_only and not wb.worksheets:
        wb.create_sheet()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED, allowZip64=True) as archive, _fast_cells():
        ExcelWriter(wb, archive).save()
    return normalize_zip(buf.getvalue(), stamp)


@contextlib.contextmanager
def _fast_cells() -> Iterator[None]:
    """While saving, write plain number and text cells without building an element per cell.

    openpyxl without lxml serialises every cell through an ElementTree element (most of the
    time of saving the assessment workbook); :func:`_write_cell` writes the same characters
    directly for a number, a text or an empty cell and hands every other cell to openpyxl.
    """
    from openpyxl.cell import _writer as cell_writer
    from openpyxl.worksheet import _writer as sheet_writer

    original = sheet_writer.write_cell
    if original is not cell_writer.etree_write_cell:  # lxml serialises differently: leave it
        yield
        return
    sheet_writer.write_cell = _write_cell
    try:
        yield
    finally:
        sheet_writer.write_cell = original


def _write_cell(xf: Any, worksheet: Any, cell: Any, styled: bool | None = None) -> None:
    """openpyxl's ``etree_write_cell``, character for character, for the common cells."""
    from openpyxl.cell._writer import etree_write_cell
    from openpyxl.compat import safe_string

    kind = cell.data_type
    value = cell._value
    if cell.hyperlink is None and (
        (kind == "s" and (value is None or type(value) is str))
        or (kind == "n" and (value is None or type(value) in (int, float, Decimal)))
    ):
        number = safe_string(value) if kind == "n" and value is not None else None
        if number != "":  # NaN and infinities: openpyxl's way
            head = f'<c r="{cell.coordinate}"'
            if styled:
                head += f' s="{cell.style_id}"'
            head += ' t="inlineStr"' if kind == "s" else ' t="n"'
            write = xf._file
            if value is None or value == "":
                write(head + " />")
            elif kind == "s":
                stripped = value.strip()
                space = ' xml:space="preserve"' if stripped and value != stripped else ""
                write(f"{head}><is><t{space}>{_escape_cdata(value)}</t></is></c>")
            else:
                write(f"{head}><v>{number}</v></c>")
            return
    etree_write_cell(xf, worksheet, cell, styled)


def normalize_zip(data: bytes, stamp: dt.datetime) -> bytes:
    """Rewrite an .xlsx zip with fixed entry dates and the document times set to ``stamp``."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == _CORE:
                body = _STAMPED.sub(lambda m: m.group(1) + iso + m.group(3), body)
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 0
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, body, compresslevel=6)
    return out.getvalue()


def save_workbook(wb: Workbook, path: str | os.PathLike[str], stamp: dt.datetime) -> None:
    """Save ``wb`` to ``path`` deterministically and atomically (the old file stays until the rename)."""
    atomic_write_bytes(path, workbook_bytes(wb, stamp))
