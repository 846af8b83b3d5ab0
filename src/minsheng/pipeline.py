"""The year-end run, one direction: find files → match plugins → read → check → score.

Reading is the cost, so it runs file by file through any :class:`concurrent.futures.Executor`
(worker processes locally, a Dask cluster through ``Client.get_executor()``); everything after
reading happens in the calling process over plain attrs values, in file order, so the assessment is
the same whatever the executor.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path, PurePath, PurePosixPath
from typing import TYPE_CHECKING

from attrs import evolve, field, frozen

from .config import PluginConfig
from .errors import InputError
from .limits import Limits
from .model import Finding, InputFile, Problem, Scheme, Severity, Submission, Targets
from .relpaths import is_url, relative_path

# The guarded read (with the plugin host: pluggy, the entry points), the merge, the checks and
# scoring are imported where they are used: finding the files, and a run that finds none, do not
# load them.
if TYPE_CHECKING:  # pragma: no cover - typing only
    from concurrent.futures import Executor, Future

    from .merge import Merged
    from .model import Assessment
    from .plugins.reading import ReadResult

_COUNTY_CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")  # a 6-digit 行政区划代码 in a path

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".et"}


def is_temporary(path: PurePath) -> bool:
    """Lock and temp files a spreadsheet program leaves beside an open file (~$x.xlsx, .~lock.x#)."""
    name = path.name
    return (
        name.startswith(("~$", ".~lock.", "~"))
        or name.endswith(("#", ".tmp", ".bak"))
        or name.startswith(".")
    )


def find_files(inputs: Iterable[Path | str]) -> tuple[list[Path | str], list[Problem]]:
    """Every county file under ``inputs`` (files or folders, recursively), sorted, skipping lock files.

    Files without a spreadsheet suffix are skipped with an ``info`` problem; a spreadsheet with a
    wrong suffix is still read by content. A URL (``file://…``, ``s3://…``; needs fsspec) is
    searched the same way and its files are given as URLs, after the local files.
    """
    found: list[Path] = []
    problems: list[Problem] = []
    urls: list[str] = []
    for root in inputs:
        if is_url(root):
            urls.extend(_find_urls(str(root), problems))
            continue
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
    return [*sorted(set(found)), *dict.fromkeys(urls)], problems


def _find_urls(root: str, problems: list[Problem]) -> list[str]:
    """The spreadsheets under the URL ``root``, as :func:`find_files` takes them from a folder."""
    from .remote import find_urls, url_parts, url_root

    try:
        base, _ = url_root(root)
    except InputError as exc:
        if exc.code != "submissions-not-found":
            raise
        problems.append(Problem("input-not-found", exc.message, file=root))
        return []
    out = []
    for url in find_urls(base):
        parts = url_parts(url, base)
        name = PurePosixPath(parts[-1])
        if is_temporary(name) or any(part.startswith(".") for part in parts[:-1]):
            continue
        if name.suffix.lower() not in SPREADSHEET_SUFFIXES:
            problems.append(
                Problem(
                    "skipped-file",
                    f"“{name.name}”不是表格文件（{name.suffix or '无扩展名'}），已跳过。",
                    severity=Severity.INFO,
                    file=url,
                )
            )
            continue
        out.append(url)
    return out


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
    from .plugins.reading import ReadResult

    problem = Problem(
        "read-failed",
        f"读取“{Path(path).name}”的工作进程异常退出（{type(exc).__name__}：{exc}）；该县按出错处理，请检查文件后重试。",
        file=path,
    )
    return ReadResult(
        path=path, sha256=None, plugin=None, plugin_version=None, submission=None, problems=(problem,)
    )


def read_files(
    paths: Sequence[Path | str],
    *,
    scheme_source: str | Scheme,
    year: int,
    plugins: PluginConfig | None = None,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
    limits: Limits | None = None,
    plugins_dir: str | None = None,
    remote: bool | None = None,
    roots: Sequence[Path | str] = (),
    month: int | None = None,
) -> list[ReadResult]:
    """Match and read every file, through ``executor`` when given (else here); results in input order.

    Each file is read in a child process with the plugins of ``plugins`` (default:
    ``PluginConfig(plugins_dir=plugins_dir)``) under ``limits`` (default: ``Limits()``), both
    passed with every call: a file or plugin that hangs, eats memory or crashes costs only its
    own county (see :mod:`minsheng.guard`). ``progress(1)`` is called after each file.

    ``remote`` (default: whether ``executor`` is a Dask cluster's) sends the workers each local
    file's bytes instead of its path, for workers that cannot see this machine's disk; URLs are
    always passed as they are and opened where the read runs (see :mod:`minsheng.remote`).
    ``roots`` (the submissions folders) give a sent file its folders below them. Files are
    submitted as workers need them (at most two per worker in flight), never all at once.
    ``month`` is the period's last month for a progress run (None: the year end).
    """
    from .plugins.reading import ReadResult, plugin_config

    kwargs: dict[str, object] = {
        "scheme_source": scheme_source,
        "year": year,
        "plugins": plugin_config(plugins, plugins_dir),
        "limits": limits or Limits(),
        "month": month,
    }
    if remote is None:
        from .remote import dask_client

        remote = dask_client(executor) is not None
    results: dict[int, ReadResult] = {}
    if executor is None:
        for i, p in enumerate(paths):
            job = _job(p, remote, roots, kwargs)
            results[i] = job if isinstance(job, ReadResult) else job[0](*job[1], **job[2])
            if progress:
                progress(1)
        return [results[i] for i in range(len(paths))]
    from concurrent.futures import FIRST_COMPLETED, wait  # only where an executor reads

    from .remote import quiet_large_sends

    window = _in_flight(executor)
    running: dict[Future[ReadResult], int] = {}

    def collect(done: Iterable[Future[ReadResult]]) -> None:
        for f in done:
            i = running.pop(f)
            try:
                results[i] = f.result()
            except Exception as exc:  # a worker that died (memory, a signal) costs only its own file
                results[i] = _worker_failed(str(paths[i]), exc)
            if progress:
                progress(1)

    with quiet_large_sends(executor, kwargs["limits"]):  # type: ignore[arg-type]
        for i, p in enumerate(paths):
            while len(running) >= window:
                collect(wait(running, return_when=FIRST_COMPLETED).done)
            job = _job(p, remote, roots, kwargs)
            if isinstance(job, ReadResult):  # refused here (too large): never sent
                results[i] = job
                if progress:
                    progress(1)
                continue
            running[executor.submit(job[0], *job[1], **job[2])] = i
            del job  # the bytes stay only with the submitted call
        while running:
            collect(wait(running, return_when=FIRST_COMPLETED).done)
    return [results[i] for i in range(len(paths))]


def _in_flight(executor: Executor) -> int:
    """How many files may be on their way at once: two per worker thread (at least two)."""
    from .remote import dask_client

    client = dask_client(executor)
    if client is not None:
        try:
            workers = client.scheduler_info()["workers"].values()
            threads = sum(int(w.get("nthreads", 1)) for w in workers)
        except Exception:
            threads = 0
    else:
        threads = int(getattr(executor, "_max_workers", 0) or 0)
    return 2 * max(threads or (os.cpu_count() or 1), 1)


def _job(
    p: Path | str, remote: bool, roots: Sequence[Path | str], kwargs: dict[str, object]
) -> ReadResult | tuple[Callable[..., ReadResult], tuple[object, ...], dict[str, object]]:
    """What reads ``p``: a call (function, args, kwargs) to run here or on a worker, or the
    result itself when the file is refused before it is sent."""
    from .guard import read_county_file_guarded
    from .plugins.reading import ReadResult, sha256_or_none

    name = str(p)
    if not remote and not is_url(name):
        return read_county_file_guarded, (name,), kwargs
    from .remote import read_sent, refuse_too_large

    if is_url(name):
        return read_sent, (name, None), {**kwargs, "parts": tuple(relative_path(name, roots).split("/"))}
    parts = PurePath(relative_path(name, roots)).parts
    limits: Limits = kwargs["limits"]  # type: ignore[assignment]
    try:
        size = os.stat(name).st_size
        refused = refuse_too_large(size, name, limits)
        if refused is not None:
            return ReadResult(name, None, (refused,), sha256=sha256_or_none(name))
        with open(name, "rb") as fh:
            data = fh.read(limits.max_file_bytes + 1)
        refused = refuse_too_large(len(data), name, limits)  # (it grew since)
        if refused is not None:
            return ReadResult(name, None, (refused,), sha256=sha256_or_none(name))
    except OSError:  # unreadable here: read it here, for the very problem a local read gives
        return read_county_file_guarded(name, **kwargs)  # type: ignore[arg-type]
    return read_sent, (name, data), {**kwargs, "parts": parts}


@frozen
class CheckedReads:
    """What reading and checking gave, ready to score; ``merged`` is each county's files merged
    (see :mod:`minsheng.merge`), by county code."""

    submissions: tuple[Submission, ...]
    failed: frozenset[str]
    inputs: tuple[InputFile, ...]
    problems: tuple[Problem, ...]
    merged: dict[str, Merged] = field(factory=dict)


def check_reads(scheme: Scheme, targets: Targets, reads: Sequence[ReadResult]) -> CheckedReads:
    """Attribute each read to its county, merge a county's files into one submission, and run the
    per-county and peer checks (lateness is computed when scoring).

    Problems come in file order; a county's merge and check problems follow its last file.
    """
    from . import checks as _checks
    from .checks import check_outliers, check_submission
    from .merge import Part, merge_county

    problems: list[Problem | None] = []  # None: where a usable file's county may be merged and checked
    submissions: list[Submission] = []
    failed: set[str] = set()
    inputs: list[InputFile] = []
    usable: list[ReadResult | None] = []  # per read: the read, if its submission goes to the merge
    for read in reads:
        usable.append(None)
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
        usable[-1] = read
        problems.append(None)  # this file's county is merged and checked here if it is its last file
    by_county: dict[str, list[Part]] = {}
    for kept in usable:
        if kept is not None and kept.submission is not None:
            part = Part(kept.path, kept.submission, kept.indicators, kept.title, kept.plugin)
            by_county.setdefault(kept.submission.county, []).append(part)
    merged = {c: merge_county(scheme, targets, c, parts) for c, parts in by_county.items()}
    last = {read.submission.county: i for i, read in enumerate(usable) if read and read.submission}
    pending = iter(i for i, read in enumerate(usable) if read is not None)
    ordered: list[Problem] = []
    for problem in problems:
        if problem is not None:
            ordered.append(problem)
            continue
        i = next(pending)
        kept = usable[i]
        assert kept is not None and kept.submission is not None
        county = kept.submission.county
        if last[county] != i:
            continue
        m = merged[county]
        ordered.extend(m.problems)
        if m.submission is None:
            failed.add(county)
            continue
        sub = m.submission  # (its lateness is computed when it is scored, never taken from it)
        ordered.extend(check_submission(scheme, sub, targets.allocations.get(sub.county, {})))
        submissions.append(sub)
    ordered.extend(check_outliers(scheme, submissions, targets))
    return CheckedReads(tuple(submissions), frozenset(failed), tuple(inputs), tuple(ordered), merged)


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
    from .checks import check_self_scores
    from .merge import explain_uncarried
    from .scoring import score

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
    explained = explain_uncarried(assessment.problems, scheme, targets, checked.merged)
    return evolve(assessment, problems=(*explained, *check_self_scores(assessment)))
