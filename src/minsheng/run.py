"""The whole year-end run as one call: :func:`assess` → an :class:`AssessmentRun`.

Find the county files, read each through the plugins in a guarded child process (here, in worker
processes or on a Dask cluster, through any :class:`concurrent.futures.Executor`), check, score,
and return one frozen value with the assessment, every read and every problem. The command line,
the tests, the benchmarks and other programs all make the run this way; the writers take the run
(:func:`minsheng.workbooks.write_assessment`, :func:`minsheng.workbooks.write_county_sheets`,
:func:`run_to_json`).

Importing this module loads neither openpyxl, click nor pluggy: the call imports the readers and
the plugin host when it runs.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from attrs import frozen

from .config import PluginConfig
from .errors import InputError
from .limits import Limits
from .model import Assessment, Finding, Problem, Scheme, Severity, Targets
from .relpaths import relative_paths
from .scheme import DEFAULT_SCHEME, SchemeError, load_scheme

if TYPE_CHECKING:  # pragma: no cover - typing only
    from concurrent.futures import Executor

    from .plugins.reading import ReadResult

PathLike = str | os.PathLike[str]
MISSING = ("zero", "hold")


@frozen
class AssessmentRun:
    """One run: the scheme and targets it used, the assessment, every file's read, and the
    settings the reads were made with. Picklable; ``problems`` holds every problem once (the
    targets', the plugins' loading, each file's, the checks')."""

    scheme: Scheme
    targets: Targets
    assessment: Assessment
    reads: tuple[ReadResult, ...]
    plugins: PluginConfig
    limits: Limits

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every problem of the run, in report order (the assessment's 问题清单)."""
        return self.assessment.problems

    @property
    def read_ok(self) -> int:
        """How many files gave a submission."""
        return sum(1 for r in self.reads if r.submission is not None)


@frozen
class TargetsInput:
    """The targets workbook as read: targets, its 督查发现 findings and its problems."""

    targets: Targets
    findings: tuple[Finding, ...] = ()
    problems: tuple[Problem, ...] = ()


