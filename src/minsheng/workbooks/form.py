"""Writing the standard county submission form (报表) from its template (openpyxl; see
docs/templates.md): one form per county with its targets filled in. The form is read back by the
built-in plugin :mod:`minsheng.plugins.standard_form`, through the sheet toolkit only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..calculators import CALCULATORS
from ..model import (
    Condition,
    County,
    Indicator,
    Rule,
    Scheme,
    Submission,
    Targets,
    ValueStatus,
)
from ..period import Period

if TYPE_CHECKING:  # the writer's imports (openpyxl) load only when writing
    from openpyxl import Workbook as XlsxWorkbook


CHINESE_NUMERALS = "一二三四五六七八九十"
FORM_KINDS = {
    "group": "指标组",
    "indicator": "指标",
    "indicator_norate": "指标（无完成率）",
    "part": "其中指标",
    "input": "测算项",
}
FORM_SHEET_FIELDS = ("年度", "县名", "县代码", "方案", "方案名称", "报告期")
REPORTER_FIELDS = ("填报单位", "填报人", "电话", "填报日期", "单位负责人", "统计负责人", "填表人", "报出日期")


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (for group numbers)."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (
        (CHINESE_NUMERALS[tens - 1] if tens > 1 else "") + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")
    )


def _amount(x: Decimal) -> str:
    return format(x.normalize(), "f") if x == x.to_integral_value() else format(x, "f")


def target_display(ind: Indicator, allocation: Mapping[str, Decimal | None] | None) -> Any:
    """What the 年度目标 column shows: the county's target, "—" when not assessed, or the rule."""
    from ._cells import Formatted, unit_format

    if ind.rule is Rule.DEDUCT:
        return f"每{ind.unit}扣{_amount(ind.per_unit or Decimal(0))}分"
    if ind.rule is Rule.VETO:
        return "一票否决"
    if ind.rule is Rule.BINARY and ind.threshold is not None:
        word = {Condition.GE: "不低于", Condition.LE: "不超过", Condition.EQ: "达到"}[
            ind.condition or Condition.GE
        ]
        return f"{word}{_amount(ind.threshold)}"
    if allocation is None:
        return None  # a blank form: no county, no target
    target = allocation.get(ind.code)
    if target is None:
        return "—"
    return Formatted(target, unit_format(ind.unit))


def form_records(
    scheme: Scheme,
    allocation: Mapping[str, Decimal | None] | None,
    submission: Submission | None = None,
) -> list[tuple[str, dict[str, Any]]]:
    """The rows of a form for ``scheme``: groups, indicators, 其中 parts and calculator inputs.

    With ``submission``, its actuals fill 累计完成 ("—" where not applicable, blank where missing)
    and its 自评分 the self-score column: a filled-in form, as a county sends it back.
    """
    from ._cells import FORMAT_SCORE, Formatted, unit_format

    values = submission.values if submission is not None else {}
    own = submission.self_scores if submission is not None else {}

    def actual(key: str) -> Any:
        v = values.get(key)
        if v is None or v.status is ValueStatus.MISSING:
            return None
        if v.status is ValueStatus.NOT_APPLICABLE:
            return "—"
        return v.amount

    parts_of = {p for ind in scheme.indicators for p in ind.parts}
    records: list[tuple[str, dict[str, Any]]] = []
    for number, group in enumerate(scheme.groups, start=1):
        records.append(
            (
                "group",
                {"组序号": chinese_numeral(number), "指标组": f"{group.name}（{_amount(group.weight)}分）"},
            )
        )
        for ind in group.indicators:
            if ind.code in parts_of:
                continue
            kind = "indicator" if ind.rule in (Rule.RATIO, Rule.STEPS) else "indicator_norate"
            name = ind.name + (f"（{_amount(ind.weight)}分）" if ind.weight else "")
            records.append(
                (
                    kind,
                    {
                        "序号": ind.code,
                        FORM_KINDS[kind]: name,
                        "计量单位": ind.unit,
                        "年度目标": target_display(ind, allocation),
                        "累计完成": Formatted(actual(ind.code), unit_format(ind.unit)),
                        "自评分": Formatted(own.get(ind.code), FORMAT_SCORE),
                        "代码": ind.code,
                    },
                )
            )
            for i, code in enumerate(ind.parts):
                part = scheme.indicator(code)
                records.append(
                    (
                        "part",
                        {
                            "序号": part.code,
                            "其中指标": ("其中：" if i == 0 else "") + part.name,
                            "计量单位": part.unit,
                            "年度目标": target_display(part, allocation),
                            "累计完成": Formatted(actual(part.code), unit_format(part.unit)),
                            "代码": part.code,
                        },
                    )
                )
            calc = CALCULATORS.get(ind.calculator or "")
            if calc is not None:
                # a policy row (执行月数) is there for the county to state, and is checked against
                # the scheme; (选填) is its label as much as an optional amount's
                items = [(i, i.optional or i.kind == "policy") for i in calc.items]
                for n, (item, optional) in enumerate(items, start=1):
                    records.append(
                        (
                            "input",
                            {
                                "测算项": f"（{n}）{item.name}" + ("（选填）" if optional else ""),
                                "计量单位": item.unit,
                                "累计完成": Formatted(
                                    actual(f"{ind.code}/{item.key}"), unit_format(item.unit)
                                ),
                                "代码": f"{ind.code}/{item.key}",
                            },
                        )
                    )
    return records


