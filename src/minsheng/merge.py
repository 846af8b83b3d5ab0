"""Several files for one county: a summary table, a training roster, a loan ledger, a correction.

Each file's plugin says which indicators its layout carries (``minsheng_indicators``; a plugin
that says nothing sends a full report). :func:`merge_county` turns one county's reads into one
:class:`~minsheng.model.Submission`:

- files of the same layout (same plugin, same indicators) are one report sent twice: a later one
  that says it corrects the other (更正/修订 in its file name or title, or a newer 报出日期)
  replaces it with a ``corrected-submission`` info; with no way to tell, ``duplicate-submission``;
- then each indicator comes from the file that carries it; two files carrying it with different
  values are a ``conflicting-values`` error naming both cells (the county is not scored); the same
  value twice is fine, and a blank in one file never hides a number in another.

Every value keeps its own provenance (file, sheet, cell). Pure functions over model values: no
openpyxl, click or pluggy here.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from attrs import evolve, frozen

from .model import Problem, Provenance, Scheme, Severity, Submission, Targets, Value, ValueStatus

CORRECTION = re.compile(r"更正|修订|修正")


@frozen
class Part:
    """One file of a county, as read: its path, submission, declared indicators and title."""

    path: str
    submission: Submission
    indicators: tuple[str, ...] | None = None  # None: a full report
    title: str = ""
    plugin: str | None = None

    @property
    def name(self) -> str:
        return Path(self.path).name

    @property
    def layout(self) -> tuple[str | None, tuple[str, ...] | None]:
        return self.plugin, self.indicators

    def carries(self, key: str) -> bool:
        """Whether this file carries ``key`` (an indicator code or ``code/amount``)."""
        if self.indicators is None:
            return True
        code = key.partition("/")[0]
        if code in self.indicators:
            return True
        value = self.submission.values.get(key)  # a number the plugin read but did not declare
        return value is not None and value.status is not ValueStatus.MISSING

    @property
    def corrects(self) -> bool:
        """Whether the file says it is a correction (更正/修订 in its name or title)."""
        return bool(CORRECTION.search(self.name) or CORRECTION.search(self.title))

    @property
    def date(self) -> dt.date | None:
        sub = self.submission
        return sub.submitted_on or sub.reporter.date


@frozen
class Merged:
    """One county's files merged: the submission (``None``: not scored, see the problems),
    the problems, the indicators no file carries and every file read (for the missing-value messages)."""

    submission: Submission | None
    problems: tuple[Problem, ...] = ()
    uncarried: frozenset[str] = frozenset()
    files: tuple[str, ...] = ()


def merge_county(scheme: Scheme, targets: Targets, county: str, parts: Sequence[Part]) -> Merged:
    """Merge one county's files (in input order) into one submission; see the module docstring."""
    label = _county_label(targets, county)
    if len(parts) == 1:  # one file: as read, whatever it carries
        return Merged(parts[0].submission, uncarried=_uncarried(scheme, parts), files=(parts[0].path,))
    problems: list[Problem] = []
    kept: list[Part] = []
    layouts: dict[tuple[str | None, tuple[str, ...] | None], list[Part]] = {}
    for part in parts:
        layouts.setdefault(part.layout, []).append(part)
    for same in layouts.values():
        winner, found = _one_of(same, label, county)
        problems.extend(found)
        if winner is None:
            return Merged(None, tuple(problems), files=tuple(p.path for p in parts))
        kept.append(winner)
    kept.sort(key=parts.index)
    files = tuple(p.path for p in parts)  # every file read for the county, replaced ones too
    if len(kept) == 1:  # a report and its correction: the correction as read
        return Merged(kept[0].submission, tuple(problems), _uncarried(scheme, kept), files)
    merged, found = _merge(scheme, kept, label, county)
    problems.extend(found)
    uncarried = _uncarried(scheme, kept)
    if any(p.severity is Severity.ERROR for p in found):
        return Merged(None, tuple(problems), uncarried, files)
    return Merged(merged, tuple(problems), uncarried, files)


