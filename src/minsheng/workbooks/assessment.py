"""The year-end assessment workbook (考核结果) and the per-county 考核评分表, filled from templates.

Sheets: 封面 (scheme, year, assessment date, every input with its sha256 and plugin), 综合排名
(with a column chart of totals), 分项得分 (counties × indicator groups), 指标明细, 设区市汇总,
问题清单 and 数据来源. Every text that came from county files is written as text (never a
formula) with 身份证号 masked; the file is written atomically and is byte-identical for the same
assessment (document times come from ``assessment.assessed_on``, never the wall clock).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl.worksheet.worksheet import Worksheet

from ..model import (
    COUNTY_STATUS_LABELS,
    Assessment,
    County,
    CountyResult,
    CountyStatus,
    IndicatorStatus,
    Provenance,
    Scheme,
)
from ..problems import SEVERITY_LABELS
from ..problems import title as problem_title
from ..relpaths import relative_paths
from ._chart import ranking_chart
from ._output import save_workbook, stamp_for
from ._template import expand_column, fill_fields, fill_rows, find_field, open_template, sheet_with
from .form import chinese_numeral

if TYPE_CHECKING:  # pragma: no cover - typing only
    from ..lookback import Lookback

from ._words import (
    INDICATOR_STATUS_LABELS,
    VALUE_STATUS_LABELS,
    _amount,
    _num,
    _ratio,
    _score,
    common_fields,
    marks,
)


def _county_row(r: CountyResult) -> dict[str, Any]:
    return {
        "排名": r.rank,
        "县代码": r.county.code,
        "县名": r.county.name,
        "市名": r.county.city_name,
        "指标得分": _score(r.indicator_total) if r.total is not None else None,
        "加分": _score(r.bonus) if r.total is not None else None,
        "扣分": _score(r.deduction_total) if r.total is not None else None,
        "总分": _score(r.total),
        "等次": r.grade,
        "标记": marks(r),
        "状态": COUNTY_STATUS_LABELS[r.status],
        "备注": "；".join(r.veto_reasons),
    }


def _ranking(
    ws: Worksheet,
    assessment: Assessment,
    fields: dict[str, Any],
    more: dict[str, dict[str, Any]] | None = None,
) -> None:
    chart_at = find_field(ws, "总分图")
    name_at, total_at = find_field(ws, "县名"), find_field(ws, "总分")
    more = more or {}
    first, _last = fill_rows(
        ws,
        {"county": "县名"},
        [("county", {**_county_row(r), **more.get(r.county.code, {})}) for r in assessment.counties],
        fields,
    )
    if chart_at is None:
        return
    anchor = ws.cell(*chart_at)
    anchor.value = None
    scored = [r for r in assessment.counties if r.total is not None]
    if not scored or name_at is None or total_at is None:
        return
    ranking_chart(
        ws,
        anchor,
        first=first,
        values=[r.total for r in scored if r.total is not None],
        value_col=total_at[1],
        name_col=name_at[1],
        title=f"{assessment.year}年度各县（市、区）考核总分",
        y_title="总分",
    )


def _groups(ws: Worksheet, assessment: Assessment, scheme: Scheme, fields: dict[str, Any]) -> None:
    expand_column(ws, "指标组", len(scheme.groups))
    local = dict(fields)
    for i, g in enumerate(scheme.groups):
        local[f"指标组#{i}"] = f"{chinese_numeral(i + 1)}、{g.name}\n（{_num(g.weight)}分）"
    records = []
    for r in assessment.counties:
        row = _county_row(r)
        by_code = {g.code: g for g in r.groups}
        for i, g in enumerate(scheme.groups):
            score = by_code.get(g.code)
            if r.total is None and r.status is not CountyStatus.HELD:
                row[f"组得分#{i}"] = None
            elif score is None or score.applicable_weight == 0:
                row[f"组得分#{i}"] = "—" if r.groups else None
            else:
                row[f"组得分#{i}"] = _score(score.score)
        records.append(("county", row))
    fill_rows(ws, {"county": "县名"}, records, local)


def _detail_rows(assessment: Assessment, scheme: Scheme) -> list[tuple[str, dict[str, Any]]]:
    records = []
    for r in assessment.counties:
        for s in r.indicators:
            ind = scheme.indicator(s.code)
            records.append(
                (
                    "row",
                    {
                        "县代码": r.county.code,
                        "县名": r.county.name,
                        "市名": r.county.city_name,
                        "指标代码": s.code,
                        "指标": ind.name,
                        "计量单位": ind.unit,
                        "分值": _score(s.weight) if s.weight else None,
                        "年度目标": _amount(s.target, ind.unit),
                        "实际完成": _amount(s.actual, ind.unit),
                        "完成率": _ratio(s.ratio),
                        "得分": _score(s.score) if s.status is IndicatorStatus.SCORED or s.weight else None,
                        "加分": _score(s.bonus) if s.bonus else None,
                        "状态": INDICATOR_STATUS_LABELS[s.status] + ("（否决）" if s.veto else ""),
                        "自评分": _score(s.self_score),
                    },
                )
            )
    return records


def _city_rows(ws: Worksheet, assessment: Assessment, scheme: Scheme, fields: dict[str, Any]) -> None:
    grades = [g.name for g in sorted(scheme.grades, key=lambda g: g.minimum, reverse=True)]
    expand_column(ws, "等次", len(grades))
    local = dict(fields)
    for i, g in enumerate(grades):
        local[f"等次#{i}"] = g
    records = []
    for c in assessment.cities:
        row: dict[str, Any] = {
            "市代码": c.code,
            "市名": c.name or "（未注明设区市）",
            "县数": c.counties,
            "已评": c.scored,
            "平均分": _score(c.average_total),
            "否决数": c.vetoed,
        }
        for i, g in enumerate(grades):
            row[f"等次数#{i}"] = c.grades.get(g, 0)
        records.append(("city", row))
    fill_rows(ws, {"city": "市名"}, records, local)


def _problem_rows(assessment: Assessment) -> list[tuple[str, dict[str, Any]]]:
    names = {r.county.code: r.county.name for r in assessment.counties}
    return [
        (
            "row",
            {
                "问题序号": i,
                "县代码": p.county,
                "县名": names.get(p.county or "", ""),
                "文件": p.file,
                "工作表": p.sheet,
                "单元格": p.cell,
                "指标": p.indicator,
                "问题代码": p.code,
                "问题标题": problem_title(p.code),
                "级别": SEVERITY_LABELS[p.severity],
                "说明": p.message,
            },
        )
        for i, p in enumerate(assessment.problems, start=1)
    ]


def _source_rows(assessment: Assessment, scheme: Scheme) -> list[tuple[str, dict[str, Any]]]:
    """One row per indicator value that came from a county file, each followed by the amounts a
    policy calculator derived it from."""

    def row(county: County, code: str, name: str, shown: Any, p: Provenance) -> tuple[str, dict[str, Any]]:
        return (
            "row",
            {
                "县代码": county.code,
                "县名": county.name,
                "来源指标代码": code,
                "指标": name,
                "数值": shown,
                "文件": p.file,
                "工作表": p.sheet,
                "单元格": p.cell,
                "插件": p.plugin,
                "插件版本": p.plugin_version,
            },
        )

    records = []
    for r in assessment.counties:
        for s in r.indicators:
            ind = scheme.indicator(s.code)
            if s.provenance.file or s.provenance.cell:
                shown = (
                    _amount(s.actual, ind.unit) if s.actual is not None else INDICATOR_STATUS_LABELS[s.status]
                )
                records.append(row(r.county, s.code, ind.name, shown, s.provenance))
            for a in s.inputs:
                if a.provenance.file or a.provenance.cell:
                    shown = (
                        _amount(a.amount, a.unit) if a.amount is not None else VALUE_STATUS_LABELS[a.status]
                    )
                    records.append(row(r.county, a.code, f"{ind.name}：{a.name}", shown, a.provenance))
    return records


def _file_rows(assessment: Assessment) -> list[tuple[str, dict[str, Any]]]:
    """The input files, sorted by path (relative to the submissions folder), with their SHA-256."""
    names = {r.county.code: r.county.name for r in assessment.counties}
    files = sorted(assessment.inputs, key=lambda f: (f.path, f.sha256))
    rows = [
        (
            "row",
            {
                "文件序号": i,
                "文件县": names.get(f.county or "", f.county or ""),
                "文件路径": f.path,
                "校验值": f.sha256,
                "插件": f.plugin,
                "插件版本": f.plugin_version,
            },
        )
        for i, f in enumerate(files, start=1)
    ]
    return rows or [("row", {"文件序号": None, "文件县": "（无）", "文件路径": None, "校验值": None})]


def write_assessment(
    assessment: Assessment,
    scheme: Scheme,
    path: str | Path,
    *,
    template: str | Path | None = None,
    lookback: Lookback | None = None,
) -> Path:
    """Write the year-end assessment workbook to ``path`` (atomically, byte-identically); return it.

    ``template`` is a province's restyled copy of ``templates/xlsx/assessment.xlsx``; the sheets
    are found by their placeholders, so they may be renamed, restyled and reordered. ``lookback``
    (``assess --history``) adds 同比 to 综合排名 and fills the 单项先进 sheet; without it that
    sheet is left out.
    """
    from . import lookback as back

    wb = open_template("assessment", template)
    assessment = relative_paths(assessment)
    fields = common_fields(assessment, scheme)

    ranking = sheet_with(wb, "标记", "（考核结果）")
    more = None
    if lookback is None:
        back.drop_lookback_sheet(wb)
    else:
        if lookback.previous_file is not None:
            back.add_comparison_columns(ranking)
            more = back.comparison_fields(lookback)
        sheet = back.lookback_sheet(wb)
        if sheet is not None:
            back.fill_lookback_sheet(sheet, lookback, scheme, fields)
    _ranking(ranking, assessment, fields, more)
    _groups(sheet_with(wb, "组得分", "（考核结果）"), assessment, scheme, fields)
    fill_rows(
        sheet_with(wb, "实际完成", "（考核结果）"),
        {"row": "指标代码"},
        _detail_rows(assessment, scheme),
        fields,
    )
    _city_rows(sheet_with(wb, "等次数", "（考核结果）"), assessment, scheme, fields)
    fill_rows(
        sheet_with(wb, "问题序号", "（考核结果）"), {"row": "问题序号"}, _problem_rows(assessment), fields
    )
    sources = sheet_with(wb, "来源指标代码", "（考核结果）")
    fill_rows(sources, {"row": "来源指标代码"}, _source_rows(assessment, scheme), fields)
    fill_rows(sources, {"row": "文件序号"}, _file_rows(assessment), fields)
    for ws in wb.worksheets:
        fill_fields(ws, fields)  # the cover, and anything a province's template adds
    path = Path(path)
    save_workbook(wb, path, stamp_for(assessment.assessed_on, assessment.year))
    return path
