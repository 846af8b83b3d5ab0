"""A progress report (序时进度通报) as one call: :func:`progress` → a :class:`ProgressRun`.

The same start as the year end (:func:`minsheng.run.collect`: scheme, targets, every county file
read through the plugins in a guarded child), then:

- a file for another period is not used (``wrong-period``), one stating none is taken as this
  period's with a warning;
- the counties are scored by the scheme's own rules against their targets as due by the period's
  end (cumulative targets × the share due: N/12, or the targets workbook's 进度计划), which gives
  each county's 综合进度得分 and its competition rank; lateness is counted from the period's due
  day (the scheme's ``due_day`` of the next month) unless a deadline is given;
- every indicator of every county is judged against its annual target
  (:func:`minsheng.progress.judge`: 已完成 / 超序时 / 按序时 / 滞后 / 严重滞后);
- earlier results (``history``: the JSON each run writes) give 较上期 and 连续滞后.

:func:`progress_to_json` is what ``minsheng progress --json`` writes; the JSON is the archive a
later run reads as its history. Importing this module loads neither openpyxl, click nor pluggy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from attrs import evolve, field, frozen

from .config import PluginConfig
from .errors import InputError
from .limits import Limits
from .model import (
    Assessment,
    County,
    CountyResult,
    CountyStatus,
    IndicatorStatus,
    Problem,
    Rule,
    Scheme,
    Targets,
)
from .period import Period, PeriodError, screen_periods
from .progress_rules import NO_SCHEDULE, PRORATED, Judgement, Progress, Schedule, judge, prorated_allocations
from .relpaths import relative_paths
from .run import MISSING, PathLike, collect
from .scheme import DEFAULT_SCHEME
from .scoring import competition_ranks, q2

if TYPE_CHECKING:
    from concurrent.futures import Executor

    # pragma: no cover - typing only
    from .plugins.reading import ReadResult

KIND = "progress"
#: the InputError codes a progress run adds to the year end's
INPUT_CODES = ("history-not-found",)
FOUR = Decimal("0.0001")

#: a county's reporting state, as the 通报 says it
REPORTED, LATE, NOT_REPORTED, FAILED, HELD = "已报", "逾期", "缺报", "出错", "暂缓"


@frozen
class IndicatorProgress:
    """One indicator of one county at the period. ``ratio`` is the completion of the annual target
    (4 places), ``expected`` the share due (4 places; None where not prorated), ``gap`` the
    points ahead (+) or behind (−) (2 places), ``rank`` the competition rank by ratio among the
    counties (cumulative indicators only)."""

    code: str
    target: Decimal | None
    actual: Decimal | None
    status: Progress | None
    ratio: Decimal | None = None
    expected: Decimal | None = None
    gap: Decimal | None = None
    planned: bool = False
    rank: int | None = None


@frozen
class CountyProgress:
    """One county at the period: its 综合进度得分 and rank (None: not ranked), its reporting state,
    days late, each indicator, and against the history: the previous rank and score and, per
    indicator behind now, how many periods in a row it has been behind (this one included)."""

    county: County
    state: str
    rank: int | None
    score: Decimal | None
    indicators: tuple[IndicatorProgress, ...]
    late_days: int | None = None
    #: a veto (一票否决) of the scheme's rules: ranked after every county not vetoed, as at the year end
    vetoed: bool = False
    previous_rank: int | None = None
    previous_score: Decimal | None = None
    streaks: dict[str, int] = field(factory=dict)

    @property
    def behind(self) -> tuple[str, ...]:
        """Codes of the indicators behind schedule (滞后 or 严重滞后), in scheme order."""
        return tuple(i.code for i in self.indicators if i.status is not None and i.status.behind)

    @property
    def rank_change(self) -> int | None:
        """Places gained (+) or lost (−) since the previous period; None without both ranks."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank

    @property
    def score_change(self) -> Decimal | None:
        if self.score is None or self.previous_score is None:
            return None
        return self.score - self.previous_score


@frozen
class CityProgress:
    """A 设区市: its counties' average 综合进度得分 and its competition rank among the cities."""

    code: str
    name: str
    counties: int
    reported: int
    average: Decimal | None
    rank: int | None
    behind: int  # indicator-county pairs behind schedule


@frozen
class HistoryPoint:
    """An earlier progress result as the history folder gives it: its period, and per county code
    its rank, score and the indicators it was behind on."""

    period: Period
    file: str
    ranks: dict[str, int | None]
    scores: dict[str, Decimal | None]
    behind: dict[str, tuple[str, ...]]


