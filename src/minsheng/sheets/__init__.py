"""The sheet-reading toolkit for county plugin authors.

Open a county file by its content, read cells with their A1 reference, and turn what Chinese
reports write into :class:`minsheng.Value` with provenance::

    from minsheng.sheets import open_workbook, parse_number

    with open_workbook(path) as book:
        sheet = book.sheet("汇总表")
        problems = []
        value = parse_number(sheet.cell("D7"), "万人", to_unit="人",
                             provenance=sheet.provenance("D7"), problems=problems)

Error cells (``#DIV/0!``) and formulas saved without a result are never read as blank: the cell
carries a flag and ``parse_number`` reports ``error-cell`` / ``uncached-formula`` at it.
"""

from typing import TYPE_CHECKING, Any

from ._scan import ERROR_CELL, UNCACHED_FORMULA, CellFlag
from .amounts import NOT_APPLICABLE_TEXTS, UNITS, decimal_from_float, normalise_text, parse_number, unit_info
from .cells import Cell, RawValue, Sheet, cell_flag_problem
from .errors import SHEET_ERROR_CODES, SheetError
from .refs import CellRange, cell_ref, column_index, column_letter, parse_ref
from .workbook import Workbook, open_workbook

if TYPE_CHECKING:  # pragma: no cover - at run time these load on first use (below)
    from .county import COUNTY_CODE_LABELS, find_county_code, read_county_code
    from .idcard import check_id, id_check_char, mask_id
    from .layouts import (
        HALF,
        MONTH,
        QUARTER,
        Periods,
        check_sums,
        indicator_columns,
        period_columns,
        period_value,
        read_columns,
        sum_by_category,
    )
    from .reporter import parse_date, read_reporter
    from .roster import Roster, read_roster
    from .tables import HEADING, ITEM, PART, SUBTOTAL, TOTAL, Column, Source, Table, TableRow, find_table
    from .text import label_key, unit_of

#: names of the toolkit's higher layers (tables, layouts, rosters, reporters, ID checks), by module:
#: loaded on first use, so that opening a workbook (the targets, a start-up) does not import them
_LAZY: dict[str, str] = {
    **dict.fromkeys(("COUNTY_CODE_LABELS", "find_county_code", "read_county_code"), "county"),
    **dict.fromkeys(("check_id", "id_check_char", "mask_id"), "idcard"),
    **dict.fromkeys(
        (
            "HALF",
            "MONTH",
            "QUARTER",
            "Periods",
            "check_sums",
            "indicator_columns",
            "period_columns",
            "period_value",
            "read_columns",
            "sum_by_category",
        ),
        "layouts",
    ),
    **dict.fromkeys(("parse_date", "read_reporter"), "reporter"),
    **dict.fromkeys(("Roster", "read_roster"), "roster"),
    **dict.fromkeys(
        (
            "HEADING",
            "ITEM",
            "PART",
            "SUBTOTAL",
            "TOTAL",
            "Column",
            "Source",
            "Table",
            "TableRow",
            "find_table",
        ),
        "tables",
    ),
    **dict.fromkeys(("label_key", "unit_of"), "text"),
}


def __getattr__(name: str) -> Any:
    import importlib

    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    if name in _LAZY.values():  # the submodule itself, as the eager imports gave it
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "COUNTY_CODE_LABELS",
    "ERROR_CELL",
    "HALF",
    "HEADING",
    "ITEM",
    "MONTH",
    "NOT_APPLICABLE_TEXTS",
    "PART",
    "QUARTER",
    "SHEET_ERROR_CODES",
    "SUBTOTAL",
    "TOTAL",
    "UNCACHED_FORMULA",
    "UNITS",
    "Cell",
    "CellFlag",
    "CellRange",
    "Column",
    "Periods",
    "RawValue",
    "Roster",
    "Sheet",
    "SheetError",
    "Source",
    "Table",
    "TableRow",
    "Workbook",
    "cell_flag_problem",
    "cell_ref",
    "check_id",
    "check_sums",
    "column_index",
    "column_letter",
    "decimal_from_float",
    "find_county_code",
    "find_table",
    "id_check_char",
    "indicator_columns",
    "label_key",
    "mask_id",
    "normalise_text",
    "open_workbook",
    "parse_date",
    "parse_number",
    "parse_ref",
    "period_columns",
    "period_value",
    "read_columns",
    "read_county_code",
    "read_reporter",
    "read_roster",
    "sum_by_category",
    "unit_info",
    "unit_of",
]
