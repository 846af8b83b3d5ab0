"""Saving workbooks: byte-identical for identical inputs, and atomic.

openpyxl stamps the current time into ``docProps/core.xml`` on every save and zip entries carry
the time they were written. ``workbook_bytes`` fixes both: the document's created/modified
times become ``stamp`` (a date derived from the inputs, never the wall clock) and the zip is
rewritten with fixed entry dates, in openpyxl's entry order.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile

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
    wb.save(buf)
    return normalize_zip(buf.getvalue(), stamp)


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
