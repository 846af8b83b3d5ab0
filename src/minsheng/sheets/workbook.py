"""Open a county workbook by its content, and read its sheets as cells with A1 references.

Values come from python-calamine (fast, reads .xlsx/.xlsm/.xls/.ods). What calamine reads as
blank but is not (error cells, formulas without a cached result) is found by the format scanners
in ``_scan`` and kept per cell, so that a reader never mistakes ``#DIV/0!`` for a blank.
"""

from __future__ import annotations

import gc
import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import python_calamine as pc
from defusedxml import DefusedXmlException

from .. import limits as _limits_mod
from ..limits import Limits, UnsafeXmlParser
from . import _fallback, _scan, _scan_biff, _scan_ods, _xlsb
from ._ole import OleFile, OleFormatError
from ._scan import CellFlag
from .cells import Sheet
from .errors import SheetError
from .refs import CellRange
from .sniff import _sniff, old_excel

_VISIBILITY = {0: "visible", 1: "hidden", 2: "very-hidden"}


class Workbook:
    """A county workbook opened once: sheet names, visibility and sheets on demand.

    Sheets are read lazily and cached; :meth:`close` (or ``with``) releases the file.
    """

    def __init__(
        self,
        path: Path,
        kind: str,
        book: pc.CalamineWorkbook,
        ole: OleFile | None,
        *,
        limits: Limits | None = None,
        biff: tuple[bytes, _scan_biff.BiffInfo] | None = None,
    ) -> None:
        self.path = path
        self.limits = limits or _limits_mod.current()
        self.format = kind
        self._book = book
        self._sheets: dict[str, Sheet] = {}
        meta = book.sheets_metadata
        self.sheet_names: tuple[str, ...] = tuple(m.name for m in meta)
        self._visibility = {m.name: _calamine_visibility(m.visible) for m in meta}
        self._parts: dict[str, tuple[str, str]] = {}
        self._percent_styles: frozenset[int] = frozenset()
        #: worksheet parts the limits pass found without a formula or error cell literal
        self._plain_parts: frozenset[str] = frozenset()
        self._ods: dict[str, _scan_ods.OdsSheetInfo] | None = None
        #: an .xlsb's sheets as its scan found them (error cells)
        self._binary: dict[str, _xlsb.XlsbSheet] = {}
        self._biff: _scan_biff.BiffInfo | None = None
        self._biff_stream: bytes | None = None
        if kind == "xls" and ole is not None:
            # keep only the Workbook stream, not the whole file, for the per-sheet scans
            # (``biff``: the stream and its globals, when open_workbook has read them already)
            if biff is not None:
                self._biff_stream, self._biff = biff
            else:
                self._biff_stream = _scan_biff.biff_stream(ole)
                self._biff = _scan_biff.biff_globals(self._biff_stream)
            for name, visibility, _ in self._biff.sheets:
                if name in self._visibility:
                    self._visibility[name] = _VISIBILITY.get(visibility, "visible")

    # ---------------------------------------------------------------------------------------

    @property
    def file(self) -> str:
        return str(self.path)

    def visibility(self, name: str) -> str:
        """``visible``, ``hidden`` or ``very-hidden``."""
        if name not in self._visibility:
            raise self._no_such_sheet(name)
        if self.format == "ods":
            info = self._ods_info().get(name)
            if info is not None and info.hidden:
                return "hidden"
        return self._visibility[name]

    @property
    def visible_sheet_names(self) -> tuple[str, ...]:
        return tuple(n for n in self.sheet_names if self.visibility(n) == "visible")

    def _no_such_sheet(self, name: str) -> SheetError:
        return SheetError(
            "no-such-sheet",
            f"工作簿中没有名为“{name}”的工作表（现有：{'、'.join(self.sheet_names)}）；请按报表样式报送。",
            self.file,
            sheet=name,
        )

    def sheet(self, name: str | int) -> Sheet:
        """The sheet named ``name`` (or at index ``name``), read on first use."""
        if isinstance(name, int):
            if not 0 <= name < len(self.sheet_names):
                raise self._no_such_sheet(str(name))
            name = self.sheet_names[name]
        if name not in self._sheets:
            if name not in self.sheet_names:
                raise self._no_such_sheet(name)
            self._sheets[name] = self._read(name)
        return self._sheets[name]

    def __iter__(self) -> Iterator[Sheet]:
        for name in self.sheet_names:
            yield self.sheet(name)

    def _ods_info(self) -> dict[str, _scan_ods.OdsSheetInfo]:
        if self._ods is None:
            with zipfile.ZipFile(self.path) as zf:
                self._ods = _scan_ods.scan_ods(zf)
        return self._ods

    def _read(self, name: str) -> Sheet:
        try:
            cs = self._book.get_sheet_by_name(name)
            self._check_shape(name, cs)
            with _collector_paused():
                rows = cs.to_python(skip_empty_area=False)
            merged_raw = cs.merged_cell_ranges
        except SheetError:
            raise
        except Exception as exc:
            raise SheetError(
                "unreadable-file",
                f"工作表“{name}”的内容无法解析，可能已损坏；请在 Excel/WPS 中打开后另存为 .xlsx 再报送。",
                self.file,
                sheet=name,
            ) from exc
        except BaseException as exc:
            _reraise_unless_panic(exc)
            raise SheetError(
                "unreadable-file",
                f"工作表“{name}”已损坏，读取程序无法解析；请在 Excel/WPS 中另存后报送。",
                self.file,
                sheet=name,
            ) from exc
        merged = tuple(CellRange(a[0], a[1], b[0], b[1]) for a, b in (merged_raw or ()))
        flags: dict[tuple[int, int], CellFlag] = {}
        percent: set[tuple[int, int]] | frozenset[tuple[int, int]] = frozenset()
        try:
            if isinstance(cs, _fallback.OpenpyxlSheet):  # read by openpyxl, its error cells with it
                flags = dict(cs.flags)
            elif self.format in ("xlsx", "xlsm"):
                with zipfile.ZipFile(self.path) as zf:
                    if not self._parts:
                        self._parts = _scan.ooxml_sheet_parts(zf)
                        self._percent_styles = _scan.ooxml_percent_styles(zf)
                    part, _state = self._parts.get(name, ("", "visible"))
                    if self._percent_styles or part not in self._plain_parts:
                        flags, percent = _scan.scan_ooxml_sheet(zf, part, self._percent_styles)
                    # else: nothing the scan could find (see _prescan.scan_zip_xml)
            elif self.format == "xlsb" and name in self._binary:
                flags = dict(self._binary[name].flags)
            elif self.format == "ods":
                info = self._ods_info().get(name)
                if info is not None:
                    flags, percent = info.flags, info.percent
                    if not merged:
                        merged = info.merged
            elif self.format == "xls" and self._biff is not None and self._biff_stream is not None:
                index = self.sheet_names.index(name)
                by_name = {s[0]: s[2] for s in self._biff.sheets}
                offset = by_name.get(name)
                if offset is None and index < len(self._biff.sheets):
                    offset = self._biff.sheets[index][2]
                if offset is not None:
                    flags, percent = _scan_biff.scan_biff_sheet(
                        self._biff_stream, offset, self._biff.percent_xfs
                    )
        except DefusedXmlException as exc:
            raise SheetError(
                "unreadable-file",
                f"工作表“{name}”含有不安全的 XML 内容（{type(exc).__name__}），拒绝读取；请在 Excel/WPS 中另存后报送。",
                self.file,
                sheet=name,
            ) from exc
        except (zipfile.BadZipFile, KeyError, ValueError, OleFormatError) as exc:
            raise SheetError(
                "unreadable-file",
                f"工作表“{name}”的内容结构已损坏，无法检查；请在 Excel/WPS 中打开后另存为 .xlsx 再报送。",
                self.file,
                sheet=name,
            ) from exc
        except Exception as exc:  # defusedxml refusals and XML syntax errors
            raise SheetError(
                "unreadable-file",
                f"工作表“{name}”的 XML 内容已损坏，无法检查（{type(exc).__name__}）；请在 Excel/WPS 中另存后报送。",
                self.file,
                sheet=name,
            ) from exc
        return Sheet(self, name, self.sheet_names.index(name), rows, merged, flags, frozenset(percent))

    def _check_shape(self, name: str, cs: pc.CalamineSheet) -> None:
        """``sheet-too-large`` when the grid from A1 to the sheet's farthest cell passes the limits
        (checked before the grid becomes Python objects)."""
        end = cs.end
        if end is None:
            return
        rows, cols = end[0] + 1, end[1] + 1
        lim = self.limits
        if rows > lim.max_rows or cols > lim.max_cols or rows * cols > lim.max_cells:
            raise SheetError(
                "sheet-too-large",
                f"工作表“{name}”的内容范围为 {rows} 行 × {cols} 列，超过上限（{lim.max_rows} 行、{lim.max_cols} 列、"
                f"{lim.max_cells} 个单元格）；请在 Excel/WPS 中删除多余的行、列后另存再报送。",
                self.file,
                sheet=name,
            )

    def close(self) -> None:
        self._sheets.clear()
        try:
            self._book.close()
        except Exception:
            pass
        except BaseException as exc:
            _reraise_unless_panic(exc)

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Workbook {self.path.name} {self.format} sheets={list(self.sheet_names)}>"


