"""The one exception of the sheet toolkit, and how it becomes a :class:`~minsheng.Problem`."""

from __future__ import annotations

from ..model import Problem, Severity
from ..problems import check_code, section_codes

#: Stable codes a :class:`SheetError` of the toolkit may carry: the catalogue's "sheet" section
#: (:mod:`minsheng.problems`, which says what each means).
SHEET_ERROR_CODES = section_codes("sheet")


class SheetError(Exception):
    """A county file cannot be read as asked: a stable English ``code`` and a Chinese message.

    ``message_zh`` says what is wrong and what to do; ``file`` (and, where known, ``sheet`` and
    ``cell``) say where. :meth:`problem` gives the same as a :class:`~minsheng.Problem`. The code
    must be one a problem may carry (:mod:`minsheng.problems`): an unknown one raises
    :class:`~minsheng.problems.UnknownProblemCode` here, where it was written, not later.
    """

    def __init__(
        self,
        code: str,
        message_zh: str,
        file: str | None = None,
        *,
        sheet: str | None = None,
        cell: str | None = None,
    ) -> None:
        check_code(code)
        super().__init__(f"{code}: {message_zh}" + (f" ({file})" if file else ""))
        self.code = code
        self.message_zh = message_zh
        self.file = file
        self.sheet = sheet
        self.cell = cell

    def problem(self, *, county: str | None = None, plugin: str | None = None) -> Problem:
        """This error as a problem for the run's report."""
        return Problem(
            code=self.code,
            message=self.message_zh,
            severity=Severity.ERROR,
            county=county,
            file=self.file,
            sheet=self.sheet,
            cell=self.cell,
            plugin=plugin,
        )