def assess(
    submissions: PathLike | Iterable[PathLike],
    targets: PathLike | Targets,
    *,
    scheme: PathLike | Scheme = DEFAULT_SCHEME,
    year: int | None = None,
    deadline: dt.date | None = None,
    received: Mapping[str, dt.date] | None = None,
    missing: str = "zero",
    assessed_on: dt.date | None = None,
    plugins: PluginConfig | None = None,
    limits: Limits | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> AssessmentRun:
    """Run the year end: find, read, check and score every county file → :class:`AssessmentRun`.

    - ``submissions``: county files or folders (searched recursively, lock files skipped).
    - ``targets``: the targets workbook (.xlsx), or a :class:`Targets` value.
    - ``scheme``: a built-in scheme name, a TOML file, or a :class:`Scheme`.
    - ``year``: checked against the targets' year (default: the targets' year).
    - ``deadline``: the reporting deadline; days late count against 6.2.
    - ``received``: county code → the day the office received its report (the receipt register);
      wins over the targets workbook's 收文登记 and the counties' report dates for lateness.
    - ``missing``: ``"zero"`` scores a value not reported as 0; ``"hold"`` holds the county back.
    - ``assessed_on``: the assessment date (default: today, or ``SOURCE_DATE_EPOCH``; see
      :func:`minsheng.clock.assessment_date`).
    - ``plugins``, ``limits``: the plugins and the per-file limits, passed to every read
      (default: ``PluginConfig()`` and ``Limits()``; the environment is not read).
    - ``executor``: any :class:`concurrent.futures.Executor` to read through (worker processes,
      ``distributed.Client.get_executor()``); ``None`` reads here. The result does not depend on it.
    - ``progress``: called as ``progress(done, total)`` before reading and after each file.

    Raises :class:`~minsheng.errors.InputError` (stable ``code``, Chinese ``message``) when
    nothing can be scored: a bad scheme, targets missing or unreadable or with errors, a wrong
    year, a submissions path that does not exist. Every problem in a county file is a problem of
    the run instead, never an exception (unless ``plugins.strict``).
    """
    plugins = plugins or PluginConfig()
    limits = limits or Limits()
    if missing not in MISSING:
        raise InputError("bad-argument", f"missing 只能是 {' 或 '.join(MISSING)}，而不是“{missing}”。")
    loaded = _scheme(scheme)
    given = _targets(targets, loaded, year)
    paths = _submission_paths(submissions)
    from .pipeline import assess_reads, find_files
    from .plugins.reading import host_for

    files, file_problems = find_files(paths)
    if not files:
        where = "、".join(f"“{p}”" for p in paths)
        raise InputError(
            "submissions-empty",
            f"{where}中没有任何表格文件（.xlsx .xls .xlsm .ods）：请检查报表目录是否选对。",
            file_problems,
        )
    host_problems = host_for(plugins).problems
    reads = _read(files, scheme, given.targets.year, plugins, limits, executor, progress)
    assessment = assess_reads(
        loaded,
        given.targets,
        reads,
        findings=given.findings,
        problems=[*given.problems, *host_problems, *file_problems],
        deadline=deadline,
        missing=missing,
        assessed_on=assessed_on,
        received=received,
    )
    assessment = relative_paths(assessment, [p if p.is_dir() else p.parent for p in paths])
    return AssessmentRun(loaded, given.targets, assessment, tuple(reads), plugins, limits)


def _read(
    files: Sequence[Path],
    scheme: PathLike | Scheme,
    year: int,
    plugins: PluginConfig,
    limits: Limits,
    executor: Executor | None,
    progress: Callable[[int, int], None] | None,
) -> list[ReadResult]:
    from .pipeline import read_files

    tick = None
    if progress is not None:
        total, done = len(files), [0]
        progress(0, total)

        def tick(n: int) -> None:
            done[0] += n
            progress(done[0], total)

    source = scheme if isinstance(scheme, Scheme) else os.fspath(scheme)
    return read_files(
        files,
        scheme_source=source,
        year=year,
        plugins=plugins,
        executor=executor,
        progress=tick,
        limits=limits,
    )


def _scheme(scheme: PathLike | Scheme) -> Scheme:
    if isinstance(scheme, Scheme):
        return scheme
    try:
        return load_scheme(scheme if isinstance(scheme, str) else Path(scheme))
    except SchemeError as exc:
        raise InputError("scheme-invalid", str(exc)) from exc


def _targets(targets: PathLike | Targets, scheme: Scheme, year: int | None) -> TargetsInput:
    result = TargetsInput(targets) if isinstance(targets, Targets) else _read_targets(targets, scheme)
    if year is not None and year != result.targets.year:
        raise InputError("wrong-year", f"考核年度 {year} 与目标任务表的年度 {result.targets.year} 不一致。")
    return result


def _read_targets(path: PathLike, scheme: Scheme) -> TargetsInput:
    """The targets workbook at ``path``; raises :class:`InputError` when it cannot be used."""
    path = Path(path)
    if not path.is_file():
        raise InputError(
            "targets-not-found",
            f"找不到目标任务表“{path}”；请检查路径，或用 minsheng template targets 生成一份。",
        )
    from .workbooks import read_targets

    try:
        targets, findings, problems = read_targets(path, scheme)
    except Exception as exc:  # an unreadable targets workbook stops the run: nothing can be scored without it
        code = getattr(exc, "code", "targets-unreadable")
        raise InputError(code, f"无法读取目标任务表“{path}”：{exc}") from exc
    fatal = [p for p in problems if p.severity is Severity.ERROR]
    if fatal:
        raise InputError(
            "targets-invalid", f"目标任务表“{path}”有 {len(fatal)} 处错误（见上），请改正后重试。", fatal
        )
    return TargetsInput(targets, tuple(findings), tuple(problems))


def _submission_paths(submissions: PathLike | Iterable[PathLike]) -> list[Path]:
    paths = (
        [Path(submissions)] if isinstance(submissions, str | os.PathLike) else [Path(p) for p in submissions]
    )
    for path in paths:
        if not path.exists():
            raise InputError("submissions-not-found", f"找不到报表文件或目录“{path}”；请检查路径。")
    return paths


def run_to_json(run: AssessmentRun) -> str:
    """The run as JSON text: exactly what ``minsheng assess --json`` writes (UTF-8, final newline)."""
    from .convert import to_json

    return to_json(run.assessment) + "\n"


__all__ = ["AssessmentRun", "assess", "run_to_json"]
