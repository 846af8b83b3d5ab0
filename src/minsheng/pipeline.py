"""The year-end run, one direction: find files → match plugins → read → check → score.

Reading is the cost, so it runs file by file through any :class:`concurrent.futures.Executor`
(worker processes locally, a Dask cluster through ``Client.get_executor()``); everything after
reading happens in the calling process over plain attrs values, in file order, so the assessment is
the same whatever the executor.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from attrs import evolve, frozen

from . import checks as _checks
from .checks import check_outliers, check_self_scores, check_submission
from .config import PluginConfig
from .guard import read_county_file_guarded
from .limits import Limits
from .model import Assessment, Finding, InputFile, Problem, Scheme, Severity, Submission, Targets
from .plugins.reading import ReadResult, plugin_config
from .scoring import score

if TYPE_CHECKING:  # pragma: no cover - typing only
    from concurrent.futures import Executor

_COUNTY_CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")  # a 6-digit 行政区划代码 in a path

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".et"}


def is_temporary(path: Path) -> bool:
    """Lock and temp files a spreadsheet program leaves beside an open file (~$x.xlsx, .~lock.x#)."""
    name = path.name
    return (
        name.startswith(("~$", ".~lock.", "~"))
        or name.endswith(("#", ".tmp", ".bak"))
        or name.startswith(".")
    )


def find_files(inputs: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """Every county file under ``inputs`` (files or folders, recursively), sorted, skipping lock files.

    Files without a spreadsheet suffix are skipped with an ``info`` problem; a spreadsheet with a
    wrong suffix is still read by content.
    """
    found: list[Path] = []
    problems: list[Problem] = []
    for root in inputs:
        root = Path(root)
        if not root.exists():
            problems.append(
                Problem("input-not-found", f"找不到报表文件或目录“{root}”；请检查路径。", file=str(root))
            )
            continue
        candidates = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for p in candidates:
            if is_temporary(p) or any(part.startswith(".") for part in p.relative_to(root).parts[:-1]):
                continue
            if p.suffix.lower() not in SPREADSHEET_SUFFIXES:
                problems.append(
                    Problem(
                        "skipped-file",
                        f"“{p.name}”不是表格文件（{p.suffix or '无扩展名'}），已跳过。",
                        severity=Severity.INFO,
                        file=str(p),
                    )
                )
                continue
            found.append(p)
    return sorted(set(found)), problems


def guess_county(path: str | Path, targets: Targets) -> str | None:
    """The county a file belongs to, from a county code or name in its path (for files that fail)."""
    text = str(path)
    codes = set(_COUNTY_CODE.findall(text))
    hits = [c.code for c in targets.counties if c.code in codes]
    if len(hits) == 1:
        return hits[0]
    names = [c.code for c in targets.counties if c.name and c.name in Path(text).name]
    if len(names) == 1:
        return names[0]
    longest = sorted((c for c in targets.counties if c.name and c.name in text), key=lambda c: -len(c.name))
    return longest[0].code if longest else None


def county_in_name(path: str | Path, targets: Targets) -> str | None:
    """The one county a file's own name names (its 6-digit code, else its name), or None."""
    name = Path(path).name
    codes = set(_COUNTY_CODE.findall(name))
    hits = {c.code for c in targets.counties if c.code in codes}
    if not hits:
        hits = {c.code for c in targets.counties if c.name and c.name in name}
        hits -= {a for a in hits for b in hits if a != b and _name(targets, a) in _name(targets, b)}
    return hits.pop() if len(hits) == 1 else None


def _name(targets: Targets, code: str) -> str:
    try:
        return targets.county(code).name or code
    except KeyError:
        return code


def _mismatch(read: ReadResult, named: str, content: str, targets: Targets) -> list[Problem]:
    """A file named for one county that holds another's report: an error for the county it is
    named for (出错: the office must decide) and a word to the county whose report it holds."""
    sub = read.submission
    assert sub is not None
    where = sub.source
    file, sheet, cell = where.file or read.path, where.sheet, where.cell
    a, b = f"{_name(targets, named)}（{named}）", f"{_name(targets, content)}（{content}）"
    text = (
        f"文件“{Path(read.path).name}”按文件名是{a}的报表，内容却是{b}的（代码见"
        f"{'，'.join(x for x in (sheet, cell) if x) or '报表中'}）。该文件不计入任何一个县的考核，"
        f"请核实：是否把{b}的报表另存成了{a}的文件，或{a}填错了本县代码。改正后重新报送。"
    )
    return [
        Problem("county-mismatch", text, county=named, file=file, sheet=sheet, cell=cell),
        Problem("county-mismatch", text, Severity.WARNING, county=content, file=file, sheet=sheet, cell=cell),
    ]


def _worker_failed(path: str, exc: BaseException) -> ReadResult:
    problem = Problem(
        "read-failed",
        f"读取“{Path(path).name}”的工作进程异常退出（{type(exc).__name__}：{exc}）；该县按出错处理，请检查文件后重试。",
        file=path,
    )
    return ReadResult(
        path=path, sha256=None, plugin=None, plugin_version=None, submission=None, problems=(problem,)
    )


def read_files(
    paths: Sequence[Path],
    *,
    scheme_source: str | Scheme,
    year: int,
    plugins: PluginConfig | None = None,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
    limits: Limits | None = None,
    plugins_dir: str | None = None,
) -> list[ReadResult]:
    """Match and read every file, through ``executor`` when given (else here); results in input order.

    Each file is read in a child process with the plugins of ``plugins`` (default:
    ``PluginConfig(plugins_dir=plugins_dir)``) under ``limits`` (default: ``Limits()``), both
    passed with every call: a file or plugin that hangs, eats memory or crashes costs only its
    own county (see :mod:`minsheng.guard`). ``progress(1)`` is called after each file.
    """
    kwargs = {
        "scheme_source": scheme_source,
        "year": year,
        "plugins": plugin_config(plugins, plugins_dir),
        "limits": limits or Limits(),
    }
    results: list[ReadResult] = []
    if executor is None:
        for p in paths:
            results.append(read_county_file_guarded(str(p), **kwargs))  # type: ignore[arg-type]
            if progress:
                progress(1)
        return results
    futures = [executor.submit(read_county_file_guarded, str(p), **kwargs) for p in paths]
    for p, f in zip(paths, futures, strict=True):
        try:
            results.append(f.result())
        except Exception as exc:  # a worker that died (memory, a signal) costs only its own file
            results.append(_worker_failed(str(p), exc))
        if progress:
            progress(1)
    return results


@frozen
class CheckedReads:
    """What reading and checking gave, ready to score."""

    submissions: tuple[Submission, ...]
    failed: frozenset[str]
    inputs: tuple[InputFile, ...]
    problems: tuple[Problem, ...]


def check_reads(scheme: Scheme, targets: Targets, reads: Sequence[ReadResult]) -> CheckedReads:
    """Attribute each read to its county and run the per-county and peer checks (lateness is
    computed when scoring)."""
    problems: list[Problem] = []
    submissions: list[Submission] = []
    failed: set[str] = set()
    inputs: list[InputFile] = []
    for read in reads:
        if read.submission is not None:
            named = county_in_name(read.path, targets)
            if named is not None and named != read.submission.county:
                problems.extend(read.problems)
                problems.extend(_mismatch(read, named, read.submission.county, targets))
                failed.add(named)
                if read.sha256 is not None:
                    inputs.append(InputFile(read.path, read.sha256, named, read.plugin, read.plugin_version))
                continue
        county = read.submission.county if read.submission else guess_county(read.path, targets)
        problems.extend(p if p.county or not county else evolve(p, county=county) for p in read.problems)
        if read.sha256 is not None:
            inputs.append(InputFile(read.path, read.sha256, county, read.plugin, read.plugin_version))
        if read.submission is None:
            if county is not None:
                failed.add(county)
            continue
        empty = _checks.no_values(scheme, read.submission)  # claimed, but nothing read: 出错, never scored
        if empty is not None:
            problems.append(empty)
            failed.add(read.submission.county)
            continue
        sub = read.submission  # (its lateness is computed when it is scored, never taken from it)
        problems.extend(check_submission(scheme, sub, targets.allocations.get(sub.county, {})))
        submissions.append(sub)
    problems.extend(check_outliers(scheme, submissions, targets))
    return CheckedReads(tuple(submissions), frozenset(failed), tuple(inputs), tuple(problems))


def assess_reads(
    scheme: Scheme,
    targets: Targets,
    reads: Sequence[ReadResult],
    *,
    findings: Sequence[Finding] = (),
    problems: Sequence[Problem] = (),
    deadline: dt.date | None = None,
    missing: str = "zero",
    assessed_on: dt.date | None = None,
    received: Mapping[str, dt.date] | None = None,
) -> Assessment:
    """Check and score what was read. Every county of the targets appears in the result."""
    checked = check_reads(scheme, targets, reads)
    assessment = score(
        scheme,
        targets,
        checked.submissions,
        findings=findings,
        missing=missing,
        failed=checked.failed,
        problems=[*problems, *checked.problems],
        inputs=checked.inputs,
        assessed_on=assessed_on,
        deadline=deadline,
        received=received,
    )
    return evolve(assessment, problems=assessment.problems + tuple(check_self_scores(assessment)))
