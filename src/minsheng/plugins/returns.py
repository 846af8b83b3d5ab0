"""The checks of what plugins return, and the words for a plugin's failure.

A plugin is county code: what its hooks return is checked here before the rest of minsheng sees
it (a claim is a number from 0 to 1 or ``None``; a read is a well-formed :class:`Submission`), and
every value it read is stamped with the file, the plugin and its version.
"""

from __future__ import annotations

import math
import reprlib
import traceback
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from attrs import evolve

from ..model import Problem, Provenance, Scheme, Submission, Value


class PluginError(Exception):
    """Raised in strict mode when a plugin returns something unusable, and by
    :meth:`PluginHost.write_sample` when a plugin cannot write a sample (its problem attached)."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(f"[{problem.code}] {problem.message}")


short = reprlib.Repr()
short.maxstring = 80
short.maxother = 80
short.maxlist = 5
short.maxdict = 5


def _where(exc: BaseException) -> str:
    """``（位置：plugin.py 第 12 行）`` for the innermost frame of a traceback, if there is one."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    return f"（位置：{Path(last.filename).name} 第 {last.lineno} 行）"


def describe_error(exc: BaseException) -> str:
    """An exception in one line, with the plugin's file and line where it was raised."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}{_where(exc)}" if text else f"{type(exc).__name__}{_where(exc)}"


def confidence(value: object) -> tuple[float | None, str | None]:
    """A claim's confidence, or the reason it is unusable. ``None`` and 0 mean "not ours"."""
    if value is None:
        return None, None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return (
            None,
            f"应返回 0 到 1 之间的数或 None，实际返回了 {short.repr(value)}（{type(value).__name__}）",
        )
    number = float(value)
    if math.isnan(number) or not 0 <= number <= 1:
        return None, f"返回的把握 {value} 不在 0 到 1 之间"
    return (number or None), None


def _value_problems(values: Mapping[Any, object]) -> list[str]:
    bad: list[str] = []
    for key, value in values.items():
        if not isinstance(key, str):
            bad.append(f"键 {key!r} 不是字符串")
        elif not isinstance(value, Value):
            bad.append(
                f"values[{key!r}] 是 {type(value).__name__}，应为 minsheng.Value（可用 Value.of(...)）"
            )
        elif value.amount is not None and not isinstance(value.amount, Decimal):
            bad.append(f"values[{key!r}] 的数值是 {type(value.amount).__name__}，应为 Decimal")
        elif not isinstance(value.provenance, Provenance):
            bad.append(f"values[{key!r}] 的来源不是 minsheng.Provenance")
    return bad


def submission_problems(result: object) -> list[str]:
    """Why ``result`` is not a usable Submission (empty when it is)."""
    if not isinstance(result, Submission):
        return [f"应返回 minsheng.Submission，实际返回了 {short.repr(result)}（{type(result).__name__}）"]
    reasons: list[str] = []
    if not isinstance(result.county, str) or not result.county.strip():
        reasons.append(f"county（县级单位代码）应为非空字符串，实际是 {result.county!r}")
    if isinstance(result.year, bool) or not isinstance(result.year, int):
        reasons.append(f"year 应为整数，实际是 {result.year!r}")
    if isinstance(result.month, bool) or not isinstance(result.month, int) or not 1 <= result.month <= 12:
        reasons.append(f"month 应为 1 到 12 的整数，实际是 {result.month!r}")
    if not isinstance(result.values, dict):
        reasons.append(f"values 应为字典，实际是 {type(result.values).__name__}")
    else:
        bad = _value_problems(result.values)
        if bad:
            more = f" 等 {len(bad)} 处" if len(bad) > 3 else ""
            reasons.append("；".join(bad[:3]) + more)
    if not isinstance(result.self_scores, dict) or not all(
        isinstance(k, str) and isinstance(v, Decimal) for k, v in result.self_scores.items()
    ):
        reasons.append("self_scores 应为 指标代码 → Decimal 的字典")
    if result.self_total is not None and not isinstance(result.self_total, Decimal):
        reasons.append(f"self_total 应为 Decimal 或 None，实际是 {type(result.self_total).__name__}")
    if not isinstance(result.source, Provenance):
        reasons.append("source 应为 minsheng.Provenance")
    return reasons


def _stamp_provenance(p: Provenance, file: str, plugin: str, version: str) -> Provenance:
    if p.file and p.plugin and p.plugin_version:
        return p
    return evolve(
        p, file=p.file or file, plugin=p.plugin or plugin, plugin_version=p.plugin_version or version
    )


def stamp(submission: Submission, file: str, plugin: str, version: str) -> Submission:
    """Fill file, plugin and version into every provenance the plugin left them empty in."""
    values = {
        key: value
        if value.provenance.file and value.provenance.plugin and value.provenance.plugin_version
        else evolve(value, provenance=_stamp_provenance(value.provenance, file, plugin, version))
        for key, value in submission.values.items()
    }
    return evolve(
        submission, values=values, source=_stamp_provenance(submission.source, file, plugin, version)
    )


__all__ = ["PluginError", "confidence", "describe_error", "short", "stamp", "submission_problems"]


def indicator_codes(value: object, scheme: Scheme) -> tuple[tuple[str, ...] | None, str | None]:
    """What ``minsheng_indicators`` returned, as sorted indicator codes (``None``: every
    indicator), or the reason it cannot be used."""
    if value is None:
        return None, None
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple | set | frozenset):
        return None, f"minsheng_indicators 应返回指标代码的列表或 None，实际是 {short.repr(value)}"
    known = {ind.code for ind in scheme.indicators}
    bad = [v for v in value if not isinstance(v, str) or v not in known]
    if bad:
        return None, f"minsheng_indicators 返回了考核方案“{scheme.id}”中没有的指标代码：{short.repr(bad)}"
    return tuple(sorted(set(value))), None
