"""The fill contract: placeholders in template cells, row templates, expanding columns.

A template is an ordinary workbook a province may restyle in Excel or WPS. The code finds its
places by placeholders, never by fixed addresses:

- a cell holding ``{字段}`` alone gets the field's typed value (a number stays a number);
  ``{字段}`` inside longer text is replaced by the field as text;
- a row holding a row field (such as ``{指标}``) is a *row template*: it is copied once per record,
  with its styles, height, merges, data validation and conditional formatting; the rows below the
  row templates (the footer) move down to make room;
- a column holding an expanding field (such as ``{指标组}``) is copied once per item (once per
  indicator group), with its width; the columns to its right move right.

Formulas written in the template (``=E8/D8``) are the province's own and are translated to each
copied row; values from the data are always written as text or numbers, never as formulas.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from copy import copy
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formula.translate import Translator
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.dimensions import ColumnDimension, DimensionHolder
from openpyxl.worksheet.worksheet import Worksheet

from ._cells import Formatted, put, put_text

PLACEHOLDER = re.compile(r"\{([^{}\s]+)\}")

TEMPLATE_NAMES = {
    "form": "form.xlsx",  # 报表: the standard county submission form
    "targets": "targets.xlsx",  # 目标任务表 and 督查发现
    "assessment": "assessment.xlsx",  # 考核结果: the year-end assessment workbook
    "county": "county-sheet.xlsx",  # 考核评分表: one county's sheet for sign-off
    "progress": "progress.xlsx",  # 进度通报: a month's or quarter's progress report
}


class TemplateError(Exception):
    """A template that breaks the fill contract; the message says what is missing, in Chinese."""


def template_path(kind: str) -> Path:
    """The path of a built-in template shipped inside the package (``form``, ``targets``, ...)."""
    return Path(str(resources.files("minsheng") / "templates" / TEMPLATE_NAMES[kind]))


def open_template(kind: str, template: str | Path | None = None) -> Workbook:
    """Load a template: ``template`` if given (a province's restyled copy), else the built-in one."""
    path = Path(template) if template is not None else template_path(kind)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TemplateError(f"无法读取模板文件“{path}”：{exc}") from None
    try:
        return load_workbook(io.BytesIO(data))
    except Exception as exc:  # openpyxl raises many kinds for a file that is not .xlsx
        raise TemplateError(f"模板文件“{path}”不是有效的 .xlsx 工作簿：{exc}") from None


def sheet_with(wb: Workbook, field: str, template_name: str = "") -> Worksheet:
    """The first worksheet that holds the placeholder ``{field}`` (sheets may be renamed freely)."""
    token = "{" + field + "}"
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and token in cell.value:
                    return ws
    raise TemplateError(f"模板{template_name}中找不到占位符“{token}”；请按 docs/templates.md 保留占位符。")


def find_field(ws: Worksheet, field: str) -> tuple[int, int] | None:
    """The (row, column) of the first cell, in reading order, holding the placeholder ``{field}``."""
    token = "{" + field + "}"
    for (r, c), cell in sorted(ws._cells.items()):
        if isinstance(cell.value, str) and token in cell.value:
            return r, c
    return None


def text_of(value: Any) -> str:
    """A field value as text inside a longer string."""
    if isinstance(value, Formatted):
        value = value.value
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def substitute(template: Any, fields: Mapping[str, Any]) -> Any:
    """The value a template cell takes: a typed field for ``{f}`` alone, else text with fields replaced."""
    if not isinstance(template, str) or "{" not in template:
        return template
    whole = PLACEHOLDER.fullmatch(template.strip())
    if whole and whole.group(1) in fields:
        return fields[whole.group(1)]

    def one(m: re.Match[str]) -> str:
        return text_of(fields[m.group(1)]) if m.group(1) in fields else m.group(0)

    return PLACEHOLDER.sub(one, template)


def placeholders(value: Any) -> set[str]:
    return set(PLACEHOLDER.findall(value)) if isinstance(value, str) else set()


def write_template_value(
    cell: Any, template: Any, fields: Mapping[str, Any], origin: str | None = None
) -> None:
    """Fill ``cell`` from its template value: formulas translated, placeholders filled, data as text."""
    if isinstance(cell, MergedCell):
        return
    if isinstance(template, str) and template.startswith("="):
        cell.value = (
            Translator(template, origin=origin).translate_formula(cell.coordinate) if origin else template
        )
        return
    if isinstance(template, str) and "{" in template:
        value = substitute(template, fields)
        if isinstance(value, str):
            put_text(cell, value)
        else:
            put(cell, value)
        return
    cell.value = template


def fill_fields(ws: Worksheet, fields: Mapping[str, Any], rows: Iterable[int] | None = None) -> None:
    """Fill sheet-level placeholders (``{年度}``, ``{县名}``...) in every cell of ``rows`` (default all)."""
    wanted = None if rows is None else set(rows)
    for (r, _c), cell in list(ws._cells.items()):
        if wanted is not None and r not in wanted:
            continue
        if isinstance(cell.value, str) and "{" in cell.value and not cell.value.startswith("="):
            write_template_value(cell, cell.value, fields)


# --------------------------------------------------------------------------------------------
# Row templates


Box = tuple[int, int, int, int]  # min_col, min_row, max_col, max_row


def _runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for r in sorted(rows):
        if out and out[-1][1] == r - 1:
            out[-1] = (out[-1][0], r)
        else:
            out.append((r, r))
    return out


def _remap_ranges(sqref: Any, fn: Callable[[Box], list[Box]]) -> str:
    boxes: list[Box] = []
    for rng in MultiCellRange(str(sqref)).ranges:
        boxes.extend(fn((rng.min_col, rng.min_row, rng.max_col, rng.max_row)))
    return " ".join(
        CellRange(min_col=a, min_row=b, max_col=c, max_row=d).coord
        for a, b, c, d in boxes
        if b <= d and a <= c
    )


def _remap_validations_and_formats(ws: Worksheet, fn: Callable[[Box], list[Box]]) -> None:
    for dv in list(ws.data_validations.dataValidation):
        new = _remap_ranges(dv.sqref, fn)
        if new:
            dv.sqref = MultiCellRange(new)
        else:
            ws.data_validations.dataValidation.remove(dv)
    old = ws.conditional_formatting
    fresh = ConditionalFormattingList()
    for cf in old:
        new = _remap_ranges(cf.sqref, fn)
        if new:
            for rule in cf.rules:
                fresh.add(new, rule)
    ws.conditional_formatting = fresh


def _print_area_box(ws: Worksheet) -> Box | None:
    area = ws.print_area
    if not area or "," in area:
        return None
    ref = area.split("!")[-1].replace("$", "")
    return range_boundaries(ref)


def fill_rows(
    ws: Worksheet,
    kinds: Mapping[str, str],
    records: Sequence[tuple[str, Mapping[str, Any]]],
    fields: Mapping[str, Any] | None = None,
    template_name: str = "",
) -> tuple[int, int]:
    """Replace the row templates of ``ws`` by one row per record; return (first row, last row).

    ``kinds`` maps a row kind (``"indicator"``) to the field that marks its row template
    (``"指标"``: the row holding ``{指标}``). ``records`` are (kind, fields) pairs in output order.
    Sheet-level ``fields`` fill the placeholders above and below the rows and are defaults inside them.
    """
    fields = dict(fields or {})
    marker_kind = {field: kind for kind, field in kinds.items()}
    template_rows: dict[int, str] = {}
    max_row, max_col = ws.max_row, ws.max_column  # (each reading walks every cell: once, not per row)
    for r in range(1, max_row + 1):
        found: set[str] = set()
        for c in range(1, max_col + 1):
            cell = ws._cells.get((r, c))
            if cell is not None:
                found |= {name.split("#")[0] for name in placeholders(cell.value)}
        for field in sorted(found & set(marker_kind)):
            template_rows[r] = marker_kind[field]
            break
    if not template_rows:
        wanted = "、".join("{" + f + "}" for f in kinds.values())
        raise TemplateError(f"模板{template_name}工作表“{ws.title}”中找不到行模板（含 {wanted} 的行）。")
    t0, t1 = min(template_rows), max(template_rows)
    if t1 - t0 + 1 != len(template_rows):
        raise TemplateError(
            f"模板{template_name}工作表“{ws.title}”的行模板（第 {t0}–{t1} 行）之间不能夹其他行。"
        )
    needed = {kind for kind, _ in records} - set(template_rows.values())
    if needed:
        missing = "、".join("{" + kinds[k] + "}" for k in sorted(needed))
        raise TemplateError(f"模板{template_name}工作表“{ws.title}”缺少行模板：{missing}。")

    def capture(r: int) -> list[tuple[int, Any, Any]]:
        return [
            (c, cell.value if not isinstance(cell, MergedCell) else None, copy(cell._style))
            for c in range(1, max_col + 1)
            if (cell := ws._cells.get((r, c))) is not None
        ]

    row_tpl = {kind: r for r, kind in sorted(template_rows.items(), reverse=True)}  # first row of a kind wins
    tpl_cells = {kind: capture(r) for kind, r in row_tpl.items()}
    tpl_height = {
        kind: ws.row_dimensions[r].height if r in ws.row_dimensions else None for kind, r in row_tpl.items()
    }
    footer = {r: capture(r) for r in range(t1 + 1, max_row + 1)}
    footer_height = {r: ws.row_dimensions[r].height for r in footer if r in ws.row_dimensions}
    tpl_merges: dict[str, list[tuple[int, int]]] = {k: [] for k in row_tpl}
    footer_merges: list[Box] = []
    for m in list(ws.merged_cells.ranges):
        if m.max_row < t0:
            continue
        if m.min_row > t1:
            footer_merges.append((m.min_col, m.min_row, m.max_col, m.max_row))
        elif m.min_row == m.max_row and template_rows.get(m.min_row) is not None:
            kind = template_rows[m.min_row]
            if row_tpl[kind] == m.min_row:
                tpl_merges[kind].append((m.min_col, m.max_col))
        else:
            raise TemplateError(f"模板{template_name}工作表“{ws.title}”的合并单元格 {m.coord} 跨越了行模板。")
        ws.merged_cells.remove(m)

    for key in [k for k in ws._cells if k[0] >= t0]:
        del ws._cells[key]
    for r in [r for r in ws.row_dimensions if r >= t0]:
        del ws.row_dimensions[r]

    generated: dict[str, list[int]] = {k: [] for k in row_tpl}
    r = t0
    for kind, values in records:
        merged_fields = {**fields, **values}
        for a, b in tpl_merges[kind]:
            ws.merge_cells(start_row=r, start_column=a, end_row=r, end_column=b)
        origin_row = row_tpl[kind]
        for c, value, style in tpl_cells[kind]:
            cell = ws.cell(r, c)
            cell._style = copy(style)
            write_template_value(cell, value, merged_fields, f"{get_column_letter(c)}{origin_row}")
        if tpl_height[kind] is not None:
            ws.row_dimensions[r].height = tpl_height[kind]
        generated[kind].append(r)
        r += 1
    last = r - 1
    offset = last - t1

    for a, b, c2, d in footer_merges:
        ws.merge_cells(start_row=b + offset, start_column=a, end_row=d + offset, end_column=c2)
    for fr, cells in footer.items():
        for c, value, style in cells:
            cell = ws.cell(fr + offset, c)
            cell._style = copy(style)
            write_template_value(cell, value, fields, f"{get_column_letter(c)}{fr}")
        if fr in footer_height:
            ws.row_dimensions[fr + offset].height = footer_height[fr]

    def remap(box: Box) -> list[Box]:
        c1, r1, c2, r2 = box
        out: list[Box] = []
        if r1 < t0:
            out.append((c1, r1, c2, min(r2, t0 - 1)))
        for tr in range(max(r1, t0), min(r2, t1) + 1):
            kind = template_rows[tr]
            if row_tpl[kind] == tr:
                out.extend((c1, a, c2, b) for a, b in _runs(generated[kind]))
        if r2 > t1:
            out.append((c1, max(r1, t1 + 1) + offset, c2, r2 + offset))
        return out

    _remap_validations_and_formats(ws, remap)
    area = _print_area_box(ws)
    if area is not None:
        c1, r1, c2, r2 = area
        ws.print_area = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{max(r2 + offset, r1)}"
    fit_row_heights(ws, range(t0, last + 1))
    header_and_footer = [*range(1, t0), *range(last + 1, ws.max_row + 1)]
    fill_fields(ws, fields, header_and_footer)
    return t0, last


# --------------------------------------------------------------------------------------------
# Expanding columns


def expand_column(ws: Worksheet, field: str, count: int) -> int:
    """Copy the column holding ``{field}`` ``count`` times; return its index (0 if absent).

    Placeholders in the copies are numbered: ``{组得分}`` in the i-th copy becomes ``{组得分#i}``.
    Columns to the right move right, with their widths, merges, validations and formats.
    """
    token = "{" + field + "}"
    col = next(
        (
            c
            for (_r, c), cell in sorted(ws._cells.items())
            if isinstance(cell.value, str) and token in cell.value
        ),
        0,
    )
    if not col:
        return 0
    if count < 1:
        raise ValueError("count must be at least 1")
    shift = count - 1

    merges = [(m.min_col, m.min_row, m.max_col, m.max_row) for m in ws.merged_cells.ranges]
    for m in list(ws.merged_cells.ranges):
        ws.merged_cells.remove(m)
    for key in sorted((k for k in ws._cells if k[1] > col), key=lambda k: -k[1]):
        cell = ws._cells.pop(key)
        cell.column = key[1] + shift
        ws._cells[(key[0], key[1] + shift)] = cell

    def renumber(value: Any, i: int) -> Any:
        if not isinstance(value, str):
            return value
        return PLACEHOLDER.sub(lambda m: "{" + m.group(1) + f"#{i}" + "}", value)

    for r, c in sorted(k for k in ws._cells if k[1] == col):
        source = ws._cells[(r, c)]
        for i in range(1, count):
            target = ws.cell(r, col + i)
            target._style = copy(source._style)
            if not isinstance(source, MergedCell):
                target.value = renumber(source.value, i)
        if not isinstance(source, MergedCell):
            source.value = renumber(source.value, 0)

    widths: dict[int, tuple[float | None, bool]] = {}
    for dim in ws.column_dimensions.values():
        if dim.min is None:
            continue
        for c in range(dim.min, (dim.max or dim.min) + 1):
            widths[c] = (dim.width if dim.customWidth else None, bool(dim.hidden))
    holder = DimensionHolder(worksheet=ws)
    new_widths: dict[int, tuple[float | None, bool]] = {}
    for c, w in widths.items():
        if c < col:
            new_widths[c] = w
        elif c == col:
            for i in range(count):
                new_widths[col + i] = w
        else:
            new_widths[c + shift] = w
    for c, (width, hidden) in sorted(new_widths.items()):
        letter = get_column_letter(c)
        dim = ColumnDimension(ws, index=letter, hidden=hidden)
        if width is not None:
            dim.width = width
        holder[letter] = dim
    ws.column_dimensions = holder

    def remap(box: Box) -> list[Box]:
        c1, r1, c2, r2 = box
        if c1 > col:
            return [(c1 + shift, r1, c2 + shift, r2)]
        if c2 < col:
            return [box]
        return [(c1, r1, c2 + shift, r2)]

    for c1, r1, c2, r2 in merges:
        if c1 == c2 == col:
            for i in range(count):
                ws.merge_cells(start_row=r1, start_column=col + i, end_row=r2, end_column=col + i)
        else:
            for a, b, c, d in remap((c1, r1, c2, r2)):
                ws.merge_cells(start_row=b, start_column=a, end_row=d, end_column=c)
    _remap_validations_and_formats(ws, remap)
    area = _print_area_box(ws)
    if area is not None:
        (a, b, c, d) = remap(area)[0]
        ws.print_area = f"{get_column_letter(a)}{b}:{get_column_letter(c)}{d}"
    if ws.freeze_panes:
        fc, fr, _, _ = range_boundaries(ws.freeze_panes)
        if fc > col:
            ws.freeze_panes = f"{get_column_letter(fc + shift)}{fr}"
    return col


def display_width(text: str) -> float:
    """Roughly how many character widths ``text`` takes: a CJK character counts 2, others 1.1."""
    return sum(2.0 if ord(ch) > 0x2E80 else 1.1 for ch in text)


def fit_row_heights(ws: Worksheet, rows: Iterable[int]) -> None:
    """Make rows tall enough for their wrapped text (neither Excel nor LibreOffice does it for us
    on every path): lines = text width / column width, height = lines × line height."""
    spans: dict[tuple[int, int], int] = {}
    for m in ws.merged_cells.ranges:
        if m.min_row == m.max_row:
            spans[(m.min_row, m.min_col)] = m.max_col
    max_column = ws.max_column  # a scan of every cell: once, not once per row
    # what cell.alignment / cell.font / a column's width look up, looked up once per style and column
    # (the style descriptors build a proxy object on every access)
    alignments, fonts = ws.parent._alignments, ws.parent._fonts
    wraps: dict[int, bool] = {}
    sizes: dict[int, float] = {}
    widths: dict[int, float] = {}
    cells = ws._cells
    for r in rows:
        needed = 0.0
        for c in range(1, max_column + 1):
            cell = cells.get((r, c))
            if cell is None or isinstance(cell, MergedCell) or not isinstance(cell.value, str):
                continue
            if cell.data_type == "f":
                continue
            style = cell._style
            wrap = wraps.get(style.alignmentId)
            if wrap is None:
                wrap = wraps[style.alignmentId] = bool(alignments[style.alignmentId].wrap_text)
            if not wrap:
                continue
            last_col = spans.get((r, c), c)
            width = 0.0
            for i in range(c, last_col + 1):
                w = widths.get(i)
                if w is None:
                    w = widths[i] = ws.column_dimensions[get_column_letter(i)].width or 8.43
                width += w
            size = sizes.get(style.fontId)
            if size is None:
                sz = fonts[style.fontId].sz
                size = sizes[style.fontId] = float((sz if sz else 11) or 11)
            room = max(1.0, width - 1)
            lines = sum(
                max(1, math.ceil(display_width(part) * size / 11 / room)) for part in cell.value.split("\n")
            )
            needed = max(needed, lines * float(size) * 1.45 + 3)
        current = ws.row_dimensions[r].height
        if needed and (current is None or needed > current):
            ws.row_dimensions[r].height = round(needed, 1)
