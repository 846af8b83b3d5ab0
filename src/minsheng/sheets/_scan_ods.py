"""Scanning an .ods file's content.xml for what calamine reads as blank but is not (see :mod:`._scan`),
and for its sheets' visibility."""

from __future__ import annotations

import re
import zipfile

from attrs import frozen
from defusedxml import ElementTree as SafeET

from ._scan import (
    ERROR_CELL,
    ERROR_LITERALS,
    UNCACHED_FORMULA,
    CellFlag,
    Flags,
)
from .refs import CellRange

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
