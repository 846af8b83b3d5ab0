"""The progress workbook (进度通报): a month's or quarter's ranking, each indicator's progress, the
counties behind, the cities, the reporting and the trend, filled from ``templates/xlsx/progress.xlsx``.

Every figure comes from the :class:`~minsheng.progress_run.ProgressRun`; nothing is computed
here but the order of rows. The sheets are found by their placeholders, so a province may
rename, restyle and reorder them (docs/templates.md, docs/progress.md).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl.worksheet.worksheet import Worksheet

from ..model import Severity
from ..problems import SEVERITY_LABELS, SEVERITY_ORDER
from ..problems import title as problem_title
from ..progress_rules import Progress
from ..relpaths import relative_paths
from ._cells import Formatted, unit_format
from ._chart import ranking_chart
from ._output import save_workbook, stamp_for
from ._template import expand_column, fill_fields, fill_rows, find_field, open_template, sheet_with

if TYPE_CHECKING:  # pragma: no cover - typing only
    from ..progress_run import CountyProgress, IndicatorProgress, ProgressRun

HUNDRED = Decimal(100)
#: every row field, blank: the base of a "无" row, so that no placeholder is left showing
BLANK = dict.fromkeys(
    (
        "排名", "县代码", "县名", "市名", "综合进度得分", "滞后数", "严重滞后数", "报送", "上期排名", "位次变化",
        "得分变化", "备注", "目标任务", "累计完成", "完成率", "应完成", "超欠", "进度状态", "分项排名", "分项备注",
        "滞后序号", "连续期数", "滞后备注", "多项名次", "多项滞后数", "滞后指标列表", "连续序号", "连续指标",
        "指标名称", "报送序号", "报送县名", "逾期天数", "报送说明", "问题序号", "级别", "指标", "问题代码",
        "问题标题", "工作表", "单元格", "文件", "说明",
    )
)  # fmt: skip


def _pct(x: Decimal | None) -> str:
    return "" if x is None else f"{(x * HUNDRED).quantize(Decimal('0.1'))}%"


def _date(d: Any) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def _num(x: Decimal) -> str:
    return format(x.normalize(), "f") if x == x.to_integral_value() else format(x, "f")


def summary_fields(run: ProgressRun) -> dict[str, Any]:
    """The sheet-level fields (titles, 截至, counts): also what the 通报 draft says."""
    states = Counter(c.state for c in run.counties)
    period = run.period
    last_day = _month_end(period.year, period.month)
    return {
        "年度": period.year,
        "期别": period.title,
        "期别标签": period.label,
        "期末": _date(last_day),
        "序时进度": _pct(period.share),
        "截止日期": _date(run.deadline),
        "县数": len(run.counties),
        "已报数": states.get("已报", 0) + states.get("逾期", 0) + states.get("暂缓", 0),
        "逾期数": states.get("逾期", 0),
        "缺报数": states.get("缺报", 0),
        "出错数": states.get("出错", 0),
        "严重滞后线": _num(run.scheme.progress.red),
        "按序时幅度": _num(run.scheme.progress.band),
        "连续期数线": run.scheme.progress.consecutive,
        "上期": run.previous.period.title if run.previous else "无上期结果",
        "方案": run.scheme.id,
        "方案名称": run.scheme.name,
    }


def _month_end(year: int, month: int) -> Any:
    import calendar
    import datetime as dt

    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _change(c: CountyProgress) -> str:
    k = c.rank_change
    if k is None:
        return ""
    return "—" if k == 0 else (f"↑{k}" if k > 0 else f"↓{-k}")


def _county_fields(c: CountyProgress) -> dict[str, Any]:
    far = sum(1 for i in c.indicators if i.status is Progress.FAR_BEHIND)
    return {
        "排名": c.rank,
        "县代码": c.county.code,
        "县名": c.county.name,
        "市名": c.county.city_name,
        "综合进度得分": c.score,
        "滞后数": len(c.behind),
        "严重滞后数": far,
        "报送": c.state,
        "上期排名": c.previous_rank,
        "位次变化": _change(c),
        "得分变化": c.score_change,
        "备注": _remark(c),
    }


def _remark(c: CountyProgress) -> str:
    """一票否决 (why a county with a high score is ranked last) and days late."""
    said = ["一票否决，排在未否决的县之后"] if c.vetoed else []
    if c.late_days:
        said.append(f"逾期 {c.late_days} 天")
    return "；".join(said)


def _status(i: IndicatorProgress) -> str:
    return "" if i.status is None else str(i.status)


def _indicator_fields(run: ProgressRun, i: IndicatorProgress) -> dict[str, Any]:
    unit = run.scheme.indicator(i.code).unit
    note = "按进度计划" if i.planned else ""
    if i.status is not None and i.expected is None:
        note = "按全年标准判断（不按序时）"
    return {
        "目标任务": Formatted(i.target, unit_format(unit)),
        "累计完成": Formatted(i.actual, unit_format(unit)),
        "完成率": i.ratio,
        "应完成": i.expected,
        "超欠": i.gap,
        "进度状态": _status(i),
        "分项排名": i.rank,
    } | ({"分项备注": note} if note else {"分项备注": ""})


def _items(run: ProgressRun) -> list[tuple[str, dict[str, Any]]]:
    records: list[tuple[str, dict[str, Any]]] = []
    for ind in run.scheme.indicators:
        rows = [(c, i) for c in run.counties for i in c.indicators if i.code == ind.code]
        if not rows:
            continue
        statuses = Counter(_status(i) for _, i in rows if i.status is not None)
        share = run.schedule.share(ind.code, run.period.month)
        due = f"序时进度 {_pct(share)}" + ("（按进度计划）" if run.schedule.planned(ind.code) else "")
        if rows[0][1].expected is None:
            due = "按全年标准判断"
        counts = "，".join(f"{s} {statuses[s]}" for s in (str(p) for p in Progress) if statuses.get(s))
        heading = f"{ind.code}　{ind.name}（{ind.unit}）　{due}　{counts}"
        records.append(("heading", {"分项指标": heading}))
        ranked = sorted(rows, key=lambda x: (x[1].rank is None, x[1].rank or 0, x[0].county.code))
        for c, i in ranked:
            records.append(("county", _county_fields(c) | _indicator_fields(run, i)))
    return records


def _behind_blocks(ws: Worksheet, run: ProgressRun, fields: dict[str, Any]) -> None:
    records: list[tuple[str, dict[str, Any]]] = []
    for ind in run.scheme.indicators:
        rows = [
            (c, i)
            for c in run.counties
            for i in c.indicators
            if i.code == ind.code and i.status is not None and i.status.behind
        ]
        if not rows:
            continue
        records.append(("heading", {"滞后指标": f"{ind.code}　{ind.name}：滞后 {len(rows)} 个"}))
        rows.sort(key=lambda x: (x[1].gap if x[1].gap is not None else Decimal(0), x[0].county.code))
        for n, (c, i) in enumerate(rows, start=1):
            streak = c.streaks.get(i.code, 1)
            records.append(
                (
                    "county",
                    _county_fields(c)
                    | _indicator_fields(run, i)
                    | {
                        "滞后序号": n,
                        "连续期数": f"{streak} 期" if streak > 1 else "",
                        "滞后备注": "",
                    },
                )
            )
    if not records:
        records.append(("heading", {"滞后指标": "本期没有进度滞后的县（市、区）。"}))
    fill_rows(ws, {"heading": "滞后指标", "county": "滞后序号"}, records, fields)

    most = sorted((c for c in run.counties if c.behind), key=lambda c: (-len(c.behind), c.county.code))
    ranks: list[int] = []
    for k, c in enumerate(most):
        ranks.append(ranks[-1] if k and len(c.behind) == len(most[k - 1].behind) else k + 1)
    rows2 = [
        (
            "row",
            _county_fields(c)
            | {"多项名次": r, "多项滞后数": len(c.behind), "滞后指标列表": "、".join(c.behind)},
        )
        for c, r in zip(most[:10], ranks[:10], strict=True)
    ] or [
        ("row", BLANK | {"多项名次": "—", "县名": "无", "滞后指标列表": "本期没有进度滞后的县（市、区）。"})
    ]
    fill_rows(ws, {"row": "多项名次"}, rows2, fields)

    streaks = run.streaks()
    rows3 = []
    for n, (c, code, k) in enumerate(streaks, start=1):
        i = next(x for x in c.indicators if x.code == code)
        rows3.append(
            (
                "row",
                _county_fields(c)
                | _indicator_fields(run, i)
                | {
                    "连续序号": n,
                    "连续指标": code,
                    "连续期数": k,
                    "指标名称": run.scheme.indicator(code).name,
                },
            )
        )
    if not rows3:
        why = (
            "没有连续滞后的县（市、区）。" if run.history else "没有上期结果（--history），无法判断连续滞后。"
        )
        rows3 = [("row", BLANK | {"连续序号": "—", "县名": "无", "指标名称": why})]
    fill_rows(ws, {"row": "连续序号"}, rows3, fields)


def _cities(run: ProgressRun) -> list[tuple[str, dict[str, Any]]]:
    return [
        (
            "row",
            {
                "市排名": c.rank,
                "市代码": c.code,
                "市名": c.name,
                "市县数": c.counties,
                "市已报": c.reported,
                "市平均分": c.average,
                "市滞后": c.behind,
            },
        )
        for c in run.cities
    ]


def _reporting(run: ProgressRun) -> list[tuple[str, dict[str, Any]]]:
    notes = {"缺报": "未报送本期报表", "出错": "报表无法采用，见下方数据问题", "逾期": "晚于截止日期报送"}
    rows = [c for c in run.counties if c.state in notes]
    order = {"缺报": 0, "出错": 1, "逾期": 2}
    rows.sort(key=lambda c: (order[c.state], c.county.code))
    records = [
        (
            "row",
            _county_fields(c)
            | {
                "报送序号": n,
                "报送县名": c.county.name,
                "逾期天数": c.late_days if c.state == "逾期" else None,
                "报送说明": notes[c.state],
            },
        )
        for n, c in enumerate(rows, start=1)
    ]
    return records or [("row", BLANK | {"报送序号": "—", "报送县名": "无", "报送说明": "全部按时报送。"})]


def _problems(run: ProgressRun) -> list[tuple[str, dict[str, Any]]]:
    names = {c.county.code: c.county.name for c in run.counties}
    shown = [p for p in run.problems if p.severity is not Severity.INFO]
    shown.sort(key=lambda p: -SEVERITY_ORDER[p.severity])
    return [
        (
            "row",
            {
                "问题序号": n,
                "县代码": p.county,
                "县名": names.get(p.county or "", ""),
                "级别": SEVERITY_LABELS[p.severity],
                "指标": p.indicator,
                "问题代码": p.code,
                "问题标题": problem_title(p.code),
                "工作表": p.sheet,
                "单元格": p.cell,
                "文件": p.file,
                "说明": p.message,
            },
        )
        for n, p in enumerate(shown, start=1)
    ] or [("row", BLANK | {"问题序号": "—", "说明": "没有发现数据问题。"})]


def _trend(ws: Worksheet, run: ProgressRun, fields: dict[str, Any]) -> None:
    points = [*run.history]
    columns = [p.period.title for p in points] + [run.period.title]
    expand_column(ws, "趋势期别", len(columns))
    local = dict(fields) | {f"趋势期别#{k}": t for k, t in enumerate(columns)}
    records = []
    for c in run.counties:
        row: dict[str, Any] = _county_fields(c) | {"趋势县名": c.county.name}
        for k, p in enumerate(points):
            row[f"趋势得分#{k}"] = p.scores.get(c.county.code)
        row[f"趋势得分#{len(points)}"] = c.score
        records.append(("row", row))
    fill_rows(ws, {"row": "趋势县名"}, records, local)


def _chart(ws: Worksheet, run: ProgressRun, first: int) -> None:
    chart_at = find_field(ws, "进度排名图")
    score_at = None
    if chart_at is None:
        return
    anchor = ws.cell(*chart_at)
    anchor.value = None
    scored = [c for c in run.counties if c.score is not None]
    header_row = first - 1
    for col in range(1, ws.max_column + 1):
        if ws.cell(header_row, col).value == "综合进度得分":
            score_at = col
    name_col = next(
        (col for col in range(1, ws.max_column + 1) if ws.cell(header_row, col).value == "县（市、区）"), None
    )
    if not scored or score_at is None or name_col is None:
        return
    ranking_chart(
        ws,
        anchor,
        first=first,
        values=[c.score for c in scored if c.score is not None],
        value_col=score_at,
        name_col=name_col,
        title=f"{run.period.title}各县（市、区）综合进度得分",
        y_title="综合进度得分",
    )


def write_progress(run: ProgressRun, path: str | Path, *, template: str | Path | None = None) -> Path:
    """Write the progress workbook of ``run`` to ``path`` (atomically, byte-identically); return it.

    ``template`` is a province's restyled copy of ``templates/xlsx/progress.xlsx``."""
    from attrs import evolve

    run = evolve(run, assessment=relative_paths(run.assessment))
    wb = open_template("progress", template)
    fields = summary_fields(run)
    ranking = sheet_with(wb, "综合进度得分", "（进度通报）")
    first, _ = fill_rows(
        ranking, {"county": "县名"}, [("county", _county_fields(c)) for c in run.counties], fields
    )
    _chart(ranking, run, first)
    fill_rows(
        sheet_with(wb, "分项指标", "（进度通报）"),
        {"heading": "分项指标", "county": "分项排名"},
        _items(run),
        fields,
    )
    _behind_blocks(sheet_with(wb, "滞后指标", "（进度通报）"), run, fields)
    fill_rows(sheet_with(wb, "市排名", "（进度通报）"), {"row": "市排名"}, _cities(run), fields)
    report = sheet_with(wb, "报送县名", "（进度通报）")
    fill_rows(report, {"row": "报送序号"}, _reporting(run), fields)
    fill_rows(report, {"row": "问题序号"}, _problems(run), fields)
    _trend(sheet_with(wb, "趋势期别", "（进度通报）"), run, fields)
    for ws in wb.worksheets:
        fill_fields(ws, fields)
    path = Path(path)
    save_workbook(wb, path, stamp_for(run.assessment.assessed_on, run.period.year))
    return path


__all__ = ["summary_fields", "write_progress"]
