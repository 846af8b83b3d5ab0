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
from .model import Finding, Problem, Scheme, Severity, Targets
from .relpaths import is_url, relative_paths
from .scheme import DEFAULT_SCHEME, SchemeError, load_scheme

if TYPE_CHECKING:  # pragma: no cover - typing only
    from concurrent.futures import Executor

    from .lookback import Lookback
    from .model import Assessment
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
    #: with ``history``: 同比, 单项先进 and the interim deductions (None without it)
    lookback: Lookback | None = None

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
    remote: bool | None = None,
    history: PathLike | None = None,
) -> AssessmentRun:
    """Run the year end: find, read, check and score every county file → :class:`AssessmentRun`.

    - ``submissions``: county files or folders (searched recursively, lock files skipped), or
      URLs of them (``file://…``, ``s3://…``; needs fsspec), opened where the reads run.
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
      On a Dask executor every worker must have the same minsheng and plugins as this process
      (checked before any file is read: ``worker-plugins-differ``).
    - ``remote``: send the workers each local file's bytes, for workers that cannot see this
      machine's disk (default: when ``executor`` is a Dask cluster's; see :mod:`minsheng.remote`).
    - ``progress``: called as ``progress(done, total)`` before reading and after each file.
    - ``history``: a folder of earlier results (their ``--json``): last year's assessment of the
      same scheme gives 同比, and the run names 单项先进 (``run.lookback``); the scheme's
      ``[interim]`` rule, if any, takes its deductions for the year's progress reports there.
      Files of another scheme, or unreadable, are problems of the run (``history-skipped``).

    Raises :class:`~minsheng.errors.InputError` (stable ``code``, Chinese ``message``) when
    nothing can be scored: a bad scheme, targets missing or unreadable or with errors, a wrong
    year, a submissions path that does not exist. Every problem in a county file is a problem of
    the run instead, never an exception (unless ``plugins.strict``).
    """
    plugins = plugins or PluginConfig()
    limits = limits or Limits()
    if history is not None and not Path(history).is_dir():
        raise InputError("history-not-found", f"找不到历年结果目录“{history}”；请检查 --history 的路径。")
    if missing not in MISSING:
        raise InputError("bad-argument", f"missing 只能是 {' 或 '.join(MISSING)}，而不是“{missing}”。")
    got = collect(submissions, targets, scheme, year, plugins, limits, executor, progress, remote=remote)
    loaded, given = got.scheme, got.targets
    from .period import Period, screen_periods
    from .pipeline import assess_reads

    reads = screen_periods(got.reads, Period.year_end(given.targets.year), required=False)
    assessment = assess_reads(
        loaded,
        given.targets,
        reads,
        findings=given.findings,
        problems=[*given.problems, *got.problems],
        deadline=deadline,
        missing=missing,
        assessed_on=assessed_on,
        received=received,
    )
    assessment = relative_paths(assessment, got.roots)
    lookback = None
    if history is not None:
        from .lookback import look_back

        assessment, lookback = look_back(loaded, given.targets, assessment, history)
    return AssessmentRun(loaded, given.targets, assessment, tuple(reads), plugins, limits, lookback)


@frozen
class Collected:
    """What every run starts from: the scheme, the targets as read, the paths given (URLs as
    text), the folders file names are relative to, every file's read, and the problems of finding
    and loading (the plugin host's, the skipped files')."""

    scheme: Scheme
    targets: TargetsInput
    paths: tuple[Path | str, ...]
    roots: tuple[Path | str, ...]
    reads: tuple[ReadResult, ...]
    problems: tuple[Problem, ...]


def collect(
    submissions: PathLike | Iterable[PathLike],
    targets: PathLike | Targets,
    scheme: PathLike | Scheme,
    year: int | None,
    plugins: PluginConfig,
    limits: Limits,
    executor: Executor | None,
    progress: Callable[[int, int], None] | None,
    month: int | None = None,
    *,
    remote: bool | None = None,
) -> Collected:
    """Load the scheme and the targets, find the county files and read each (the year end's and a
    progress report's common start; ``month``: the period's last month, None at the year end;
    ``remote`` as :func:`assess` says). Raises :class:`InputError` as :func:`assess` says."""
    loaded = _scheme(scheme)
    given = _targets(targets, loaded, year)
    paths = _submission_paths(submissions)
    from .pipeline import find_files

    files, file_problems = find_files(paths)
    if not files:
        where = "、".join(f"“{p}”" for p in paths)
        raise InputError(
            "submissions-empty",
            f"{where}中没有任何表格文件（.xlsx .xls .xlsm .ods）：请检查报表目录是否选对。",
            file_problems,
        )
    from .plugins.reading import host_for  # the plugin host only once there are files to read
    from .remote import check_worker_plugins, dask_client

    host_problems = host_for(plugins).problems
    roots = [_root(p) for p in paths]
    client = dask_client(executor)
    if remote is None:
        remote = client is not None
    if client is not None:  # a worker without a county's plugin would quietly make it 出错
        check_worker_plugins(client, plugins)
    if remote and not isinstance(scheme, Scheme) and os.path.exists(scheme):
        scheme = loaded  # a scheme file of this machine travels as the scheme itself
    reads = _read(
        files, scheme, given.targets.year, plugins, limits, executor, progress, remote, roots, month
    )
    return Collected(
        loaded, given, tuple(paths), tuple(roots), tuple(reads), (*host_problems, *file_problems)
    )


def _read(
    files: Sequence[Path | str],
    scheme: PathLike | Scheme,
    year: int,
    plugins: PluginConfig,
    limits: Limits,
    executor: Executor | None,
    progress: Callable[[int, int], None] | None,
    remote: bool,
    roots: Sequence[Path | str],
    month: int | None = None,
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
        remote=remote,
        roots=roots,
        month=month,
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
    from .targets import read_targets

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


def _submission_paths(submissions: PathLike | Iterable[PathLike]) -> list[Path | str]:
    """The submissions as paths, and URLs (in fsspec's spelling) as strings; each must exist."""
    given = [submissions] if isinstance(submissions, str | os.PathLike) else list(submissions)
    paths: list[Path | str] = []
    for item in given:
        if is_url(item):
            from .remote import url_root  # (only for a URL: it imports tempfile and shutil)

            paths.append(url_root(str(item))[0])
            continue
        path = Path(item)
        if not path.exists():
            raise InputError("submissions-not-found", f"找不到报表文件或目录“{path}”；请检查路径。")
        paths.append(path)
    return paths


def _root(path: Path | str) -> Path | str:
    """The folder that file names in the outputs are relative to: ``path`` or its folder."""
    if isinstance(path, str):  # a URL
        from .remote import url_root

        root, folder = url_root(path)
        return root if folder else root.rsplit("/", 1)[0]
    return path if path.is_dir() else path.parent


def run_to_json(run: AssessmentRun) -> str:
    """The run as JSON text: exactly what ``minsheng assess --json`` writes (UTF-8, final newline)."""
    from .convert import to_json

    if run.lookback is None:
        return to_json(run.assessment) + "\n"
    import json

    from .convert import unstructure
    from .lookback import lookback_data

    data = {**unstructure(run.assessment), "lookback": lookback_data(run.lookback)}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


__all__ = ["AssessmentRun", "assess", "run_to_json"]
