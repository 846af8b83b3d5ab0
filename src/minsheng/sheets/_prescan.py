"""Checks made before a county file is parsed: its size, the zip's central directory, and one
streaming pass over each XML part (DTDs and entities, nesting depth, the cells a sheet holds).

Everything here reads bounded amounts: the central directory is read without decompressing, and
the XML parts are decompressed block by block (1 MiB at a time), counted with ``bytes.count``
and a few regular expressions, and thrown away. The parsers run only on files that pass.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..limits import Limits
from . import _accel
from ._inflate import _BLOCK, FAST_INFLATE_MIN, isal_zlib
from ._inflate import isal_blocks as _isal_blocks
from .errors import SheetError
from .refs import column_index, column_letter

_CHUNK = 4096  # depth is counted exactly at every '>' about this far apart (see _Depth)
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_TAG = re.compile(rb"<(/?)[^<>]*?(/?)>")
_CELL_REF = re.compile(rb'<(?:\w+:)?c\s(?:[^<>]*?\s)?r\s*=\s*["\']([A-Z]{1,4})(\d{1,8})["\'][^<>]*(?<!/)>')
# the usual form, r first and no prefix: found and measured without Python-level loops
# (cells written as <c .../> hold nothing: the reader skips them, so they do not count for the extent)
_PLAIN_REF = re.compile(rb'<c r="([A-Z]{1,4})(\d{1,8})"[^<>]*(?<!/)>')
_ROOT = re.compile(rb"<(\w+:)?worksheet[\s>]")
_WORKSHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_FIX = "请在 Excel/WPS 中打开，删除多余的行、列和工作表后另存为 .xlsx 再报送"
_RESAVE = (
    "请在 Excel/WPS 中打开后另存为 .xlsx 再报送（另存会去掉这些内容），不要报送由其他程序生成或改动过的文件"
)


def mib(n: float) -> str:
    """A size in MB for a Chinese message (``12.3 MB``)."""
    return f"{n / (1 << 20):.1f} MB" if n < (10 << 20) else f"{n / (1 << 20):.0f} MB"


def check_file_size(path: Path, limits: Limits) -> None:
    """``file-too-large`` when the file on disk is bigger than ``limits.max_file_bytes``."""
    try:
        size = os.stat(path).st_size
    except OSError:
        return  # the caller's open reports the I/O error
    check_size(size, str(path), limits)


def check_size(size: int, file: str, limits: Limits) -> None:
    """``file-too-large`` for ``file`` when ``size`` bytes is more than ``limits.max_file_bytes``
    (also for bytes a Dask worker would be sent, checked before sending them)."""
    if size > limits.max_file_bytes:
        raise SheetError(
            "file-too-large",
            f"文件有 {mib(size)}，超过单个报表文件的上限 {mib(limits.max_file_bytes)}；"
            f"县级报表不应这么大，请确认报送的文件，{_FIX}。",
            file,
        )


def check_zip_directory(zf: zipfile.ZipFile, file: str, limits: Limits) -> None:
    """Member count, declared total size and compression ratio, from the central directory only."""
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise SheetError(
            "too-many-members",
            f"文件内部含有 {len(infos)} 个组成部分，超过上限 {limits.max_members}；正常的表格文件只有几十个。"
            f"文件可能已损坏或被篡改，{_FIX}。",
            file,
        )
    for info in infos:  # deflate never grows data by more than a fraction of a percent
        if info.compress_size > info.file_size + info.file_size // 100 + 1024:
            raise SheetError(
                "zip-bomb",
                f"文件内部的“{info.filename}”声明解压后只有 {info.file_size} 字节，却占用了 {info.compress_size} 字节，"
                f"大小信息被篡改（常见于“压缩炸弹”），拒绝读取；{_FIX}。",
                file,
            )
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if total > limits.max_uncompressed:
        raise SheetError(
            "zip-bomb",
            f"文件解压后约 {mib(total)}，超过上限 {mib(limits.max_uncompressed)}（疑似“压缩炸弹”），拒绝读取；{_FIX}。",
            file,
        )
    if total > limits.ratio_floor and total > limits.max_ratio * max(packed, 1):
        raise SheetError(
            "zip-bomb",
            f"文件压缩比异常（{mib(packed)} 解压后为 {mib(total)}，约 {total // max(packed, 1)} 倍，"
            f"上限 {limits.max_ratio:g} 倍），疑似“压缩炸弹”，拒绝读取；{_FIX}。",
            file,
        )


class _Depth:
    """Element nesting depth of a stream of XML bytes, counted with ``bytes.count``.

    Chunks end just after a ``>``, so no tag is split; at each chunk end the depth is exact (start
    tags minus end tags minus self-closing tags). Inside a chunk it can rise by at most the
    number of ``<`` in it; only when that could pass the limit are the chunk's tags walked one by
    one. Ordinary files never need the walk (a 1 KiB chunk has under 200 tags).
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.depth = 0

    def feed(self, data: bytes) -> bool:
        """Count ``data`` (which ends after a ``>``, or is the last of the stream); False when too deep.
        (``_native.scan_block`` gives the same depth.)"""
        pos, n = 0, len(data)
        specials = b"<?" in data or b"<!" in data
        find, count, limit = data.find, data.count, self.limit
        depth = self.depth
        while pos < n:
            end = find(b">", min(pos + _CHUNK, n - 1))
            end = n if end < 0 else end + 1
            # counted in place (no slice): the same counts as on data[pos:end]
            lt = count(b"<", pos, end)
            if depth + lt > limit:
                self.depth = depth
                if not self._walk(data[pos:end]):
                    return False
                depth = self.depth
            else:
                closes = count(b"</", pos, end)
                special = count(b"<?", pos, end) + count(b"<!", pos, end) if specials else 0
                depth = max(depth + lt - special - 2 * closes - count(b"/>", pos, end), 0)
            pos = end
        self.depth = depth
        return True

    def _walk(self, chunk: bytes) -> bool:
        depth = self.depth
        for m in _TAG.finditer(chunk):
            text = m.group(0)
            if text.startswith((b"<?", b"<!")):
                continue
            if m.group(1):
                depth = max(depth - 1, 0)
            elif m.group(2):  # <x/> opens and closes one level deeper
                if depth + 1 > self.limit:
                    self.depth = depth
                    return False
            else:
                depth += 1
                if depth > self.limit:
                    self.depth = depth
                    return False
        self.depth = depth
        return True


