"""Find what python-calamine reads as blank but is not: error cells and formulas with no cached value.

calamine returns ``''`` for a blank cell, for an error cell (``#DIV/0!``) and for a formula whose
result was never saved, so the toolkit looks at the file itself, per format:

- xlsx/xlsm: the sheet XML, streamed with defusedxml (``t="e"`` cells; ``<f>`` without ``<v>``);
- xls: the BIFF records of the Workbook stream (FORMULA results, BOOLERR error cells), in
  :mod:`._scan_biff`;
- ods: content.xml, streamed with defusedxml (``calcext:value-type="error"``, ``table:formula``
  without ``office:value-type``), in :mod:`._scan_ods`.

This module holds the flags all three give and the xlsx/xlsm scanner.

Each scanner returns, per sheet name, a dict ``{(row, col): CellFlag}`` (0-based).
"""

from __future__ import annotations

import functools
import posixpath
import re
import zipfile

from attrs import frozen
from defusedxml import ElementTree as SafeET

from . import _accel
from .refs import parse_ref

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
    workbook = zf.read("xl/workbook.xml")
    rels_name = "xl/_rels/workbook.xml.rels"
    try:
        rels = zf.read(rels_name) if rels_name in zf.namelist() else None
    except Exception:
        SafeET.fromstring(workbook)  # a broken workbook.xml is what fails first, as it always did
        raise
    key = (workbook, rels)
    found = _PARTS_SEEN.get(key)
    if found is None:
        found = _sheet_parts(workbook, rels)
        if len(workbook) + len(rels or b"") <= _KEPT_BYTES:
            if len(_PARTS_SEEN) >= _KEPT:
                _PARTS_SEEN.clear()  # (atomic: safe with reading threads)
            _PARTS_SEEN[key] = found
    return dict(found)


#: :func:`ooxml_sheet_parts` already read, by the bytes of workbook.xml and its relationships
_PARTS_SEEN: dict[tuple[bytes, bytes | None], dict[str, tuple[str, str]]] = {}
#: how many readings of each kind are kept, of parts up to how many bytes
_KEPT = 4
_KEPT_BYTES = 1 << 20


def _sheet_parts(workbook: bytes, rels: bytes | None) -> dict[str, tuple[str, str]]:
    wb = SafeET.fromstring(workbook)
    targets: dict[str, str] = {}
    if rels is not None:
        for rel in SafeET.fromstring(rels):
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
    data = zf.read("xl/styles.xml")
    found = _STYLES_SEEN.get(data)
    if found is None:
        found = _percent_styles_fast(data)
        if found is None:
            found = _percent_styles_tree(data)
        if len(data) <= _KEPT_BYTES:
            if len(_STYLES_SEEN) >= _KEPT:
                _STYLES_SEEN.clear()  # (atomic: safe with reading threads)
            _STYLES_SEEN[data] = found
    return found


#: styles.xml parts already read, by their bytes: a province's forms mostly share one
_STYLES_SEEN: dict[bytes, frozenset[int]] = {}


def _percent_styles_fast(data: bytes) -> frozenset[int] | None:
    """:func:`_percent_styles_tree` by expat's events, building no tree, for a part without a DTD,
    comment or CDATA (``b"<!"``); ``None`` for any other part and for one expat refuses (the tree
    then reads it, and refuses it as before)."""
    from xml.parsers import expat

    if b"<!" in data:
        return None
    percent_ids = {9, 10}
    out: set[int] = set()
    # the open cellXfs elements: (depth, the percent formats known at its start, xf children seen)
    open_xfs: list[list] = []
    depth = 0

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        local = tag.rsplit("}", 1)[-1]
        if open_xfs and open_xfs[-1][0] == depth - 1 and local == "xf":
            top = open_xfs[-1]
            try:
                if int(attrs.get("numFmtId", "0")) in top[1]:
                    out.add(top[2])
            except ValueError:
                pass
            top[2] += 1
        if local == "numFmt" and _is_percent_format(attrs.get("formatCode", "")):
            try:
                percent_ids.add(int(attrs.get("numFmtId", "-1")))
            except ValueError:
                pass
        elif local == "cellXfs":
            open_xfs.append([depth, frozenset(percent_ids), 0])

    def end(tag: str) -> None:
        nonlocal depth
        if open_xfs and open_xfs[-1][0] == depth:
            open_xfs.pop()
        depth -= 1

    parser = expat.ParserCreate(None, "}")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except expat.ExpatError:
        return None
    return frozenset(out)


