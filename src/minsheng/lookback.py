"""The year end looks back: 同比 with last year's result, 单项先进 per indicator group, and the
optional scheme rule that lets the year's progress reports (序时进度通报) feed the year-end score.

Earlier results are the JSON files other runs wrote (``minsheng assess --json``, ``minsheng
progress --json``) in a folder given as ``--history`` (read by :mod:`minsheng.past_results`). Only
results of the same scheme are used; a file that cannot be read, or belongs to another scheme, is
reported (``history-skipped``) and never mixed in. Plain functions over attrs values: nothing here
imports openpyxl or click.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from attrs import evolve, frozen

from .model import (
    Assessment,
    County,
    CountyResult,
    CountyStatus,
    Deduction,
    InterimRule,
    Problem,
    Scheme,
    Targets,
)
from .past_results import ASSESSMENT, PROGRESS, PastCounty, PastResult, read_history
from .scoring import ZERO, city_rollups, competition_ranks, half_up, q2, rank_counties

INTERIM_ITEM = "interim-last"  # the Deduction.item of 平时考核计入年终
CADENCE_WORDS = {"month": "月报", "quarter": "季报"}

# --------------------------------------------------------------------------------------------
# 同比, 单项先进, 平时考核


@frozen
class Comparison:
    """同比: a county's total and rank this year beside last year's; ``rank_change`` > 0 is a rise."""

    county: County
    total: Decimal | None
    rank: int | None
    previous_total: Decimal | None
    previous_rank: int | None
    rank_change: int | None
    total_change: Decimal | None

    @property
    def change_text(self) -> str:
        """升降 in words: 上升 3 位, 下降 2 位, 持平, or — where a rank is missing."""
        if self.rank_change is None:
            return "—"
        if self.rank_change > 0:
            return f"上升{self.rank_change}位"
        if self.rank_change < 0:
            return f"下降{-self.rank_change}位"
        return "持平"


def compare(assessment: Assessment, previous: PastResult | None) -> tuple[Comparison, ...]:
    """同比 for every county of ``assessment``, in its report order (by county code last year)."""
    past = {c.code: c for c in previous.counties} if previous is not None else {}
    out = []
    for r in assessment.counties:
        p = past.get(r.county.code)
        prev_total = p.total if p is not None else None
        prev_rank = p.rank if p is not None else None
        out.append(
            Comparison(
                county=r.county,
                total=r.total,
                rank=r.rank,
                previous_total=prev_total,
                previous_rank=prev_rank,
                rank_change=None if r.rank is None or prev_rank is None else prev_rank - r.rank,
                total_change=None if r.total is None or prev_total is None else r.total - prev_total,
            )
        )
    return tuple(out)


@frozen
class GroupLeader:
    county: County
    score: Decimal  # the group score compared (rescaled to the group's weight where needed)
    rank: int
    #: the group's completion (its indicators' completion ratios weighted by their weights), which
    #: separates counties with the same group score (most reach full marks); None: no ratio
    completion: Decimal | None = None


@frozen
class GroupLeaders:
    """单项先进 of one indicator group: the best counties (ties share)."""

    code: str
    name: str
    weight: Decimal
    leaders: tuple[GroupLeader, ...]


def eligible_grades(scheme: Scheme) -> frozenset[str]:
    """The grades a 单项先进 may hold: ``group_advanced_grade`` (default 合格, where the scheme
    has it; else every grade but the lowest) and every grade above it."""
    bands = sorted(scheme.grades, key=lambda g: g.minimum)
    names = [g.name for g in bands]
    floor_name = scheme.group_advanced_grade or ("合格" if "合格" in names else None)
    if floor_name is None:
        floor = bands[1].minimum if len(bands) > 1 else bands[0].minimum
    else:
        floor = next(g.minimum for g in bands if g.name == floor_name)
    return frozenset(g.name for g in bands if g.minimum >= floor and g.name != scheme.veto_grade)


def group_score(r: CountyResult, code: str, weight: Decimal) -> Decimal | None:
    """A county's score in one group as 单项先进 compares it: rescaled to the group's weight when
    some of its indicators are not assessed (as the total is); None when none is."""
    g = next((g for g in r.groups if g.code == code), None)
    if g is None or g.applicable_weight == 0:
        return None
    if g.applicable_weight == weight:
        return g.score
    return q2(Fraction(g.score) * Fraction(weight) / Fraction(g.applicable_weight))


def group_completion(r: CountyResult, code: str) -> Decimal | None:
    """A county's completion in one group: the completion ratios (uncapped) of its scored
    indicators with a ratio, weighted by their weights (4 places); None when none has a ratio."""
    rated = [i for i in r.indicators if i.group == code and i.ratio is not None and i.weight > 0]
    if not rated:
        return None
    weighted = sum((Fraction(i.weight) * Fraction(i.ratio or 0) for i in rated), Fraction(0))
    return half_up(weighted / sum((Fraction(i.weight) for i in rated), Fraction(0)), 4)


def group_leaders(scheme: Scheme, assessment: Assessment) -> tuple[GroupLeaders, ...]:
    """单项先进 per indicator group: the counties ranked within the first ``group_advanced_count``
    by group score, then by the group's completion (:func:`group_completion`: with ratios capped
    at full marks most counties share the top score), among the counties scored, not vetoed and
    graded 合格 or better (:func:`eligible_grades`). Competition ranks: counties equal on both
    share a place."""
    grades = eligible_grades(scheme)
    eligible = [
        r
        for r in assessment.counties
        if r.status is CountyStatus.SCORED and r.total is not None and not r.vetoed and r.grade in grades
    ]
    out = []
    for group in scheme.groups:
        keyed = [
            ((s, group_completion(r, group.code) or ZERO), r)
            for r in eligible
            if (s := group_score(r, group.code, group.weight)) is not None
        ]
        keyed.sort(key=lambda x: (-x[0][0], -x[0][1], x[1].county.code))
        ranks = competition_ranks([k for k, _ in keyed])
        leaders = tuple(
            GroupLeader(r.county, s, rank, group_completion(r, group.code))
            for ((s, _), r), rank in zip(keyed, ranks, strict=True)
            if rank <= scheme.group_advanced_count
        )
        out.append(GroupLeaders(group.code, group.name, group.weight, leaders))
    return tuple(out)


@frozen
class InterimDeduction:
    """平时考核计入年终: the periods a county ranked last, and the points taken off its total."""

    county: County
    periods: tuple[str, ...]
    points: Decimal


def last_places(report: PastResult) -> frozenset[str]:
    """The counties ranked last in a progress report (ties share; none when all share one rank)."""
    ranks = [c.rank for c in report.counties if c.rank is not None]
    if not ranks or max(ranks) == 1:
        return frozenset()
    worst = max(ranks)
    return frozenset(c.code for c in report.counties if c.rank == worst)


def interim_deductions(
    rule: InterimRule, targets: Targets, reports: Sequence[PastResult]
) -> tuple[InterimDeduction, ...]:
    """What ``rule`` takes off each county for the ``reports`` (one per period, of the rule's
    cadence): ``points`` for each period ranked last, ``consecutive`` more for each period in a
    row before it (the month or quarter just before also last), at most ``cap``."""
    by_number = {r.number: r for r in reports}
    last = {n: last_places(r) for n, r in by_number.items()}
    out = []
    for county in targets.counties:
        periods, points, run = [], Fraction(0), 0
        for n in sorted(last):
            if county.code not in last[n]:
                continue
            run = run + 1 if county.code in last.get(n - 1, frozenset()) else 1
            periods.append(by_number[n].period or "")
            points += Fraction(rule.points) + Fraction(rule.consecutive) * (run - 1)
        if not periods:
            continue
        if rule.cap is not None:
            points = min(points, Fraction(rule.cap))
        out.append(InterimDeduction(county, tuple(periods), q2(points)))
    return tuple(out)


def apply_interim(
    scheme: Scheme, targets: Targets, assessment: Assessment, deductions: Iterable[InterimDeduction]
) -> Assessment:
    """The assessment with the interim deductions taken off the scored counties' totals (a
    deduction line each, as 通报批评 is), graded and ranked again."""
    assert scheme.interim is not None
    by_code = {d.county.code: d for d in deductions if d.points > 0}
    if not by_code:
        return assessment
    results = []
    for r in assessment.counties:
        d = by_code.get(r.county.code)
        if d is None or r.status is not CountyStatus.SCORED:
            results.append(r)
            continue
        lines = (*r.deductions, Deduction(INTERIM_ITEM, scheme.interim.name, len(d.periods), d.points))
        deducted = sum((x.points for x in lines), ZERO)
        total = q2(max(ZERO, r.indicator_total + r.bonus - deducted))
        results.append(evolve(r, deductions=lines, total=total))
    ranked = rank_counties(scheme, results)
    return evolve(assessment, counties=tuple(ranked), cities=city_rollups(scheme, targets, ranked))


# --------------------------------------------------------------------------------------------
# The whole look back


@frozen
class HistoryFile:
    """A file of the history folder and what the run made of it."""

    file: str
    kind: str
    year: int
    period: str | None
    use: str  # "同比" / "平时考核" / "" (not used)


@frozen
class Lookback:
    """What the year end took from its history: 同比, 单项先进 and the interim deductions."""

    previous_year: int
    previous_file: str | None
    comparisons: tuple[Comparison, ...]
    group_leaders: tuple[GroupLeaders, ...]
    interim_rule: InterimRule | None
    interim_periods: tuple[str, ...]
    interim: tuple[InterimDeduction, ...]
    files: tuple[HistoryFile, ...]
    problems: tuple[Problem, ...]

    def comparison(self, code: str) -> Comparison | None:
        return next((c for c in self.comparisons if c.county.code == code), None)

    def honours(self, code: str) -> tuple[str, ...]:
        """The groups a county is 单项先进 of, by name."""
        return tuple(g.name for g in self.group_leaders if any(x.county.code == code for x in g.leaders))


def _pick(
    results: Sequence[PastResult], key: Mapping[int, str], problems: list[Problem]
) -> dict[object, PastResult]:
    """One result per key (the first by file name); each later one a ``history-duplicate``."""
    chosen: dict[object, PastResult] = {}
    for i, r in enumerate(results):
        k = key[i]
        if k in chosen:
            problems.append(
                Problem(
                    "history-duplicate",
                    f"“{r.file}”与“{chosen[k].file}”是同一考核方案同一期（{k}）的结果，只用了后者；请删去多余的一份。",
                    file=r.file,
                )
            )
            continue
        chosen[k] = r
    return chosen


def look_back(
    scheme: Scheme, targets: Targets, assessment: Assessment, history: str | os.PathLike[str]
) -> tuple[Assessment, Lookback]:
    """Read the history folder and look back: the assessment (with the interim deductions applied
    when the scheme has an ``[interim]`` rule, and the history's problems added) and the
    :class:`Lookback` (同比 with last year's assessment of the same scheme, 单项先进)."""
    results, problems = read_history(history)
    year = assessment.year
    rule = scheme.interim
    use: dict[str, str] = {}
    previous_candidates, reports = [], []
    earlier = {scheme.id, *scheme.earlier_ids}
    for r in results:
        if r.kind == ASSESSMENT and r.year == year - 1 and r.scheme_id in earlier:
            previous_candidates.append(r)
        elif r.scheme_id != scheme.id:
            problems.append(
                Problem(
                    "history-skipped",
                    f"历年结果“{r.file}”是按考核方案“{r.scheme_id}”得出的，本次考核方案为“{scheme.id}”，"
                    "不能比较，已跳过；请只放同一考核方案的结果（方案改了编号的，在方案文件中用 earlier_ids 写明原编号）。",
                    file=r.file,
                )
            )
        elif r.kind == PROGRESS and r.year == year and rule is not None and r.cadence == rule.cadence:
            reports.append(r)
        else:
            if r.kind == ASSESSMENT:
                why = f"是 {r.year} 年度的考核结果，同比只用上年（{year - 1} 年度）的"
            elif r.year != year:
                why = f"是 {r.year} 年的序时进度通报，不属于本考核年度（{year} 年）"
            elif rule is None:
                why = "是序时进度通报，本考核方案没有平时考核计入年终的规则（[interim]）"
            else:
                why = (
                    f"是{CADENCE_WORDS[r.cadence or 'month']}，本考核方案按{CADENCE_WORDS[rule.cadence]}"
                    "的序时进度通报计分"
                )
            problems.append(Problem("history-unused", f"历年结果“{r.file}”{why}，未采用。", file=r.file))
    chosen_previous = _pick(
        previous_candidates, dict.fromkeys(range(len(previous_candidates)), f"{year - 1}年度"), problems
    )
    previous = next(iter(chosen_previous.values()), None)
    if previous is None:
        problems.append(
            Problem(
                "history-no-previous",
                f"历年结果目录中没有考核方案“{scheme.id}”{year - 1} 年度的考核结果，本次不作同比；"
                f"如需同比，请把上年 minsheng assess --json 写出的结果放入该目录。",
                file=Path(history).resolve().name,
            )
        )
    else:
        use[previous.file] = "同比"
    chosen_reports = _pick(reports, {i: r.period or "" for i, r in enumerate(reports)}, problems)
    used_reports = sorted(chosen_reports.values(), key=lambda r: r.number)
    interim: tuple[InterimDeduction, ...] = ()
    if rule is not None:
        interim = interim_deductions(rule, targets, used_reports)
        assessment = apply_interim(scheme, targets, assessment, interim)
        use.update({r.file: "平时考核" for r in used_reports})
    assessment = evolve(assessment, problems=(*assessment.problems, *problems))
    files = tuple(HistoryFile(r.file, r.kind, r.year, r.period, use.get(r.file, "")) for r in results)
    return assessment, Lookback(
        previous_year=year - 1,
        previous_file=previous.file if previous is not None else None,
        comparisons=compare(assessment, previous),
        group_leaders=group_leaders(scheme, assessment),
        interim_rule=rule,
        interim_periods=tuple(r.period or "" for r in used_reports),
        interim=interim,
        files=files,
        problems=tuple(problems),
    )


def lookback_data(lookback: Lookback) -> dict[str, Any]:
    """The look back as plain data: the ``"lookback"`` key of ``assess --history --json``."""

    def num(x: Decimal | None) -> str | None:
        return None if x is None else str(x)

    def county(c: County) -> dict[str, str]:
        return {"code": c.code, "name": c.name, "city_code": c.city_code, "city_name": c.city_name}

    rule = lookback.interim_rule
    return {
        "previous_year": lookback.previous_year,
        "previous_file": lookback.previous_file,
        "counties": [
            {
                "county": county(c.county),
                "total": num(c.total),
                "rank": c.rank,
                "previous_total": num(c.previous_total),
                "previous_rank": c.previous_rank,
                "rank_change": c.rank_change,
                "total_change": num(c.total_change),
            }
            for c in lookback.comparisons
        ],
        "group_leaders": [
            {
                "group": g.code,
                "name": g.name,
                "leaders": [
                    {
                        "county": county(x.county),
                        "score": str(x.score),
                        "completion": num(x.completion),
                        "rank": x.rank,
                    }
                    for x in g.leaders
                ],
            }
            for g in lookback.group_leaders
        ],
        "interim": None
        if rule is None
        else {
            "name": rule.name,
            "points": str(rule.points),
            "consecutive": str(rule.consecutive),
            "cap": num(rule.cap),
            "cadence": rule.cadence,
            "periods": list(lookback.interim_periods),
            "counties": [
                {"county": county(d.county), "periods": list(d.periods), "points": str(d.points)}
                for d in lookback.interim
            ],
        },
        "files": [
            {"file": f.file, "kind": f.kind, "year": f.year, "period": f.period, "use": f.use}
            for f in lookback.files
        ],
    }


__all__ = [
    "Comparison",
    "GroupLeaders",
    "InterimDeduction",
    "Lookback",
    "PastCounty",
    "PastResult",
    "apply_interim",
    "compare",
    "group_leaders",
    "interim_deductions",
    "look_back",
    "lookback_data",
    "read_history",
]
