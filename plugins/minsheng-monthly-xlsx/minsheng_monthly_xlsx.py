"""minsheng plugin for the monthly progress .xlsx: one sheet per group, months 1–12 in columns.

The month read is the run's period month when it asks for one (a 1—6月 progress report reads the
6月 column, whatever later months hold), else the last month column holding any figure (12 for a
year-end report); each indicator's value is its cumulative figure in that column, found by the code
in 指标代码. The period read is stated in ``Submission.period`` (``2007-06``): a file whose figures
stop before the month asked for states the last month it has, and the run does not use it. The
自评分 column gives ``self_scores``; the 封面 gives the county, the reporter and 自评总分.

:func:`write_sample` writes a submission in this layout (the ``minsheng_write_sample`` hook), for
``minsheng demo``, examples and tests.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from minsheng import Scheme, Submission, ValueStatus
from minsheng.plugins import hookimpl
from minsheng.sheets import find_table, parse_number, read_county_code, read_reporter

__version__ = "0.1.0"

COVER = "封面"
HEADER = ("指标代码", "累计完成情况")
GROUP_SHEET = re.compile(r"^\d+\D")


def _group_sheets(book) -> list[str]:
    return [n for n in book.visible_sheet_names if GROUP_SHEET.match(n)]


def _cover_fields(sheet) -> dict[str, tuple[object, str]]:
    """Label → (raw value, cell) for the 封面's two-column label/value layout."""
    out: dict[str, tuple[object, str]] = {}
    for row in sheet.rows(0, min(sheet.n_rows, 30)):
        for i, cell in enumerate(row[:-1]):
            label = cell.text.rstrip("：:")
            if label and label not in out and not row[i + 1].is_blank:
                out[label] = (row[i + 1].value, row[i + 1].ref)
    return out


@hookimpl
def minsheng_claim(path, book):
    """Ours: a workbook (.xlsx, .xls, .ods alike) with a 封面 titled 逐月进度表 and sheets named like 1扩大就业."""
    if COVER not in book.sheet_names:
        return None
    if "逐月进度表" not in book.sheet(COVER).cell("A1").text or len(_group_sheets(book)) < 3:
        return None
    return 0.9


@hookimpl
def minsheng_read(path, book, context):
    """Every indicator's figure in the last month reported, with 自评分, from every group sheet."""
    cover = book.sheet(COVER)
    fields = _cover_fields(cover)
    county = read_county_code(cover, labels=("行政区划代码",), rows=30)
    tables = [find_table(book.sheet(name), HEADER) for name in _group_sheets(book)]
    months = {m: [t.column("累计完成情况", f"{m}月") for t in tables] for m in range(1, 13)}
    filled = {
        m for m, cols in months.items() for t, col in zip(tables, cols, strict=True)
        if any(not t.sheet.cell(r.index, col.index).is_blank for r in t.rows)
    }  # fmt: skip
    asked = getattr(context, "month", None)
    month = asked if asked in filled else max((m for m in filled if asked is None or m < asked), default=12)
    values = {}
    self_scores = {}
    for table, col in zip(tables, months[month], strict=True):
        score_col = table.column("自评分", required=False)
        for ind in context.scheme.indicators:
            row = table.find_row(code=ind.code)
            if row is None:
                continue
            values[ind.code] = table.value(
                row, col, to_unit=ind.unit, source=context.provenance, problems=context.problems
            )
            if score_col is not None:
                score = table.value(
                    row, score_col, unit="分", source=context.provenance, problems=context.problems
                )
                if score.is_reported:
                    self_scores[ind.code] = score.amount
    total = None
    if "自评总分" in fields:
        raw, ref = fields["自评总分"]
        v = parse_number(raw, provenance=context.provenance(COVER, ref), problems=context.problems)
        total = v.amount if v.is_reported else None
    return Submission(
        county=county,
        year=context.year,
        values=values,
        month=month,
        period=f"{context.year}-{month:02d}",
        reporter=read_reporter(cover, problems=context.problems),
        self_scores=self_scores,
        self_total=total,
        source=context.provenance(COVER),
    )


@hookimpl
def minsheng_indicators(scheme):
    """A full report: the group sheets carry every indicator of the scheme."""
    return [ind.code for ind in scheme.indicators]


# ---------------------------------------------------------------------------------------------
# Writing the layout

GROUP_NUMERALS = "一二三四五六七八九十"
PARTS = ("3.2.1", "3.2.2", "3.2.3")


@functools.cache
def _county_names() -> dict[str, str]:
    from minsheng.regions import load_regions

    return {c.code: c.name for c in load_regions()}


