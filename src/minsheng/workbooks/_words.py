"""How the assessment workbooks say things: status labels, rules in words, scores and amounts as cells."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ..model import (
    Assessment,
    Condition,
    CountyResult,
    CountyStatus,
    Indicator,
    IndicatorStatus,
    Rule,
    Scheme,
    Severity,
    ValueStatus,
)
from ._cells import FORMAT_RATIO, FORMAT_SCORE, Formatted, unit_format

INDICATOR_STATUS_LABELS = {
    IndicatorStatus.SCORED: "已评",
    IndicatorStatus.NOT_APPLICABLE: "不考核",
    IndicatorStatus.MISSING: "缺报",
    IndicatorStatus.INFO: "只报不评",
}
VALUE_STATUS_LABELS = {
    ValueStatus.REPORTED: "已报",
    ValueStatus.NOT_APPLICABLE: "不适用",
    ValueStatus.MISSING: "缺报",
}
CONDITION_WORDS = {Condition.GE: "不低于", Condition.LE: "不超过", Condition.EQ: "等于"}


def _score(x: Decimal | None) -> Any:
    return None if x is None else Formatted(x, FORMAT_SCORE)


def _ratio(x: Decimal | None) -> Any:
    return None if x is None else Formatted(x, FORMAT_RATIO)


def _amount(x: Decimal | None, unit: str) -> Any:
    return None if x is None else Formatted(x, unit_format(unit))


def _num(x: Decimal) -> str:
    return format(x.normalize(), ",f") if x == x.to_integral_value() else format(x, ",f")


def _date(d: dt.date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "未指定"


def rule_text(ind: Indicator) -> str:
    """The scoring rule of an indicator in words, for the 计分方法 column."""
    w = _num(ind.weight)
    if ind.rule is Rule.RATIO:
        text = f"按完成比例得分：完成率×{w}分，最高{w}分"
        if ind.bonus is not None:
            text += f"；超额每{_num(ind.bonus.step * 100)}%加{_num(ind.bonus.per_step)}分，最多加{_num(ind.bonus.cap)}分"
        return text
    if ind.rule is Rule.STEPS:
        bands = "，".join(f"完成率≥{_num(s.at * 100)}%得{_num(s.fraction * ind.weight)}分" for s in ind.steps)
        return f"分档计分：{bands}，否则0分"
    if ind.rule is Rule.CEILING:
        return f"不高于目标得{w}分；超出目标按超出比例扣减，扣完为止"
    if ind.rule is Rule.BINARY:
        word = CONDITION_WORDS[ind.condition or Condition.GE]
        limit = f"{_num(ind.threshold)}{ind.unit}" if ind.threshold is not None else "目标"
        return f"达标计分：{word}{limit}得{w}分，否则0分"
    if ind.rule is Rule.DEDUCT:
        return f"扣分制：每{ind.unit}扣{_num(ind.per_unit or Decimal(0))}分，扣完为止"
    if ind.rule is Rule.VETO:
        return "一票否决：发现即评为不合格"
    return "只报不评"


def marks(r: CountyResult) -> str:
    out = []
    if r.advanced:
        out.append("先进")
    if r.last:
        out.append("末位")
    if r.vetoed:
        out.append("一票否决")
    return "、".join(out)


def common_fields(assessment: Assessment, scheme: Scheme) -> dict[str, Any]:
    counts = {s: sum(1 for r in assessment.counties if r.status is s) for s in CountyStatus}
    sev = {s: sum(1 for p in assessment.problems if p.severity is s) for s in Severity}
    missing_note = (
        "缺报指标按 0 分计" if assessment.settings.missing == "zero" else "有缺报指标的县暂缓评定，不参加排名"
    )
    return {
        "年度": assessment.year,
        "方案": assessment.scheme_id,
        "方案名称": assessment.scheme_name,
        "考核日期": _date(assessment.assessed_on),
        "月份": assessment.month,
        "参评数": len(assessment.counties),
        "已评数": counts[CountyStatus.SCORED],
        "缺报数": counts[CountyStatus.NOT_SUBMITTED],
        "出错数": counts[CountyStatus.FAILED],
        "暂缓数": counts[CountyStatus.HELD],
        "缺报处理": missing_note + "；空白不等于 0。",
        "缺报说明": ""
        if not counts[CountyStatus.NOT_SUBMITTED]
        else f"缺报 {counts[CountyStatus.NOT_SUBMITTED]} 个",
        "错误数": sev[Severity.ERROR],
        "警告数": sev[Severity.WARNING],
        "提示数": sev[Severity.INFO],
        "加分上限": _num(scheme.bonus_cap),
        "否决等次": scheme.veto_grade,
        "优秀等次": scheme.excellent_grade,
        "先进数": scheme.advanced_count,
        "文件数": len(assessment.inputs),
    }