#: what every formula, error or (without percent styles) candidate cell of a sheet holds: the
#: literals that ``_scan._has_candidates`` looks for first (none of them holds a ``>``, so none
#: straddles the blocks here, which end just after one)
_CANDIDATE_LITERALS = (b"<f", b":f", b'"e"', b"'e'", b"\"e'", b"'e\"")


def _has_literal(data: bytes) -> bool:
    """Whether ``data`` holds one of ``_CANDIDATE_LITERALS``: the two with ``f`` and the three
    with ``'`` are looked for only where that byte occurs (found at memchr speed, and a sheet
    written by Excel has no ``'`` and, past its first lines, seldom an ``f``)."""
    if b"f" in data and (b"<f" in data or b":f" in data):
        return True
    if b'"e"' in data:
        return True
    return b"'" in data and (b"'e'" in data or b"\"e'" in data or b"'e\"" in data)


def scan_zip_xml(
    zf: zipfile.ZipFile, file: str, limits: Limits, sheet_parts: frozenset[str] = frozenset()
) -> frozenset[str]:
    """One streaming pass over every XML part: no DTD or entity declarations, nesting within
    ``max_xml_depth``, and for xlsx worksheets, a declared dimension and real cell references
    within the sheet limits (the worksheets: ``xl/worksheets/*.xml`` and the parts of
    ``sheet_parts``, as the package's content types name them). Raises SheetError (``unsafe-xml``, ``xml-too-deep``,
    ``sheet-too-large``, ``zip-bomb``, ``unreadable-file``).

    Returns the names of the worksheet parts that hold none of ``_CANDIDATE_LITERALS`` (as
    ``zf.open(name)`` reads them): no formula and no error cell, nothing for the error-cell scan
    to find unless percent styles are looked for."""
    parts = [
        i for i in zf.infolist() if i.filename.lower().endswith(_XML_SUFFIXES)
    ]  # (a damaged name may be empty)

    def is_sheet(info: zipfile.ZipInfo) -> bool:  # by its usual name, or as the package declares it
        return bool(_WORKSHEET_PART.match(info.filename)) or info.filename in sheet_parts

    sheets = [i for i in parts if is_sheet(i)]
    for info in parts:  # everything but the sheets first: workbook.xml names the sheets
        if not is_sheet(info):
            _scan_part(zf, info, file, limits, None)
    labels: dict[str, str] = {}
    if sheets:
        from ._scan import ooxml_sheet_parts

        try:
            labels = {part: f"“{sheet}”" for sheet, (part, _) in ooxml_sheet_parts(zf).items()}
        except Exception:  # a broken workbook.xml: calamine will say so; name the parts instead
            labels = {}
    plain: set[str] = set()
    for info in sheets:
        if not _scan_part(zf, info, file, limits, labels.get(info.filename, f"（{info.filename}）")):
            if zf.getinfo(info.filename) is info:  # the member a read by this name gets
                plain.add(info.filename)
    return frozenset(plain)