def _series(rng: random.Random, v: Decimal, months: int, cumulative: bool) -> list[Decimal]:
    """Month-end figures for months 1..months ending exactly at ``v``."""
    if not cumulative:
        return [
            v if m == months else (v * Decimal(rng.randrange(90, 111)) / 100).quantize(v)
            for m in range(1, months + 1)
        ]
    exponent = v.as_tuple().exponent
    quantum = Decimal(1).scaleb(exponent if isinstance(exponent, int) and exponent < 0 else 0)
    out = []
    for m in range(1, months + 1):
        share = Decimal(m) / months * Decimal(rng.randrange(85, 101)) / 100
        out.append(v if m == months else (v * share).quantize(quantum))
    for i in range(len(out) - 2, -1, -1):  # never above the following month
        out[i] = min(out[i], out[i + 1])
    return out


def write_sample(
    path: str | Path,
    submission: Submission,
    scheme: Scheme,
    *,
    targets: Mapping[str, Decimal | int | float | str | None] | None = None,
    errors: Mapping[str, str] | None = None,
    county_name: str | None = None,
    seed: int | str | None = None,
) -> Path:
    """Write ``submission`` as this layout's monthly progress workbook (.xlsx); return the path.

    Sheets: 封面 (county, code, 填报单位/填报人/联系电话/填报日期, 自评总分 = ``self_total``), then one
    sheet per indicator group named like ``1扩大就业`` with a two-row header: 指标代码 | 指标名称 |
    计量单位 | 全年目标 | 累计完成情况 (1月 … 12月) | 自评分. One row per indicator the submission has
    a value for. Month columns are cumulative figures drawn from ``random.Random(seed)`` (default:
    county and year) ending at the actual in the column of ``submission.month``; later months are
    blank. A missing value is blank (or its raw text), a not-applicable one its raw text or "—",
    in every month. ``errors`` maps an indicator code to an Excel error literal (``"#DIV/0!"``)
    written as an error cell in its last month. The date is ``submitted_on``, else
    ``reporter.date``. Same arguments, same bytes.
    """
    import openpyxl

    from minsheng.workbooks import save_workbook

    rng = random.Random(f"{submission.county}/{submission.year}" if seed is None else seed)
    name = county_name or _county_names().get(submission.county, submission.county)
    year = submission.year
    months = submission.month
    values = submission.values
    targets = targets or {}
    errors = errors or {}
    reporter = submission.reporter
    reported_on = submission.submitted_on or reporter.date
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = COVER
    cover["A1"] = f"{name}民生工程（就业和社会保障）{year}年逐月进度表"
    cover.merge_cells("A1:D1")
    total = submission.self_total
    rows = [
        ("县（市、区）", name),
        ("行政区划代码", submission.county),
        ("填报单位", reporter.unit),
        ("填报人", reporter.person),
        ("联系电话", reporter.phone),
        ("填报日期", reported_on),
        ("自评总分", None if total is None else float(total)),
    ]
    for i, (label, value) in enumerate(rows, start=3):
        cover.cell(i, 1, label)
        cell = cover.cell(i, 2, value)
        if isinstance(value, dt.date):
            cell.number_format = "yyyy年m月d日"
    for gi, group in enumerate(scheme.groups):
        ws = wb.create_sheet(f"{group.code}{group.name}")
        ws.cell(1, 1, f"{GROUP_NUMERALS[gi]}、{group.name}（{year}年逐月累计完成情况）")
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=17)
        for col, text in enumerate(("指标代码", "指标名称", "计量单位", "全年目标"), start=1):
            ws.cell(2, col, text)
            ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
        ws.cell(2, 5, "累计完成情况")
        ws.merge_cells(start_row=2, start_column=5, end_row=2, end_column=16)
        for m in range(1, 13):
            ws.cell(3, 4 + m, f"{m}月")
        ws.cell(2, 17, "自评分")
        ws.merge_cells(start_row=2, start_column=17, end_row=3, end_column=17)
        r = 4
        for ind in group.indicators:
            if ind.code not in values:
                continue
            ws.cell(r, 1, ind.code)
            ws.cell(r, 2, f"其中：{ind.name}" if ind.code in PARTS else ind.name)
            ws.cell(r, 3, ind.unit)
            t = targets.get(ind.code)
            if t is not None:
                ws.cell(r, 4, t if isinstance(t, str) else float(Decimal(str(t))))
            v = values[ind.code]
            if v.amount is not None:
                for m, x in enumerate(_series(rng, v.amount, months, ind.unit != "%"), start=1):
                    ws.cell(r, 4 + m, float(x))
            else:
                text = v.raw or ("—" if v.status is ValueStatus.NOT_APPLICABLE else None)
                for m in range(1, months + 1):
                    ws.cell(r, 4 + m, text)
            if ind.code in errors:
                cell = ws.cell(r, 4 + months)
                cell.value = errors[ind.code]
                cell.data_type = "e"
            if ind.code in submission.self_scores:
                ws.cell(r, 17, float(submission.self_scores[ind.code]))
            r += 1
    path = Path(path)
    stamp = dt.datetime.combine(reported_on or dt.date(year + 1, 1, 1), dt.time())
    save_workbook(wb, path, stamp)
    return path


@hookimpl
def minsheng_write_sample(path, submission, scheme):
    """This layout's .xlsx holding the submission (see :func:`write_sample`)."""
    return write_sample(path, submission, scheme)
