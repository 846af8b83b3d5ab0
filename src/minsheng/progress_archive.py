"""A progress run as data, and the archive it becomes: :func:`progress_to_json` is what
``minsheng progress --json`` writes, and :func:`load_history` reads a folder of such results back as
the history a later period is compared with (较上期, 连续 N 期)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError
from .model import (
    Problem,
    Scheme,
    Severity,
)
from .period import Period, PeriodError
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
    paths: list[Path] = []
    given = [history] if isinstance(history, str | os.PathLike) else list(history)
    for item in given:
        p = Path(item)
        if p.is_dir():
            paths.extend(sorted(x for x in p.rglob("*.json") if x.is_file()))
        elif p.is_file():
            paths.append(p)
        else:
            raise InputError("history-not-found", f"找不到历史结果目录或文件“{p}”；请检查 --history 的路径。")
    points: dict[tuple[int, int], HistoryPoint] = {}
    problems: list[Problem] = []

    def skip(path: Path, why: str) -> None:
        problems.append(
            Problem(
                "history-skipped",
                f"历史结果“{path.name}”{why}，已跳过，未用于较上期和连续滞后。",
                severity=Severity.WARNING,
                file=path.name,
            )
        )

    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            skip(path, "无法读取（不是 minsheng 写出的 JSON 结果）")
            continue
        if not isinstance(data, dict):
            skip(path, "不是 minsheng 写出的结果")
            continue
        if data.get("scheme_id") != scheme.id:
            skip(path, f"属于考核方案“{data.get('scheme_id')}”，本次为“{scheme.id}”")
            continue
        if data.get("year") != period.year:
            skip(path, f"是 {data.get('year')} 年的结果，本次为 {period.year} 年")
            continue
        if data.get("kind") != KIND:
            skip(path, "是年终考核结果，不是月报、季报的进度结果")
            continue
        try:
            when = Period.parse(str(data.get("period")))
            point = _point(when, path, data)
        except (PeriodError, KeyError, TypeError, ValueError, ArithmeticError):
            skip(path, "内容不完整（缺少期别或各县结果）")
            continue
        if (when.year, when.month) >= (period.year, period.month):
            skip(path, f"是{when.title}的结果，不早于本期")
            continue
        key = (when.year, when.month)
        if key in points:
            skip(path, f"与“{points[key].file}”是同一期（{when.title}）的结果")
            continue
        points[key] = point
    return tuple(points[k] for k in sorted(points)), problems


def _point(period: Period, path: Path, data: Mapping[str, Any]) -> HistoryPoint:
    ranks: dict[str, int | None] = {}
    scores: dict[str, Decimal | None] = {}
    behind: dict[str, tuple[str, ...]] = {}
    for c in data["counties"]:
        code = str(c["county"]["code"])
        rank = c.get("rank")
        ranks[code] = int(rank) if rank is not None else None
        score = c.get("score")
        scores[code] = Decimal(str(score)) if score is not None else None
        behind[code] = tuple(str(x) for x in c.get("behind") or ())
    return HistoryPoint(period, path.name, ranks, scores, behind)


__all__ = ["load_history", "progress_to_dict", "progress_to_json"]
