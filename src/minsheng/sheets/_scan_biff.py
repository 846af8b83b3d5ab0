"""Scanning an .xls file's BIFF records for what calamine reads as blank but is not (see
:mod:`._scan`): FORMULA results and BOOLERR error cells; and the workbook globals (sheets,
visibility, encryption, percent formats)."""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator

from attrs import frozen

from . import _accel
from ._ole import OleFile
from ._scan import (
    BIFF_ERRORS,
    ERROR_CELL,
    UNCACHED_FORMULA,
    CellFlag,
    Flags,
    _is_percent_format,
)

# --------------------------------------------------------------------------------------------
# BIFF (xls)

_BOF, _EOF, _BOUNDSHEET, _FILEPASS = 0x0809, 0x000A, 0x0085, 0x002F
_FORMULA, _BOOLERR = 0x0006, 0x0205
_FORMAT, _XF, _NUMBER, _RK, _MULRK = 0x041E, 0x00E0, 0x0203, 0x027E, 0x00BD


@frozen
class BiffInfo:
    encrypted: bool
    biff8: bool
    sheets: tuple[tuple[str, int, int], ...]  # (name, visibility 0/1/2, offset of the sheet BOF)
    percent_xfs: frozenset[int] = frozenset()  # XF indices whose number format is a percentage


def _records(stream: bytes, pos: int) -> Iterator[tuple[int, int, bytes]]:
    n = len(stream)
    while pos + 4 <= n:
        typ, length = struct.unpack_from("<HH", stream, pos)
        yield pos, typ, stream[pos + 4 : pos + 4 + length]
        pos += 4 + length


def biff_stream(ole: OleFile) -> bytes:
    for name in ("Workbook", "Book", "WORKBOOK", "BOOK"):
        if ole.has(name):
            return ole.read(name)
    raise KeyError("Workbook")


def biff_globals(stream: bytes) -> BiffInfo:
    """The workbook globals: encryption, BIFF version and the sheet list."""
    encrypted = False
    biff8 = False
    sheets: list[tuple[str, int, int]] = []
    percent_formats = {9, 10}
    xf_formats: list[int] = []
    for pos, typ, data in _records(stream, 0):
        if typ == _BOF and pos == 0:
            biff8 = len(data) >= 2 and struct.unpack_from("<H", data)[0] == 0x0600
        elif typ == _FILEPASS:
            encrypted = True
        elif typ == _BOUNDSHEET and len(data) >= 8:
            offset, visibility, _kind = struct.unpack_from("<IBB", data)
            cch = data[6]
            if biff8:
                flag = data[7]
                raw = data[8 : 8 + cch * (2 if flag & 1 else 1)]
                name = raw.decode("utf-16-le" if flag & 1 else "latin-1", "replace")
            else:
                name = data[7 : 7 + cch].decode("gbk", "replace")
            sheets.append((name, visibility & 3, offset))
        elif typ == _FORMAT and biff8 and len(data) >= 5:
            ifmt, cch, flag = struct.unpack_from("<HHB", data)
            raw = data[5 : 5 + cch * (2 if flag & 1 else 1)]
            code = raw.decode("utf-16-le" if flag & 1 else "latin-1", "replace")
            if _is_percent_format(code):
                percent_formats.add(ifmt)
        elif typ == _XF and len(data) >= 4:
            xf_formats.append(struct.unpack_from("<H", data, 2)[0])
        elif typ == _EOF:
            break
    percent_xfs = frozenset(i for i, f in enumerate(xf_formats) if f in percent_formats)
    return BiffInfo(encrypted, biff8, tuple(sheets), percent_xfs)


def _biff_wanted(stream: bytes, pos: int, numbers: bool) -> Iterator[tuple[int, int, int]]:
    """(type, start, end) of the FORMULA and BOOLERR records from ``pos`` up to the first EOF, and
    of the NUMBER, RK and MULRK records when ``numbers``: the records ``scan_biff_sheet`` looks into.
    (``_native.biff_records`` does this walk in C, also leaving out the number records whose XFs are
    not percent ones, which the scan would pass over.)"""
    # the records walked here rather than through _records: a roster sheet has hundreds of
    # thousands, and only a few kinds are looked at, so only those are sliced
    wanted = {_FORMULA, _BOOLERR, _EOF} | ({_NUMBER, _RK, _MULRK} if numbers else set())
    n = len(stream)
    unpack = struct.unpack_from
    while pos + 4 <= n:
        typ, length = unpack("<HH", stream, pos)
        start = pos + 4
        pos = start + length
        if typ not in wanted:
            continue
        if typ == _EOF:
            return
        yield typ, start, pos


def _xf_bitmap(xfs: frozenset[int]) -> bytes:
    """The XF indices (0 to 65535) as a bitmap of 8192 bytes, for ``_native.biff_records``."""
    bits = bytearray(8192)
    for xf in xfs:
        if 0 <= xf < 65536:
            bits[xf >> 3] |= 1 << (xf & 7)
    return bytes(bits)


def scan_biff_sheet(
    stream: bytes, offset: int, percent_xfs: frozenset[int] = frozenset()
) -> tuple[Flags, set[tuple[int, int]]]:
    """Error cells, formulas without a usable cached result and percent-formatted numbers in one
    sheet substream."""
    flags: Flags = {}
    percent: set[tuple[int, int]] = set()
    n = len(stream)
    unpack = struct.unpack_from
    if offset + 4 > n or unpack("<H", stream, offset)[0] != _BOF:
        return flags, percent
    pos = offset + 4 + unpack("<H", stream, offset + 2)[0]
    if _accel.scans is not None:
        records: Iterable[tuple[int, int, int]] = _accel.scans.biff_records(
            stream, pos, _xf_bitmap(percent_xfs) if percent_xfs else None
        )
    else:
        records = _biff_wanted(stream, pos, bool(percent_xfs))
    for typ, start, end in records:
        data = stream[start:end]
        if percent_xfs and typ in (_NUMBER, _RK) and len(data) >= 6:
            row, col, xf = unpack("<HHH", data)
            if xf in percent_xfs:
                percent.add((row, col))
        elif percent_xfs and typ == _MULRK and len(data) >= 6:
            row, first_col = unpack("<HH", data)
            for k in range((len(data) - 6) // 6):
                if unpack("<H", data, 4 + 6 * k)[0] in percent_xfs:
                    percent.add((row, first_col + k))
        if typ == _FORMULA and len(data) >= 20:
            row, col, xf = unpack("<HHH", data)
            result = data[6:14]
            if xf in percent_xfs and result[6:8] != b"\xff\xff":
                percent.add((row, col))
            if result[6:8] == b"\xff\xff":
                kind = result[0]
                if kind == 2:
                    flags[(row, col)] = CellFlag(ERROR_CELL, BIFF_ERRORS.get(result[2], "#ERR"))
                elif kind == 3:
                    # an empty-string result: what writers that never calculate (xlwt) save
                    flags[(row, col)] = CellFlag(UNCACHED_FORMULA, "")
        elif typ == _BOOLERR and len(data) >= 8:
            row, col, _xf, val, is_error = unpack("<HHHBB", data)
            if is_error:
                flags[(row, col)] = CellFlag(ERROR_CELL, BIFF_ERRORS.get(val, "#ERR"))
    return flags, percent
