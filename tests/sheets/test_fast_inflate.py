"""The limits pass inflates large parts with ISA-L when python-isal is installed: the same blocks as
zipfile gives, and on damaged files the same outcome as without it."""

from __future__ import annotations

import random
import zipfile
import zlib
from pathlib import Path

import pytest

from minsheng.limits import Limits
from minsheng.sheets import SheetError, _inflate, _prescan

pytest.importorskip("isal")


def sheet_xml(rows: int, seed: int) -> bytes:
    rng = random.Random(seed)
    out = [b'<?xml version="1.0"?><worksheet xmlns="x"><sheetData>']
    for r in range(1, rows + 1):
        cells = "".join(
            f'<c r="{col}{r}" t="s"><v>{rng.randint(0, 10**6)}</v></c>'
            for col in "ABCDEFGH"[: rng.randint(1, 8)]
        )
        out.append(f'<row r="{r}">{cells}</row>'.encode())
    out.append(b"</sheetData></worksheet>")
    return b"".join(out)


def package(path: Path, sheets: list[bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(
            "xl/workbook.xml",
            '<workbook xmlns:r="r"><sheets>'
            + "".join(f'<sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, len(sheets) + 1))
            + "</sheets></workbook>",
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            "<Relationships>"
            + "".join(
                f'<Relationship Id="rId{i}" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, len(sheets) + 1)
            )
            + "</Relationships>",
        )
        for i, xml in enumerate(sheets, 1):
            zf.writestr(f"xl/worksheets/sheet{i}.xml", xml)
    return path


def zipfile_blocks(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> list[bytes]:
    out = []
    with zf.open(info) as fh:
        while True:
            block = fh.read(_prescan._BLOCK)
            out.append(block)
            if not block:
                return out


def test_the_blocks_are_zipfiles(tmp_path: Path) -> None:
    exact = sheet_xml(30_000, 1)
    exact = exact[: 2 * _prescan._BLOCK - 25] + b"</sheetData></worksheet>"[-25:]  # two whole blocks
    sheets = [sheet_xml(30_000, 2), exact, sheet_xml(60_000, 3)]
    path = package(tmp_path / "a.xlsx", sheets)
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if info.file_size < _inflate.FAST_INFLATE_MIN:
                continue
            blocks = _prescan._isal_blocks(zf, info)
            assert blocks is not None
            assert list(blocks) == zipfile_blocks(zf, info)
        assert len(zipfile_blocks(zf, zf.getinfo("xl/worksheets/sheet2.xml"))) == 3


def outcome(path: Path) -> object:
    try:
        with zipfile.ZipFile(path) as zf:
            return sorted(_prescan.scan_zip_xml(zf, "f", Limits()))
    except SheetError as err:
        return ("SheetError", err.code, str(err))
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        RuntimeError,
        NotImplementedError,
        OSError,
        ValueError,
    ) as err:
        return (type(err).__name__,)


def test_damaged_parts_end_as_without_isal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bytes of the big part's stream flipped, cut or its CRC changed; a DTD and too deep nesting in
    the middle of it: the same result or refusal with ISA-L as with zipfile alone."""
    body = sheet_xml(40_000, 4)
    middle = len(body) // 2
    middle = body.index(b"<row", middle)
    variants = {
        "plain": body,
        "dtd": body[:middle] + b"<!DOCTYPE x>" + body[middle:],
        "deep": body[:middle] + b"<a>" * 2000 + body[middle:],
        "formula": body[:middle] + b'<row r="9"><c r="A9"><f>1/0</f></c></row>' + body[middle:],
    }
    rng = random.Random(9)
    fast_used = 0
    outcomes: set[str] = set()
    real_isal_blocks = _prescan._isal_blocks

    def counting(zf, info):
        nonlocal fast_used
        blocks = real_isal_blocks(zf, info)
        fast_used += blocks is not None
        return blocks

    for name, xml in variants.items():
        good = package(tmp_path / f"{name}.xlsx", [b'<worksheet xmlns="x"><sheetData/></worksheet>', xml])
        data = good.read_bytes()
        with zipfile.ZipFile(good) as zf:
            info = zf.getinfo("xl/worksheets/sheet2.xml")
            start = info.header_offset + 30 + len(info.filename.encode())
        crc_at = info.header_offset + 14
        damaged = [data]
        for _ in range(6):  # a few bytes of the compressed stream changed
            b = bytearray(data)
            for _ in range(rng.randint(1, 4)):
                b[rng.randrange(start, start + info.compress_size)] ^= 1 << rng.randrange(8)
            damaged.append(bytes(b))
        damaged.append(
            data[: start + info.compress_size // 2] + data[start + info.compress_size // 2 + 100 :]
        )
        b = bytearray(data)
        b[crc_at] ^= 0xFF  # the local header's CRC (zipfile checks the central directory's)
        damaged.append(bytes(b))
        central = data.rfind(info.filename.encode()) - 46  # its entry in the central directory
        assert data[central : central + 4] == b"PK\x01\x02"
        b = bytearray(data)
        b[central + 16] ^= 0xFF  # the CRC that zipfile checks
        damaged.append(bytes(b))
        for k, variant in enumerate(damaged):
            path = tmp_path / f"{name}-{k}.xlsx"
            path.write_bytes(variant)
            monkeypatch.setattr(_prescan, "_isal_blocks", counting)
            fast = outcome(path)
            monkeypatch.setattr(_inflate, "_isal_zlib", None)
            slow = outcome(path)
            monkeypatch.undo()
            assert fast == slow, (name, k)
            outcomes.add(str(fast)[:40])
    assert fast_used >= len(variants)
    assert "('BadZipFile',)" in outcomes and len(outcomes) >= 5  # refusals of several kinds


def test_what_the_fast_path_does_not_finish_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where ISA-L and zlib parted ways on a damaged stream (ISA-L giving bytes zlib would refuse),
    zipfile's reading decides: stood in for by blocks that differ from the part's bytes."""
    path = package(tmp_path / "a.xlsx", [sheet_xml(40_000, 5)])
    expected = outcome(path)
    assert isinstance(expected, list)

    def diverging(zf, info):
        def blocks():
            yield b"<a><!DOCTYPE x></a>"
            yield b""

        return blocks()

    monkeypatch.setattr(_prescan, "_isal_blocks", diverging)
    assert outcome(path) == expected
