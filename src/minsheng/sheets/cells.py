"""A worksheet read into memory: its cells with A1 references, merged ranges and flagged cells."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attrs import frozen

from ..model import Problem, Provenance, Severity
from ._scan import ERROR_CELL, UNCACHED_FORMULA, CellFlag
from .refs import CellRange, cell_ref, parse_ref

if TYPE_CHECKING:
    from .workbook import Workbook

#: Raw cell values as calamine gives them. Blank cells are ``None`` in the toolkit's API.
RawValue = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None


@frozen
class Cell:
    """One cell: 0-based ``row`` and ``col``, its ``value`` (``None`` when blank) and a flag.

    ``flag`` is set when the cell only looks blank: ``error-cell`` (``detail`` is ``#DIV/0!``) or
    ``uncached-formula`` (``detail`` is the formula, where known). ``percent`` is set for a
    number formatted as a percentage: the file holds 0.85 where people see 85%.
    """

    row: int
    col: int
    value: RawValue
    flag: CellFlag | None = None
    percent: bool = False  # a number formatted as a percentage: 0.85 shown as 85%

    @property
    def ref(self) -> str:
        """The A1 reference, such as ``"D7"``."""
        return cell_ref(self.row, self.col)

    @property
    def is_blank(self) -> bool:
        """Truly blank: no value, no error, no formula, only whitespace at most."""
        if self.flag is not None:
            return False
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())

    @property
    def text(self) -> str:
        """The value as stripped text (``""`` for blank); for reading labels, not numbers."""
        return value_text(self.value)


def value_text(v: object) -> str:
    """A raw grid value as :attr:`Cell.text` gives it: stripped text, ``""`` for blank, a whole
    float without its ``.0`` (for reading labels from the grid without a Cell per cell)."""
    if v is None or v == "":
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


class Sheet:
    """One worksheet: its values as a grid from A1, merged ranges, visibility and flagged cells.

    The grid is held once (the list calamine returns); :meth:`cell` and :meth:`rows` build
    :class:`Cell` objects on demand.
    """

    def __init__(
        self,
        workbook: Workbook,
        name: str,
        index: int,
        grid: list[list[Any]],
        merged: tuple[CellRange, ...],
        flags: dict[tuple[int, int], CellFlag],
        percent: frozenset[tuple[int, int]] = frozenset(),
    ) -> None:
        self.workbook = workbook
        self.name = name
        self.index = index
        self._grid = grid
        self.merged = merged
        self.flags = flags
        #: numeric cells shown as a percentage: the file holds 0.85 where the sheet shows 85%
        self.percent = percent
        self.n_rows = len(grid)
        self.n_cols = max(map(len, grid), default=0)
        for r, c in flags:
            self.n_rows = max(self.n_rows, r + 1)
            self.n_cols = max(self.n_cols, c + 1)
        self._anchor: dict[tuple[int, int], tuple[int, int]] | None = None
        #: the rows holding a flagged or percent cell (:meth:`row` builds the others from values alone)
        self._marked: set[int] | None = None

    @property
    def file(self) -> str:
        return self.workbook.file

    @property
    def path(self) -> Path:
        return self.workbook.path

    @property
    def visibility(self) -> str:
        return self.workbook.visibility(self.name)

    @property
    def hidden(self) -> bool:
        return self.visibility != "visible"

    def value(self, row: int, col: int) -> RawValue:
        """The raw value at 0-based (row, col); ``None`` when blank or outside the data."""
        if 0 <= row < len(self._grid):
            line = self._grid[row]
            if 0 <= col < len(line):
                v = line[col]
                return None if v == "" else v
        return None

    def cell(self, row: int | str, col: int | None = None) -> Cell:
        """The cell at ``"D7"`` or at 0-based ``(row, col)``."""
        if isinstance(row, str):
            row, col = parse_ref(row)
        assert col is not None
        return Cell(row, col, self.value(row, col), self.flags.get((row, col)), (row, col) in self.percent)

    def row(self, row: int) -> list[Cell]:
        """The cells of one 0-based row, across the sheet's width."""
        grid = self._grid
        line = grid[row] if 0 <= row < len(grid) else ()
        width = self.n_cols
        if self._marked is None:
            self._marked = {r for r, _ in self.flags} | {r for r, _ in self.percent}
        # the cells :meth:`cell` gives (len(line) <= width)
        if row in self._marked:
            flag = self.flags.get
            percent = self.percent
            cells = [
                Cell(row, c, None if v == "" else v, flag((row, c)), (row, c) in percent)
                for c, v in enumerate(line)
            ]
            cells.extend([Cell(row, c, None, flag((row, c))) for c in range(len(cells), width)])
            return cells
        # no flagged or percent cell in this row: the cells from the values alone
        cells = [Cell(row, c, None if v == "" else v) for c, v in enumerate(line)]
        if len(cells) < width:
            cells.extend([Cell(row, c, None) for c in range(len(cells), width)])
        return cells

    def rows(self, start: int = 0, stop: int | None = None) -> Iterator[list[Cell]]:
        """Rows of cells, top to bottom (for label scanning; rosters should use :meth:`grid`)."""
        for r in range(start, min(stop if stop is not None else self.n_rows, self.n_rows)):
            yield self.row(r)

    def grid(self) -> list[list[Any]]:
        """The raw value grid from A1 (blank is ``''``), shared, not copied: do not modify it."""
        return self._grid

    def anchor(self, row: int, col: int) -> tuple[int, int]:
        """The top-left cell of the merged range holding (row, col), or (row, col) itself."""
        if self._anchor is None:
            self._anchor = {}
            for m in self.merged:
                if (m.last_row - m.first_row + 1) * (m.last_col - m.first_col + 1) > 100_000:
                    continue
                for r in range(m.first_row, m.last_row + 1):
                    for c in range(m.first_col, m.last_col + 1):
                        self._anchor[(r, c)] = (m.first_row, m.first_col)
        return self._anchor.get((row, col), (row, col))

    def provenance(
        self,
        row: int | str,
        col: int | None = None,
        *,
        plugin: str | None = None,
        plugin_version: str | None = None,
    ) -> Provenance:
        """Where a cell is: this file and sheet, the cell's A1 reference (or a range such as ``A4:A9``)."""
        ref = row if isinstance(row, str) else cell_ref(row, col or 0)
        return Provenance(
            file=self.file, sheet=self.name, cell=ref, plugin=plugin, plugin_version=plugin_version
        )

    def flag_problem(self, row: int, col: int, provenance: Provenance | None = None) -> Problem | None:
        """The problem for a flagged cell (error value or uncached formula), or None if not flagged."""
        flag = self.flags.get((row, col))
        if flag is None:
            return None
        return cell_flag_problem(flag, provenance or self.provenance(row, col))

    @property
    def problems(self) -> list[Problem]:
        """One problem per flagged cell of the sheet, in reading order."""
        return [cell_flag_problem(f, self.provenance(r, c)) for (r, c), f in sorted(self.flags.items())]

    def __repr__(self) -> str:
        return f"<Sheet {self.name!r} {self.n_rows}x{self.n_cols}>"


def cell_flag_problem(flag: CellFlag, provenance: Provenance) -> Problem:
    """The Chinese problem for a cell that looks blank but holds an error or an unsaved formula."""
    where = provenance.cell or "?"
    if flag.kind == ERROR_CELL:
        message = (
            f"单元格 {where} 是错误值“{flag.detail or '#错误'}”，不能当作空白或 0；"
            "请修正该单元格的公式或改填数值后重新报送。"
        )
    else:
        formula = f"“{flag.detail}”" if flag.detail else ""
        message = (
            f"单元格 {where} 是公式{formula}，但文件中没有保存计算结果（常见于程序生成、未经 Excel/WPS 打开保存的文件）；"
            "请在 Excel 或 WPS 中打开、重新计算并保存后报送，或直接填入数值。"
        )
    assert flag.kind in (ERROR_CELL, UNCACHED_FORMULA)
    return Problem.at(flag.kind, message, provenance, severity=Severity.ERROR)