def _calamine_visibility(v: object) -> str:
    if v == pc.SheetVisibleEnum.Hidden:
        return "hidden"
    if v == pc.SheetVisibleEnum.VeryHidden:
        return "very-hidden"
    return "visible"


def open_workbook(path: str | os.PathLike[str], *, limits: Limits | None = None) -> Workbook:
    """Open a county workbook, recognising .xlsx/.xlsm/.xls/.ods by content, not by extension.

    ``limits`` (default: :func:`minsheng.limits.current`, the defaults unless a run set others)
    are checked before anything is parsed: the file size; for zip-based files the member count,
    uncompressed size and ratio from the central directory, then DTDs, nesting and the sheets'
    extent in one streaming pass over the XML; each sheet's extent again when it is read.

    Raises :class:`SheetError` with code ``not-a-spreadsheet``, ``encrypted-workbook``,
    ``unreadable-file``, ``file-too-large``, ``zip-bomb``, ``too-many-members``, ``unsafe-xml``,
    ``xml-too-deep``, ``sheet-too-large`` (also from :meth:`Workbook.sheet`) or
    ``unsafe-xml-parser`` (openpyxl in this process would parse without defusedxml).
    """
    path = Path(path)
    limits = limits or _limits_mod.current()
    name = str(path)
    try:
        _limits_mod.require_defusedxml()
    except UnsafeXmlParser as exc:
        raise SheetError("unsafe-xml-parser", str(exc), name) from None
    kind, plain, binary = _sniff(path, limits)
    ole = None
    biff: tuple[bytes, _scan_biff.BiffInfo] | None = None
    if kind == "ole":
        try:
            data = path.read_bytes()
            ole = OleFile(data)
        except (OSError, OleFormatError) as exc:
            raise SheetError(
                "unreadable-file", "文件已损坏（OLE 结构不完整），无法读取；请重新保存后报送。", name
            ) from exc
        if ole.has("EncryptionInfo") or ole.has("EncryptedPackage"):
            raise SheetError(
                "encrypted-workbook",
                "文件设置了打开密码，无法读取；请取消密码（文件→信息→保护工作簿）后重新报送。",
                name,
            )
        if not any(ole.has(n) for n in ("Workbook", "WORKBOOK")) and any(
            ole.has(n) for n in ("Book", "BOOK")
        ):
            raise old_excel(name, "5.0/95")
        if not any(ole.has(n) for n in ("Workbook", "Book", "WORKBOOK", "BOOK")):
            raise SheetError(
                "not-a-spreadsheet",
                "文件是 Office 97-2003 格式，但不是 Excel 表格（可能是 Word 文档）；请报送表格文件。",
                name,
            )
        kind = "xls"
        try:
            stream = _scan_biff.biff_stream(ole)
            info = _scan_biff.biff_globals(stream)
            biff = (stream, info)
        except (KeyError, OleFormatError, ValueError) as exc:
            raise SheetError(
                "unreadable-file", "文件已损坏（工作簿数据流无法读取）；请重新保存后报送。", name
            ) from exc
        if stream[:2] == b"\x09\x08" and stream[4:6] == b"\x00\x05":  # BOF of BIFF5 in a Workbook stream
            raise old_excel(name, "5.0/95")
        if info.encrypted:
            raise SheetError(
                "encrypted-workbook",
                "文件设置了打开密码，无法读取；请取消密码（工具→选项→安全性）后重新报送。",
                name,
            )
    try:
        book = _calamine_open(path, kind)
    except pc.PasswordError as exc:
        raise SheetError(
            "encrypted-workbook", "文件设置了密码，无法读取；请取消密码后重新报送。", name
        ) from exc
    except Exception as exc:
        book = _second_reader(path, kind, limits, exc)
    except BaseException as exc:
        _reraise_unless_panic(exc)
        book = _second_reader(path, kind, limits, exc)
    try:
        wb = Workbook(path, kind, book, ole, limits=limits, biff=biff)
        wb._plain_parts = plain
        wb._binary = binary
        for sheet_name, sheet in binary.items():
            if sheet_name in wb._visibility:
                wb._visibility[sheet_name] = sheet.visibility
        return wb
    except Exception as exc:
        book.close()
        raise SheetError("unreadable-file", "文件已损坏，无法读取；请重新保存后报送。", name) from exc
    except BaseException as exc:
        _reraise_unless_panic(exc)
        raise SheetError("unreadable-file", "文件已损坏，读取程序无法解析；请重新保存后报送。", name) from exc


