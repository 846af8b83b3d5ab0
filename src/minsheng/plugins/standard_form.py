"""The built-in plugin for the standard county submission form (``minsheng template``), and its reader.

Registered by module path as a default plugin, so the core reads its own form through the same
hooks as any county plugin. Reading uses only the sheet toolkit (:mod:`minsheng.sheets`,
calamine), so a county may re-save the form as .xls or .ods in WPS and it still reads; the reader
finds its places by the visible labels and headers the form prints (``县（市、区）：``, ``代码：``,
``序号``, ``累计完成``, ``指标代码``), not by addresses. The form is written by
:mod:`minsheng.workbooks.form`.
"""

from __future__ import annotations

import datetime as dt
import re
import weakref
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attrs import evolve, frozen

from ..calculators import CALCULATORS
from ..model import (
    Problem,
    Provenance,
    Reporter,
    Scheme,
    Severity,
    Submission,
    Value,
    ValueStatus,
)
from ..period import Period, PeriodError
from ..sheets.cells import value_text
from .hookspecs import hookimpl

if TYPE_CHECKING:  # pragma: no cover - typing only
    from ..sheets import Sheet
    from ..sheets import Workbook as Book
    from .context import ReadContext


HEADER_LABELS = {
    "序号": "seq",
    "指标": "name",
    "指标名称": "name",
    "计量单位": "unit",
    "年度目标": "target",
    "累计完成": "actual",
    "完成率": "rate",
    "自评分": "self",
    "备注": "note",
    "指标代码": "key",
}
ID_LABELS = {
    "县（市、区）": "county_name",
    "县（市、区）名称": "county_name",
    "代码": "county_code",
    "县（市、区）代码": "county_code",
    "行政区划代码": "county_code",
    "年度": "year",
    "方案": "scheme",
    "考核方案": "scheme",
    "填报单位（盖章）": "unit",
    "填报单位": "unit",
    "填报人": "person",
    "电话": "phone",
    "联系电话": "phone",
    "填报日期": "date",
    "单位负责人": "head",
    "统计负责人": "stat_head",
    "填表人": "filler",
    "报出日期": "submitted",
    "报告期": "period",
}
_LABEL = re.compile(r"^(?P<label>[^：]{1,12})：(?P<value>.*)$")
_KEY = re.compile(r"^\d+(\.[0-9A-Za-z]+)*(/[a-z_]+)?$")
HEADER_SCAN_ROWS = 30


def _norm(text: str) -> str:
    return (
        text.replace("(", "（")
        .replace(")", "）")
        .replace(":", "：")
        .replace(" ", "")
        .replace("\u3000", "")
        .strip()
    )


@frozen
class FormLayout:
    """Where a form's parts are: the sheet, the header row (0-based) and the columns by role."""

    sheet: str
    header_row: int
    columns: dict[str, int]
    labels: dict[str, tuple[str, str]]  # role → (value text, A1 ref of the value)


def _find_header(sheet: Sheet) -> tuple[int, dict[str, int]] | None:
    # the raw grid's texts, not Cell objects (a blank cell has no text and no role)
    rows = [
        [(col, text) for col, v in enumerate(line) if (text := value_text(v))]
        for line in sheet.grid()[:HEADER_SCAN_ROWS]
    ]
    for r, row in enumerate(rows):
        texts = {_norm(text): col for col, text in row}
        if "序号" in texts and ("指标" in texts or "指标名称" in texts):
            columns: dict[str, int] = {}
            for rr in rows[r : r + 3]:
                for col, text in rr:
                    role = HEADER_LABELS.get(_norm(text))
                    if role and role not in columns:
                        columns[role] = col
            if "actual" in columns:
                return r, columns
    return None


