"""A whole assessment: every county of the targets scored, graded, ranked and rolled up by city."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from ..checks import lateness
from ..clock import assessment_date
from ..model import (
    Assessment,
    CountyResult,
    CountyStatus,
    Finding,
    InputFile,
    Problem,
    Receipt,
    Scheme,
    Settings,
    Severity,
    Submission,
    Targets,
)
from .county import score_county
from .ranking import city_rollups, rank_counties
from .rules import MISSING_POLICIES

_T = TypeVar("_T")


def _receipts(received: Mapping[str, dt.date | Receipt]) -> dict[str, Receipt]:
    """Receipt dates as a program gives them (dates, ISO strings or :class:`Receipt`) → receipts."""
    out = {}
    for code, when in received.items():
        if isinstance(when, Receipt):
            out[code] = when
        else:
            date = when if isinstance(when, dt.date) else dt.date.fromisoformat(str(when))
            out[code] = Receipt(date)
    return out


def score(
    scheme: Scheme,
    targets: Targets | Mapping[str, Any],
    submissions: Iterable[Submission | Mapping[str, Any]],
    *,
    findings: Iterable[Finding | Mapping[str, Any]] = (),
    missing: str = "zero",
    failed: Iterable[str] = (),
    problems: Iterable[Problem] = (),
    inputs: Iterable[InputFile] = (),
    assessed_on: dt.date | None = None,
    deadline: dt.date | None = None,
    received: Mapping[str, dt.date | Receipt] | None = None,
) -> Assessment:
    """Score every county of ``targets`` and return the assessment.

    ``targets``, ``submissions`` and ``findings`` may be attrs values or their plain-dict form.
    ``missing`` is ``"zero"`` (a missing actual scores 0, with a ``missing-value`` problem) or
    ``"hold"`` (the county is held back, unranked). ``failed`` names counties whose files could not
    be read (status 出错); ``problems`` are those found before scoring (reading, checks), kept in
    the assessment. The lateness indicator (6.2 逾期天数) is computed, never taken from the county:
    from ``received`` (county code → the day the office received its report; the targets' 收文登记
    when not given) and ``deadline`` (the targets' when not given), else from the county's report
    date (:func:`minsheng.checks.lateness`). ``assessed_on`` is the 考核日期 (default: today; see
    :func:`minsheng.clock.assessment_date`), never a county's report date.
    """

    def structure(value: Any, cls: type[_T]) -> _T:  # cattrs is loaded only for plain-dict input
        from ..convert import structure as _structure

        return _structure(value, cls)

    if missing not in MISSING_POLICIES:
        raise ValueError(f"missing must be one of {MISSING_POLICIES}, not {missing!r}")
    if not isinstance(targets, Targets):
        targets = structure(targets, Targets)
    subs = [s if isinstance(s, Submission) else structure(s, Submission) for s in submissions]
    finds = [f if isinstance(f, Finding) else structure(f, Finding) for f in findings]
    settings = Settings(missing=missing)
    all_problems = list(problems)
    failed_codes = set(failed)

    known = {c.code for c in targets.counties}
    deadline = deadline or targets.deadline
    receipts = {**targets.receipts, **_receipts(received or {})}
    by_county: dict[str, list[Submission]] = defaultdict(list)
    for sub in subs:
        if sub.county not in known:
            all_problems.append(
                Problem.at(
                    "unknown-county",
                    f"县（市、区）代码“{sub.county}”不在目标任务表中，该报表未计分；请核对代码。",
                    sub.source,
                    county=sub.county,
                )
            )
            continue
        if sub.year != targets.year:
            all_problems.append(
                Problem.at(
                    "wrong-year",
                    f"报表年度为 {sub.year}，本次考核年度为 {targets.year}；请确认报送的是本年度报表。",
                    sub.source,
                    severity=Severity.WARNING,
                    county=sub.county,
                )
            )
        sub, late = lateness(scheme, sub, deadline, receipts.get(sub.county))
        all_problems.extend(late)
        by_county[sub.county].append(sub)
    findings_by_county: dict[str, list[Finding]] = defaultdict(list)
    for f in finds:
        if f.county not in known:
            all_problems.append(
                Problem.at(
                    "unknown-county",
                    f"督查发现所列县（市、区）代码“{f.county}”不在目标任务表中，未处理。",
                    f.source,
                    county=f.county,
                )
            )
            continue
        findings_by_county[f.county].append(f)

    results: list[CountyResult] = []
    for county in targets.counties:
        county_subs = by_county.get(county.code, [])
        if county.code in failed_codes:
            results.append(CountyResult(county=county, status=CountyStatus.FAILED))
            continue
        if not county_subs:
            all_problems.append(
                Problem(
                    "not-submitted",
                    f"{county.name}（{county.code}）未报送报表，按缺报处理。",
                    severity=Severity.WARNING,
                    county=county.code,
                )
            )
            results.append(CountyResult(county=county, status=CountyStatus.NOT_SUBMITTED))
            continue
        if len(county_subs) > 1:
            files = "、".join(s.source.file or "（未知文件）" for s in county_subs)
            all_problems.append(
                Problem(
                    "duplicate-submission",
                    f"{county.name}（{county.code}）同一期报送了多份报表：{files}；请只保留一份后重新考核。",
                    county=county.code,
                    file=county_subs[0].source.file,
                )
            )
            results.append(CountyResult(county=county, status=CountyStatus.FAILED))
            continue
        result, found = score_county(
            scheme,
            county,
            targets.allocations.get(county.code, {}),
            county_subs[0],
            findings_by_county.get(county.code, ()),
            settings,
        )
        all_problems.extend(found)
        results.append(result)

    ranked = rank_counties(scheme, results)
    return Assessment(
        scheme_id=scheme.id,
        scheme_name=scheme.name,
        year=targets.year,
        counties=tuple(ranked),
        cities=city_rollups(scheme, targets, ranked),
        problems=tuple(all_problems),
        inputs=tuple(inputs),
        settings=settings,
        assessed_on=assessment_date(assessed_on),
        month=max((s.month for s in subs), default=12),
    )
