"""The exception a run raises for bad input: a stable English code and a Chinese message.

:func:`minsheng.assess` raises :class:`InputError` when nothing can be scored (the scheme or the
targets workbook cannot be read, a submissions path does not exist); the command line turns it
into exit code 2. Problems in county files never raise: they are problems of the run.
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import Problem

#: Stable codes of :class:`InputError`, one line each: why a run could not start. Their Chinese
#: titles are in the problem catalogue (:mod:`minsheng.problems`, section "input").
INPUT_CODES = (
    "scheme-invalid",  # the scheme (built-in name or TOML file) cannot be loaded
    "targets-not-found",  # the targets workbook does not exist
    "targets-unreadable",  # the targets workbook cannot be opened or is not one (or the reader's own code)
    "targets-invalid",  # the targets workbook was read but has errors (listed in .problems)
    "wrong-year",  # the year asked for is not the targets' year
    "submissions-not-found",  # a submissions file or folder does not exist
    "submissions-empty",  # the submissions folders hold no spreadsheet at all
    "bad-argument",  # an argument of the call is not one of the values it takes
    "no-workers",  # the Dask cluster has no worker to read on
    "worker-plugins-differ",  # a Dask worker lacks minsheng or a plugin of this process, or has another version
    "history-not-found",  # the --history folder does not exist
)


class InputError(Exception):
    """Bad input to a run: ``code`` (stable, English), ``message`` (Chinese, for people) and the
    problems behind it, if any (``targets-invalid`` lists the targets workbook's errors)."""

    def __init__(self, code: str, message: str, problems: Sequence[Problem] = ()):
        self.code = code
        self.message = message
        self.problems = tuple(problems)
        super().__init__(f"[{code}] {message}")


__all__ = ["INPUT_CODES", "InputError"]