def _labels(sheet: Sheet, skip: range) -> dict[str, tuple[str, str]]:
    from ..sheets import cell_ref

    found: dict[str, tuple[str, str]] = {}
    # the raw grid, not Cell objects: this looks at every row of the sheet
    for r, line in enumerate(sheet.grid()):
        if r in skip:
            continue
        if not any(isinstance(v, str) and (":" in v or "：" in v) for v in line):
            continue  # no label on this line: a label is text ending in a colon (a number or date is none)
        cells = [(col, text) for col, v in enumerate(line) if (text := value_text(v))]
        used: set[int] = set()
        for i, (col, text) in enumerate(cells):
            if "：" not in text and ":" not in text:
                continue  # no label (a label ends in a colon, half- or full-width)
            m = _LABEL.match(_norm(text))
            if m is None or m.group("label") not in ID_LABELS:
                continue
            used.add(col)
            role = ID_LABELS[m.group("label")]
            if role in found:
                continue
            value, ref = m.group("value"), cell_ref(r, col)
            if not value and i + 1 < len(cells) and cells[i + 1][0] <= col + 3:
                nxt_col, nxt_text = cells[i + 1]
                if not _LABEL.match(_norm(nxt_text)):
                    value, ref = nxt_text, cell_ref(r, nxt_col)
                    used.add(nxt_col)
            found[role] = (value, ref)
        if used:
            _orphan_date(found, line, cells, used, r, skip)
    return found


def _orphan_date(
    found: dict[str, tuple[str, str]],
    line: list[Any],
    cells: list[tuple[int, str]],
    used: set[int],
    r: int,
    skip: range,
) -> None:
    """A date on a line of labels that no label claims: typed over the 填报日期 label (above the
    table: role ``date_cell``) or the 报出日期 label (below it: ``submitted_cell``)."""
    from ..sheets import cell_ref, parse_date

    role = "submitted_cell" if r >= skip.stop else "date_cell"
    for col, text in cells:
        if col in used or role in found:
            continue
        if isinstance(line[col], dt.date) or parse_date(text) is not None:
            found[role] = (text, cell_ref(r, col))


#: layouts found, per open workbook: the claim and the read of one file look once, not twice
_LAYOUTS: weakref.WeakKeyDictionary[Any, FormLayout | None] = weakref.WeakKeyDictionary()
_UNKNOWN = object()


def locate_form(book: Book) -> FormLayout | None:
    """The layout of the standard form in ``book``, or None when no sheet looks like one.

    Remembered per workbook object while it is alive (claiming and reading a file share it)."""
    try:
        layout = _LAYOUTS.get(book, _UNKNOWN)
    except TypeError:  # not weak-referenceable or not hashable: look every time
        return _locate_form(book)
    if layout is _UNKNOWN:
        layout = _LAYOUTS[book] = _locate_form(book)
    return layout  # type: ignore[return-value]


def _locate_form(book: Book) -> FormLayout | None:
    names = list(getattr(book, "visible_sheet_names", ())) or list(book.sheet_names)
    for name in names:
        sheet = book.sheet(name)
        hit = _find_header(sheet)
        if hit is None:
            continue
        header_row, columns = hit
        return FormLayout(name, header_row, columns, _labels(sheet, range(header_row, header_row + 3)))
    return None


#: the form's printed title (``2007年民生工程目标任务完成情况表``): one of its own markers
FORM_TITLE = "民生工程目标任务完成情况表"


def form_markers(book: Book, layout: FormLayout) -> list[str]:
    """The standard form's own markers found in ``book``: its title, its 指标代码 column and its
    identification line (方案 and 年度). A table that merely has 序号/指标/累计完成 columns (any
    county's own summary table) has none of them."""
    markers = []
    sheet = book.sheet(layout.sheet)
    head = "".join(_norm(value_text(v)) for line in sheet.grid()[: layout.header_row + 1] for v in line)
    if FORM_TITLE in head:
        markers.append("title")
    if "key" in layout.columns:
        markers.append("key")
    if "scheme" in layout.labels and "year" in layout.labels:
        markers.append("identification")
    return markers


