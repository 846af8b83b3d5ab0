"""Find what python-calamine reads as blank but is not: error cells and formulas with no cached value.

calamine returns ``''`` for a blank cell, for an error cell (``#DIV/0!``) and for a formula whose
result was never saved, so the toolkit looks at the file itself, per format:

- xlsx/xlsm: the sheet XML, streamed with defusedxml (``t="e"`` cells; ``<f>`` without ``<v>``);
- xls: the BIFF records of the Workbook stream (FORMULA results, BOOLERR error cells);
- ods: content.xml, streamed with defusedxml (``calcext:value-type="error"``, ``table:formula``
  without ``office:value-type``).

Each scanner returns, per sheet name, a dict ``{(row, col): CellFlag}`` (0-based).
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
from collections.abc import Iterable, Iterator

from attrs import frozen
from defusedxml import ElementTree as SafeET

from . import _accel
from ._ole import OleFile
from .refs import CellRange, parse_ref

ERROR_CELL = "error-cell"
UNCACHED_FORMULA = "uncached-formula"

#: Excel error literals (and LibreOffice's Err:nnn form is recognised by prefix).
ERROR_LITERALS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!"}
)
BIFF_ERRORS = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
}


@frozen
class CellFlag:
    """Why a cell that reads as blank is not blank: ``kind`` is a problem code, ``detail`` the text."""

    kind: str  # ERROR_CELL or UNCACHED_FORMULA
    detail: str  # the error literal (#DIV/0!) or the formula text (=A1+B1), '' when unknown


Flags = dict[tuple[int, int], CellFlag]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# --------------------------------------------------------------------------------------------
# OOXML

_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PREFILTER = re.compile(rb"<(?:\w+:)?f[\s>/]|\st\s*=\s*[\"']e[\"']")


def ooxml_sheet_parts(zf: zipfile.ZipFile) -> dict[str, tuple[str, str]]:
    """Sheet name → (part path inside the zip, state: visible/hidden/veryHidden)."""
    wb = SafeET.fromstring(zf.read("xl/workbook.xml"))
    rels_name = "xl/_rels/workbook.xml.rels"
    targets: dict[str, str] = {}
    if rels_name in zf.namelist():
        for rel in SafeET.fromstring(zf.read(rels_name)):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            targets[rel.get("Id", "")] = path
    out: dict[str, tuple[str, str]] = {}
    for el in wb.iter():
        if _local(el.tag) != "sheet":
            continue
        rid = el.get(f"{{{_R_NS}}}id") or el.get("id") or ""
        out[el.get("name", "")] = (targets.get(rid, ""), el.get("state", "visible"))
    return out


def _is_percent_format(code: str) -> bool:
    """Whether a number format shows a percentage (a ``%`` outside quotes and escapes)."""
    return "%" in re.sub(r'"[^"]*"|\\.', "", code)


def ooxml_percent_styles(zf: zipfile.ZipFile) -> frozenset[int]:
    """Indices of the cell styles (cellXfs) whose number format is a percentage."""
    if "xl/styles.xml" not in zf.namelist():
        return frozenset()
    root = SafeET.fromstring(zf.read("xl/styles.xml"))
    percent_ids = {9, 10}
    out: set[int] = set()
    for el in root.iter():
        tag = _local(el.tag)
        if tag == "numFmt" and _is_percent_format(el.get("formatCode", "")):
            try:
                percent_ids.add(int(el.get("numFmtId", "-1")))
            except ValueError:
                pass
        elif tag == "cellXfs":
            for i, xf in enumerate(x for x in el if _local(x.tag) == "xf"):
                try:
                    if int(xf.get("numFmtId", "0")) in percent_ids:
                        out.add(i)
                except ValueError:
                    pass
    return frozenset(out)


def _has_candidates(zf: zipfile.ZipFile, part: str, percent_styles: frozenset[int]) -> bool:
    """A cheap byte scan: does the part contain any formula, error or percent-styled cell at all?"""
    pattern = _PREFILTER
    if percent_styles:
        ids = "|".join(str(i) for i in sorted(percent_styles))
        pattern = re.compile(_PREFILTER.pattern + rb"|\ss\s*=\s*[\"'](?:" + ids.encode() + rb")[\"']")
    # Every match of the pattern holds one of these literals; ``in`` finds them at memory speed,
    # so the (slow, class-led) pattern runs only on blocks that hold one.
    literals = [b"<f", b":f", b'"e"', b"'e'", b"\"e'", b"'e\""]
    if len(percent_styles) <= 16:
        literals += [
            q1 + str(i).encode() + q2 for i in percent_styles for q1 in (b'"', b"'") for q2 in (b'"', b"'")
        ]
    else:
        literals = []  # too many to look for: always run the pattern
    tail = b""
    with zf.open(part) as fh:
        while block := fh.read(1 << 20):
            chunk = tail + block
            if (not literals or any(lit in chunk for lit in literals)) and pattern.search(chunk):
                return True
            tail = block[-64:]
    return False


#: parts up to this size may take the fast path of :func:`scan_ooxml_sheet`
_FAST_MAX_BYTES = 64 << 20
_ATTRS = rb"((?:\s+[\w:.-]+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*)\s*"
_CELL = re.compile(rb"<c" + _ATTRS + rb"(?:/>|>(.*?)</c\s*>)", re.S)
_CELL_START = re.compile(rb"<c[\s/>]")
_CHILD = re.compile(rb"<(f|v)" + _ATTRS + rb"(?:/>|>([^<]*)</\1\s*>)")
_CHILD_START = re.compile(rb"<(?:f|v)[\s/>]")
_ATTR = re.compile(rb"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
# what the fast path leaves to the XML parser: DTDs, comments, CDATA, processing instructions
# other than the declaration, prefixed cells, and any other encoding than UTF-8
_NOT_PLAIN = re.compile(rb"<!|<\?(?!xml[\s?])|<[\w.-]+:c[\s/>]")
_DECLARED_ENCODING = re.compile(rb"^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']")
_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot|apos)|#([0-9]+)|#x([0-9a-fA-F]+));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


class _NotPlain(Exception):
    """The part needs the XML parser after all."""


def _entity(m: re.Match[str]) -> str:
    if m.group(1):
        return _NAMED[m.group(1)]
    return chr(int(m.group(2)) if m.group(2) else int(m.group(3), 16))


def _text(raw: bytes) -> str:
    """Element text as the XML parser gives it: line ends normalised, entities replaced."""
    text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    if "&" in text:
        text = _ENTITY.sub(_entity, text)
    return text


def _attrs(raw: bytes) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _ATTR.finditer(raw):
        value = m.group(2) if m.group(2) is not None else m.group(3)
        if b"&" in value or b"\t" in value or b"\n" in value or b"\r" in value:
            raise _NotPlain  # attribute-value normalisation: leave it to the parser
        out[m.group(1).decode("utf-8")] = value.decode("utf-8")
    return out


def _scan_ooxml_fast(
    data: bytes, percent_styles: frozenset[int]
) -> tuple[Flags, set[tuple[int, int]]] | None:
    """:func:`scan_ooxml_sheet` for a plain part, by regular expressions over the bytes.

    Gives exactly what the streamed parse gives, for parts that are well-formed (checked by
    expat, which builds nothing), UTF-8, free of DTDs, comments, CDATA and prefixed cells, and
    whose every cell has a valid ``r`` reference; ``None`` for any other part, which the caller
    then parses. The standard form (a few hundred styled cells, a formula per row) is such a part.
    """
    from xml.parsers import expat

    head = _DECLARED_ENCODING.match(data)
    if head is not None and head.group(1).lower() not in (b"utf-8", b"utf8"):
        return None
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") or _NOT_PLAIN.search(data):
        return None
    try:
        expat.ParserCreate(None, "}").Parse(data, True)  # well-formed, as ElementTree would see it
    except expat.ExpatError:
        return None
    flags: Flags = {}
    percent: set[tuple[int, int]] = set()
    cells = 0
    try:
        for cell in _CELL.finditer(data):
            cells += 1
            content = cell.group(2) or b""
            attrs = cell.group(1)
            # only cells that may be flagged or percent-styled need looking at
            if not (
                b"<f" in content
                or b":" in content
                or (percent_styles and b"<v" in content)
                or b'"e"' in attrs
                or b"'e'" in attrs
                or b"&" in attrs
            ):
                continue  # no formula, no value to style, not an error: nothing to flag
            a = _attrs(attrs)
            ref = a.get("r")
            if not ref:
                return None
            try:
                row_no, col_no = parse_ref(ref)
            except ValueError:
                return None
            cell_type = a.get("t", "n")
            s_attr = a.get("s", "")
            style = int(s_attr) if s_attr.isdigit() else -1
            formula: str | None = None
            value: str | None = None
            if content:
                children = 0
                for child in _CHILD.finditer(content):
                    children += 1
                    text = _text(child.group(3)) if child.group(3) else None
                    if child.group(1) == b"f":
                        shared = _attrs(child.group(2)).get("t") == "shared"
                        formula = text or (
                            f"（共享公式 {_attrs(child.group(2)).get('si')}）" if shared else ""
                        )
                    else:
                        value = text
                if children != len(_CHILD_START.findall(content)) or re.search(rb"<[\w.-]+:", content):
                    return None
                if _CELL_START.search(content):
                    return None
            if cell_type == "e":
                flags[(row_no, col_no)] = CellFlag(ERROR_CELL, value or "")
            elif formula is not None and value is None:
                flags[(row_no, col_no)] = CellFlag(UNCACHED_FORMULA, "=" + formula if formula else "")
            elif formula is not None and value == "" and cell_type != "str":
                flags[(row_no, col_no)] = CellFlag(UNCACHED_FORMULA, "=" + formula if formula else "")
            elif style in percent_styles and cell_type == "n" and value:
                percent.add((row_no, col_no))
    except _NotPlain:
        return None
    if cells != len(_CELL_START.findall(data)):
        return None  # a cell the pattern did not take whole
    return flags, percent


def scan_ooxml_sheet(
    zf: zipfile.ZipFile, part: str, percent_styles: frozenset[int] = frozenset()
) -> tuple[Flags, set[tuple[int, int]]]:
    """Error cells, uncached formulas and percent-formatted numbers of one worksheet part, streamed."""
    flags: Flags = {}
    percent: set[tuple[int, int]] = set()
    if not part or part not in zf.namelist() or not _has_candidates(zf, part, percent_styles):
        return flags, percent
    if zf.getinfo(part).file_size <= _FAST_MAX_BYTES:
        fast = _scan_ooxml_fast(zf.read(part), percent_styles)
        if fast is not None:
            return fast
    row_no = -1
    col_no = -1
    with zf.open(part) as fh:
        cell_ref: str | None = None
        cell_type = ""
        style = -1
        formula: str | None = None
        value: str | None = None
        for event, el in SafeET.iterparse(fh, events=("start", "end")):
            tag = _local(el.tag)
            if event == "start":
                if tag == "row":
                    r = el.get("r")
                    row_no = int(r) - 1 if r and r.isdigit() else row_no + 1
                    col_no = -1
                elif tag == "c":
                    cell_ref = el.get("r")
                    cell_type = el.get("t", "n")
                    s_attr = el.get("s", "")
                    style = int(s_attr) if s_attr.isdigit() else -1
                    formula, value = None, None
                continue
            if tag == "f":
                formula = el.text or (f"（共享公式 {el.get('si')}）" if el.get("t") == "shared" else "")
            elif tag == "v":
                value = el.text
            elif tag == "c":
                if cell_ref:
                    try:
                        row_no, col_no = parse_ref(cell_ref)
                    except ValueError:
                        col_no += 1
                else:
                    col_no += 1
                if cell_type == "e":
                    flags[(row_no, col_no)] = CellFlag(ERROR_CELL, value or "")
                elif formula is not None and value is None:
                    flags[(row_no, col_no)] = CellFlag(UNCACHED_FORMULA, "=" + formula if formula else "")
                elif formula is not None and value == "" and cell_type != "str":
                    flags[(row_no, col_no)] = CellFlag(UNCACHED_FORMULA, "=" + formula if formula else "")
                elif style in percent_styles and cell_type == "n" and value:
                    percent.add((row_no, col_no))
                el.clear()
            elif tag == "row":
                el.clear()
    return flags, percent


# --------------------------------------------------------------------------------------------
# ODS

_T = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_O = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_MAX_REPEAT = 1 << 20


def _int_attr(el: object, name: str) -> int:
    raw = el.get(name)  # type: ignore[attr-defined]
    try:
        return max(1, min(int(raw), _MAX_REPEAT)) if raw else 1
    except ValueError:
        return 1


@frozen
class OdsSheetInfo:
    flags: Flags
    merged: tuple[CellRange, ...]
    hidden: bool
    percent: frozenset[tuple[int, int]] = frozenset()


def scan_ods(zf: zipfile.ZipFile) -> dict[str, OdsSheetInfo]:
    """Error cells, uncached formulas, merged ranges and hidden state of every table in content.xml."""
    out: dict[str, OdsSheetInfo] = {}
    hidden_styles: set[str] = set()
    with zf.open("content.xml") as fh:
        name = ""
        table_style = ""
        flags: Flags = {}
        merged: list[CellRange] = []
        percent: set[tuple[int, int]] = set()
        row = 0
        col = 0
        row_repeat = 1
        style_name = ""
        for event, el in SafeET.iterparse(fh, events=("start", "end")):
            tag = el.tag
            if event == "start":
                if tag == f"{{{_STYLE}}}style":
                    style_name = el.get(f"{{{_STYLE}}}name", "")
                elif tag == f"{{{_STYLE}}}table-properties":
                    if el.get(f"{{{_T}}}display") == "false":
                        hidden_styles.add(style_name)
                elif tag == f"{{{_T}}}table":
                    name = el.get(f"{{{_T}}}name", "")
                    table_style = el.get(f"{{{_T}}}style-name", "")
                    flags, merged, row, percent = {}, [], 0, set()
                elif tag == f"{{{_T}}}table-row":
                    col = 0
                    row_repeat = _int_attr(el, f"{{{_T}}}number-rows-repeated")
                continue
            if tag in (f"{{{_T}}}table-cell", f"{{{_T}}}covered-table-cell"):
                repeat = _int_attr(el, f"{{{_T}}}number-columns-repeated")
                if tag == f"{{{_T}}}table-cell":
                    formula = el.get(f"{{{_T}}}formula")
                    vtype = el.get(f"{{{_O}}}value-type")
                    ctype = el.get(f"{{{_CALCEXT}}}value-type")
                    text = "".join(el.itertext()).strip()
                    is_error = ctype == "error" or (
                        formula is not None and (text in ERROR_LITERALS or text.startswith("Err:"))
                    )
                    kind = None
                    if is_error:
                        kind, detail = ERROR_CELL, text
                    elif formula is not None and vtype is None:
                        kind, detail = UNCACHED_FORMULA, _ods_formula(formula)
                    if kind is not None:
                        for k in range(min(repeat, 1024)):
                            flags[(row, col + k)] = CellFlag(kind, detail)
                    elif vtype == "percentage":
                        percent.update((row, col + k) for k in range(min(repeat, 1024)))
                    rs = _int_attr(el, f"{{{_T}}}number-rows-spanned")
                    cs = _int_attr(el, f"{{{_T}}}number-columns-spanned")
                    if rs > 1 or cs > 1:
                        merged.append(CellRange(row, col, row + rs - 1, col + cs - 1))
                col += repeat
                el.clear()
            elif tag == f"{{{_T}}}table-row":
                row += row_repeat
                el.clear()
            elif tag == f"{{{_T}}}table":
                out[name] = OdsSheetInfo(
                    flags, tuple(merged), table_style in hidden_styles, frozenset(percent)
                )
                el.clear()
    return out


def _ods_formula(formula: str) -> str:
    text = formula.split(":", 1)[1] if formula.startswith(("of:", "oooc:")) else formula
    return re.sub(r"\[\.?([A-Z]+[0-9]+)\]", r"\1", text)


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
