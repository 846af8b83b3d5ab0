"""Rosters (花名册) and ledgers (台帐): one row per person or per loan, aggregated into actuals.

A single pass over the sheet's grid counts people (each 身份证号 once), sums an amount column
and counts per category (金蓝领/阳光/雨露), checking every ID on the way. Problems name the cell
and show the ID masked (first 6 and last 4 kept).

The ID rules are :mod:`.idcard`'s; an ID written both ways (15 and 18 digits) counts once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from itertools import islice

from attrs import define, field

from ..model import Problem, Provenance, Severity, Value, ValueStatus
from . import _accel
from .amounts import _parse_text, decimal_from_float, unit_info
from .cells import cell_flag_problem
from .idcard import _ID_CHARS, _plain_id_reason, _ymd, check_id, mask_id
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
    from .reporter import parse_date

    sheet = table.sheet
    grid = sheet.grid()
    flags = sheet.flags
    id_col = table.column(id_column)
    assert id_col is not None
    amt_col = table.column(amount_column) if amount_column else None
    cat_col = table.column(category_column) if category_column else None
    date_col = table.column(date_column) if date_column else None
    unit = amount_unit or (amt_col.unit if amt_col else None) or table.unit
    factor = Decimal(1)
    if amt_col is not None and unit and to_unit and squash(unit) != squash(to_unit):
        src, dst = unit_info(unit), unit_info(to_unit)
        if src is None or dst is None or src[0] != dst[0]:
            raise ValueError(f"cannot convert {unit} to {to_unit}")
        factor = Decimal(src[1]) / Decimal(dst[1])
    cats = [(key, [squash(w) for w in words]) for key, words in (categories or {}).items()]
    as_of = as_of or dt.date.today()

    roster = Roster(sheet=sheet.name, file=sheet.file)
    if amt_col is not None:
        roster.amount = Decimal(0)
    for key, _ in cats:
        roster.by_category[key] = 0
        if amt_col is not None:
            roster.amount_by_category[key] = Decimal(0)
    problems = roster.problems
    seen: dict[str, int] = {}
    cat_cache: dict[str, str | None] = {}
    #: parse_date's answer per str/int/float date value (many rows share a date)
    date_cache: dict[object, dt.date | None] = {}
    #: the amount (times ``factor``) per float amount cell value
    amount_cache: dict[float, Decimal] = {}
    first_row = last_row = None
    ic, ac = id_col.index, (amt_col.index if amt_col else -1)
    cc, dc = (cat_col.index if cat_col else -1), (date_col.index if date_col else -1)
    start = table.header_last + 1
    end = len(grid)
    footer = tuple(table.stop_at)
    as_of_ymd = _ymd(as_of)
    plain_reason = _plain_id_reason
    by_category = roster.by_category
    amount_by_category = roster.amount_by_category
    total = roster.amount
    rows = counted = 0
    date_type = dt.date
    seen_setdefault = seen.setdefault
    cat_get = cat_cache.get
    date_get = date_cache.get

    def where(r: int, c: int) -> Provenance:
        ref = cell_ref(r, c)
        return source(sheet.name, ref) if source is not None else sheet.provenance(ref)

    def prob(code: str, message: str, r: int, c: int, severity: Severity = Severity.ERROR) -> None:
        problems.append(Problem.at(code, message, where(r, c), severity=severity))

    # the common rows (a plain valid new ID, a date in the year, a known category, no amount)
    # counted in C, as this loop counts them; every other row is left to the loop
    common = (
        _accel.scans.roster_rows
        if _accel.scans is not None
        and type(grid) is list
        and ac < 0
        and (not cats or cc >= 0)
        and (dc < 0 or year is not None)
        else None
    )
    as_of_number = int(as_of_ymd)
    rows_iter = enumerate(islice(grid, start, end), start)
    norm: str | None
    reason: str | None
    for r, line in rows_iter:
        if common is not None:
            done = common(
                grid, r, end, ic, dc, cc, year if dc >= 0 else 0, as_of_number, seen,
                cat_cache if cats else None, by_category,
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
        # a plain ID (17 ASCII digits and a digit or X) is neither blank nor a footer text and
        # needs no normalising: check_id's fast path, inline
        plain = (
            type(raw_id) is str
            and len(raw_id) == 18
            and raw_id.isascii()
            and (raw_id.isdigit() or (raw_id[17] == "X" and raw_id[:17].isdigit()))
        )
        if not plain:
            if raw_id == "" or raw_id is None:
                if not any(v != "" for v in line):
                    continue
                texts = "".join(v for v in line if isinstance(v, str))
                if any(w in texts for w in footer) or _NOTE.match(squash(texts)):
                    break  # 填表人/报出日期 or a footnote (注：…): the roster has ended
                if any(w in texts for w in ("合计", "小计", "总计")):
                    continue
                if flags and (r, ic) in flags:
                    problems.append(cell_flag_problem(flags[(r, ic)], where(r, ic)))
                    continue
                prob("missing-id", f"第 {r + 1} 行没有填身份证号，未计入；请补填。", r, ic)
                continue
            if isinstance(raw_id, str) and not _ID_CHARS.issuperset(raw_id):
                texts = "".join(v for v in line if isinstance(v, str))
                if any(w in texts for w in footer) or _NOTE.match(squash(texts)):
                    break  # 填表人/报出日期 or 注： in the ID column: the roster has ended
        rows += 1
        if first_row is None:
            first_row = r
        last_row = r
        if dc >= 0:
            try:
                raw_date = line[dc]
            except IndexError:
                raw_date = ""
            kind = type(raw_date)
            # the usual cell, a date (parse_date gives it back) in the year, needs nothing more
            if not (kind is date_type and raw_date.year == year):
                if kind is date_type:
                    when = raw_date
                elif kind is str or kind is float or kind is int:
                    # equal values of these types are the same date to parse_date (39447 and
                    # 39447.0; no bool here: True == 1 but is no date)
                    when = date_get(raw_date, _UNSEEN)
                    if when is _UNSEEN:
                        when = parse_date(raw_date) if raw_date != "" else None
                        if len(date_cache) < 50_000:
                            date_cache[raw_date] = when
                else:
                    when = parse_date(raw_date) if raw_date != "" else None
                if when is None:
                    prob(
                        "bad-date",
                        f"第 {r + 1} 行的日期“{raw_date}”无法识别，该行未计入；请写成 2007-12-31。",
                        r,
                        dc,
                    )
                    continue
                if year is not None and when.year != year:
                    prob(
                        "out-of-year",
                        f"第 {r + 1} 行的日期 {when.isoformat()} 不在 {year} 年，未计入本年。",
                        r,
                        dc,
                        Severity.INFO,
                    )
                    continue
        if plain:
            reason = plain_reason(raw_id, as_of_ymd)
            norm = raw_id if reason is None else None
        else:
            norm, reason = check_id(raw_id, as_of)
        if norm is None or seen_setdefault(norm, r) != r:  # invalid, or seen on an earlier row
            shown = (
                mask_id(str(raw_id).strip())
                if not isinstance(raw_id, float)
                else mask_id(format(raw_id, ".0f"))
            )
            if norm is None:
                prob(
                    "invalid-id",
                    f"第 {r + 1} 行的身份证号 {shown} 有误：{reason}；"
                    + ("已计入，请核实更正。" if count_invalid else "该行未计入，请核实更正后重新报送。"),
                    r,
                    ic,
                )
                if not count_invalid:
                    continue
                norm = f"invalid:{raw_id}"
            if norm in seen:
                prob(
                    "duplicate-id",
                    f"第 {r + 1} 行的身份证号 {mask_id(norm) if not norm.startswith('invalid:') else shown} "
                    f"与第 {seen[norm] + 1} 行重复，只计一次；请核实是否重复录入。",
                    r,
                    ic,
                    Severity.WARNING,
                )
                continue
            seen[norm] = r
        category: str | None = None
        if cats:
            if cc >= 0:
                try:
                    raw_cat = line[cc]
                except IndexError:
                    raw_cat = ""
            else:
                raw_cat = ""
            text = raw_cat if type(raw_cat) is str or isinstance(raw_cat, str) else str(raw_cat)
            cached = cat_get(text, _UNSEEN)
            if cached is _UNSEEN:
                key_text = squash(text)
                category = next((k for k, words in cats if any(w in key_text for w in words)), None)
                cat_cache[text] = category
            else:
                category = cached  # type: ignore[assignment]  # a cached str or None
            if category is None:
                prob(
                    "unknown-category",
                    f"第 {r + 1} 行的类别“{text}”不属于任何统计类别，未分类计数；请按规定类别填写。",
                    r,
                    cc,
                    Severity.WARNING,
                )
        amount = None
        if ac >= 0:
            if flags and (r, ac) in flags:
                problems.append(cell_flag_problem(flags[(r, ac)], where(r, ac)))
                del seen[norm]
                continue
            try:
                raw_amt = line[ac]
            except IndexError:
                raw_amt = ""
            if type(raw_amt) is float and raw_amt in amount_cache:
                amount = amount_cache[raw_amt]
            else:
                if isinstance(raw_amt, float):
                    amount = decimal_from_float(raw_amt)
                elif isinstance(raw_amt, int) and not isinstance(raw_amt, bool):
                    amount = Decimal(raw_amt)
                elif isinstance(raw_amt, str):
                    status, parsed, mult, stated = _parse_text(raw_amt)
                    if status == "ok" and parsed is not None and stated in (None, unit) and mult == 1:
                        amount = parsed
                if amount is None:
                    prob(
                        "not-a-number",
                        f"第 {r + 1} 行的金额“{raw_amt}”不是数字，该行未计入；请填写数值。",
                        r,
                        ac,
                    )
                    del seen[norm]
                    continue
                amount *= factor
                if type(raw_amt) is float and len(amount_cache) < 50_000:
                    amount_cache[raw_amt] = amount
        counted += 1
        if category is not None:
            by_category[category] += 1
        if amount is not None:
            total += amount  # type: ignore[operator]  # total is None only without an amount column
            if category is not None:
                amount_by_category[category] += amount
    roster.rows = rows
    roster.counted = counted
    roster.amount = total
    if first_row is not None and last_row is not None:
        roster.id_cells = f"{cell_ref(first_row, ic)}:{cell_ref(last_row, ic)}"
        if ac >= 0:
            roster.amount_cells = f"{cell_ref(first_row, ac)}:{cell_ref(last_row, ac)}"
        if cc >= 0:
            roster.category_cells = f"{cell_ref(first_row, cc)}:{cell_ref(last_row, cc)}"
    if roster.amount is not None:
        roster.amount = _tidy_sum(roster.amount)
        roster.amount_by_category = {k: _tidy_sum(v) for k, v in roster.amount_by_category.items()}
    return roster


def _tidy_sum(d: Decimal) -> Decimal:
    from .amounts import _tidy

    return _tidy(d)
