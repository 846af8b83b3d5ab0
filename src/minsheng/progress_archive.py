"""A progress run as data, and the archive it becomes: :func:`progress_to_json` is what
``minsheng progress --json`` writes, and :func:`load_history` reads a folder of such results back as
the history a later period is compared with (较上期, 连续 N 期)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .model import (
    Problem,
    Scheme,
    Severity,
)
from .period import Period
from .run import PathLike

if TYPE_CHECKING:  # pragma: no cover - typing only
    pass

from .progress_run import (
    KIND,
    HistoryPoint,
    ProgressRun,
)


def _d(x: Decimal | None) -> str | None:
    return None if x is None else format(x, "f")


def progress_to_dict(run: ProgressRun) -> dict[str, Any]:
    """The run as plain data: what :func:`progress_to_json` writes."""
    problems = json.loads(_problems_json(run.problems))
    return {
        "kind": KIND,
        "scheme_id": run.scheme.id,
        "year": run.period.year,
        "period": str(run.period),
        "label": run.period.label,
        "title": run.period.title,
        "deadline": run.deadline.isoformat(),
        "assessed_on": run.assessment.assessed_on.isoformat() if run.assessment.assessed_on else None,
        "settings": {
            "band": _d(run.scheme.progress.band),
            "red": _d(run.scheme.progress.red),
            "consecutive": run.scheme.progress.consecutive,
        },
        "previous_period": str(run.previous.period) if run.previous else None,
        "history": [str(p.period) for p in run.history],
        "counties": [
            {
                "county": {
                    "code": c.county.code,
                    "name": c.county.name,
                    "city_code": c.county.city_code,
                    "city_name": c.county.city_name,
                },
                "state": c.state,
                "rank": c.rank,
                "score": _d(c.score),
                "behind": list(c.behind),
                "late_days": c.late_days,
                "vetoed": c.vetoed,
                "previous_rank": c.previous_rank,
                "previous_score": _d(c.previous_score),
                "rank_change": c.rank_change,
                "streaks": dict(sorted(c.streaks.items())),
                "indicators": [
                    {
                        "code": i.code,
                        "target": _d(i.target),
                        "actual": _d(i.actual),
                        "ratio": _d(i.ratio),
                        "expected": _d(i.expected),
                        "gap": _d(i.gap),
                        "status": None if i.status is None else str(i.status),
                        "planned": i.planned,
                        "rank": i.rank,
                    }
                    for i in c.indicators
                ],
            }
            for c in run.counties
        ],
        "cities": [
            {
                "code": c.code,
                "name": c.name,
                "counties": c.counties,
                "reported": c.reported,
                "average": _d(c.average),
                "rank": c.rank,
                "behind": c.behind,
            }
            for c in run.cities
        ],
        "problems": problems,
    }


def _problems_json(problems: Sequence[Problem]) -> str:
    from .convert import to_json

    return to_json(list(problems), indent=None)


def progress_to_json(run: ProgressRun) -> str:
    """The run as JSON text (UTF-8, final newline): what ``minsheng progress --json`` writes."""
    return json.dumps(progress_to_dict(run), ensure_ascii=False, indent=1) + "\n"


def load_history(
    history: PathLike | Iterable[PathLike], scheme: Scheme, period: Period
) -> tuple[tuple[HistoryPoint, ...], list[Problem]]:
    """The earlier progress results of ``scheme`` and ``period``'s year, before ``period``, oldest
    first (one per period: the first file in name order is kept); every other file is a
    ``history-skipped`` problem naming it and why. A path that does not exist is an InputError."""
    from .past_results import PROGRESS, read_history

    results, problems = read_history(history)
    points: dict[tuple[int, int], HistoryPoint] = {}
    for r in results:
        when = Period.parse(r.period) if r.period is not None else None
        if r.scheme_id != scheme.id:
            why = f"属于考核方案“{r.scheme_id}”，本次为“{scheme.id}”"
        elif r.year != period.year:
            why = f"是 {r.year} 年的结果，本次为 {period.year} 年"
        elif r.kind != PROGRESS or when is None:
            why = "是年终考核结果，不是月报、季报的进度结果"
        elif (when.year, when.month) >= (period.year, period.month):
            why = f"是{when.title}的结果，不早于本期"
        elif (when.year, when.month) in points:
            why = f"与“{points[(when.year, when.month)].file}”是同一期（{when.title}）的结果"
        else:
            points[(when.year, when.month)] = HistoryPoint(
                when,
                r.file,
                {c.code: c.rank for c in r.counties},
                {c.code: c.total for c in r.counties},
                {c.code: c.behind for c in r.counties},
            )
            continue
        problems.append(
            Problem(
                "history-skipped",
                f"历史结果“{r.file}”{why}，已跳过，未用于较上期和连续滞后。",
                severity=Severity.WARNING,
                file=r.file,
            )
        )
    return tuple(points[k] for k in sorted(points)), problems


__all__ = ["load_history", "progress_to_dict", "progress_to_json"]