def _scan_part(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, file: str, limits: Limits, sheet: str | None
) -> bool:
    """Check one part; for a sheet (``sheet`` given), whether it holds a candidate literal.

    A large deflated part is inflated by ISA-L when python-isal is installed (the same bytes in
    the same blocks as ``zipfile`` gives them); whatever that path does not finish cleanly (a
    refusal, a damaged stream, a CRC that does not match) is read again through ``zipfile``,
    whose outcome stands, so that the checks refuse exactly what they refuse without it."""
    if (
        info.file_size >= FAST_INFLATE_MIN
        and info.compress_type == zipfile.ZIP_DEFLATED
        and isal_zlib() is not None
    ):
        blocks = _isal_blocks(zf, info)
        if blocks is not None:
            try:
                return _scan_blocks(blocks, info, file, limits, sheet)
            except Exception:
                pass
            finally:
                blocks.close()
    with zf.open(info) as fh:
        return _scan_blocks(iter(lambda: fh.read(_BLOCK), None), info, file, limits, sheet)


def _scan_blocks(
    blocks: Iterator[bytes], info: zipfile.ZipInfo, file: str, limits: Limits, sheet: str | None
) -> bool:
    name = info.filename
    depth = _Depth(limits.max_xml_depth)
    shape = _Shape(sheet, file, limits) if sheet is not None else None
    carry = b""
    seen = 0
    candidates = sheet is None
    for block in blocks:
        seen += len(block)
        if seen > info.file_size or seen > limits.max_uncompressed:
            raise SheetError(
                "zip-bomb",
                f"文件内部的“{name}”解压后比它声明的大小更大，文件已被篡改或损坏，拒绝读取；{_FIX}。",
                file,
            )
        data = carry + block
        if block:
            cut = data.rfind(b">") + 1
            if cut == 0 and len(data) < _BLOCK * 2:
                carry = data
                continue
            data, carry = (data[:cut], data[cut:]) if cut else (data, b"")
        else:
            carry = b""
        if _accel.scans is None:
            bang, deep = b"<!" in data, not depth.feed(data)
            if not candidates and _has_literal(data):
                candidates = True
            counted = None
        else:  # the same checks in one pass over the block
            if shape is not None and shape.prefix is None:
                shape.find_prefix(data)
            new_depth, bang, literal, *counted = _accel.scans.scan_block(
                data, depth.depth, depth.limit, _CHUNK, shape.prefix if shape is not None else None
            )
            deep = new_depth < 0
            depth.depth = max(new_depth, 0)
            candidates = candidates or literal
        if bang and _DTD.search(data):  # every match starts with "<!"
            raise SheetError(
                "unsafe-xml",
                f"文件内部的“{name}”含有 DTD 或实体声明（可用于“XML 炸弹”或读取本机文件），"
                f"正常的表格文件没有这些内容，拒绝读取；{_RESAVE}。",
                file,
            )
        if deep:
            raise SheetError(
                "xml-too-deep",
                f"文件内部的“{name}”中 XML 元素嵌套超过 {limits.max_xml_depth} 层，正常的表格文件不会这样，"
                f"文件可能已损坏或被篡改，拒绝读取；{_RESAVE}。",
                file,
            )
        if shape is not None:
            shape.feed(data, counted)
        if not block:
            break
    return candidates


