"""Find a table by its header text, flatten merged multi-row headers, and find indicator rows.

A county summary table looks like this (merged cells drawn as one)::

    序号 | 指标名称 | 计量单位 | 年度目标 |           完成情况            | 完成率(%)
         |          |          |          | 累计完成 |        其中        |
         |          |          |          |          | 上半年  | 下半年   |

:func:`find_table` finds the header by text, works out its depth from the merged ranges, and
gives each column a path such as ``"完成情况/其中/上半年"``. Rows below are classified: items,
其中 parts (with the row they break down), 小计 and 合计 rows, until the footer
(单位负责人/填表人/报出日期).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence

from attrs import define, frozen

from ..model import Indicator, Problem, Provenance, Scheme, Value
from .amounts import parse_number, unit_info
from .cells import Sheet
from .errors import SheetError
from .refs import cell_ref, column_letter
from .text import label_key, squash, starts_with_qizhong, strip_unit, unit_of

#: ``source(sheet_name, cell_ref) -> Provenance``: a plugin passes ``context.provenance``.
Source = Callable[[str, str], Provenance]

FOOTER_WORDS = ("单位负责人", "统计负责人", "填表人", "填报人", "制表人", "报出日期", "审核人", "复核人")
#: a footnote below a table: 注：…, 注1：…, 说明：…, 备注：…, 填表说明：…
_NOTE = re.compile(r"^(?:注|说明|备注|填表说明|填报说明)[0-9一二三四五六七八九十①-⑳]*[:：、.]")
#: the label of the county's own row in a table of townships or units
COUNTY_ROW_WORDS = ("全县", "全区", "全市", "县合计", "县总计", "全县合计", "全县总计")
SUBTOTAL_WORDS = ("小计",)
TOTAL_WORDS = ("合计", "总计")
_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.]|\([一二三四五六七八九十]+\)|第[一二三四五六七八九十]+[部分项类])"
)
_CODE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)*(?:\.[A-Z])?)(?=[\s、.．:：)）]|$|[^\d.])")

ITEM, PART, SUBTOTAL, TOTAL, HEADING = "item", "part", "subtotal", "total", "heading"


@frozen
class Column:
    """One table column: 0-based ``index``, its flattened header ``path`` and the unit it states."""

    index: int
    path: str
    parts: tuple[str, ...]
    unit: str | None = None

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@frozen
class TableRow:
    """One row below the header.

    ``kind`` is ``item``, ``part`` (a 其中 row; ``parent`` is the sheet row of the item it breaks
    down), ``subtotal`` (小计), ``total`` (合计/总计) or ``heading`` (a label with no values, such as
    ``一、扩大就业``). ``key`` is the label normalised for matching; ``code`` an indicator code
    written in a code column or at the start of the label; ``unit`` from a unit column or label.
    """

    index: int
    label: str
    key: str
    kind: str
    parent: int | None = None
    code: str | None = None
    unit: str | None = None

    @property
    def number(self) -> int:
        """The 1-based row number people see in Excel."""
        return self.index + 1


@define
class Table:
    """A table found on a sheet: header rows, columns with paths, and classified data rows."""

    sheet: Sheet
    header_first: int
    header_last: int
    columns: tuple[Column, ...]
    label_col: int
    unit: str | None = None
    unit_col: int | None = None
    code_col: int | None = None
    stop_at: tuple[str, ...] = FOOTER_WORDS
    _rows: tuple[TableRow, ...] | None = None

    @property
    def rows(self) -> tuple[TableRow, ...]:
        """The classified data rows, worked out on first use (a roster never needs them)."""
        if self._rows is None:
            self._rows = _classify(self)
        return self._rows

    def column(self, *texts: str, required: bool = True) -> Column | None:
        """The first column whose header path contains every one of ``texts`` (spaces and
        full-width forms ignored); with several, the one with the shortest path.

        ``table.column("完成情况", "累计")``; raises ``SheetError("plugin-header-mismatch")`` when
        ``required`` and nothing matches.
        """
        wanted = [squash(t) for t in texts]
        hits = [c for c in self.columns if all(w in squash(c.path) for w in wanted)]
        if hits:
            # a text equal to a whole header part beats one inside it ("1月" is not "11月")
            return min(hits, key=lambda c: (-sum(w in c.parts for w in wanted), len(c.path), c.index))
        if required:
            # the table was found by the plugin's own header texts: the column text is the plugin's
            raise SheetError(
                "plugin-header-mismatch",
                f"插件的表头设置与报表不符：插件要找“{'/'.join(texts)}”栏，工作表“{self.sheet.name}”"
                f"第 {self.header_first + 1} 行起的表头中没有；表头中现有的栏目：{'、'.join(c.path for c in self.columns)}。"
                "请把此信息转给插件的维护人员，按报表的表头改正插件。",
                self.sheet.file,
                sheet=self.sheet.name,
                cell=cell_ref(self.header_first, 0),
            )
        return None

    def total_row(self) -> TableRow | None:
        """The county's own row of a table whose rows are townships or units: the last 合计/总计
        row, else a row labelled 全县 (全区, 全市, 全县合计…); ``None`` when there is neither."""
        totals = [r for r in self.rows if r.kind == TOTAL]
        if totals:
            return totals[-1]
        county = {label_key(w) for w in (*COUNTY_ROW_WORDS, *TOTAL_WORDS)}
        for row in reversed(self.rows):  # 合计 written in another column than the label's
            if row.key in county or any(
                label_key(c.text) in county for c in self.sheet.row(row.index) if c.text
            ):
                return row
        return None

    def find_row(self, names: Iterable[str] = (), code: str | None = None) -> TableRow | None:
        """The row for an indicator, by code (a code column or a label starting with it) or by
        label, compared after :func:`~minsheng.sheets.text.label_key` normalisation."""
        keys = {label_key(n) for n in names if n}
        if code:
            for row in self.rows:
                if row.code == code:
                    return row
        for row in self.rows:
            if row.key and row.key in keys and row.kind not in (SUBTOTAL, TOTAL):
                return row
        return None

    def indicator_row(self, indicator: Indicator) -> TableRow | None:
        """The row of a scheme indicator, by its code, name or aliases."""
        return self.find_row((indicator.name, *indicator.aliases), indicator.code)

    def indicator_rows(self, scheme: Scheme) -> dict[str, TableRow]:
        """Every scheme indicator found in the table, by code."""
        out = {}
        for ind in scheme.indicators:
            row = self.indicator_row(ind)
            if row is not None:
                out[ind.code] = row
        return out

    def unit_for(self, row: TableRow, column: Column) -> str | None:
        """The unit a cell is in: the row's unit (unit column or label), else the column's, else
        the table's (``单位：万元`` above the header)."""
        return row.unit or column.unit or self.unit

    def value(
        self,
        row: TableRow | int,
        column: Column | int,
        *,
        to_unit: str | None = None,
        unit: str | None = None,
        source: Source | None = None,
        problems: list[Problem] | None = None,
    ) -> Value:
        """The number at (row, column), in ``to_unit``, with provenance at its cell.

        Error cells and formulas without a result become MISSING with their problem; see
        :func:`~minsheng.sheets.parse_number` for every other outcome.
        """
        r = row.index if isinstance(row, TableRow) else row
        c = column.index if isinstance(column, Column) else column
        if unit is None and isinstance(row, TableRow) and isinstance(column, Column):
            unit = self.unit_for(row, column)
        ref = cell_ref(r, c)
        prov = source(self.sheet.name, ref) if source is not None else self.sheet.provenance(ref)
        return parse_number(self.sheet.cell(r, c), unit, to_unit=to_unit, provenance=prov, problems=problems)

    @property
    def data_range(self) -> tuple[int, int]:
        """First and last 0-based sheet rows of the data (last < first when the table is empty)."""
        if not self.rows:
            return self.header_last + 1, self.header_last
        return self.rows[0].index, self.rows[-1].index


