"""Limits: their configuration, and each pre-parse check of open_workbook on real files."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import xml.parsers.expat
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minsheng.limits import LIMITS_ENV, Limits
from minsheng.sheets import SHEET_ERROR_CODES, SheetError, open_workbook
from minsheng.sheets._prescan import _Depth

FORM = next((Path(__file__).resolve().parent / "corpus" / "province").glob("360102-*.xlsx"))
SHEET = "xl/worksheets/sheet1.xml"
NEW_CODES = (
    "file-too-large",
    "zip-bomb",
    "too-many-members",
    "unsafe-xml",
    "xml-too-deep",
    "sheet-too-large",
)


def test_defaults_are_safe_and_documented():
    limits = Limits()
    assert limits.max_uncompressed <= 512 << 20 and limits.memory_budget <= 1 << 30
    assert 0 < limits.time_budget <= 300 and limits.max_members <= 10_000
    assert set(NEW_CODES) <= set(SHEET_ERROR_CODES)
    doc = Limits.__doc__ or ""
    for name in limits.describe():
        if name != "ratio_floor":
            assert f"``{name}``" in doc, name


def test_limits_from_the_environment():
    limits = Limits.from_env({LIMITS_ENV: "time_budget=30, memory_budget=512M,max-members=50,max_ratio=20.5"})
    assert (limits.time_budget, limits.memory_budget, limits.max_members, limits.max_ratio) == (
        30.0,
        512 << 20,
        50,
        20.5,
    )
    assert Limits.from_env({}) == Limits()
    with pytest.raises(ValueError, match="未知的限制"):
        Limits.from_env({LIMITS_ENV: "speed=3"})
    with pytest.raises(ValueError, match="名称=值"):
        Limits.from_env({LIMITS_ENV: "time_budget"})
    with pytest.raises(ValueError, match="正数"):
        Limits.from_mapping({"time_budget": -1})
    with pytest.raises(ValueError, match="应为数字"):
        Limits.from_mapping({"max_rows": "many"})


def test_limits_on_the_command_line(tmp_path, monkeypatch):
    """``--limits`` changes the limits it names, over MINSHENG_LIMITS and the defaults, for every file read."""
    from click.testing import CliRunner

    from minsheng.cli import main

    base = Limits.from_env({LIMITS_ENV: "time_budget=30,max_rows=5000"})
    both = Limits.parse("max_rows=100, memory_budget=2G", base, where="--limits")
    assert (both.time_budget, both.max_rows, both.memory_budget) == (30.0, 100, 2 << 30)
    assert Limits.parse("", base) == base
    with pytest.raises(ValueError, match="--limits 应写成"):
        Limits.parse("max_rows", where="--limits")

    example = Path(__file__).resolve().parents[1] / "examples" / "jiangxi-2007"
    args = [
        "validate",
        str(example / "报表"),
        "--targets",
        str(example / "目标任务表.xlsx"),
        "--fail-on",
        "never",
    ]
    runner = CliRunner()
    monkeypatch.delenv(LIMITS_ENV, raising=False)
    plain = runner.invoke(main, args)
    tight = runner.invoke(main, [*args, "--limits", "max_rows=40"])
    assert plain.exit_code == tight.exit_code == 0, tight.output
    assert "sheet-too-large" not in plain.output
    assert "sheet-too-large" in tight.output and "40 行" in tight.output
    bad = runner.invoke(main, [*args, "--limits", "speed=3"])
    assert bad.exit_code == 2 and "未知的限制“speed”" in bad.output


# --------------------------------------------------------------------------------------------
# the nesting counter agrees with a real XML parser


def expat_depth(doc: bytes) -> int:
    depth = deepest = 0
    parser = xml.parsers.expat.ParserCreate()

    def start(name, attrs):
        nonlocal depth, deepest
        depth += 1
        deepest = max(deepest, depth)

    def end(name):
        nonlocal depth
        depth -= 1

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.Parse(doc, True)
    return deepest


@st.composite
def documents(draw):
    """Well-formed XML with self-closing tags, text with '>' in it and runs of deep nesting."""

    def element(level: int) -> str:
        kind = draw(st.sampled_from(["leaf", "text", "nest", "deep"] if level < 40 else ["leaf", "text"]))
        if kind == "leaf":
            return '<c r="A1" s="1"/>'
        if kind == "text":
            return "<t>a &gt; b > c</t>"
        if kind == "deep":
            n = draw(st.integers(1, 400))
            return "<x>" * n + "<v>1</v>" + "</x>" * n
        return "<row>" + "".join(element(level + 1) for _ in range(draw(st.integers(0, 4)))) + "</row>"

    return (
        '<?xml version="1.0"?><worksheet>'
        + "".join(element(0) for _ in range(draw(st.integers(1, 6))))
        + "</worksheet>"
    ).encode()


@settings(max_examples=150, deadline=None)
@given(doc=documents(), limit=st.integers(2, 300))
def test_the_depth_counter_is_exact(doc, limit):
    counter = _Depth(limit)
    assert counter.feed(doc) == (expat_depth(doc) <= limit)


# --------------------------------------------------------------------------------------------
# pre-parse checks on real files


def rezip(changes: dict[str, bytes], extra: dict[str, bytes] | None = None, *, source: Path = FORM) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, changes.get(info.filename, zin.read(info.filename)))
        for name, body in (extra or {}).items():
            zout.writestr(name, body)
    return out.getvalue()


def sheet_xml() -> bytes:
    with zipfile.ZipFile(FORM) as z:
        return z.read(SHEET)


def refused(path: Path, limits: Limits | None = None) -> SheetError:
    with pytest.raises(SheetError) as err:
        with open_workbook(path, limits=limits) as book:
            for sheet in book:
                sheet.grid()
    return err.value


def test_the_valid_form_passes_every_check():
    with open_workbook(FORM) as book:
        assert book.sheet(0).n_rows > 10


def test_file_too_large(tmp_path):
    err = refused(FORM, Limits(max_file_bytes=1000))
    assert err.code == "file-too-large" and "上限" in err.message_zh


def test_too_many_members(tmp_path):
    path = tmp_path / "m.xlsx"
    path.write_bytes(rezip({}, {f"xl/media/{i}.bin": b"" for i in range(40)}))
    assert refused(path, Limits(max_members=30)).code == "too-many-members"
    with open_workbook(path, limits=Limits(max_members=100)):
        pass


def test_zip_bomb_by_size_and_by_ratio(tmp_path):
    path = tmp_path / "b.xlsx"
    path.write_bytes(rezip({}, {"xl/media/blank.bin": b"\0" * (3 << 20)}))
    assert refused(path, Limits(max_uncompressed=2 << 20)).code == "zip-bomb"
    err = refused(path, Limits(ratio_floor=1 << 20, max_ratio=50))
    assert err.code == "zip-bomb" and "压缩比" in err.message_zh
    with open_workbook(path):  # the defaults let a 3 MB blank picture through
        pass


@pytest.mark.parametrize("name", [SHEET, "xl/styles.xml", "docProps/core.xml"])
def test_any_dtd_is_refused(tmp_path, name):
    with zipfile.ZipFile(FORM) as z:
        body = z.read(name)
    body = re.sub(
        rb"^(<\?xml[^>]*\?>)?",
        lambda m: (m.group(0) or b"") + b'<!DOCTYPE r [<!ENTITY e "x">]>',
        body,
        count=1,
    )
    path = tmp_path / "d.xlsx"
    path.write_bytes(rezip({name: body}))
    assert refused(path).code == "unsafe-xml"


def test_deep_nesting_is_refused_anywhere(tmp_path):
    deep = b"<a>" * 2000 + b"</a>" * 2000
    path = tmp_path / "n.xlsx"
    path.write_bytes(rezip({}, {"customXml/item1.xml": deep}))
    assert refused(path).code == "xml-too-deep"
    with open_workbook(path, limits=Limits(max_xml_depth=5000)):
        pass


@pytest.mark.parametrize(
    "cell",
    [
        b'<c r="ZZ900000"><v>1</v></c>',  # the usual form
        b'<c s="0" r="ZZ900000" t="n"><v>1</v></c>',  # r not first
        b'<c r="XFD400"><v>1</v></c>',  # far to the right
    ],
)
def test_a_far_cell_is_refused_before_parsing(tmp_path, cell):
    xml = sheet_xml().replace(b"</sheetData>", b"<row>" + cell + b"</row></sheetData>")
    path = tmp_path / "far.xlsx"
    path.write_bytes(rezip({SHEET: xml}))
    err = refused(path)
    assert err.code == "sheet-too-large" and "“报表”" in err.message_zh


def test_a_prefixed_sheet_is_measured_too(tmp_path):
    xml = (
        b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
        b'<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>'
        b'<x:row r="800000"><x:c r="ZZ800000"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )
    path = tmp_path / "p.xlsx"
    path.write_bytes(rezip({SHEET: xml}))
    assert refused(path).code == "sheet-too-large"


def test_the_declared_dimension_costs_nothing_the_real_cells_count(tmp_path):
    """A dimension claiming a million rows (Mac Excel, Gnumeric) reads; a small one hiding 2,000
    rows of values is measured by the values."""
    big = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:Z1000000"', sheet_xml())
    path = tmp_path / "dim.xlsx"
    path.write_bytes(rezip({SHEET: big}))
    with open_workbook(path) as book:
        assert book.sheet(0).n_rows < 100
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r) for r in range(100, 2100))
    small = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', sheet_xml()).replace(
        b"</sheetData>", rows + b"</sheetData>"
    )
    path.write_bytes(rezip({SHEET: small}))
    assert refused(path, Limits(max_rows=1000)).code == "sheet-too-large"
    with open_workbook(path):
        pass


def test_the_extent_is_checked_again_when_a_sheet_is_read(tmp_path):
    """For .xls and .ods (no pre-parse scan of cells) the grid's size is checked before it is built."""
    import xlwt

    path = tmp_path / "wide.xls"
    wb = xlwt.Workbook()
    ws = wb.add_sheet("表1")
    ws.write(0, 0, "a")
    ws.write(3000, 200, 1)
    wb.save(str(path))
    with open_workbook(path, limits=Limits(max_cells=100_000)) as book:
        with pytest.raises(SheetError) as err:
            book.sheet(0)
    assert err.value.code == "sheet-too-large" and err.value.sheet == "表1"
    with open_workbook(path) as book:
        assert book.sheet(0).n_rows == 3001


def test_misnamed_files_are_read_by_content(tmp_path):
    path = tmp_path / "form.xls"
    path.write_bytes(FORM.read_bytes())
    with open_workbook(path) as book:
        assert book.format == "xlsx" and book.sheet(0).n_rows > 10


def test_openpyxl_without_defusedxml_fails_closed(tmp_path):
    code = (
        "from minsheng.sheets import open_workbook, SheetError\n"
        f"try:\n    open_workbook({str(FORM)!r})\nexcept SheetError as e:\n    print(e.code)\n"
        "import openpyxl.xml\nprint(openpyxl.xml.DEFUSEDXML)\n"
    )
    for env, expected in (({"OPENPYXL_DEFUSEDXML": "False"}, "unsafe-xml-parser\nFalse"), ({}, "True")):
        run = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**{k: v for k, v in __import__("os").environ.items() if k != "OPENPYXL_DEFUSEDXML"}, **env},
        )
        assert run.stdout.strip() == expected