def _second_reader(path: Path, kind: str, limits: Limits, exc: BaseException) -> Any:
    """What calamine could not open: openpyxl (read-only, under the same limits) for an .xlsx or
    .xlsm (a valid package whose parts have unusual names); else a SheetError that says what the
    file is, never the reader's own words."""
    if kind in ("xlsx", "xlsm"):
        book = _fallback.open_with_openpyxl(path, limits)
        if book is not None:
            return book
    name = str(path)
    if kind == "xlsb":
        message = (
            "文件是 Excel 二进制工作簿（.xlsb），其内容无法读取；请在 Excel/WPS 中打开后另存为 .xlsx 再报送。"
        )
    elif kind == "xls":
        message = "文件是 .xls 格式，但其中的工作簿数据无法解析，可能已损坏；请在 Excel/WPS 中打开后另存为 .xlsx 再报送。"
    else:
        message = (
            f"文件是 .{kind} 格式，但内容无法解析，可能已损坏；请在 Excel/WPS 中打开后另存为 .xlsx 再报送。"
        )
    raise SheetError("unreadable-file", message, name) from exc


#: the extensions calamine's from_path reads each format by
_CALAMINE_SUFFIXES = {
    "xlsb": (".xlsb",),
    "xlsx": (".xlsx", ".xlsm"),
    "xlsm": (".xlsx", ".xlsm"),
    "ods": (".ods",),
    "xls": (".xls",),
}


