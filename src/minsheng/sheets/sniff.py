"""What a county file is, by its content: the zip package's kind, an OLE (.xls) file, an old Excel format."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from ..limits import Limits
from . import _prescan, _xlsb
from ._ole import OLE_MAGIC
from .errors import SheetError

#: what reading a damaged zip may raise
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    RuntimeError,
    NotImplementedError,  # zipfile: a compression method it does not support
    OSError,
    ValueError,
)
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


def _sniff(path: Path, limits: Limits) -> tuple[str, frozenset[str], dict[str, _xlsb.XlsbSheet]]:
    """The workbook format by content: ``xlsx``, ``xlsm``, ``xlsb``, ``ods`` or ``xls``; SheetError otherwise.

    Zip-based files are checked against ``limits`` here, before any parser sees them: the
    central directory (member count, sizes, ratio), then one streaming pass over the XML parts.
    With the format come the worksheet parts that pass found free of formulas and error cells,
    and for an .xlsb its sheets (checked the same way by :mod:`._xlsb`).
    """
    name = str(path)
    _prescan.check_file_size(path, limits)
    try:
        with open(path, "rb") as fh:
            head = fh.read(512)
    except OSError as exc:
        raise SheetError(
            "unreadable-file", f"无法打开文件：{exc.strerror or exc}。请确认文件存在且未被占用。", name
        ) from exc
    if head[:4] == b"PK\x03\x04" or head[:4] == b"PK\x05\x06":
        try:
            with zipfile.ZipFile(path) as zf:
                _prescan.check_zip_directory(zf, name, limits)
                kind, sheet_parts = _package_kind(zf, name)
                plain = _prescan.scan_zip_xml(zf, name, limits, sheet_parts)
                binary = _xlsb.scan_xlsb(zf, name, limits) if kind == "xlsb" else {}
        except _ZIP_ERRORS as exc:
            raise SheetError(
                "unreadable-file", "文件已损坏（压缩结构不完整），无法读取；请重新保存后报送。", name
            ) from exc
        return kind, plain, binary
    if head[:8] == OLE_MAGIC:
        return "ole", frozenset(), {}
    if head[:2] in _RAW_BIFF_BOF and 4 <= int.from_bytes(head[2:4], "little") <= 20:
        raise old_excel(name, "2.x–4.0")
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        raise SheetError(
            "not-a-spreadsheet",
            "文件是网页（HTML/XML）格式，只是扩展名像表格（常见于从网站或系统导出的“Excel”）；"
            "请在 Excel/WPS 中打开后另存为 .xlsx 或 .xls 再报送。",
            name,
        )
    raise SheetError(
        "not-a-spreadsheet",
        "文件不是 Excel/WPS 表格（.xlsx、.xlsm、.xls、.ods）；请确认报送的文件，不要只改扩展名。",
        name,
    )


#: the BOF record of a BIFF2, 3, 4 or 5 stream written alone, not in an OLE2 container (Excel 2.x–4.0)
_RAW_BIFF_BOF = (b"\x09\x00", b"\x09\x02", b"\x09\x04", b"\x09\x08")


def old_excel(file: str, which: str) -> SheetError:
    """``old-excel-format``: an Excel 5.0/95 or older file, which the readers do not take."""
    return SheetError(
        "old-excel-format",
        f"文件是旧版 Excel {which} 格式（不是 Excel 97 及以后的 .xls），无法读取；"
        "请用 Excel/WPS 打开后另存为 .xlsx（Excel 工作簿）再报送。",
        file,
    )


_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": "xlsx",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": "xlsm",
    "application/vnd.ms-excel.template.macroEnabled.main+xml": "xlsm",
    "application/vnd.ms-excel.sheet.binary.macroEnabled.main": "xlsb",
}
_WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_OTHER_OFFICE = {
    "wordprocessingml": "Word 文档",
    "presentationml": "PowerPoint 演示文稿",
    "ms-word": "Word 文档",
    "ms-powerpoint": "PowerPoint 演示文稿",
}


def _content_types(zf: zipfile.ZipFile) -> dict[str, str]:
    """Part name (without the leading /) → content type, from ``[Content_Types].xml``'s overrides."""
    from defusedxml import ElementTree as SafeET

    if "[Content_Types].xml" not in zf.namelist():
        return {}
    try:
        root = SafeET.fromstring(zf.read("[Content_Types].xml"))
    except Exception:  # broken or unsafe XML: judged by the part names; the XML scan will say what is wrong
        return {}
    out = {}
    for el in root:
        if el.tag.rsplit("}", 1)[-1] == "Override":
            out[el.get("PartName", "").lstrip("/")] = el.get("ContentType", "")
    return out


def _main_part(zf: zipfile.ZipFile) -> str | None:
    """The package's main part, as its relationships name it (``_rels/.rels``, officeDocument)."""
    from defusedxml import ElementTree as SafeET

    if "_rels/.rels" not in zf.namelist():
        return None
    try:
        root = SafeET.fromstring(zf.read("_rels/.rels"))
    except Exception:  # as for the content types
        return None
    for rel in root:
        if rel.get("Type", "").endswith("/officeDocument"):
            return rel.get("Target", "").lstrip("/")
    return None


def _package_kind(zf: zipfile.ZipFile, file: str) -> tuple[str, frozenset[str]]:
    """``xlsx``, ``xlsm``, ``xlsb`` or ``ods`` by what the package says it holds (its main part's
    content type, whatever its part names), and the worksheet parts; SheetError otherwise."""
    names = set(zf.namelist())
    if "mimetype" in names and zf.read("mimetype").strip() == _ODS_MIME:
        return "ods", frozenset()
    types = _content_types(zf)
    main = _main_part(zf)
    kind = _MAIN_TYPES.get(types.get(main or "", ""))
    if kind is None and "xl/workbook.bin" in names:
        kind = "xlsb"
    if kind is None and "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        kind = "xlsm" if b"macroEnabled" in zf.read("[Content_Types].xml") else "xlsx"
    if kind is None:
        found = next(
            (what for key, what in _OTHER_OFFICE.items() if any(key in t for t in types.values())), None
        )
        raise SheetError(
            "not-a-spreadsheet",
            f"文件是{found}，不是 Excel/WPS 表格；请报送 .xlsx、.xls 或 .ods 表格。"
            if found
            else "文件是压缩包，但里面没有工作簿（不是 Excel/WPS 表格）；请报送 .xlsx、.xls 或 .ods 表格。",
            file,
        )
    return kind, frozenset(p for p, t in types.items() if t == _WORKSHEET_TYPE and p in names)