def _uncarried(scheme: Scheme, parts: Sequence[Part]) -> frozenset[str]:
    """The indicators none of ``parts`` carries (the lateness indicator is the office's)."""
    late = scheme.lateness_indicator
    return frozenset(
        ind.code
        for ind in scheme.indicators
        if ind is not late and not any(p.carries(ind.code) for p in parts)
    )


def _county_label(targets: Targets, county: str) -> str:
    try:
        name = targets.county(county).name
    except KeyError:
        return county
    return f"{name}（{county}）" if name else county


def _one_of(same: list[Part], label: str, county: str) -> tuple[Part | None, list[Problem]]:
    """The one file of a layout sent more than once that counts: the correction, else the newest
    报出日期; ``None`` with ``duplicate-submission`` when nothing tells them apart."""
    if len(same) == 1:
        return same[0], []
    pool = [p for p in same if p.corrects] or same
    dated = [p for p in pool if p.date is not None]
    if len(pool) == 1:
        winner, why = pool[0], "文件名或标题注明“更正/修订”"
    elif (
        len(dated) == len(pool)
        and [p.date for p in pool].count(max(p.date or dt.date.min for p in dated)) == 1
    ):
        winner = max(dated, key=lambda p: p.date or dt.date.min)
        why = f"报出日期 {winner.date} 最晚"
    else:
        names = "、".join(f"“{p.name}”" for p in same)
        return None, [
            Problem(
                "duplicate-submission",
                f"{label}报送了 {len(same)} 份同一格式的报表：{names}，既没有一份注明“更正”或“修订”，"
                "报出日期也分不出先后，无法确定以哪份为准，暂不评分；请只保留一份（或在更正的文件名上注明"
                "“更正”）后重新考核。",
                county=county,
                file=same[0].path,
            )
        ]
    others = "、".join(f"“{p.name}”" for p in same if p is not winner)
    return winner, [
        Problem(
            "corrected-submission",
            f"{label}的“{winner.name}”（{why}）更正了同一格式的{others}，按“{winner.name}”计分，"
            f"{others}不计入。",
            severity=Severity.INFO,
            county=county,
            file=winner.path,
            sheet=winner.submission.source.sheet,
        )
    ]


def _same(a: Value, b: Value) -> bool:
    return a.status is b.status and a.amount == b.amount


def _where(part: Part, prov: Provenance | None) -> str:
    prov = prov or Provenance()
    at = "".join(
        x
        for x in (f"工作表“{prov.sheet}”" if prov.sheet else "", f"单元格 {prov.cell}" if prov.cell else "")
        if x
    )
    return f"“{part.name}”{at}"


def _conflict(
    label: str,
    county: str,
    what: str,
    first: tuple[Part, str, Provenance | None],
    other: tuple[Part, str, Provenance | None],
    indicator: str | None,
) -> Problem:
    (pa, sa, wa), (pb, sb, wb) = first, other
    return Problem.at(
        "conflicting-values",
        f"{label}的{what}在两份文件中不一致：{_where(pa, wa)} 为 {sa}，{_where(pb, wb)} 为 {sb}；"
        "无法确定以哪份为准，该县暂不评分。请核对这两处单元格，改正后重新报送。",
        wa,
        county=county,
        indicator=indicator,
    )


def _named(scheme: Scheme, key: str) -> str:
    try:
        return f"指标 {key}“{scheme.indicator(key).name}”"
    except KeyError:
        return f"指标 {key}"


def _shown(v: Value) -> str:
    if v.amount is not None:
        return format(v.amount, "f")
    return f"“{v.raw or '—'}”"


def _primary(parts: list[Part]) -> Part:
    """The file whose reporter, date and place stand for the county: the one carrying the most
    indicators (a full report first), the earliest in input order among equals."""
    return max(parts, key=lambda p: math.inf if p.indicators is None else len(p.indicators))


