"""Helpers for the layouts counties really send, on top of :func:`~minsheng.sheets.find_table`.

- indicators in columns, townships or units as rows, the county figure in a 合计/全县 row:
  :func:`indicator_columns` and :func:`read_columns` (with :meth:`Table.total_row`);
- period columns (1月…12月, 一季度…四季度, 上半年/下半年) with or without an annual or 累计
  column: :func:`period_columns` and :func:`period_value`;
- a long list, one row per item or per person, summed by a category column:
  :func:`sum_by_category`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from attrs import frozen

from ..model import Problem, Provenance, Scheme, Severity, Value, ValueStatus
from .amounts import parse_number
from .errors import SheetError
from .refs import cell_ref
from .tables import HEADING, ITEM, PART, SUBTOTAL, TOTAL, Column, Source, Table, TableRow
from .text import label_key, squash

MONTH, QUARTER, HALF = "month", "quarter", "half"
_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_MONTH = re.compile(r"^(\d{1,2}|[一二三四五六七八九十]|十[一二])月份?$")
_QUARTER = re.compile(r"^第?([1-4一二三四])季度?$")
_HALVES = {"上半年": 1, "下半年": 2}
_RANGE = re.compile(r"^1[-－—~～至到]1?\d月(?:份)?(?:累计|合计)?$")
TOTAL_PERIOD_WORDS = ("累计", "合计", "全年", "本年")


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text.startswith("十") and len(text) == 2:
        return 10 + _CN[text[1]]
    return _CN[text]


def _period(part: str) -> tuple[str, int] | None:
    if m := _MONTH.match(part):
        n = _number(m.group(1))
        return (MONTH, n) if 1 <= n <= 12 else None
    if m := _QUARTER.match(part):
        return QUARTER, _number(m.group(1))
    if part in _HALVES:
        return HALF, _HALVES[part]
    return None


def _is_total(part: str) -> bool:
    if any(w in part for w in ("计划", "目标", "任务", "上年", "同期")):
        return False  # 本年计划, 上年同期累计: not this year's figure
    return bool(_RANGE.match(part)) or any(w in part for w in TOTAL_PERIOD_WORDS)


@frozen
class Periods:
    """The period columns of a table: ``parts`` in order (months, quarters or halves: ``kind``)
    and ``total``, the annual or 累计 column, if the table has one."""

    kind: str
    parts: tuple[Column, ...]
    total: Column | None = None


def period_columns(table: Table, *within: str, total: Sequence[str] | None = None) -> Periods:
    """The period columns of ``table``, among the columns whose header path contains every text
    of ``within`` (``period_columns(table, "完成情况")``; all columns when none is given).

    Months win over quarters and quarters over halves when a header has several. The total is
    the first other column whose last header part says 累计, 合计, 全年, 本年 or 1-12月, or the
    column ``table.column(*total)`` when ``total`` is given. Raises
    ``SheetError("plugin-header-mismatch")`` when no column is a period.
    """
    wanted = [squash(t) for t in within]
    columns = [
        c for c in table.columns if c.index != table.label_col and all(w in squash(c.path) for w in wanted)
    ]
    found: dict[str, list[tuple[int, Column]]] = {}
    for c in columns:
        if (p := _period(c.parts[-1])) is not None:
            found.setdefault(p[0], []).append((p[1], c))
    kind = next((k for k in (MONTH, QUARTER, HALF) if k in found), None)
    if kind is None:
        raise SheetError(
            "plugin-header-mismatch",
            f"插件的表头设置与报表不符：工作表“{table.sheet.name}”的表头中没有按月、季度或半年分的栏目"
            f"（现有：{'、'.join(c.path for c in table.columns)}）。请把此信息转给插件的维护人员，按报表的表头改正插件。",
            table.sheet.file,
            sheet=table.sheet.name,
        )
    parts = tuple(c for _, c in sorted(found[kind], key=lambda nc: (nc[0], nc[1].index)))
    used = {c.index for cs in found.values() for _, c in cs}
    if total is not None:
        total_col = table.column(*total)
    else:
        candidates = [c for c in columns if c.index not in used and _is_total(c.parts[-1])]
        after = [c for c in candidates if c.index > parts[-1].index]  # 全年 is written after the periods
        total_col = (after or candidates)[0] if candidates else None
    return Periods(kind, parts, total_col)


def _span(table: Table, r: int, first: int, last: int, source: Source | None) -> Provenance:
    ref = f"{cell_ref(r, first)}:{cell_ref(r, last)}" if first != last else cell_ref(r, first)
    return source(table.sheet.name, ref) if source is not None else table.sheet.provenance(ref)


def period_value(
    table: Table,
    row: TableRow,
    periods: Periods | None = None,
    *,
    to_unit: str | None = None,
    source: Source | None = None,
    problems: list[Problem] | None = None,
    tolerance: Decimal = Decimal("0.0001"),
) -> Value:
    """The year's value of one row of a table with period columns.

    With an annual or 累计 column: that column's value; when the parts are written too and do not
    add up to it, a ``period-sum-mismatch`` warning naming both cells goes to ``problems``.
    Without one: the sum of the parts written, located at their range (``B5:M5``); parts left
    blank are periods not reported yet, parts written as "—" do not count. A part that is not a
    number makes the sum MISSING (its problem is reported); no part written is MISSING.
    """
    periods = periods or period_columns(table)
    own: list[Problem] = []
    parts = [table.value(row, c, to_unit=to_unit, source=source, problems=own) for c in periods.parts]
    reported = [v.amount for v in parts if v.amount is not None]
    where = _span(table, row.index, periods.parts[0].index, periods.parts[-1].index, source)
    unit = to_unit or ""
    if periods.total is not None:
        total = table.value(row, periods.total, to_unit=to_unit, source=source, problems=own)
        if (
            total.amount is not None
            and reported
            and abs(sum(reported, Decimal(0)) - total.amount) > tolerance
        ):
            own.append(
                Problem.at(
                    "period-sum-mismatch",
                    f"第 {row.number} 行“{row.label}”的“{periods.total.path}”（{total.provenance.cell}）为 "
                    f"{total.amount}{unit}，但各期（{where.cell}）之和为 {sum(reported, Decimal(0))}{unit}；"
                    f"取“{periods.total.path}”的数，请核对后改正。",
                    total.provenance,
                    severity=Severity.WARNING,
                )
            )
        if problems is not None:
            problems.extend(own)
        return total
    if problems is not None:
        problems.extend(own)
    if any(v.status is ValueStatus.MISSING and v.raw is not None for v in parts):
        return Value.missing(where)  # the part's own problem says which cell
    if reported:
        return Value(ValueStatus.REPORTED, sum(reported, Decimal(0)), where, f"{len(reported)} 期之和")
    if parts and all(v.status is ValueStatus.NOT_APPLICABLE for v in parts):
        return Value.not_applicable(where, "—")
    return Value.missing(where)


def indicator_columns(table: Table, scheme: Scheme) -> dict[str, Column]:
    """Every scheme indicator that has a column of its own, by code: a column whose last header
    part (unit left out) is the indicator's code, name or one of its aliases, compared after
    :func:`~minsheng.sheets.label_key` normalisation."""
    by_key: dict[str, Column] = {}
    for c in table.columns:
        if c.index == table.label_col:
            continue
        for key in (label_key(c.parts[-1]), label_key(c.path)):
            by_key.setdefault(key, c)
    out: dict[str, Column] = {}
    for ind in scheme.indicators:
        for name in (ind.code, ind.name, *ind.aliases):
            column = by_key.get(label_key(name)) if name != ind.code else by_key.get(name)
            if column is not None:
                out[ind.code] = column
                break
    return out


def read_columns(
    table: Table,
    scheme: Scheme,
    row: TableRow | None = None,
    *,
    source: Source | None = None,
    problems: list[Problem] | None = None,
) -> dict[str, Value]:
    """The values of a table whose columns are indicators, from one row: by default the county's
    row (:meth:`Table.total_row`, the 合计 or 全县 row), each in its indicator's unit (the unit in
    the column header, ``（万元）``, converted). Raises ``SheetError("total-row-not-found")`` when
    no row is given and the table has no 合计/全县 row."""
    if row is None:
        row = table.total_row()
        if row is None:
            raise SheetError(
                "total-row-not-found",
                f"工作表“{table.sheet.name}”的表中没有“合计”或“全县”行，取不到全县的数；"
                "请在各乡镇（单位）的下面加上合计行后重新报送。",
                table.sheet.file,
                sheet=table.sheet.name,
            )
    return {
        code: table.value(row, column, to_unit=scheme.indicator(code).unit, source=source, problems=problems)
        for code, column in indicator_columns(table, scheme).items()
    }


_TOTAL_KEYS = frozenset(("合计", "总计", "小计", "全县", "全县合计"))


def _total_written(table: Table, row: TableRow) -> bool:
    """Whether a row of a list says 合计/小计 in any cell (a list's label column is often 序号)."""
    return any(label_key(c.text) in _TOTAL_KEYS for c in table.sheet.row(row.index) if c.text)


def sum_by_category(
    table: Table,
    category_column: str,
    categories: Mapping[str, Iterable[str]],
    *,
    amount_column: str | None = None,
    to_unit: str | None = None,
    source: Source | None = None,
    problems: list[Problem] | None = None,
) -> dict[str, Value]:
    """Count the rows of a long list (one row per item or per person) by category, or sum their
    ``amount_column`` (in ``to_unit``, from the unit in its header).

    ``categories`` is ``{key: [words]}``; a row belongs to the first key one of whose words its
    category text contains, and a row of no key is an ``unknown-category`` warning naming the
    cell. 合计/小计 and heading rows are not counted; an amount that is not a number is reported
    and left out. Every key gets a value (0 when no row has it), located at the column's range.
    """
    cat_col = table.column(category_column)
    amt_col = table.column(amount_column) if amount_column else None
    assert cat_col is not None
    words_of = {key: list(words) for key, words in categories.items()}
    cats = [(key, [squash(w) for w in words]) for key, words in words_of.items()]
    known = "、".join(w for words in words_of.values() for w in words)
    totals = {key: Decimal(0) for key, _ in cats}
    counts = dict.fromkeys(totals, 0)
    sheet = table.sheet
    rows = [r for r in table.rows if r.kind in (ITEM, PART) and not _total_written(table, r)]
    for row in rows:
        cell = sheet.cell(row.index, cat_col.index)
        text = squash(cell.text)
        key = next((k for k, words in cats if any(w in text for w in words)), None) if text else None
        if key is None:
            if problems is not None:
                ref = cell_ref(row.index, cat_col.index)
                prov = source(sheet.name, ref) if source is not None else sheet.provenance(ref)
                problems.append(
                    Problem.at(
                        "unknown-category",
                        (
                            f"第 {row.number} 行的类别“{cell.text}”"
                            if cell.text
                            else f"第 {row.number} 行没有填类别，"
                        )
                        + f"不属于任何统计类别（类别中应含有：{known}），未计入；请按规定类别填写。",
                        prov,
                        severity=Severity.WARNING,
                    )
                )
            continue
        counts[key] += 1
        if amt_col is not None:
            v = table.value(row, amt_col, to_unit=to_unit, source=source, problems=problems)
            if v.amount is not None:
                totals[key] += v.amount
    col = amt_col or cat_col
    first, last = (rows[0].index, rows[-1].index) if rows else (table.header_last + 1, table.header_last + 1)
    ref = f"{cell_ref(first, col.index)}:{cell_ref(last, col.index)}"
    where = source(sheet.name, ref) if source is not None else sheet.provenance(ref)
    if amt_col is None:
        return {
            k: Value(ValueStatus.REPORTED, Decimal(n), where, f"清单 {len(rows)} 行")
            for k, n in counts.items()
        }
    return {k: Value(ValueStatus.REPORTED, totals[k], where, f"清单 {len(rows)} 行") for k in totals}


def check_sums(
    table: Table,
    column: Column,
    *,
    source: Source | None = None,
    tolerance: Decimal = Decimal("0.0001"),
) -> list[Problem]:
    """Check one value column's arithmetic, as written (in the table's own units).

    - ``parts-exceed-total``: the 其中 parts of an item add up to more than the item;
    - ``subtotal-mismatch``: a 小计/合计 row differs from the sum of the item rows (of the same
      unit) since the previous heading, 小计 or 合计 row.

    Both are warnings: the county should check its arithmetic, the values read stay as they are.
    Rows whose value is not a number are left out of the sums.
    """
    sheet = table.sheet

    def amount(row: TableRow) -> Decimal | None:
        v = parse_number(sheet.cell(row.index, column.index))
        return v.amount if v.is_reported else None

    def prov(row: TableRow) -> Provenance:
        ref = cell_ref(row.index, column.index)
        return source(sheet.name, ref) if source is not None else sheet.provenance(ref)

    problems: list[Problem] = []
    items: list[TableRow] = []
    parts: dict[int, list[TableRow]] = {}
    for row in table.rows:
        if row.kind == PART and row.parent is not None and row.key:
            parts.setdefault(row.parent, []).append(row)
        elif row.kind == ITEM:
            items.append(row)
        elif row.kind == HEADING:
            items = []
        elif row.kind in (SUBTOTAL, TOTAL):
            total = amount(row)
            same = [amount(r) for r in items if r.unit == row.unit or row.unit is None]
            known = [a for a in same if a is not None]
            if total is not None and known and abs(sum(known, Decimal(0)) - total) > tolerance:
                problems.append(
                    Problem.at(
                        "subtotal-mismatch",
                        f"第 {row.number} 行“{row.label}”为 {total}，但上方各项之和为 {sum(known, Decimal(0))}；"
                        "请核对合计数。",
                        prov(row),
                        severity=Severity.WARNING,
                    )
                )
            items = []
    by_index = {r.index: r for r in table.rows}
    for parent_index, part_rows in parts.items():
        parent = by_index.get(parent_index)
        if parent is None:
            continue
        total = amount(parent)
        known = [a for a in (amount(r) for r in part_rows) if a is not None]
        if total is not None and known and sum(known, Decimal(0)) - total > tolerance:
            problems.append(
                Problem.at(
                    "parts-exceed-total",
                    f"第 {parent.number} 行“{parent.label}”为 {total}，其中各项之和 {sum(known, Decimal(0))} 超过了总数；"
                    "“其中”各项不能大于总数，请核对。",
                    prov(parent),
                    severity=Severity.WARNING,
                )
            )
    return problems


__all__ = [
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
]
