"""The year-end run, one direction: find files → match plugins → read → check → score.

Reading is the cost, so it runs file by file through any :class:`concurrent.futures.Executor`
(worker processes locally, a Dask cluster through ``Client.get_executor()``); everything after
reading happens in the calling process over plain attrs values, in file order, so the assessment is
the same whatever the executor.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from pathlib import Path

from attrs import evolve, frozen

from .checks import apply_deadline, check_outliers, check_self_scores, check_submission, report_date
from .model import Assessment, Finding, InputFile, Problem, Scheme, Severity, Submission, Targets
from .scoring import score

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".et"}


@frozen
class FileRead:
    """What reading one county file gave: the submission (or None) and every problem on the way."""

    path: str
    sha256: str | None
    plugin: str | None
    plugin_version: str | None
    submission: Submission | None
    problems: tuple[Problem, ...]


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
    codes = set(re.findall(r"(?<!\d)(\d{6})(?!\d)", text))
    hits = [c.code for c in targets.counties if c.code in codes]
    if len(hits) == 1:
        return hits[0]
    names = [c.code for c in targets.counties if c.name and c.name in Path(text).name]
    if len(names) == 1:
        return names[0]
    longest = sorted((c for c in targets.counties if c.name and c.name in text), key=lambda c: -len(c.name))
    return longest[0].code if longest else None


def read_files(
    matches: Sequence[tuple[Path, str]],
    *,
    scheme_source: str,
    year: int,
    plugins_dir: str | None = None,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[FileRead]:
    """Read each (file, plugin) pair, through ``executor`` when given; results in input order."""
    from .plugins.host import read_county_file

    def one(path: Path, plugin: str) -> FileRead:
        return _as_file_read(
            read_county_file(
                str(path), plugin, scheme_source=scheme_source, year=year, plugins_dir=plugins_dir
            )
        )

    results: list[FileRead] = []
    if executor is None:
        for path, plugin in matches:
            results.append(one(path, plugin))
            if progress:
                progress(1)
        return results
    futures = [
        executor.submit(
            read_county_file, str(p), plugin, scheme_source=scheme_source, year=year, plugins_dir=plugins_dir
        )
        for p, plugin in matches
    ]
    for f in futures:
        results.append(_as_file_read(f.result()))
        if progress:
            progress(1)
    return results


def _as_file_read(r: object) -> FileRead:
    return FileRead(
        path=r.path,  # type: ignore[attr-defined]
        sha256=r.sha256,  # type: ignore[attr-defined]
        plugin=r.plugin,  # type: ignore[attr-defined]
        plugin_version=r.plugin_version,  # type: ignore[attr-defined]
        submission=r.submission,  # type: ignore[attr-defined]
        problems=tuple(r.problems),  # type: ignore[attr-defined]
    )


def assess_reads(
    scheme: Scheme,
    targets: Targets,
    reads: Sequence[FileRead],
    *,
    findings: Sequence[Finding] = (),
    problems: Sequence[Problem] = (),
    deadline: dt.date | None = None,
    missing: str = "zero",
    assessed_on: dt.date | None = None,
) -> Assessment:
    """Check and score what was read. Every county of the targets appears in the result."""
    all_problems = list(problems)
    submissions: list[Submission] = []
    failed: set[str] = set()
    inputs: list[InputFile] = []
    for read in reads:
        county = read.submission.county if read.submission else guess_county(read.path, targets)
        found = [p if p.county or not county else evolve(p, county=county) for p in read.problems]
        all_problems.extend(found)
        if read.sha256 is not None:
            inputs.append(InputFile(read.path, read.sha256, county, read.plugin, read.plugin_version))
        if read.submission is None:
            if county is not None:
                failed.add(county)
            continue
        sub, late = apply_deadline(scheme, read.submission, deadline)
        all_problems.extend(late)
        all_problems.extend(check_submission(scheme, sub, targets.allocations.get(sub.county, {})))
        submissions.append(sub)
    all_problems.extend(check_outliers(scheme, submissions, targets))
    if assessed_on is None:
        dates = [d for d in (report_date(s) for s in submissions) if d is not None]
        assessed_on = max(dates) if dates else None
    assessment = score(
        scheme,
        targets,
        submissions,
        findings=findings,
        missing=missing,
        failed=failed,
        problems=all_problems,
        inputs=inputs,
        assessed_on=assessed_on,
    )
    return evolve(assessment, problems=assessment.problems + tuple(check_self_scores(assessment)))
