"""Earlier results, as the year end reads them from a ``--history`` folder.

Each file is the JSON another run wrote: a year-end assessment (``minsheng assess --json``: no
``"kind"``, or ``"kind": "assessment"``) or a progress report (``minsheng progress --json``:
``"kind": "progress"`` and a ``"period"`` such as ``2007-06`` or ``2007Q2``). Only what the look
back needs is read: each county's code, name, total (or 进度得分) and rank. A file that is not such a
result is a ``history-skipped`` problem naming it, never an exception. Nothing here imports
openpyxl or click.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from attrs import frozen

from .errors import InputError
from .model import Problem, Severity

PathLike = str | os.PathLike[str]

ASSESSMENT, PROGRESS = "assessment", "progress"
_MONTH = re.compile(r"(?P<year>\d{4})-(?P<n>\d{1,2})")
_QUARTER = re.compile(r"(?P<year>\d{4})Q(?P<n>[1-4])")


@frozen
class PastCounty:
    """One county in an earlier result: its total (进度得分 for a progress report), its rank and, in
    a progress report, the indicators it was behind on."""

    code: str
    name: str
    total: Decimal | None
    rank: int | None
    behind: tuple[str, ...] = ()


@frozen
class PastResult:
    """An earlier result as read from its JSON: a year-end assessment or a progress report."""

    file: str  # as shown: the history folder's name / the file's path inside it
    kind: str  # "assessment" or "progress"
    scheme_id: str
    year: int
    period: str | None  # "2007-06" or "2007Q2" for a progress report
    counties: tuple[PastCounty, ...]

    @property
    def cadence(self) -> str | None:
        """``month`` or ``quarter`` for a progress report."""
        return None if self.period is None else ("quarter" if "Q" in self.period else "month")

    @property
    def number(self) -> int:
        """The month (1–12) or quarter (1–4) of a progress report."""
        assert self.period is not None
        return int(re.split(r"[-Q]", self.period)[1])


class _Unreadable(Exception):
    """Why a history file is not a result minsheng can use (Chinese, for the problem)."""


def _decimal(value: Any, where: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _Unreadable(f"{where}应为数字文本，实为“{value}”")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise _Unreadable(f"{where}“{value}”不是数字") from None
    if not number.is_finite():
        raise _Unreadable(f"{where}“{value}”不是数字")
    return number


def _int(value: Any, where: str, *, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Unreadable(f"{where}应为整数，实为“{value}”")
    return value


def parse_result(data: Any, file: str) -> PastResult:
    """An earlier result from its parsed JSON; raises ``_Unreadable`` saying why it is not one."""
    if not isinstance(data, dict):
        raise _Unreadable("内容不是 minsheng 的结果（应为 JSON 对象）")
    kind = data.get("kind", ASSESSMENT)
    if kind not in (ASSESSMENT, PROGRESS):
        raise _Unreadable(f"结果类型“{kind}”不认识（只认 assessment 年终考核、progress 序时进度通报）")
    scheme_id = data.get("scheme_id")
    if not isinstance(scheme_id, str) or not scheme_id:
        raise _Unreadable("缺少考核方案（scheme_id）")
    year = _int(data.get("year"), "年度（year）")
    assert year is not None
    period = None
    if kind == PROGRESS:
        period = data.get("period")
        m = (_MONTH.fullmatch(period) or _QUARTER.fullmatch(period)) if isinstance(period, str) else None
        if m is None or int(m["year"]) != year or not 1 <= int(m["n"]) <= 12:
            raise _Unreadable(f"报告期（period）“{period}”应写成 {year}-06 或 {year}Q2，且属于 {year} 年")
        period = period if "Q" in m.group(0) else f"{year}-{int(m['n']):02d}"
    rows = data.get("counties")
    if not isinstance(rows, list):
        raise _Unreadable("缺少各县结果（counties）")
    counties = []
    for i, row in enumerate(rows, start=1):
        county = row.get("county") if isinstance(row, dict) else None
        if not isinstance(county, dict) or not isinstance(county.get("code"), str):
            raise _Unreadable(f"第 {i} 个县缺少县代码（county.code）")
        where = f"县“{county['code']}”的"
        total = row.get("total") if kind == ASSESSMENT else row.get("score")
        behind = row.get("behind") or []
        if not isinstance(behind, list) or not all(isinstance(x, str) for x in behind):
            raise _Unreadable(f"{where}滞后指标（behind）应为指标代码的列表")
        counties.append(
            PastCounty(
                code=county["code"],
                name=str(county.get("name", "")),
                total=_decimal(
                    total, where + ("总分（total）" if kind == ASSESSMENT else "进度得分（score）")
                ),
                rank=_int(row.get("rank"), where + "排名（rank）", optional=True),
                behind=tuple(behind),
            )
        )
    return PastResult(file, kind, scheme_id, year, period, tuple(counties))


def _why(exc: Exception) -> str:
    """Why a file could not be used, in Chinese."""
    if isinstance(exc, _Unreadable):
        return str(exc)
    if isinstance(exc, json.JSONDecodeError):
        return f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列出错）"
    if isinstance(exc, UnicodeDecodeError):
        return "不是 UTF-8 编码的文本"
    return "无法打开（权限不够或文件被占用）"


def _result_files(history: PathLike | Iterable[PathLike]) -> list[tuple[Path, str]]:
    """Each file given, or found below a folder given (recursively, in name order), with the name a
    problem shows: a folder's name and the file's path inside it, or a file's own name."""
    given = [history] if isinstance(history, str | os.PathLike) else list(history)
    files: list[tuple[Path, str]] = []
    for item in given:
        path = Path(item)
        if path.is_dir():
            base = path.resolve().name or "history"
            files.extend(
                (p, f"{base}/{p.relative_to(path).as_posix()}")
                for p in sorted(path.rglob("*"))
                if p.is_file()
            )
        elif path.is_file():
            files.append((path, path.name))
        else:
            raise InputError(
                "history-not-found", f"找不到历年结果目录或文件“{path}”；请检查 --history 的路径。"
            )
    return files


def read_history(history: PathLike | Iterable[PathLike]) -> tuple[list[PastResult], list[Problem]]:
    """Every result in ``history`` (folders, searched recursively in name order, or files), and a
    ``history-skipped`` problem for each file that is not one. Raises :class:`InputError`
    (``history-not-found``) when a folder or file given does not exist."""
    results: list[PastResult] = []
    problems: list[Problem] = []
    for path, shown in _result_files(history):
        if path.name.startswith((".", "~$")):
            continue
        if path.suffix.lower() != ".json":
            problems.append(
                Problem(
                    "history-skipped",
                    f"历年结果目录中的“{shown}”不是 .json 结果文件，已跳过；历年结果请用 minsheng assess --json "
                    "或 minsheng progress --json 写出的文件。",
                    severity=Severity.INFO,  # a workbook kept beside the results is no mistake
                    file=shown,
                )
            )
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            results.append(parse_result(data, shown))
        except (OSError, ValueError, _Unreadable) as exc:
            why = _why(exc)
            problems.append(
                Problem(
                    "history-skipped",
                    f"历年结果“{shown}”{why}，已跳过；请换成 minsheng assess --json 或 progress --json 写出的原文件。",
                    file=shown,
                )
            )
    return results, problems


__all__ = ["ASSESSMENT", "PROGRESS", "PastCounty", "PastResult", "parse_result", "read_history"]