def _row_texts(sheet: Sheet, r: int) -> list[str]:
    return [sheet.cell(r, c).text for c in range(sheet.n_cols)]


def _header_depth(sheet: Sheet, first: int) -> int:
    last = first
    changed = True
    while changed:
        changed = False
        for m in sheet.merged:
            if first <= m.first_row <= last and m.last_row > last and m.last_row - first < 10:
                last = m.last_row
                changed = True
    return last


def find_table(
    sheet: Sheet,
    must_contain: Sequence[str],
    *,
    header_rows: int | None = None,
    label_column: str | int | None = None,
    max_scan: int = 60,
    stop_at: Sequence[str] = FOOTER_WORDS,
) -> Table:
    """Find the table whose header holds every text of ``must_contain``.

    The header starts at the first row (within ``max_scan`` rows) that has at least two labelled
    cells and a ``must_contain`` text; its depth comes from the merged ranges starting there, or
    from ``header_rows``. Data rows run to the footer (a row mentioning 单位负责人, 填表人, 报出日期…)
    or the end of the sheet, or a footnote (注：…, 说明：…); blank rows are skipped.

    Raises ``SheetError("table-not-found")`` when no row holds any of the texts (not the form the
    plugin reads), ``SheetError("plugin-header-mismatch")`` when a header row holds some of them
    but not all (the plugin's header texts do not match the form; the message lists what the
    header says).
    """
    wanted = [squash(t) for t in must_contain]
    partial: tuple[int, list[str]] | None = None  # the first header row holding some of the texts
    for first in range(min(sheet.n_rows, max_scan)):
        texts = _row_texts(sheet, first)
        anchors = {sheet.anchor(first, c) for c, t in enumerate(texts) if t}
        if len(anchors) < 2:
            continue
        row_key = squash("|".join(texts))
        if not any(w in row_key for w in wanted):
            continue
        last = first + header_rows - 1 if header_rows else _header_depth(sheet, first)
        block = squash("|".join(t for r in range(first, last + 1) for t in _row_texts(sheet, r)))
        if all(w in block for w in wanted):
            return _build(sheet, first, last, label_column, stop_at)
        if partial is None:
            partial = (first, [t for t in must_contain if squash(t) in block])
    if partial is not None:
        first, found = partial
        texts = [
            t for r in range(first, first + (header_rows or 1)) for t in _row_texts(sheet, r) if t.strip()
        ]
        missing = [t for t in must_contain if t not in found]
        raise SheetError(
            "plugin-header-mismatch",
            f"插件的表头设置与报表不符：插件要找含有“{'、'.join(must_contain)}”的表头，工作表“{sheet.name}”"
            f"第 {first + 1} 行的表头有“{'、'.join(found)}”，却没有“{'、'.join(missing)}”；"
            f"该行的表头文字为：{'、'.join(t.strip() for t in texts)}。请把此信息转给插件的维护人员，按报表的表头改正插件。",
            sheet.file,
            sheet=sheet.name,
            cell=cell_ref(first, 0),
        )
    raise SheetError(
        "table-not-found",
        f"工作表“{sheet.name}”中找不到含有“{'、'.join(must_contain)}”的表头；请按报表样式填报，不要改动表头。",
        sheet.file,
        sheet=sheet.name,
    )