@frozen
class ProgressRun:
    """One progress run: the scheme, the (annual) targets, the period, the schedule, the scoring
    against the targets due (``assessment``), each county's progress (in rank order), the cities,
    the history used, the due date and every read. ``problems`` holds every problem once."""

    scheme: Scheme
    targets: Targets
    period: Period
    schedule: Schedule
    assessment: Assessment
    counties: tuple[CountyProgress, ...]
    cities: tuple[CityProgress, ...]
    history: tuple[HistoryPoint, ...]
    deadline: dt.date
    reads: tuple[ReadResult, ...]

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.assessment.problems

    @property
    def previous(self) -> HistoryPoint | None:
        """The latest earlier period in the history (较上期 compares with it)."""
        return self.history[-1] if self.history else None

    def county(self, code: str) -> CountyProgress:
        for c in self.counties:
            if c.county.code == code:
                return c
        raise KeyError(code)

    def streaks(self, at_least: int | None = None) -> list[tuple[CountyProgress, str, int]]:
        """(county, indicator, periods) behind ``at_least`` periods in a row (default: the scheme's
        ``consecutive``), longest first, then by county code and indicator."""
        n = self.scheme.progress.consecutive if at_least is None else at_least
        found = [(c, code, k) for c in self.counties for code, k in c.streaks.items() if k >= n]
        return sorted(found, key=lambda x: (-x[2], x[0].county.code, x[1]))


def due_date(period: Period, due_day: int) -> dt.date:
    """The day a period's report is due: ``due_day`` of the month after it."""
    if period.month == 12:
        return dt.date(period.year + 1, 1, due_day)
    return dt.date(period.year, period.month + 1, due_day)


def progress(
    submissions: PathLike | Iterable[PathLike],
    targets: PathLike | Targets,
    *,
    period: Period | str,
    scheme: PathLike | Scheme = DEFAULT_SCHEME,
    history: PathLike | Iterable[PathLike] | None = None,
    schedule: Schedule | None = None,
    deadline: dt.date | None = None,
    received: Mapping[str, dt.date] | None = None,
    missing: str = "zero",
    assessed_on: dt.date | None = None,
    plugins: PluginConfig | None = None,
    limits: Limits | None = None,
    executor: Executor | None = None,
    on_file: Callable[[int, int], None] | None = None,
) -> ProgressRun:
    """Run a progress report for ``period`` (``"2007-06"``, ``"2007Q2"`` or a :class:`Period`).

    ``submissions``, ``targets``, ``scheme``, ``missing``, ``assessed_on``, ``plugins``,
    ``limits`` and ``executor`` are as for :func:`minsheng.assess` (``on_file`` is its
    ``progress`` callback). ``schedule`` is a planned schedule; by default the targets workbook's
    进度计划 sheet, else 序时进度 N/12. ``deadline`` is the period's due date (default: the scheme's
    ``due_day`` of the next month); ``received`` the office's receipt dates for this period (the
    targets workbook's 收文登记 is the year end's and is not used). ``history`` is a folder (or
    files) of earlier results (the JSON of this call); another scheme's or year's, or a later
    period's, are skipped with a ``history-skipped`` problem. 督查发现 count at the year end only.

    Raises :class:`~minsheng.errors.InputError` as :func:`minsheng.assess` does, and for a
    period that cannot be read or is not of the targets' year.
    """
    plugins = plugins or PluginConfig()
    limits = limits or Limits()
    if missing not in MISSING:
        raise InputError("bad-argument", f"missing 只能是 {' 或 '.join(MISSING)}，而不是“{missing}”。")
    if not isinstance(period, Period):
        try:
            period = Period.parse(period)
        except PeriodError as exc:
            raise InputError("bad-argument", f"报告期：{exc}") from exc
    got = collect(submissions, targets, scheme, period.year, plugins, limits, executor, on_file, period.month)
    loaded, annual = got.scheme, got.targets.targets
    problems: list[Problem] = [*got.targets.problems, *got.problems]
    if schedule is None:
        schedule = NO_SCHEDULE
        if not isinstance(targets, Targets):
            from .workbooks.schedule import read_schedule

            schedule, found = read_schedule(targets, loaded)
            problems.extend(found)
    from .progress_archive import load_history

    points, found = load_history(history, loaded, period) if history is not None else ((), [])
    problems.extend(found)
    due = deadline or due_date(period, loaded.progress.due_day)
    due_now = evolve(
        annual,
        allocations=prorated_allocations(loaded.indicators, annual.allocations, period.month, schedule),
        deadline=due,
        receipts={},
    )
    from .pipeline import assess_reads

    reads = screen_periods(got.reads, period, required=True)
    assessment = assess_reads(
        loaded,
        due_now,
        reads,
        problems=problems,
        deadline=due,
        missing=missing,
        assessed_on=assessed_on,
        received=received,
    )
    assessment = evolve(relative_paths(assessment, list(got.roots)), month=period.month)
    counties = _counties(loaded, annual, assessment, period, schedule, points)
    return ProgressRun(
        loaded,
        annual,
        period,
        schedule,
        assessment,
        counties,
        _cities(counties),
        points,
        due,
        tuple(reads),
    )


def _state(r: CountyResult, late: int | None) -> str:
    if r.status is CountyStatus.NOT_SUBMITTED:
        return NOT_REPORTED
    if r.status is CountyStatus.FAILED:
        return FAILED
    if late:
        return LATE
    return HELD if r.status is CountyStatus.HELD else REPORTED


