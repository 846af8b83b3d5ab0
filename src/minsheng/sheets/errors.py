"""The one exception of the sheet toolkit, and how it becomes a :class:`~minsheng.Problem`."""

from __future__ import annotations

from ..model import Problem, Severity

#: Stable codes a :class:`SheetError` may carry.
SHEET_ERROR_CODES = (
    "not-a-spreadsheet",  # the bytes are not xlsx/xlsm/xls/ods (a Word file, a PDF, a renamed text file)
    "encrypted-workbook",  # password-protected (OOXML inside an OLE2 container, or an xls FILEPASS)
    "unreadable-file",  # the file is a spreadsheet but broken (truncated zip, bad XML, I/O error)
    "too-large",  # retired (kept for old callers): now file-too-large or zip-bomb
    "file-too-large",  # the file on disk is bigger than Limits.max_file_bytes
    "zip-bomb",  # a zip whose uncompressed size or ratio passes the limits, or that lies about its sizes
    "too-many-members",  # a zip with more members than Limits.max_members
    "unsafe-xml",  # an XML part with a DTD or entity declarations (entity bombs, XXE)
    "xml-too-deep",  # XML nesting deeper than Limits.max_xml_depth
    "sheet-too-large",  # a sheet's declared or real extent beyond Limits.max_rows/max_cols/max_cells
    "unsafe-xml-parser",  # openpyxl in this process would parse XML without defusedxml
    "no-such-sheet",  # a sheet the caller asked for is not in the workbook
    "table-not-found",  # find_table found no header row with the texts asked for
    "column-not-found",  # Table.column found no column with the header texts asked for
)


class SheetError(Exception):
    """A county file cannot be read as asked: a stable English ``code`` and a Chinese message.

    ``message_zh`` says what is wrong and what to do; ``file`` (and, where known, ``sheet`` and
    ``cell``) say where. :meth:`problem` gives the same as a :class:`~minsheng.Problem`.
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