def _columns(sheet: Sheet, first: int, last: int) -> list[Column]:
    cols = []
    for c in range(sheet.n_cols):
        parts: list[str] = []
        unit = None
        seen_anchor = None
        for r in range(first, last + 1):
            anchor = sheet.anchor(r, c)
            if anchor == seen_anchor:
                continue
            seen_anchor = anchor
            text = sheet.cell(*anchor).text
            if not text:
                continue
            unit = unit_of(text) or unit
            part = squash(strip_unit(text))
            if part and (not parts or parts[-1] != part):
                parts.append(part)
        if parts:
            cols.append(Column(c, "/".join(parts), tuple(parts), unit))
    return cols


def _table_unit(sheet: Sheet, first: int) -> str | None:
    for r in range(max(0, first - 4), first + 1):
        for t in _row_texts(sheet, r):
            if "单位" in t and "填报单位" not in t and (u := unit_of(t)):
                return u
    return None


def _holds_units(sheet: Sheet, last: int, col: int) -> bool:
    """Whether the cells below a header headed just 单位 are mostly units (人, 万元), not names."""
    written = [
        t for r in range(last + 1, min(sheet.n_rows, last + 21)) if (t := squash(sheet.cell(r, col).text))
    ]
    return not written or 2 * sum(unit_info(t) is not None for t in written) >= len(written)