def _percent_styles_tree(data: bytes) -> frozenset[int]:
    """:func:`ooxml_percent_styles` of the bytes of a styles part, by the element tree."""
    root = SafeET.fromstring(data)
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


_PREFIXED = re.compile(rb"<[\w.-]+:")


@functools.lru_cache(maxsize=8)
def _percent_attr(percent_styles: frozenset[int]) -> re.Pattern[bytes]:
    """An ``s`` attribute naming one of ``percent_styles`` (digits as written, leading zeros too):
    a cell whose attributes are plain ASCII without it is in no percent style."""
    ids = b"|".join(str(i).encode() for i in sorted(percent_styles))
    return re.compile(rb"\ss\s*=\s*[\"']0*(?:" + ids + rb")[\"']")


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
    # (a styles part with very many percent styles would make the pattern slow to build: no pattern)
    percent_attr = _percent_attr(percent_styles) if 0 < len(percent_styles) <= 256 else None
    scans = _accel.scans
    if scans is not None:
        cells = scans.ooxml_cells(data, bool(percent_styles))
    else:
        cells = _ooxml_cells_python(data, bool(percent_styles))
    if cells is None:
        return None  # a cell the pattern did not take whole
    try:
        for attrs, content in cells:
            if not (
                b"<f" in content or b":" in content or b'"e"' in attrs or b"'e'" in attrs or b"&" in attrs
            ):
                # no formula, not an error: only a number in a percent style counts
                if not percent_styles or b"<v" not in content:
                    continue  # no value to style: nothing to flag
                if percent_attr is not None and attrs.isascii() and percent_attr.search(attrs) is None:
                    continue  # its s="..." (plain ASCII, no entity) names no percent style
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
                if children != len(_CHILD_START.findall(content)) or _PREFIXED.search(content):
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
    return flags, percent


def _ooxml_cells_python(data: bytes, with_values: bool) -> list[tuple[bytes, bytes]] | None:
    """The cells of a sheet part that may need looking at: ``(attrs, content)``, the two groups of
    ``_CELL`` (``b""`` for ``<c .../>``), for the cells with a formula, an error, an entity in an
    attribute or (``with_values``) a value; ``None`` when a ``<c`` is not taken whole by the
    pattern (the part is left to the parser). ``_native.ooxml_cells`` computes the same in C."""
    out: list[tuple[bytes, bytes]] = []
    cells = 0
    for cell in _CELL.finditer(data):
        cells += 1
        content = cell.group(2) or b""
        attrs = cell.group(1)
        if (
            b"<f" in content
            or b":" in content
            or (with_values and b"<v" in content)
            or b'"e"' in attrs
            or b"'e'" in attrs
            or b"&" in attrs
        ):
            out.append((attrs, content))
    if cells != len(_CELL_START.findall(data)):
        return None
    return out


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
    return _scan_ooxml_streamed(zf, part, percent_styles)


def _scan_ooxml_streamed(
    zf: zipfile.ZipFile, part: str, percent_styles: frozenset[int]
) -> tuple[Flags, set[tuple[int, int]]]:
    """:func:`scan_ooxml_sheet` by the XML parser, streamed: the reference for the fast path."""
    flags: Flags = {}
    percent: set[tuple[int, int]] = set()
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
