"""openpyxl, read-only, for the .xlsx/.xlsm files python-calamine cannot open.

calamine looks for a package's parts by their usual names (``xl/workbook.xml``); a valid package
may name them otherwise (its relationships say where they are), and openpyxl follows the
relationships. This adapter gives the few calls :class:`minsheng.sheets.Workbook` makes of
calamine, under the same limits: the XML was scanned before (:mod:`._prescan`), and each sheet's
cells are streamed here, the ones with values counted and the farthest of them checked, before
the grid is built. Blank formatted cells and the declared dimension cost nothing.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import python_calamine as pc
from attrs import frozen

from ..limits import Limits
from ._scan import ERROR_CELL, CellFlag, Flags
from .errors import SheetError

_FIX = "请在 Excel/WPS 中打开，删除多余的行、列后另存为 .xlsx 再报送"
_STATE = {
    "visible": pc.SheetVisibleEnum.Visible,
    "hidden": pc.SheetVisibleEnum.Hidden,
    "veryHidden": pc.SheetVisibleEnum.VeryHidden,
}


@frozen
class _Meta:
    name: str
    visible: Any


class OpenpyxlSheet:
    """One sheet streamed into a grid from A1 (``''`` for blank), as calamine would give it."""

    def __init__(self, ws: Any, name: str, file: str, limits: Limits) -> None:
        self.flags: Flags = {}
        self.merged_cell_ranges: list[Any] = []  # read-only openpyxl does not read merges
        self._grid = self._stream(ws, name, file, limits)
        width = max(map(len, self._grid), default=0)
        self.end = (len(self._grid) - 1, width - 1) if self._grid else None

    def _stream(self, ws: Any, name: str, file: str, limits: Limits) -> list[list[Any]]:
        ws.reset_dimensions()  # the declared range is not what the sheet holds
        rows: dict[int, dict[int, Any]] = {}
        count = far_row = far_col = 0
        for line in ws.iter_rows():
            for cell in line:
                value = getattr(cell, "value", None)
                if value is None or value == "":
                    continue
                r, c = cell.row - 1, cell.column - 1
                count += 1
                far_row, far_col = max(far_row, r + 1), max(far_col, c + 1)
                if far_row > limits.max_rows or far_col > limits.max_cols or count > limits.max_cells:
                    raise _too_large(name, file, limits, far_row, far_col)
                if cell.data_type == "e":
                    self.flags[(r, c)] = CellFlag(ERROR_CELL, str(value))
                    value = ""
                rows.setdefault(r, {})[c] = value
        if far_row * far_col > limits.max_cells:
            raise _too_large(name, file, limits, far_row, far_col)
        grid = [[""] * far_col for _ in range(far_row)]
        for r, cells in rows.items():
            for c, v in cells.items():
                grid[r][c] = v
        return grid

    def to_python(self, skip_empty_area: bool = False) -> list[list[Any]]:
        return self._grid


def _too_large(name: str, file: str, limits: Limits, rows: int, cols: int) -> SheetError:
    return SheetError(
        "sheet-too-large",
        f"工作表“{name}”有数据的单元格范围约为 {rows} 行 × {cols} 列，超过上限（{limits.max_rows} 行、"
        f"{limits.max_cols} 列、{limits.max_cells} 个单元格）；{_FIX}。",
        file,
        sheet=name,
    )


class OpenpyxlBook:
    """The calls :class:`minsheng.sheets.Workbook` makes of a calamine workbook, by openpyxl."""

    def __init__(self, path: Path, limits: Limits) -> None:
        import openpyxl

        self.file = str(path)
        self.limits = limits
        with warnings.catch_warnings():  # openpyxl's own words (defined names, styles) are not for users
            warnings.simplefilter("ignore")
            self._wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        self.sheets_metadata = [
            _Meta(ws.title, _STATE.get(ws.sheet_state, pc.SheetVisibleEnum.Visible))
            for ws in self._wb.worksheets
        ]

    def get_sheet_by_name(self, name: str) -> OpenpyxlSheet:
        return OpenpyxlSheet(self._wb[name], name, self.file, self.limits)

    def close(self) -> None:
        self._wb.close()


def open_with_openpyxl(path: Path, limits: Limits) -> OpenpyxlBook | None:
    """The workbook by openpyxl, or None when openpyxl cannot open it either."""
    try:
        return OpenpyxlBook(path, limits)
    except Exception:
        return None