def _calamine_open(path: Path, kind: str) -> pc.CalamineWorkbook:
    """calamine picks the format by the file's extension; a misnamed file (an .xls saved as
    .xlsx) is handed over as bytes, which calamine recognises by content."""
    if path.suffix.lower() in _CALAMINE_SUFFIXES.get(kind, ()):
        return pc.CalamineWorkbook.from_path(str(path))
    with open(path, "rb") as fh:
        return pc.CalamineWorkbook.from_filelike(fh)


def _reraise_unless_panic(exc: BaseException) -> None:
    """calamine (Rust) reports a malformed file it cannot handle as a pyo3 ``PanicException``, a
    BaseException; that is the file's fault and becomes a SheetError. Anything else (Ctrl-C,
    SystemExit) goes on up."""
    if type(exc).__name__ != "PanicException":
        raise exc


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while calamine builds a grid: a roster is tens of
    thousands of row lists, none of them in a cycle, and each few hundred allocated would otherwise
    run the collector, which walks the grid built so far again and again.

    Afterwards the objects the collector tracks are moved to its oldest generation as they are
    (``gc.freeze`` then ``gc.unfreeze``): else the first collection of the youngest one, which now
    holds the whole grid, would walk every row once more, and the next generation's again. Garbage
    cycles among them are still collected, by the next full collection. (Not when the process
    keeps objects frozen itself, which ``gc.unfreeze`` would undo.)"""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()