def claim_form(book: Book) -> float | None:
    """How sure it is that ``book`` is the standard form: by the form's own markers (its title, its
    指标代码 column, its 方案/年度 identification), 0.6 for one, 0.75 for two, 0.9 for all three,
    and 0.1 more with a 6-digit county code. None without any marker, whatever columns it has:
    a county's own table with 序号 and 指标 belongs to its own plugin, and its 序号 are no
    indicator codes."""
    layout = locate_form(book)
    if layout is None:
        return None
    markers = form_markers(book, layout)
    if not markers:
        return None
    score = 0.45 + 0.15 * len(markers)
    code = layout.labels.get("county_code", ("", ""))[0]
    if re.fullmatch(r"\d{6}", code):
        score += 0.1
    return round(score, 2)


def _form_date(
    labels: dict[str, tuple[str, str]], roles: tuple[str, str], year: int, bad: Any
) -> dt.date | None:
    """The date of the first of ``roles`` (the label's value, then a date typed over the label)
    that is filled in; ``bad(text, ref)`` is called for one that cannot be read."""
    from ..sheets import parse_date

    for role in roles:
        text, ref = labels.get(role, ("", ""))
        if not text.strip():
            continue
        date = parse_date(text, year=year)
        if date is None:
            bad(text.strip(), ref)
        return date
    return None


def _input_unit(scheme: Scheme, key: str) -> str | None:
    code, _, item = key.partition("/")
    try:
        ind = scheme.indicator(code)
    except KeyError:
        return None
    calc = CALCULATORS.get(ind.calculator or "")
    if calc is None:
        return None
    for i in calc.items:
        if i.key == item:
            return i.unit
    return None