def _build(
    sheet: Sheet, first: int, last: int, label_column: str | int | None, stop_at: Sequence[str]
) -> Table:
    columns = _columns(sheet, first, last)
    by_key = {c.index: squash(c.path) for c in columns}

    def find(*words: str) -> int | None:
        for c in columns:
            if any(by_key[c.index] == w or by_key[c.index].endswith(w) for w in words):
                return c.index
        return None

    if isinstance(label_column, int):
        label_col = label_column
    elif isinstance(label_column, str):
        label_col = next((c.index for c in columns if squash(label_column) in by_key[c.index]), 0)
    unit_col = find("计量单位", "单位")
    if (
        unit_col is not None
        and not by_key[unit_col].endswith("计量单位")
        and not _holds_units(sheet, last, unit_col)
    ):
        unit_col = None  # a 单位 (填报单位) column naming the units reporting, one per row
    code_col = find("指标编号", "指标代码", "编号", "代码")
    if not isinstance(label_column, int | str):
        candidates = [c for c in columns if c.index not in (unit_col, code_col)]
        label_col = next(
            (
                c.index
                for word in ("名称", "项目", "指标", "内容", "姓名")
                for c in candidates
                if word in by_key[c.index]
            ),
            candidates[0].index if candidates else 0,
        )
    return Table(
        sheet,
        first,
        last,
        tuple(columns),
        label_col,
        _table_unit(sheet, first),
        unit_col,
        code_col,
        tuple(stop_at),
    )


def _classify(table: Table) -> tuple[TableRow, ...]:
    sheet, last, stop_at = table.sheet, table.header_last, table.stop_at
    label_col, unit_col, code_col = table.label_col, table.unit_col, table.code_col
    rows: list[TableRow] = []
    parent: int | None = None
    in_parts = False
    stop = [squash(w) for w in stop_at]
    for r in range(last + 1, sheet.n_rows):
        cells = [sheet.cell(r, c) for c in range(sheet.n_cols)]
        if all(cell.is_blank for cell in cells):
            continue
        row_text = squash("".join(cell.text for cell in cells))
        if any(w in row_text for w in stop):
            break
        first_text = next((squash(cell.text) for cell in cells if cell.text.strip()), "")
        if _NOTE.match(first_text):
            break  # footnotes below the table: 注：… 说明：…
        raw_label = cells[label_col].value if label_col < len(cells) else None
        label = raw_label if isinstance(raw_label, str) else cells[label_col].text
        if not label.strip():
            # a heading such as "一、扩大就业" written in the 序号 column
            label = next(
                (c.text for c in cells[:label_col] if c.text and not c.text.replace(".", "").isdigit()), label
            )
        key = label_key(label)
        code = None
        if code_col is not None:
            code = cells[code_col].text or None
        if code is None and (m := _CODE.match(label)) and "." in m.group(1):
            code = m.group(1)
        unit = None
        if unit_col is not None and unit_col < len(cells):
            unit = squash(cells[unit_col].text) or None
        unit = unit_of(label) or unit
        has_values = any(
            not cell.is_blank
            for c, cell in enumerate(cells)
            if c > label_col and c not in (unit_col, code_col)
        )
        if any(key.startswith(w) or key.endswith(w) for w in TOTAL_WORDS) and len(key) <= 8:
            kind = TOTAL
            in_parts = False
        elif any(key.endswith(w) for w in SUBTOTAL_WORDS) and len(key) <= 8:
            kind = SUBTOTAL
            in_parts = False
        elif starts_with_qizhong(label):
            kind = PART
            in_parts = True
        elif in_parts and label[:1].isspace():
            kind = PART
        elif not has_values and not key:
            continue
        elif not has_values and _HEADING.match(unicodedata.normalize("NFKC", label)):
            kind = HEADING
            in_parts = False
        else:
            kind = ITEM
            in_parts = False
        if kind == ITEM:
            parent = r
        rows.append(TableRow(r, label.strip(), key, kind, parent if kind == PART else None, code, unit))
    return tuple(rows)
