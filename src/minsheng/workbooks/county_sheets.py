"""The per-county 考核评分表: one workbook per county from the county-sheet template, with every
indicator's rule, target, actual, score and where the value was read."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model import (
    COUNTY_STATUS_LABELS,
    Assessment,
    CountyResult,
    CountyStatus,
    Indicator,
    IndicatorScore,
    IndicatorStatus,
    Rule,
    Scheme,
)
from ._output import save_workbook, stamp_for
from ._template import fill_rows, open_template, sheet_with
from .form import chinese_numeral

if TYPE_CHECKING:  # pragma: no cover - typing only
    from ..lookback import Lookback

from ._words import INDICATOR_STATUS_LABELS, _num, _score, common_fields, rule_text


def _indicator_content(ind: Indicator, s: IndicatorScore) -> str:
    text = f"{ind.name}"
    parts = []
    if s.target is not None:
        parts.append(f"目标 {_num(s.target)}{ind.unit}")
    if s.actual is not None:
        parts.append(f"完成 {_num(s.actual)}{ind.unit}")
    if s.ratio is not None and ind.rule in (Rule.RATIO, Rule.STEPS):
        parts.append(f"完成率 {_num((s.ratio * 100).quantize(Decimal('0.01')))}%")
    return text + ("：" + "，".join(parts) if parts else "")


def _county_records(
    r: CountyResult, scheme: Scheme, lookback: Lookback | None = None
) -> list[tuple[str, dict[str, Any]]]:
    scored = {s.code: s for s in r.indicators}
    groups = {g.code: g for g in r.groups}
    records: list[tuple[str, dict[str, Any]]] = []
    for n, group in enumerate(scheme.groups, start=1):
        g = groups.get(group.code)
        own = [
            mark
            for i in group.indicators
            if i.code in scored and (mark := scored[i.code].self_score) is not None
        ]
        records.append(
            (
                "group",
                {
                    "项目": f"{chinese_numeral(n)}、{group.name}",
                    "组说明": group.description,
                    "组分值": _score(group.weight),
                    "组自评分": _score(sum(own, Decimal(0))) if own else None,
                    "组得分": _score(g.score) if g is not None else None,
                },
            )
        )
        for ind in group.indicators:
            s = scored.get(ind.code)
            note = ""
            if s is None:
                note = COUNTY_STATUS_LABELS[r.status]
            elif s.status is not IndicatorStatus.SCORED:
                note = INDICATOR_STATUS_LABELS[s.status]
            if s is not None and s.bonus:
                note = f"加分 {_num(s.bonus)}"
            if s is not None and s.veto:
                note = "一票否决"
            records.append(
                (
                    "indicator",
                    {
                        "指标代码": ind.code,
                        "考评内容": _indicator_content(ind, s) if s is not None else ind.name,
                        "分值": _score(ind.weight) if ind.weight else None,
                        "自评分": _score(s.self_score) if s is not None else None,
                        "考评得分": _score(s.score)
                        if s is not None and s.status is IndicatorStatus.SCORED
                        else None,
                        "计分方法": rule_text(ind),
                        "备注": note,
                    },
                )
            )

    def total(label: str, score: Any, note: str = "", weight: Any = None, own: Any = None) -> None:
        records.append(
            (
                "total",
                {"合计项": label, "合计分值": weight, "合计自评": own, "合计得分": score, "合计说明": note},
            )
        )

    if r.status in (CountyStatus.SCORED, CountyStatus.HELD):
        total(
            "指标得分合计",
            _score(r.raw_total),
            f"适用分值 {_num(r.applicable_weight)} 分",
            _score(scheme.total),
        )
        if r.applicable_weight != scheme.total:
            total("折算得分", _score(r.indicator_total), f"按适用分值折算为 {_num(scheme.total)} 分制")
        total("加分", _score(r.bonus), f"加分合计最多 {_num(scheme.bonus_cap)} 分")
        for d in r.deductions:
            total(f"扣分：{d.name}", _score(-d.points), f"{d.count} 次")
        if r.vetoed:
            total("一票否决", None, "；".join(r.veto_reasons))
        total("总分", _score(r.total), "", None, _score(r.self_total))
        total("等次", r.grade, f"排名 第 {r.rank} 名" if r.rank else COUNTY_STATUS_LABELS[r.status])
    else:
        total("总分", None, COUNTY_STATUS_LABELS[r.status] + "，未评分")
    if lookback is not None:
        from .lookback import county_lines

        for label, score, note in county_lines(lookback, r.county.code):
            total(label, score, note)
    return records


def county_filename(r: CountyResult, year: int) -> str:
    safe = re.sub(r'[\\/:*?"<>|\s]+', "", r.county.name) or "县"
    return f"{r.county.code}-{safe}-{year}年度考核评分表.xlsx"


def write_county_sheets(
    assessment: Assessment,
    scheme: Scheme,
    directory: str | Path,
    *,
    template: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    lookback: Lookback | None = None,
) -> list[Path]:
    """Write one 考核评分表 per county into ``directory`` (for sign-off); return the paths written.
    ``progress(done, total)`` is called before the first and after each sheet; ``lookback`` adds
    each county's 上年总分 and 单项先进 lines."""
    directory = Path(directory)
    fields = common_fields(assessment, scheme)
    out: list[Path] = []
    total = len(assessment.counties)
    if progress:
        progress(0, total)
    for r in assessment.counties:
        wb = open_template("county", template)
        ws = sheet_with(wb, "考评内容", "（考核评分表）")
        local = {**fields, "县名": r.county.name, "县代码": r.county.code, "市名": r.county.city_name}
        fill_rows(
            ws,
            {"group": "项目", "indicator": "考评内容", "total": "合计项"},
            _county_records(r, scheme, lookback),
            local,
        )
        path = directory / county_filename(r, assessment.year)
        save_workbook(wb, path, stamp_for(assessment.assessed_on, assessment.year))
        out.append(path)
        if progress:
            progress(len(out), total)
    return out


__all__ = ["county_filename", "write_county_sheets"]
