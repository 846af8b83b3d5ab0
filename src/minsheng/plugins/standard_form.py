"""The built-in plugin for the standard county submission form (``minsheng template``).

Registered by module path as a default plugin, so the core reads its own form through the same
hooks as any county plugin. The reading itself lives in :mod:`minsheng.workbooks.form`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .hookspecs import hookimpl

if TYPE_CHECKING:  # pragma: no cover - typing only
    from ..model import Submission
    from ..sheets import Workbook
    from .context import ReadContext


@hookimpl
def minsheng_claim(path: Path, book: Workbook) -> float | None:
    from ..workbooks.form import claim_form

    return claim_form(book)


@hookimpl
def minsheng_read(path: Path, book: Workbook, context: ReadContext) -> Submission:
    from ..workbooks.form import read_form

    return read_form(path, book, context)


@hookimpl
def minsheng_indicators(scheme):
    """The standard form is a full report: one row for every indicator of the scheme."""
    return [ind.code for ind in scheme.indicators]
