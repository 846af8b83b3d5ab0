"""Real spreadsheet files for the toolkit's tests, written by openpyxl, xlwt and a small ODS writer."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import openpyxl
import xlwt

from minsheng.testing import write_cfb

ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"


def write_ods(
    path: Path,
    sheets: dict[str, list[list[object]]],
    *,
    hidden: tuple[str, ...] = (),
    merges: dict[str, list[tuple[int, int, int, int]]] | None = None,
) -> Path:
    """A minimal, valid ODS file, in the shape LibreOffice writes it.

    Cell values: numbers, strings, None (blank), or tuples for special cells:
    ``("error", "of:=1/0", "#DIV/0!")`` (an error result, as LibreOffice saves it) and
    ``("uncached", "of:=[.A1]*2")`` (a formula with no saved result).
    """
    merges = merges or {}
    body = []
    styles = [
        '<style:style style:name="ta1" style:family="table"><style:table-properties table:display="true"/></style:style>',
        '<style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style>',
    ]
    for name, rows in sheets.items():
        style = "ta2" if name in hidden else "ta1"
        spans = {(r, c): (r1 - r + 1, c1 - c + 1) for r, c, r1, c1 in merges.get(name, [])}
        covered = {
            (r, c)
            for r0, c0, r1, c1 in merges.get(name, [])
            for r in range(r0, r1 + 1)
            for c in range(c0, c1 + 1)
            if (r, c) != (r0, c0)
        }
        body.append(f'<table:table table:name={quoteattr(name)} table:style-name="{style}">')
        width = max((len(r) for r in rows), default=1)
        body.append(f'<table:table-column table:number-columns-repeated="{width}"/>')
        for r, row in enumerate(rows):
            body.append("<table:table-row>")
            for c, v in enumerate(row):
                if (r, c) in covered:
                    body.append("<table:covered-table-cell/>")
                    continue
                span = ""
                if (r, c) in spans:
                    rs, cs = spans[(r, c)]
                    span = f' table:number-rows-spanned="{rs}" table:number-columns-spanned="{cs}"'
                if v is None:
                    body.append(f"<table:table-cell{span}/>")
                elif isinstance(v, tuple) and v[0] == "error":
                    body.append(
                        f'<table:table-cell{span} table:formula={quoteattr(v[1])} office:value-type="string" '
                        f'office:string-value="" calcext:value-type="error"><text:p>{escape(v[2])}</text:p></table:table-cell>'
                    )
                elif isinstance(v, tuple) and v[0] == "uncached":
                    body.append(f"<table:table-cell{span} table:formula={quoteattr(v[1])}/>")
                elif isinstance(v, tuple) and v[0] == "percent":
                    body.append(
                        f'<table:table-cell{span} office:value-type="percentage" office:value="{v[1]}" '
                        f'calcext:value-type="percentage"><text:p>{v[1] * 100:g}%</text:p></table:table-cell>'
                    )
                elif isinstance(v, int | float):
                    body.append(
                        f'<table:table-cell{span} office:value-type="float" office:value="{v}" '
                        f'calcext:value-type="float"><text:p>{v}</text:p></table:table-cell>'
                    )
                else:
                    body.append(
                        f'<table:table-cell{span} office:value-type="string" calcext:value-type="string">'
                        f"<text:p>{escape(str(v))}</text:p></table:table-cell>"
                    )
            body.append("</table:table-row>")
        body.append("</table:table>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" '
        'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" office:version="1.2">'
        f"<office:automatic-styles>{''.join(styles)}</office:automatic-styles>"
        f"<office:body><office:spreadsheet>{''.join(body)}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_MIME}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), ODS_MIME, compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


def write_xlsx(
    path: Path,
    sheets: dict[str, list[list[object]]],
    *,
    hidden: tuple[str, ...] = (),
    merges: dict[str, list[str]] | None = None,
) -> Path:
    """An .xlsx by openpyxl. ``("error", "#DIV/0!")`` writes an error cell; a string starting with
    ``=`` writes a formula with no cached value (openpyxl never calculates)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row, start=1):
                if v is None:
                    continue
                cell = ws.cell(r, c)
                if isinstance(v, tuple) and v[0] == "error":
                    cell.value = v[1]
                    cell.data_type = "e"
                elif isinstance(v, tuple) and v[0] == "percent":
                    cell.value = v[1]
                    cell.number_format = v[2] if len(v) > 2 else "0.00%"
                else:
                    cell.value = v
        for ref in (merges or {}).get(name, []):
            ws.merge_cells(ref)
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def write_xls(
    path: Path,
    sheets: dict[str, list[list[object]]],
    *,
    hidden: tuple[str, ...] = (),
    merges: dict[str, list[tuple[int, int, int, int]]] | None = None,
) -> Path:
    """An .xls by xlwt. ``("formula", "A1*2")`` writes a formula (xlwt saves no result);
    ``("error", 0x07)`` writes a #DIV/0! error cell (a BOOLERR record)."""
    wb = xlwt.Workbook(encoding="utf-8")
    for name, rows in sheets.items():
        ws = wb.add_sheet(name)
        if name in hidden:
            ws.visibility = 1  # hidden
        merged_cells = set()
        for r0, c0, r1, c1 in (merges or {}).get(name, []):
            ws.write_merge(r0, r1, c0, c1, rows[r0][c0])
            merged_cells |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is None or (r, c) in merged_cells:
                    continue
                if isinstance(v, tuple) and v[0] == "formula":
                    ws.write(r, c, xlwt.Formula(v[1]))
                elif isinstance(v, tuple) and v[0] == "error":
                    ws.row(r).set_cell_error(c, v[1])
                elif isinstance(v, tuple) and v[0] == "percent":
                    ws.write(r, c, v[1], xlwt.easyxf(num_format_str=v[2] if len(v) > 2 else "0.0%"))
                else:
                    ws.write(r, c, v)
    wb.save(str(path))
    return path


def encrypted_ooxml(path: Path) -> Path:
    """The container Excel writes for a password-protected .xlsx: EncryptionInfo + EncryptedPackage."""
    import os
    import struct

    info = struct.pack("<HHI", 4, 4, 0x40) + (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        b'<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption">'
        b'<keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" '
        b'cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/>'
        b"</encryption>"
    )
    package = struct.pack("<Q", 8192) + os.urandom(8192)
    return write_cfb(path, {"EncryptionInfo": info, "EncryptedPackage": package})


def biff_workbook_stream(*records: tuple[int, bytes]) -> bytes:
    """A BIFF8 Workbook stream from (record type, data) pairs, between BOF and EOF."""
    import struct

    bof = struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06)
    out = struct.pack("<HH", 0x0809, len(bof)) + bof
    for typ, data in records:
        out += struct.pack("<HH", typ, len(data)) + data
    return out + struct.pack("<HH", 0x000A, 0)