def _counties(
    scheme: Scheme,
    annual: Targets,
    assessment: Assessment,
    period: Period,
    schedule: Schedule,
    history: Sequence[HistoryPoint],
) -> tuple[CountyProgress, ...]:
    lateness = scheme.lateness_indicator
    judged: dict[str, list[IndicatorProgress]] = {}
    for r in assessment.counties:
        allocation = annual.allocations.get(r.county.code, {})
        scores = {s.code: s for s in r.indicators}
        rows = []
        for ind in scheme.indicators:
            if ind.rule is Rule.INFO or ind is lateness:
                continue
            s = scores.get(ind.code)
            target = allocation.get(ind.code)
            actual = s.actual if s is not None and s.status is IndicatorStatus.SCORED else None
            share = schedule.share(ind.code, period.month)
            j = judge(ind, target, actual, share, scheme.progress) if actual is not None else Judgement(None)
            rows.append(
                IndicatorProgress(
                    code=ind.code,
                    target=target,
                    actual=actual,
                    status=j.status,
                    ratio=None if j.ratio is None else j.ratio.quantize(FOUR),
                    expected=None if j.expected is None else j.expected.quantize(FOUR),
                    gap=None if j.gap is None else q2(j.gap),
                    planned=schedule.planned(ind.code) and ind.rule in PRORATED,
                )
            )
        judged[r.county.code] = rows
    _rank_indicators(judged)
    previous = history[-1] if history else None
    out = []
    for r in assessment.counties:
        late = None
        if lateness is not None:
            s = next((x for x in r.indicators if x.code == lateness.code), None)
            late = int(s.actual) if s is not None and s.actual is not None else None
        rows = judged[r.county.code]
        behind_now = [i.code for i in rows if i.status is not None and i.status.behind]
        streaks = {code: _streak(code, r.county.code, period, history) + 1 for code in behind_now}
        out.append(
            CountyProgress(
                county=r.county,
                state=_state(r, late),
                rank=r.rank,
                score=r.total if r.status is CountyStatus.SCORED else None,
                indicators=tuple(rows),
                late_days=late,
                vetoed=r.vetoed,
                previous_rank=previous.ranks.get(r.county.code) if previous else None,
                previous_score=previous.scores.get(r.county.code) if previous else None,
                streaks=streaks,
            )
        )
    return tuple(out)


def _streak(code: str, county: str, period: Period, history: Sequence[HistoryPoint]) -> int:
    """Periods in a row before ``period`` that ``county`` was behind on ``code``: the history's
    periods one step apart each (a month, or a quarter for a quarterly report); a gap ends the run."""
    step = 3 if period.quarter else 1
    n, month = 0, period.month
    for point in reversed(history):
        if point.period.month != month - step or code not in point.behind.get(county, ()):
            break
        n, month = n + 1, point.period.month
    return n


def _rank_indicators(judged: dict[str, list[IndicatorProgress]]) -> None:
    """Competition ranks by completion ratio, per indicator, among the counties that have one."""
    codes = {i.code for rows in judged.values() for i in rows if i.ratio is not None}
    for code in codes:
        entries = sorted(
            ((i.ratio, county) for county, rows in judged.items() for i in rows if i.code == code and i.ratio is not None),
            key=lambda x: (-x[0], x[1]),
        )  # fmt: skip
        ranks = dict(zip((c for _, c in entries), competition_ranks([r for r, _ in entries]), strict=True))
        for county, rows in judged.items():
            if county in ranks:
                rows[:] = [evolve(i, rank=ranks[county]) if i.code == code else i for i in rows]


def _cities(counties: Sequence[CountyProgress]) -> tuple[CityProgress, ...]:
    groups: dict[tuple[str, str], list[CountyProgress]] = {}
    for c in counties:
        groups.setdefault((c.county.city_code, c.county.city_name), []).append(c)
    rows = []
    for (code, name), members in sorted(groups.items()):
        scored = [m.score for m in members if m.score is not None]
        average = q2(sum(scored, Decimal(0)) / len(scored)) if scored else None
        behind = sum(len(m.behind) for m in members)
        reported = sum(1 for m in members if m.state in (REPORTED, LATE, HELD))
        rows.append((code, name, len(members), reported, average, behind))
    ranked = sorted((r for r in rows if r[4] is not None), key=lambda r: (-r[4], r[0]))  # type: ignore[operator]
    ranks = dict(zip((r[0] for r in ranked), competition_ranks([r[4] for r in ranked]), strict=True))
    ordered = ranked + [r for r in rows if r[4] is None]
    return tuple(
        CityProgress(code, name, n, reported, average, ranks.get(code), behind)
        for code, name, n, reported, average, behind in ordered
    )


# --------------------------------------------------------------------------------------------
# The JSON archive, and reading it back as history


def progress_to_json(run: ProgressRun) -> str:
    """The run as JSON text: what ``minsheng progress --json`` writes (see :mod:`minsheng.progress_archive`)."""
    from .progress_archive import progress_to_json as to_json

    return to_json(run)


__all__ = [
    "CityProgress",
    "CountyProgress",
    "HistoryPoint",
    "IndicatorProgress",
    "ProgressRun",
    "due_date",
    "progress",
    "progress_to_json",
]