def read_form(path: str | Path, book: Book, context: Any) -> Submission:
    """Read a standard form into a Submission; every value carries its file, sheet and cell.

    Blank is MISSING (never 0), "—" is NOT_APPLICABLE; text where a number is due is MISSING
    with a ``not-a-number`` problem reported through ``context``. Raises
    :class:`minsheng.sheets.SheetError` when the file is not the form or names no county.
    """
    from ..sheets import SheetError, parse_number
    from ..sheets.reporter import bad_date_problem

    file = str(path)
    layout = locate_form(book)
    if layout is None:
        raise SheetError(
            "not-standard-form",
            "找不到标准报表的表头（序号、指标、累计完成）；请使用省里下发的报表样式报送。",
            file,
        )
    sheet = book.sheet(layout.sheet)
    problems: list[Problem] = []
    labels = layout.labels

    def label(role: str) -> str | None:
        value = labels.get(role, ("", ""))[0].strip()
        return value or None

    code = label("county_code")
    if code is None or not re.fullmatch(r"\d{6}", code):
        ref = labels.get("county_code", ("", None))[1]
        raise SheetError(
            "form-no-county",
            f"报表未填写有效的县（市、区）代码（6 位行政区划代码），实为“{code or '空白'}”；请补填后重新报送。",
            file,
            sheet=layout.sheet,
            cell=ref,
        )

    def report(p: Problem) -> None:
        problems.append(evolve(p, county=code))

    year_text = label("year")
    year = int(m.group(0)) if year_text and (m := re.search(r"\d{4}", year_text)) else None
    if year is None:
        year = context.year
        report(
            Problem.at(
                "form-no-year",
                f"报表未填写年度，按本次考核年度 {context.year} 读取；请核实。",
                context.provenance(layout.sheet, labels.get("year", ("", None))[1]),
                severity=Severity.WARNING,
            )
        )
    scheme: Scheme = context.scheme
    scheme_id = label("scheme")
    if scheme_id is not None and scheme_id != scheme.id:
        report(
            Problem.at(
                "form-scheme-mismatch",
                f"报表按考核方案“{scheme_id}”制作，本次考核使用“{scheme.id}”；指标按代码对应读取，请核实。",
                context.provenance(layout.sheet, labels["scheme"][1]),
                severity=Severity.WARNING,
            )
        )

    cols = layout.columns
    key_col = cols.get("key", cols["seq"])
    values: dict[str, Value] = {}
    self_scores: dict[str, Decimal] = {}
    self_cells: dict[str, Provenance] = {}
    codes = {ind.code: ind for ind in scheme.indicators}
    width = sheet.n_cols

    def text(r: int, col: int) -> str:  # Cell.text of the cell at (r, col), from the raw grid
        return value_text(sheet.value(r, col))

    # each row's texts from the raw grid; Cell objects only for the cells read as numbers
    for r in range(layout.header_row + 1, sheet.n_rows):
        key = _norm(text(r, key_col))
        if not key and "seq" in cols and key_col != cols["seq"]:
            key = _norm(text(r, cols["seq"]))
            if key not in codes:
                key = ""
        if not key or not _KEY.match(key) or key in values:
            continue
        ind = codes.get(key)
        stated = (text(r, cols["unit"]) or None) if "unit" in cols else None
        to_unit = ind.unit if ind is not None else _input_unit(scheme, key)
        if not 0 <= cols["actual"] < width:
            continue
        actual = sheet.cell(r, cols["actual"])
        values[key] = parse_number(
            actual,
            stated or to_unit,
            to_unit=to_unit,
            provenance=context.provenance(layout.sheet, actual.ref),
            problems=problems,
        )
        self_cell = sheet.cell(r, cols["self"]) if 0 <= cols.get("self", -1) < width else None
        if ind is not None and self_cell is not None and not self_cell.is_blank:
            own = parse_number(
                self_cell, None, provenance=context.provenance(layout.sheet, self_cell.ref), problems=problems
            )
            if own.status is ValueStatus.REPORTED and own.amount is not None:
                self_scores[key] = own.amount
                self_cells[key] = own.provenance

    problems = [evolve(p, county=p.county or code) for p in problems]
    if not any(k in codes for k in values):
        problems.append(
            Problem.at(
                "form-no-indicators",
                "报表中没有找到任何指标行（“指标代码”栏或“序号”栏应为 1.1 这样的指标编号）；请使用省里下发的报表。",
                context.provenance(layout.sheet),
                county=code,
            )
        )

    def bad_date(what: str) -> Any:
        def report_bad(text: str, ref: str) -> None:
            p = bad_date_problem(sheet, ref, text, what)
            problems.append(evolve(p, county=code, file=file))

        return report_bad

    period = _form_period(
        label("period"), year, context.provenance(layout.sheet, labels.get("period", ("", None))[1])
    )
    if isinstance(period, Problem):
        problems.append(evolve(period, county=code))
        period = None
    date = _form_date(labels, ("date", "date_cell"), year, bad_date("填报日期"))
    submitted = _form_date(labels, ("submitted", "submitted_cell"), year, bad_date("报出日期"))
    if hasattr(context, "report"):
        context.report(*problems)
    return Submission(
        county=code,
        year=year,
        values=values,
        reporter=Reporter(
            unit=label("unit"),
            person=label("person"),
            phone=label("phone"),
            date=date,
        ),
        self_scores=self_scores,
        self_score_sources=self_cells,
        submitted_on=submitted,
        source=context.provenance(layout.sheet, labels.get("county_code", ("", None))[1]),  # whose report
        month=period.month if period is not None else 12,
        period=str(period) if period is not None else None,
    )


def _form_period(text: str | None, year: int, where: Provenance) -> Period | Problem | None:
    """The form's 报告期 (None when blank), or a ``bad-period`` problem when it cannot be read."""
    if text is None:
        return None
    try:
        return Period.parse(text, year=year)
    except PeriodError as exc:
        return Problem.at("bad-period", f"报告期“{text}”无法识别（{exc}），按未填写处理；请改正。", where)


# --------------------------------------------------------------------------------------------
# The hooks


@hookimpl
def minsheng_claim(path: Path, book: Book) -> float | None:
    return claim_form(book)


@hookimpl
def minsheng_read(path: Path, book: Book, context: ReadContext) -> Submission:
    return read_form(path, book, context)


@hookimpl
def minsheng_indicators(scheme: Scheme) -> list[str]:
    """The standard form is a full report: one row for every indicator of the scheme."""
    return [ind.code for ind in scheme.indicators]