class _Shape:
    """The real extent of a sheet part: the farthest cell that holds something, and how many do
    (the declared dimension and blank formatted cells are not counted: they cost the reader nothing)."""

    def __init__(self, label: str, file: str, limits: Limits) -> None:
        self.label = label
        self.file = file
        self.limits = limits
        self.rows = 0
        self.valued = 0
        self.max_row = 0
        self.max_col = 0
        self.prefix: bytes | None = None

    def _too_large(self, what: str) -> SheetError:
        lim = self.limits
        return SheetError(
            "sheet-too-large",
            f"工作表{self.label}{what}，超过上限（{lim.max_rows} 行、{lim.max_cols} 列、{lim.max_cells} 个单元格）；"
            f"{_FIX}。",
            self.file,
        )

    def find_prefix(self, data: bytes) -> None:
        """The namespace prefix of the sheet's elements (``b""`` for none), from its first block."""
        m = _ROOT.search(data)
        self.prefix = (m.group(1) or b"") if m else b""

    def feed(self, data: bytes, counted: Sequence[int] | None = None) -> None:
        """Measure the next block; ``counted`` is what ``_native.scan_block`` counted in it."""
        lim = self.limits
        # the declared <dimension> is not looked at: it costs the reader nothing
        if self.prefix is None:
            self.find_prefix(data)
        p = self.prefix or b""
        # from _native.scan_block: the same counts, and the findall's farthest plain cell
        rows, cells, plain, far_row, far_col, valued = counted if counted is not None else (0,) * 6
        if counted is None:
            rows = data.count(b"<" + p + b"row")
            cells = data.count(b"<" + p + b"c ") + data.count(b"<" + p + b"c>")
            plain = data.count(b'<c r="') if not p else 0
            # cells with something in them: a blank formatted cell (<c r="A9" s="1"/>) has no end tag
            valued = data.count(b"</" + p + b"c>")
        self.rows += rows
        self.valued += valued
        all_plain = plain and plain == cells  # every cell of the block in the usual form
        if all_plain and counted is not None:
            self.max_row = max(self.max_row, far_row)
            self.max_col = max(self.max_col, far_col)
        elif all_plain:
            # (small blocks: the findall is cheaper than compiling the searches)
            extent = _plain_extent(data, self.max_row, self.max_col) if len(data) > (64 << 10) else None
            if extent is not None:
                self.max_row, self.max_col = extent
            else:
                found = _PLAIN_REF.findall(data)
                if found:
                    cols, found_rows = zip(*found, strict=True)
                    self.max_row = max(self.max_row, int(max(found_rows, key=int)))
                    longest = len(max(cols, key=len))
                    widest = max(cols) if longest == 1 else max(c for c in cols if len(c) == longest)
                    self.max_col = max(self.max_col, column_index(widest.decode()) + 1)
        else:  # attributes in another order, or prefixed elements: the general pattern
            for col, row in _CELL_REF.findall(data):
                self.max_row = max(self.max_row, int(row))
                self.max_col = max(self.max_col, column_index(col.decode()) + 1)
        # the farthest cell that holds something; where cells carry no references, the row count
        extent_rows = self.max_row if self.max_row else self.rows
        extent_cols = max(self.max_col, 1)
        if extent_rows > lim.max_rows or extent_cols > lim.max_cols:
            raise self._too_large(f"有数据的单元格远至 {column_letter(extent_cols - 1)}{extent_rows}")
        if extent_rows * extent_cols > lim.max_cells or self.valued > lim.max_cells:
            raise self._too_large(
                f"有数据的单元格范围约为 {extent_rows} 行 × {extent_cols} 列（共 {self.valued} 个有数据的单元格）"
            )


def _greater_number(n: int) -> bytes:
    """A pattern for the digit strings (leading zeros allowed) whose value is greater than ``n``."""
    if n <= 0:
        return rb"0*[1-9]\d*"
    digits = str(n)
    alts = [rb"[1-9]\d{%d,}" % len(digits)]  # more digits
    for i, d in enumerate(digits):  # as many digits: the same up to i, then a greater digit
        if d != "9":
            alts.append(
                digits[:i].encode()
                + b"["
                + str(int(d) + 1).encode()
                + b"-9]"
                + rb"\d" * (len(digits) - i - 1)
            )
    return b"0*(?:" + b"|".join(alts) + b")"


def _greater_column(n: int) -> bytes:
    """A pattern for the column letters (1 to 4) of a column whose 1-based index is greater than ``n``."""
    if n <= 0:
        return rb"[A-Z]{1,4}"
    letters = column_letter(n - 1)
    alts = [rb"[A-Z]{%d,4}" % (len(letters) + 1)] if len(letters) < 4 else []
    for i, ch in enumerate(letters):
        if ch != "Z":
            alts.append(
                letters[:i].encode()
                + b"["
                + chr(ord(ch) + 1).encode()
                + b"-Z]"
                + b"[A-Z]" * (len(letters) - i - 1)
            )
    return b"(?:" + b"|".join(alts) + b")" if alts else b"(?!)"


def _plain_extent(data: bytes, max_row: int, max_col: int) -> tuple[int, int] | None:
    """``(max(max_row, farthest row), max(max_col, farthest column))`` over the matches of
    ``_PLAIN_REF`` in ``data``, as the findall over every cell gives them, without building them:
    start from the last cell of the block (rows come in order) and search for any cell beyond
    the farthest found so far, until there is none. None when the cells are too out of order
    (the caller then takes them all)."""
    last = data.rfind(b'<c r="')
    if last >= 0:
        m = _PLAIN_REF.match(data, last)
        if m is not None:
            max_row = max(max_row, int(m.group(2)))
            max_col = max(max_col, column_index(m.group(1).decode()) + 1)
    pos = 0
    for _ in range(16):
        beyond = re.compile(
            b'<c r="(?:'
            + _greater_column(max_col)
            + rb'\d{1,8}|[A-Z]{1,4}(?=\d{1,8}")'
            + _greater_number(max_row)
            + b')"[^<>]*(?<!/)>'
        )
        hit = beyond.search(data, pos)
        if hit is None:
            return max_row, max_col
        m = _PLAIN_REF.match(data, hit.start())
        if m is None or m.end() != hit.end():  # cannot happen: the same cell, read again
            return None
        max_row = max(max_row, int(m.group(2)))
        max_col = max(max_col, column_index(m.group(1).decode()) + 1)
        pos = hit.start() + 1
    return None
