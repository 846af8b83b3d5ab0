"""The ranking chart both workbooks draw: a column per county, in ranking order, over the cells the
template marks for it (考核结果's 总分图, the progress report's 进度排名图)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.text import RichText
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RichTextProperties
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet


def axis_minimum(totals: Sequence[Decimal]) -> int:
    """Where the value axis starts: the ten below the lowest value shown, less a margin of 5 (a 90
    and a 101 then look different; a 0 still starts at 0)."""
    lowest = min(totals, default=Decimal(0))
    return max(0, int((lowest - 5) // 10) * 10)


def ranking_chart(
    ws: Worksheet,
    anchor: Cell,
    *,
    first: int,
    values: Sequence[Decimal],
    value_col: int,
    name_col: int,
    title: str,
    y_title: str,
) -> None:
    """A column chart of the ``len(values)`` rows from ``first`` (values in ``value_col``, county
    names in ``name_col``), anchored to the cells the template merged at ``anchor`` (twelve columns
    of one row where it merged none), so it stretches with the template's widths and heights."""
    span = next((m for m in ws.merged_cells.ranges if anchor.coordinate in m), None)
    cols = range(span.min_col, span.max_col + 1) if span else range(anchor.column, anchor.column + 12)
    rows = range(span.min_row, span.max_row + 1) if span else range(anchor.row, anchor.row + 1)
    width_chars = sum((ws.column_dimensions[get_column_letter(c)].width or 8.43) for c in cols)
    height_pt = sum((ws.row_dimensions[r].height or 15) for r in rows)

    chart = BarChart()
    chart.type = "col"
    chart.style = 10
    chart.title = title
    chart.legend = None
    chart.gapWidth = 40
    last = first + len(values) - 1
    chart.add_data(Reference(ws, min_col=value_col, min_row=first, max_row=last))
    chart.set_categories(Reference(ws, min_col=name_col, min_row=first, max_row=last))
    chart.y_axis.title = y_title
    chart.y_axis.scaling.min = axis_minimum(values)
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    size = 800 if len(values) > 40 else 900
    chart.x_axis.txPr = RichText(
        bodyPr=RichTextProperties(rot=-5400000 if len(values) > 12 else 0, vert="horz"),
        p=[
            Paragraph(
                pPr=ParagraphProperties(defRPr=CharacterProperties(sz=size)), endParaRPr=CharacterProperties()
            )
        ],
    )
    chart.width = width_chars * 0.2
    chart.height = height_pt * 2.54 / 72
    chart.anchor = TwoCellAnchor(
        editAs="twoCell",
        _from=AnchorMarker(col=cols.start - 1, row=rows.start - 1),
        to=AnchorMarker(col=cols.stop - 1, row=rows.stop - 1),
    )
    ws.add_chart(chart)
