"""Rosters (花名册) and ledgers (台帐): one row per person or per loan, aggregated into actuals.

A single pass over the sheet's grid counts people (each 身份证号 once), sums an amount column
and counts per category (金蓝领/阳光/雨露), checking every ID on the way. Problems name the cell
and show the ID masked (first 6 and last 4 kept).

The ID rules are :mod:`.idcard`'s; an ID written both ways (15 and 18 digits) counts once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from itertools import islice
from typing import Any

from attrs import define, field

from ..model import Problem, Provenance, Severity, Value, ValueStatus
from . import _accel
from .amounts import _parse_text, decimal_from_float, unit_info
from .cells import cell_flag_problem
from .idcard import _ID_CHARS, _plain_id_reason, _ymd, check_id, is_plain_id, mask_id
from .refs import cell_ref
from .tables import _NOTE, Source, Table
from .text import squash

_UNSEEN = object()  # the caches' default for "not looked up yet" (None is an answer)


@define
class Roster:
    """What :func:`read_roster` found: counts, amounts, categories and problems.

    ``counted`` is the number of distinct valid IDs counted; ``by_category`` counts them per
    category key; ``amount`` sums the amount column over counted rows (``None`` when no amount
    column was read). ``id_cells`` and ``amount_cells`` are the ranges read, for provenance.
    """

    sheet: str
    file: str
    rows: int = 0
    counted: int = 0
    amount: Decimal | None = None
    by_category: dict[str, int] = field(factory=dict)
    amount_by_category: dict[str, Decimal] = field(factory=dict)
    problems: list[Problem] = field(factory=list)
    id_cells: str = ""
    amount_cells: str = ""
    category_cells: str = ""

    def _prov(self, cells: str, source: Source | None) -> Provenance:
        if source is not None:
            return source(self.sheet, cells)
        return Provenance(file=self.file, sheet=self.sheet, cell=cells)

    def count_value(self, *categories: str, source: Source | None = None) -> Value:
        """The count of all rows counted, or of the given categories together, as a reported value
        located at the ID column (all) or the category column (categories)."""
        n = self.counted if not categories else sum(self.by_category.get(c, 0) for c in categories)
        cells = self.id_cells if not categories else (self.category_cells or self.id_cells)
        return Value(ValueStatus.REPORTED, Decimal(n), self._prov(cells, source), f"花名册 {self.rows} 行")

    def amount_value(self, category: str | None = None, *, source: Source | None = None) -> Value:
        """The summed amount (in the ``to_unit`` asked for) located at the amount column."""
        amount = self.amount if category is None else self.amount_by_category.get(category, Decimal(0))
        if amount is None:
            return Value(ValueStatus.MISSING, None, self._prov(self.amount_cells, source))
        return Value(
            ValueStatus.REPORTED, amount, self._prov(self.amount_cells, source), f"台帐 {self.rows} 行"
        )


def read_roster(
    table: Table,
    *,
    id_column: str,
    amount_column: str | None = None,
    amount_unit: str | None = None,
    to_unit: str | None = None,
    category_column: str | None = None,
    categories: Mapping[str, Iterable[str]] | None = None,
    date_column: str | None = None,
    year: int | None = None,
    as_of: dt.date | None = None,
    count_invalid: bool = False,
    source: Source | None = None,
) -> Roster:
    """Aggregate a roster table in one pass.

    - ``id_column``: header text of the 身份证号 column; every row's ID is checked
      (``invalid-id``, ``missing-id``) and de-duplicated (``duplicate-id``; counted once, the
      first row wins). Rows with an invalid ID are not counted unless ``count_invalid``.
    - ``amount_column`` (optional): summed in Decimal; its unit is ``amount_unit`` or the
      header's (``贷款金额（元）``), converted to ``to_unit``; a bad amount is ``not-a-number``.
    - ``category_column`` + ``categories``: ``{"3.2.1": ["金蓝领"], ...}``; a row counts in the
      first category one of whose words its text contains; no match is ``unknown-category``.
    - ``date_column`` + ``year``: only rows dated in ``year`` count (``out-of-year`` rows are
      reported as information); an unreadable date is ``bad-date``.

    Problems carry the cell and, for IDs, the masked ID; they are in ``Roster.problems``.
    Blank rows and 合计/小计 rows are skipped.
    """
    roster = Roster(sheet=table.sheet.name, file=table.sheet.file)
    rows = _RosterRows(
        table,
        roster,
        id_column=id_column,
        amount_column=amount_column,
        amount_unit=amount_unit,
        to_unit=to_unit,
        category_column=category_column,
        categories=categories,
        date_column=date_column,
        year=year,
        as_of=as_of or dt.date.today(),
        count_invalid=count_invalid,
        source=source,
    )
    rows.read(roster)
    return roster


#: what :meth:`_RosterRows.unusual_row` says of a row whose ID cell is not a plain ID
_SKIP = "skip"  # blank, 合计/小计, or no ID (reported): not a person
_END = "end"  # 填表人/报出日期 or a footnote: the roster has ended
_TOTAL_WORDS = ("合计", "小计", "总计")


def _cell(line: list[object], c: int) -> object:
    try:
        return line[c]
    except IndexError:
        return ""


def _texts(line: list[object]) -> str:
    return "".join(v for v in line if isinstance(v, str))


def _unit_factor(unit: str | None, to_unit: str | None) -> Decimal:
    """What an amount in ``unit`` is multiplied by to be in ``to_unit`` (1 when either is unset)."""
    if not unit or not to_unit or squash(unit) == squash(to_unit):
        return Decimal(1)
    src, dst = unit_info(unit), unit_info(to_unit)
    if src is None or dst is None or src[0] != dst[0]:
        raise ValueError(f"cannot convert {unit} to {to_unit}")
    return Decimal(src[1]) / Decimal(dst[1])


def _amount_of(raw: object, unit: str | None) -> Decimal | None:
    """An amount cell's number in its column's unit, or None when it is not a number."""
    if isinstance(raw, float):
        return decimal_from_float(raw)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return Decimal(raw)
    if isinstance(raw, str):
        status, parsed, mult, stated = _parse_text(raw)
        if status == "ok" and parsed is not None and stated in (None, unit) and mult == 1:
            return parsed
    return None


class _RosterRows:
    """One pass over a roster's rows: the columns, the settings and the caches, with a method for
    each thing a row is asked (has the roster ended? is it dated in the year? whose ID, counted
    or not? which category? what amount?). :meth:`read` is the loop."""

    __slots__ = (
        "ac", "amount_cache", "as_of", "as_of_ymd", "cat_cache", "cats", "cc", "count_invalid",
        "date_cache", "dc", "factor", "flags", "footer", "grid", "ic", "parse_date", "problems",
        "seen", "sheet", "source", "start", "unit", "year",
    )  # fmt: skip

    def __init__(
        self,
        table: Table,
        roster: Roster,
        *,
        id_column: str,
        amount_column: str | None,
        amount_unit: str | None,
        to_unit: str | None,
        category_column: str | None,
        categories: Mapping[str, Iterable[str]] | None,
        date_column: str | None,
        year: int | None,
        as_of: dt.date,
        count_invalid: bool,
        source: Source | None,
    ) -> None:
        from .reporter import parse_date

        self.parse_date = parse_date
        self.sheet = table.sheet
        self.grid = self.sheet.grid()
        self.flags = self.sheet.flags
        self.problems = roster.problems
        self.source = source
        id_col = table.column(id_column)
        assert id_col is not None
        amt_col = table.column(amount_column) if amount_column else None
        cat_col = table.column(category_column) if category_column else None
        date_col = table.column(date_column) if date_column else None
        self.ic = id_col.index
        self.ac = amt_col.index if amt_col else -1
        self.cc = cat_col.index if cat_col else -1
        self.dc = date_col.index if date_col else -1
        self.unit = amount_unit or (amt_col.unit if amt_col else None) or table.unit
        self.factor = _unit_factor(self.unit, to_unit) if amt_col is not None else Decimal(1)
        self.cats = [(key, [squash(w) for w in words]) for key, words in (categories or {}).items()]
        self.year = year
        self.as_of = as_of
        self.as_of_ymd = _ymd(as_of)
        self.count_invalid = count_invalid
        self.start = table.header_last + 1
        self.footer = tuple(table.stop_at)
        #: the row each ID counted was first seen on
        self.seen: dict[str, int] = {}
        #: the category key (or None) per category cell text
        self.cat_cache: dict[str, str | None] = {}
        #: parse_date's answer per str/int/float date value (many rows share a date)
        self.date_cache: dict[object, dt.date | None] = {}
        #: the amount (times ``factor``) per float amount cell value
        self.amount_cache: dict[float, Decimal] = {}
        if amt_col is not None:
            roster.amount = Decimal(0)
        for key, _ in self.cats:
            roster.by_category[key] = 0
            if amt_col is not None:
                roster.amount_by_category[key] = Decimal(0)

    def read(self, roster: Roster) -> None:
        """Read every row after the header into ``roster``."""
        grid, ic, dc, ac, cats = self.grid, self.ic, self.dc, self.ac, self.cats
        end = len(grid)
        common = self._common_rows()
        rows = counted = 0
        first_row = last_row = None
        by_category = roster.by_category
        amount_by_category = roster.amount_by_category
        total = roster.amount
        rows_iter = enumerate(islice(grid, self.start, end), self.start)
        for r, line in rows_iter:
            if common is not None:
                done = common(
                    grid, r, end, ic, dc, self.cc, self.year if dc >= 0 else 0, int(self.as_of_ymd),
                    self.seen, self.cat_cache if cats else None, by_category,
                )  # fmt: skip
                if done:
                    if first_row is None:
                        first_row = r
                    last_row = r + done - 1
                    rows += done
                    counted += done
                    if done > 1:  # past the rows counted (this one included)
                        next(islice(rows_iter, done - 1, done - 1), None)
                    continue
            try:
                raw_id = line[ic]
            except IndexError:
                raw_id = ""
            plain = is_plain_id(raw_id)
            if not plain:
                fate = self.unusual_row(r, line, raw_id)
                if fate is _END:
                    break
                if fate is _SKIP:
                    continue
            rows += 1
            if first_row is None:
                first_row = r
            last_row = r
            if dc >= 0 and not self.dated_in_year(r, line):
                continue
            person = self.person(r, raw_id, plain)
            if person is None:
                continue
            category = self.category(r, line) if cats else None
            amount = None
            if ac >= 0:
                amount = self.amount(r, line)
                if amount is None:
                    del self.seen[person]
                    continue
            counted += 1
            if category is not None:
                by_category[category] += 1
            if amount is not None:
                total += amount  # type: ignore[operator]  # total is None only without an amount column
                if category is not None:
                    amount_by_category[category] += amount
        self._finish(roster, rows, counted, total, first_row, last_row)

    def _common_rows(self) -> Callable[..., int] | None:
        """The C count of the common rows (a plain valid new ID, a date in the year, a known
        category, no amount column), counted as :meth:`read` counts them, or None."""
        usable = (
            type(self.grid) is list
            and self.ac < 0
            and (not self.cats or self.cc >= 0)
            and (self.dc < 0 or self.year is not None)
        )
        return _accel.scans.roster_rows if _accel.scans is not None and usable else None

    def _where(self, r: int, c: int) -> Provenance:
        ref = cell_ref(r, c)
        return self.source(self.sheet.name, ref) if self.source is not None else self.sheet.provenance(ref)

    def problem(self, code: str, message: str, r: int, c: int, severity: Severity = Severity.ERROR) -> None:
        self.problems.append(Problem.at(code, message, self._where(r, c), severity=severity))

    def _flagged(self, r: int, c: int) -> bool:
        """Whether the cell holds an error value or the like (reported once here)."""
        flags = self.flags
        if flags and (r, c) in flags:
            self.problems.append(cell_flag_problem(flags[(r, c)], self._where(r, c)))
            return True
        return False

    def _ends_roster(self, texts: str) -> bool:
        """Whether a row's texts are 填表人/报出日期 or a footnote (注：…)."""
        return any(w in texts for w in self.footer) or _NOTE.match(squash(texts)) is not None

    def unusual_row(self, r: int, line: list[object], raw_id: object) -> str | None:
        """A row whose ID is not a plain ID: _END (填表人/报出日期 or 注：…), _SKIP (blank, a total
        row, no ID: reported) or None (a person's row with an ID to check)."""
        if raw_id == "" or raw_id is None:
            if not any(v != "" for v in line):
                return _SKIP
            texts = _texts(line)
            if self._ends_roster(texts):
                return _END
            if any(w in texts for w in _TOTAL_WORDS):
                return _SKIP
            if not self._flagged(r, self.ic):
                self.problem("missing-id", f"第 {r + 1} 行没有填身份证号，未计入；请补填。", r, self.ic)
            return _SKIP
        if isinstance(raw_id, str) and not _ID_CHARS.issuperset(raw_id) and self._ends_roster(_texts(line)):
            return _END  # 填表人/报出日期 or 注： in the ID column
        return None

    def dated_in_year(self, r: int, line: list[object]) -> bool:
        """Whether the row's date is in the year (else reported: ``bad-date``, ``out-of-year``)."""
        raw_date = _cell(line, self.dc)
        kind = type(raw_date)
        year = self.year
        if kind is dt.date:
            if raw_date.year == year:  # type: ignore[attr-defined]  # a date
                return True  # the usual cell: nothing more to do
            when = raw_date
        elif kind is str or kind is float or kind is int:
            # equal values of these types are the same date to parse_date (39447 and 39447.0; no
            # bool here: True == 1 but is no date)
            when = self.date_cache.get(raw_date, _UNSEEN)
            if when is _UNSEEN:
                when = self.parse_date(raw_date) if raw_date != "" else None
                if len(self.date_cache) < 50_000:
                    self.date_cache[raw_date] = when
        else:
            when = self.parse_date(raw_date) if raw_date != "" else None
        if when is None:
            self.problem(
                "bad-date",
                f"第 {r + 1} 行的日期“{raw_date}”无法识别，该行未计入；请写成 2007-12-31。",
                r,
                self.dc,
            )
            return False
        if year is not None and when.year != year:  # type: ignore[attr-defined]  # a date
            self.problem(
                "out-of-year",
                f"第 {r + 1} 行的日期 {when.isoformat()} 不在 {year} 年，未计入本年。",  # type: ignore[attr-defined]
                r,
                self.dc,
                Severity.INFO,
            )
            return False
        return True

    def person(self, r: int, raw_id: Any, plain: bool) -> str | None:
        """The key the row's person is counted under (the normalised ID), or None when the row is
        not counted: an invalid ID (``invalid-id``; counted under ``invalid:…`` with
        ``count_invalid``) or one seen on an earlier row (``duplicate-id``)."""
        if plain:
            reason = _plain_id_reason(raw_id, self.as_of_ymd)
            norm: str | None = raw_id if reason is None else None
        else:
            norm, reason = check_id(raw_id, self.as_of)
        seen = self.seen
        if norm is not None and seen.setdefault(norm, r) == r:
            return norm  # a valid ID not seen before: the usual row
        shown = (
            mask_id(str(raw_id).strip()) if not isinstance(raw_id, float) else mask_id(format(raw_id, ".0f"))
        )
        if norm is None:
            self.problem(
                "invalid-id",
                f"第 {r + 1} 行的身份证号 {shown} 有误：{reason}；"
                + ("已计入，请核实更正。" if self.count_invalid else "该行未计入，请核实更正后重新报送。"),
                r,
                self.ic,
            )
            if not self.count_invalid:
                return None
            norm = f"invalid:{raw_id}"
        if norm in seen:
            self.problem(
                "duplicate-id",
                f"第 {r + 1} 行的身份证号 {mask_id(norm) if not norm.startswith('invalid:') else shown} "
                f"与第 {seen[norm] + 1} 行重复，只计一次；请核实是否重复录入。",
                r,
                self.ic,
                Severity.WARNING,
            )
            return None
        seen[norm] = r
        return norm

    def category(self, r: int, line: list[object]) -> str | None:
        """The category key of the row: the first whose words its text contains; None (reported:
        ``unknown-category``) when there is none."""
        raw_cat = _cell(line, self.cc) if self.cc >= 0 else ""
        text = raw_cat if isinstance(raw_cat, str) else str(raw_cat)
        category = self.cat_cache.get(text, _UNSEEN)
        if category is _UNSEEN:
            key_text = squash(text)
            category = next((k for k, words in self.cats if any(w in key_text for w in words)), None)
            self.cat_cache[text] = category
        if category is None:
            self.problem(
                "unknown-category",
                f"第 {r + 1} 行的类别“{text}”不属于任何统计类别，未分类计数；请按规定类别填写。",
                r,
                self.cc,
                Severity.WARNING,
            )
        return category  # type: ignore[return-value]  # a cached str or None

    def amount(self, r: int, line: list[object]) -> Decimal | None:
        """The row's amount in ``to_unit``, or None when the row is not counted: an error cell or
        not a number (``not-a-number``)."""
        ac = self.ac
        if self._flagged(r, ac):
            return None
        raw_amt = _cell(line, ac)
        if type(raw_amt) is float:
            cached = self.amount_cache.get(raw_amt)
            if cached is not None:
                return cached
        amount = _amount_of(raw_amt, self.unit)
        if amount is None:
            self.problem(
                "not-a-number", f"第 {r + 1} 行的金额“{raw_amt}”不是数字，该行未计入；请填写数值。", r, ac
            )
            return None
        amount *= self.factor
        if type(raw_amt) is float and len(self.amount_cache) < 50_000:
            self.amount_cache[raw_amt] = amount
        return amount

    def _finish(
        self,
        roster: Roster,
        rows: int,
        counted: int,
        total: Decimal | None,
        first: int | None,
        last: int | None,
    ) -> None:
        roster.rows = rows
        roster.counted = counted
        if first is not None and last is not None:
            roster.id_cells = f"{cell_ref(first, self.ic)}:{cell_ref(last, self.ic)}"
            if self.ac >= 0:
                roster.amount_cells = f"{cell_ref(first, self.ac)}:{cell_ref(last, self.ac)}"
            if self.cc >= 0:
                roster.category_cells = f"{cell_ref(first, self.cc)}:{cell_ref(last, self.cc)}"
        if total is not None:
            roster.amount = _tidy_sum(total)
            roster.amount_by_category = {k: _tidy_sum(v) for k, v in roster.amount_by_category.items()}


def _tidy_sum(d: Decimal) -> Decimal:
    from .amounts import _tidy

    return _tidy(d)
