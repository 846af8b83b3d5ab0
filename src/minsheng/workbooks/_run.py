"""The writers of a run: ``write_assessment(run, path)`` and ``write_county_sheets(run, folder)``.

The scheme comes with the run. The older form, ``write_assessment(assessment, scheme, path)``,
still works: both names forward to :mod:`minsheng.workbooks.assessment`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..model import Assessment, Scheme
from ..run import AssessmentRun
from . import assessment as _writers
from . import county_sheets as _county_sheets


def _lookback(run: AssessmentRun | Assessment) -> Any:
    return run.lookback if isinstance(run, AssessmentRun) else None


def _parts(run: AssessmentRun | Assessment, rest: tuple[Any, ...]) -> tuple[Assessment, Scheme, Any]:
    """(assessment, scheme, where) from ``(run, where)`` or ``(assessment, scheme, where)``."""
    if isinstance(run, AssessmentRun):
        if len(rest) != 1:
            raise TypeError("write_*(run, path) takes the run and one path")
        return run.assessment, run.scheme, rest[0]
    if len(rest) != 2 or not isinstance(rest[0], Scheme):
        raise TypeError("write_*(assessment, scheme, path) needs the scheme when given an Assessment")
    return run, rest[0], rest[1]


def write_assessment(
    run: AssessmentRun | Assessment, *where: Any, template: str | Path | None = None
) -> Path:
    """Write the year-end assessment workbook of ``run`` to the path given (atomically,
    byte-identically for the same run); return it. ``template`` is a province's restyled copy of
    ``templates/xlsx/assessment.xlsx``."""
    assessment, scheme, path = _parts(run, where)
    return _writers.write_assessment(assessment, scheme, path, template=template, lookback=_lookback(run))


def write_county_sheets(
    run: AssessmentRun | Assessment,
    *where: Any,
    template: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """Write one 考核评分表 per county of ``run`` into the folder given; return the paths written.
    ``progress(done, total)`` is called before the first sheet and after each."""
    assessment, scheme, directory = _parts(run, where)
    return _county_sheets.write_county_sheets(
        assessment, scheme, directory, template=template, progress=progress, lookback=_lookback(run)
    )


__all__ = ["write_assessment", "write_county_sheets"]