def _merge(scheme: Scheme, parts: list[Part], label: str, county: str) -> tuple[Submission, list[Problem]]:
    """The values of several files of different layouts, each from the file that carries it."""
    problems: list[Problem] = []
    primary = _primary(parts)
    values: dict[str, Value] = {}
    origin: dict[str, Part] = {}
    for part in parts:
        for key, value in part.submission.values.items():
            if not part.carries(key):
                continue
            held = values.get(key)
            if held is None or (
                held.status is ValueStatus.MISSING and value.status is not ValueStatus.MISSING
            ):
                values[key], origin[key] = value, part
            elif value.status is not ValueStatus.MISSING and not _same(held, value):
                problems.append(
                    _conflict(
                        label,
                        county,
                        _named(scheme, key),
                        (origin[key], _shown(held), held.provenance),
                        (part, _shown(value), value.provenance),
                        key,
                    )
                )
    self_scores: dict[str, Decimal] = {}
    self_sources: dict[str, Provenance] = {}
    score_origin: dict[str, Part] = {}
    for part in parts:
        sub = part.submission
        for code, score in sub.self_scores.items():
            if not part.carries(code):
                continue
            where = sub.self_score_sources.get(code)
            if code not in self_scores:
                self_scores[code], score_origin[code] = score, part
                if where is not None:
                    self_sources[code] = where
            elif self_scores[code] != score:
                problems.append(
                    _conflict(
                        label,
                        county,
                        f"{_named(scheme, code)}的自评分",
                        (score_origin[code], format(self_scores[code], "f"), self_sources.get(code)),
                        (part, format(score, "f"), where),
                        code,
                    )
                )
    totals = [p for p in parts if p.submission.self_total is not None]
    for other in totals[1:]:
        a, b = totals[0].submission, other.submission
        if a.self_total != b.self_total:
            problems.append(
                _conflict(
                    label,
                    county,
                    "自评总分",
                    (totals[0], format(a.self_total, "f"), a.self_total_source),
                    (other, format(b.self_total, "f"), b.self_total_source),
                    None,
                )
            )
    for other in parts:
        a, b = primary.submission, other.submission
        for what, x, y in (("报表年度", a.year, b.year), ("报告期（月份）", a.month, b.month)):
            if x != y:
                problems.append(
                    _conflict(
                        label, county, what, (primary, str(x), a.source), (other, str(y), b.source), None
                    )
                )
    dates = [d for d in (p.submission.submitted_on for p in parts) if d is not None]
    total_from = totals[0].submission if totals else None
    sub = evolve(
        primary.submission,
        values=values,
        self_scores=self_scores,
        self_score_sources=self_sources,
        self_total=total_from.self_total if total_from else None,
        self_total_source=total_from.self_total_source if total_from else None,
        submitted_on=max(dates) if dates else None,
    )
    return sub, problems


def explain_uncarried(
    problems: Iterable[Problem], scheme: Scheme, targets: Targets, merged: Mapping[str, Merged]
) -> list[Problem]:
    """``missing-value`` problems for an indicator that none of a county's files carries, said
    so: the county and every file read for it, instead of a blank cell that does not exist."""
    out: list[Problem] = []
    for p in problems:
        m = merged.get(p.county or "")
        if p.code != "missing-value" or m is None or p.indicator not in m.uncarried:
            out.append(p)
            continue
        files = "、".join(f"“{Path(f).name}”" for f in m.files)
        ind = scheme.indicator(p.indicator or "")
        indicator = f"指标 {ind.code}“{ind.name}”"
        out.append(
            evolve(
                p,
                message=f"{_county_label(targets, p.county or '')}报送的文件（{files}）都不含{indicator}"
                "（读取这些文件的插件都没有声明该指标），按缺报处理；请补报含该指标的报表"
                "（空白不等于 0）。",
                file=None,
                sheet=None,
                cell=None,
            )
        )
    return out