def _build_form(
    scheme: Scheme,
    *,
    county: County | None,
    year: int,
    allocation: Mapping[str, Decimal | None] | None,
    template: str | Path | None,
    submission: Submission | None = None,
    period: Period | None = None,
) -> XlsxWorkbook:
    from openpyxl.styles import Protection

    from ._template import fill_fields, fill_rows, open_template, sheet_with

    wb = open_template("form", template)
    ws = sheet_with(wb, FORM_KINDS["indicator"], "（报表）")
    if county is None:  # a blank form: the county types its own name and code
        for row in ws.iter_rows(max_row=ws.max_row):
            for cell in row:
                if isinstance(cell.value, str) and ("{县名}" in cell.value or "{县代码}" in cell.value):
                    cell.protection = Protection(locked=False)
    fields: dict[str, Any] = {
        "年度": year,
        "县名": county.name if county else "",
        "县代码": county.code if county else "",
        "方案": scheme.id,
        "方案名称": scheme.name,
        "报告期": (period or Period.year_end(year)).form_text,
        **dict.fromkeys(REPORTER_FIELDS, ""),
    }
    if submission is not None:
        r = submission.reporter
        fields.update(
            {
                "填报单位": r.unit or "",
                "填报人": r.person or "",
                "电话": r.phone or "",
                "填报日期": _date_text(r.date),
                "填表人": r.person or "",
                "报出日期": _date_text(submission.submitted_on),
            }
        )
    fill_rows(ws, FORM_KINDS, form_records(scheme, allocation, submission), fields, "（报表）")
    for other in wb.worksheets:
        if other is not ws:
            fill_fields(other, fields)
    return wb


def write_form(
    scheme: Scheme,
    path: str | Path,
    *,
    year: int | None = None,
    county: County | None = None,
    allocation: Mapping[str, Decimal | None] | None = None,
    template: str | Path | None = None,
    submission: Submission | None = None,
    period: Period | None = None,
) -> Path:
    """Write a county form: prefilled with ``county`` and its ``allocation`` of targets, or blank.

    ``period`` fills 报告期 (default: the year end, 1—12月累计).

    With ``submission`` the form is filled in as the county returns it (actuals, 自评分, the
    填报单位/填报人/日期 lines): for examples and tests.

    ``year`` defaults to the scheme's year. The write is atomic and byte-identical for the same
    inputs. Returns the path written.
    """
    from ._output import save_workbook, stamp_for

    year = year or scheme.year
    if year is None:
        raise ValueError("the form needs a year: the scheme has none, give year=")
    if county is not None and allocation is None:
        allocation = {}
    wb = _build_form(
        scheme,
        county=county,
        year=year,
        allocation=allocation,
        template=template,
        submission=submission,
        period=period,
    )
    path = Path(path)
    save_workbook(wb, path, stamp_for(None, year))
    return path


def _date_text(d: dt.date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def form_filename(county: County, year: int, period: Period | None = None) -> str:
    """``360102-东湖区-2007年民生工程报表.xlsx``: code first, so the files sort by code; an interim
    period's form is ``360102-东湖区-2007年1—6月民生工程报表.xlsx``."""
    safe = re.sub(r'[\\/:*?"<>|\s]+', "", county.name) or "县"
    when = f"{year}年" if period is None or period.month == 12 else period.title
    return f"{county.code}-{safe}-{when}民生工程报表.xlsx"


def write_forms(
    scheme: Scheme,
    targets: Targets,
    directory: str | Path,
    *,
    year: int | None = None,
    template: str | Path | None = None,
    period: Period | None = None,
) -> list[Path]:
    """Write one prefilled form per county of ``targets`` into ``directory``; return the paths.

    ``period`` fills every form's 报告期 and names the files for it (default: the year end)."""
    directory = Path(directory)
    year = year or targets.year
    out = []
    for county in targets.counties:
        path = directory / form_filename(county, year, period)
        out.append(
            write_form(
                scheme,
                path,
                year=year,
                county=county,
                allocation=targets.allocations.get(county.code, {}),
                template=template,
                period=period,
            )
        )
    return out
