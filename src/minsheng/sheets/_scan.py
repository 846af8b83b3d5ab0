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
from collections.abc import Callable
from typing import TypeVar

from attrs import frozen
from defusedxml import ElementTree as SafeET

from .refs import parse_ref

_T = TypeVar("_T")

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


#: the small XML parts below are parsed once per content: a province's forms, made from one
#: template, share their workbook.xml, its rels and styles.xml (a reading worker reads them all)
_CACHE_MAX_BYTES = 1 << 20


def _once_per_content(fn: Callable[[bytes], _T]) -> Callable[[bytes], _T]:
    cached = functools.lru_cache(maxsize=32)(fn)

    def call(data: bytes) -> _T:
        return cached(data) if len(data) <= _CACHE_MAX_BYTES else fn(data)

    return call


@_once_per_content
def _workbook_sheets(data: bytes) -> tuple[tuple[str, str, str], ...]:
    """(name, relationship id, state) of each sheet of a workbook.xml, in order."""
    wb = SafeET.fromstring(data)
    return tuple(
        (el.get("name", ""), el.get(f"{{{_R_NS}}}id") or el.get("id") or "", el.get("state", "visible"))
        for el in wb.iter()
        if _local(el.tag) == "sheet"
    )


@_once_per_content
def _workbook_targets(data: bytes) -> tuple[tuple[str, str], ...]:
    """(relationship id, part path) of a workbook.xml.rels, external targets left out."""
    targets: dict[str, str] = {}
    for rel in SafeET.fromstring(data):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        targets[rel.get("Id", "")] = path
    return tuple(targets.items())


def ooxml_sheet_parts(zf: zipfile.ZipFile) -> dict[str, tuple[str, str]]:
    """Sheet name → (part path inside the zip, state: visible/hidden/veryHidden)."""
    sheets = _workbook_sheets(zf.read("xl/workbook.xml"))
    rels_name = "xl/_rels/workbook.xml.rels"
    targets: dict[str, str] = {}
    if rels_name in zf.namelist():
        targets = dict(_workbook_targets(zf.read(rels_name)))
    out: dict[str, tuple[str, str]] = {}
    for name, rid, state in sheets:
        out[name] = (targets.get(rid, ""), state)
    return out


def _is_percent_format(code: str) -> bool:
    """Whether a number format shows a percentage (a ``%`` outside quotes and escapes)."""
    return "%" in re.sub(r'"[^"]*"|\\.', "", code)


def ooxml_percent_styles(zf: zipfile.ZipFile) -> frozenset[int]:
    """Indices of the cell styles (cellXfs) whose number format is a percentage."""
    if "xl/styles.xml" not in zf.namelist():
        return frozenset()
    return _percent_styles(zf.read("xl/styles.xml"))


@_once_per_content
def _percent_styles(data: bytes) -> frozenset[int]:
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
