"""Grades, competition ranks, 先进 and 末位, and the cities' roll-ups."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import ROUND_FLOOR, Decimal

from attrs import evolve

from ..model import (
    CityResult,
    CountyResult,
    CountyStatus,
    Scheme,
    Targets,
)
from .rules import ZERO, q2


def band_grade(scheme: Scheme, total: Decimal) -> str:
    """The grade band a total falls in, ignoring quota and veto."""
    for grade in sorted(scheme.grades, key=lambda g: g.minimum, reverse=True):
        if total >= grade.minimum:
            return grade.name
    return min(scheme.grades, key=lambda g: g.minimum).name


def _grade_below(scheme: Scheme, name: str) -> str:
    bands = sorted(scheme.grades, key=lambda g: g.minimum, reverse=True)
    names = [g.name for g in bands]
    i = names.index(name)
    return names[min(i + 1, len(names) - 1)]


def _total(result: CountyResult) -> Decimal:
    """The total of a scored county (only scored counties are ranked, and every one has a total)."""
    assert result.total is not None
    return result.total


def competition_ranks(totals: Sequence[object], start: int = 1) -> list[int]:
    """Ranks for totals sorted highest first: equal totals share a rank and the next skips (1, 2, 2, 4)."""
    ranks: list[int] = []
    for i, t in enumerate(totals):
        ranks.append(ranks[-1] if i and t == totals[i - 1] else start + i)
    return ranks


def rank_counties(scheme: Scheme, results: Iterable[CountyResult]) -> list[CountyResult]:
    """Grade and rank scored counties; return all counties in report order.

    Order: ranked counties by rank (vetoed ones after all others), then held, failed and
    not-submitted counties, each by county code.
    """
    results = list(results)
    scored = [r for r in results if r.status is CountyStatus.SCORED]

    def by_total(r: CountyResult) -> tuple[Decimal, str]:
        return (-_total(r), r.county.code)

    clean = sorted((r for r in scored if not r.vetoed), key=by_total)
    vetoed = sorted((r for r in scored if r.vetoed), key=by_total)
    ranks = competition_ranks([_total(r) for r in clean]) + competition_ranks(
        [_total(r) for r in vetoed], start=len(clean) + 1
    )
    grades = [band_grade(scheme, _total(r)) for r in clean] + [scheme.veto_grade] * len(vetoed)

    if scheme.excellent_quota is not None:
        quota = int((scheme.excellent_quota * len(clean)).to_integral_value(rounding=ROUND_FLOOR))
        excellent = [i for i, g in enumerate(grades[: len(clean)]) if g == scheme.excellent_grade]
        if len(excellent) > quota:
            boundary = _total(clean[excellent[quota - 1]]) if quota > 0 else None
            lower = _grade_below(scheme, scheme.excellent_grade)
            for i in excellent:
                if boundary is None or _total(clean[i]) < boundary:
                    grades[i] = lower

    ordered = clean + vetoed
    # 末位 (通报批评) is the last county ranked on its score: a vetoed county is listed as 一票否决
    last_rank = max(ranks[: len(clean)]) if clean else None
    out = []
    for r, rank, grade in zip(ordered, ranks, grades, strict=True):
        out.append(
            evolve(
                r,
                rank=rank,
                grade=grade,
                advanced=(not r.vetoed and grade == scheme.excellent_grade and rank <= scheme.advanced_count),
                last=not r.vetoed and rank == last_rank,
            )
        )
    order = {CountyStatus.HELD: 0, CountyStatus.FAILED: 1, CountyStatus.NOT_SUBMITTED: 2}
    rest = sorted(
        (r for r in results if r.status is not CountyStatus.SCORED),
        key=lambda r: (order[r.status], r.county.code),
    )
    return out + rest


def city_rollups(scheme: Scheme, targets: Targets, results: Sequence[CountyResult]) -> tuple[CityResult, ...]:
    """设区市汇总: county counts, average total, grades, and Σ target and Σ actual per indicator."""
    by_city: dict[tuple[str, str], list[CountyResult]] = defaultdict(list)
    for r in results:
        by_city[(r.county.city_code, r.county.city_name)].append(r)
    cities = []
    for (code, name), members in sorted(by_city.items()):
        scored = [r for r in members if r.status is CountyStatus.SCORED and r.total is not None]
        grades: dict[str, int] = {g.name: 0 for g in scheme.grades}
        for r in scored:
            if r.grade is not None:
                grades[r.grade] = grades.get(r.grade, 0) + 1
        totals: dict[str, Decimal | None] = {}
        target_sums: dict[str, Decimal | None] = {}
        for ind in scheme.indicators:
            actuals = [
                s.actual for r in scored for s in r.indicators if s.code == ind.code and s.actual is not None
            ]
            totals[ind.code] = sum(actuals, ZERO) if actuals else None
            tvals = [targets.allocations.get(r.county.code, {}).get(ind.code) for r in members]
            tnums = [t for t in tvals if t is not None]
            target_sums[ind.code] = sum(tnums, ZERO) if tnums else None
        cities.append(
            CityResult(
                code=code,
                name=name,
                counties=len(members),
                scored=len(scored),
                average_total=q2(sum((_total(r) for r in scored), ZERO) / len(scored)) if scored else None,
                grades=grades,
                vetoed=sum(1 for r in scored if r.vetoed),
                totals=totals,
                targets=target_sums,
            )
        )
    return tuple(cities)
