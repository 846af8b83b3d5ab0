"""The Excel binary workbook (.xlsb): its sheets and their limits, before calamine reads it.

An .xlsb is a zip like an .xlsx, but its workbook and sheets are streams of binary records
(MS-XLSB: a type of 1–2 bytes and a length of 1–4 bytes, 7 bits each, then the body). One pass
over each part, streamed, checks what the XML scan checks for an .xlsx: no record longer than
the part that holds it (calamine would allocate what a record claims before finding it is not
there), the cells that hold values counted and the farthest of them within the sheet limits
(calamine builds the grid from A1 to it). The declared range (BrtWsDim) and blank formatted cells
(BrtCellBlank) cost nothing. Error cells are kept as flags: calamine reads them as blank.
"""

from __future__ import annotations

import posixpath
import struct
import zipfile
from collections.abc import Iterator
from typing import IO

from attrs import frozen
from defusedxml import ElementTree as SafeET

from ..limits import Limits
from ._scan import BIFF_ERRORS, ERROR_CELL, CellFlag, Flags
from .errors import SheetError

_ROW_HEADER, _CELL_BLANK, _CELL_ERROR, _FORMULA_ERROR = 0x00, 0x01, 0x03, 0x0B
_CELLS = frozenset(range(0x01, 0x0C))  # BrtCellBlank … BrtFmlaError: the column comes first
_BUNDLE_SHEET, _END_BUNDLE = 0x9C, 0x90
_FIX = "请在 Excel/WPS 中打开，另存为 .xlsx 后再报送"


@frozen
class XlsbSheet:
    """One sheet of an .xlsb: its part in the zip, its visibility and its error cells."""

    part: str
    visibility: str
    flags: Flags


def _records(fh: IO[bytes], size: int, where: str, file: str) -> Iterator[tuple[int, bytes]]:
    """(type, body) of every record of a part of ``size`` bytes, read as they come."""
    left = size
    while left > 0:
        kind = _varint(fh, 2, where, file)
        length = _varint(fh, 4, where, file)
        left -= (1 if kind < 0x80 else 2) + _varint_size(length) + length
        if length > size or left < 0:
            raise _broken(where, file)
        body = fh.read(length)
        if len(body) != length:
            raise _broken(where, file)
        yield kind, body


def _varint(fh: IO[bytes], most: int, where: str, file: str) -> int:
    value = 0
    for i in range(most):
        b = fh.read(1)
        if not b:
            raise _broken(where, file)
        value |= (b[0] & 0x7F) << (7 * i)
        if not b[0] & 0x80:
            break
    return value


def _varint_size(n: int) -> int:
    return max(1, -(-n.bit_length() // 7))


def _broken(where: str, file: str) -> SheetError:
    return SheetError(
        "unreadable-file",
        f"Excel 二进制工作簿（.xlsb）内部的“{where}”已损坏（记录不完整），无法读取；{_FIX}。",
        file,
    )


def _wide(body: bytes, at: int) -> tuple[str, int]:
    """An XLWideString at ``at``: the text and the offset after it."""
    (n,) = struct.unpack_from("<I", body, at)
    end = at + 4 + 2 * n
    if n == 0xFFFFFFFF or end > len(body):
        return "", at + 4
    return body[at + 4 : end].decode("utf-16-le", "replace"), end


def _relationships(zf: zipfile.ZipFile) -> dict[str, str]:
    name = "xl/_rels/workbook.bin.rels"
    if name not in zf.namelist():
        return {}
    try:
        root = SafeET.fromstring(zf.read(name))
    except Exception:  # a broken relationships part: calamine will refuse the file, with our words
        return {}
    out = {}
    for rel in root:
        target = rel.get("Target", "")
        out[rel.get("Id", "")] = (
            target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        )
    return out


def _sheet_list(zf: zipfile.ZipFile, file: str) -> list[tuple[str, str, str]]:
    """(name, part, visibility) of each sheet, from workbook.bin's BrtBundleSh records."""
    info = zf.getinfo("xl/workbook.bin")
    rels = _relationships(zf)
    sheets = []
    with zf.open(info) as fh:
        for kind, body in _records(fh, info.file_size, info.filename, file):
            if kind == _END_BUNDLE:
                break
            if kind != _BUNDLE_SHEET or len(body) < 12:
                continue
            state = struct.unpack_from("<I", body)[0]
            rel, at = _wide(body, 8)
            name, _ = _wide(body, at)
            visibility = {1: "hidden", 2: "very-hidden"}.get(state, "visible")
            sheets.append((name, rels.get(rel, ""), visibility))
    return sheets


class _Extent:
    """The cells with values of one sheet, counted, and the farthest of them, against the limits."""

    def __init__(self, name: str, file: str, limits: Limits) -> None:
        self.name, self.file, self.limits = name, file, limits
        self.cells = self.rows = self.cols = 0

    def add(self, row: int, col: int) -> None:
        self.cells += 1
        self.rows, self.cols = max(self.rows, row + 1), max(self.cols, col + 1)
        lim = self.limits
        if self.rows > lim.max_rows or self.cols > lim.max_cols or self.cells > lim.max_cells:
            raise self._too_large()
        if self.rows * self.cols > lim.max_cells:
            raise self._too_large()

    def _too_large(self) -> SheetError:
        lim = self.limits
        return SheetError(
            "sheet-too-large",
            f"工作表“{self.name}”有数据的单元格远至第 {self.rows} 行、第 {self.cols} 列（{self.cells} 个有数据的单元格），"
            f"超过上限（{lim.max_rows} 行、{lim.max_cols} 列、{lim.max_cells} 个单元格）；{_FIX}。",
            self.file,
            sheet=self.name,
        )


def _scan_sheet(zf: zipfile.ZipFile, part: str, name: str, file: str, limits: Limits) -> Flags:
    info = zf.getinfo(part)
    extent = _Extent(name, file, limits)
    flags: Flags = {}
    row = 0
    with zf.open(info) as fh:
        for kind, body in _records(fh, info.file_size, part, file):
            if kind == _ROW_HEADER and len(body) >= 4:
                row = struct.unpack_from("<I", body)[0]
            elif kind in _CELLS and kind != _CELL_BLANK and len(body) >= 4:
                col = struct.unpack_from("<I", body)[0]
                extent.add(row, col)
                if kind in (_CELL_ERROR, _FORMULA_ERROR) and len(body) > 8:
                    flags[(row, col)] = CellFlag(ERROR_CELL, BIFF_ERRORS.get(body[8], "#错误"))
    return flags


def scan_xlsb(zf: zipfile.ZipFile, file: str, limits: Limits) -> dict[str, XlsbSheet]:
    """Sheet name → :class:`XlsbSheet`, every sheet checked against ``limits``; SheetError
    (``unreadable-file``, ``sheet-too-large``) otherwise."""
    names = set(zf.namelist())
    for part in sorted(n for n in names if n.endswith(".bin") and n.startswith("xl/") and "/" not in n[3:]):
        info = zf.getinfo(part)
        with zf.open(info) as fh:
            for _ in _records(fh, info.file_size, part, file):
                pass
    out = {}
    for name, part, visibility in _sheet_list(zf, file):
        if part not in names:
            raise SheetError(
                "unreadable-file",
                f"Excel 二进制工作簿（.xlsb）中的工作表“{name}”找不到其数据（{part or '无'}），文件不完整；{_FIX}。",
                file,
            )
        out[name] = XlsbSheet(part, visibility, _scan_sheet(zf, part, name, file, limits))
    return out
