"""The fast scan of an .xlsx sheet part gives what the streamed XML parse gives, or leaves the part
to it (``None``); and the styles scan gives what the element tree gives."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minsheng.sheets import _accel, _scan

native = _accel.scans
needs_native = pytest.mark.skipif(native is None, reason="minsheng.sheets._native was not built")

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLE = next((ROOT / "examples" / "jiangxi-2007" / "报表" / "上饶市").glob("361102-*.xlsx"))
PART = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEAD = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}" xmlns:x="{MAIN}"><sheetData>'


def zipped(data: bytes) -> zipfile.ZipFile:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(PART, data)
    return zipfile.ZipFile(buf)


def streamed(data: bytes, percent: frozenset[int]):
    """The reference: the streamed parse's result, or the type of what it raised."""
    try:
        return _scan._scan_ooxml_streamed(zipped(data), PART, percent)
    except Exception as exc:
        return type(exc)


def fast(data: bytes, percent: frozenset[int]):
    """The fast path's result (``None``: left to the parse), or the type of what it raised."""
    try:
        return _scan._scan_ooxml_fast(data, percent)
    except Exception as exc:
        return type(exc)


def test_the_example_form_takes_the_fast_path_and_gives_the_parse_s_result():
    with zipfile.ZipFile(EXAMPLE) as zf:
        data = zf.read(PART)
        percent = _scan.ooxml_percent_styles(zf)
    assert percent
    result = fast(data, percent)
    assert result is not None and result == streamed(data, percent)
    assert result[0]  # the form's formulas, saved without results


REFS = st.sampled_from(['r="B{row}"', 'r="C{row}"', "", 'r="1A"', 'r="ZZZZ{row}"', "r='D{row}'"])
STYLES = st.sampled_from(
    ["", 's="14"', "s='20'", 's="014"', 's = "14"', 's="3"', 's="14 "', 's="&#49;4"', 's="\u0661\u0664"']
)
TYPES = st.sampled_from(["", 't="n"', 't="e"', "t='e'", 't="str"', 't="s"', 't="inlineStr"'])
EXTRA = st.sampled_from(["", 'x:s="14"', "foo=\" s='14'\"", 'bar="a&amp;b"', 'baz="\u4e2d"'])
BODIES = st.sampled_from(
    [
        None,
        "<v>0.5</v>",
        "<v/>",
        "<v></v>",
        "<v>0</v>",
        "<v>#N/A</v>",
        "<f>A1&gt;2</f><v>1</v>",
        "<f>A1&gt;2</f><v />",
        "<f>B1</f>",
        '<f t="shared" si="0"/>',
        '<f t="shared" si="1">C1*2</f><v>3</v>',
        "<x:v>1</x:v>",
        "<x:f>A1</x:f>",
        "<is><t>a:b</t></is>",
        "<is><t>1</t></is><v>2</v>",
        "<v>1</v><v>2</v>",
        "<v>1\r\n2</v>",
        '<c r="Z9"><v>1</v></c>',
    ]
)


@st.composite
def cells(draw, row: int) -> str:
    attrs = [draw(REFS).format(row=row), draw(STYLES), draw(TYPES), draw(EXTRA)]
    order = draw(st.permutations([a for a in attrs if a]))
    body = draw(BODIES)
    head = "<c" + "".join(" " + a for a in order)
    return head + "/>" if body is None else head + ">" + body + "</c>"


@st.composite
def sheets(draw) -> bytes:
    rows = []
    for row in range(1, draw(st.integers(1, 4)) + 1):
        r = draw(st.sampled_from([f' r="{row}"', "", ' r="x"']))
        rows.append(f"<row{r}>" + "".join(draw(st.lists(cells(row), max_size=4))) + "</row>")
    return (HEAD + "".join(rows) + "</sheetData></worksheet>").encode()


@pytest.mark.parametrize("c_scans", [True, False], ids=["c", "python"])
@settings(max_examples=300, deadline=None)
@given(
    data=sheets(),
    percent=st.sampled_from([frozenset(), frozenset({14, 20}), frozenset({3}), frozenset(range(300))]),
)
def test_the_fast_scan_gives_what_the_parse_gives(c_scans, data, percent):
    saved = _accel.scans
    _accel.scans = saved if c_scans else None
    try:
        assert fast(data, percent) in (None, streamed(data, percent))
    finally:
        _accel.scans = saved


@pytest.mark.parametrize(
    "cell, percent",
    [
        ('<c r="B1" s="014" t="n"><v>0.5</v></c>', True),  # leading zeros: style 14
        ('<c r="B1" s="\u0661\u0664"><v>0.5</v></c>', True),  # digits Python reads as 14
        ('<c r="B1" s="14 "><v>0.5</v></c>', False),
        ('<c r="B1" s="&#49;4"><v>0.5</v></c>', True),
        ('<c r="B1" x:s="14"><v>0.5</v></c>', False),
        ('<c r="B1" s="3" foo=" s=\'14\'"><v>0.5</v></c>', False),
        ('<c r="B1" s="14" t="str"><v>0.5</v></c>', False),
    ],
)
def test_percent_styles_as_the_parser_reads_them(cell, percent):
    data = (HEAD + f'<row r="1">{cell}</row></sheetData></worksheet>').encode()
    reference = streamed(data, frozenset({14}))
    assert reference == (({}, {(0, 1)}) if percent else ({}, set()))
    # an entity in an attribute is left to the parser
    assert fast(data, frozenset({14})) == (None if "&" in cell else reference)


TOKENS = st.one_of(
    st.sampled_from(
        [
            b"<",
            b">",
            b"/",
            b"/>",
            b"<c",
            b"<c ",
            b"<c>",
            b"<c/>",
            b"<c\t",
            b"<c\x0b",
            b"<c/",
            b"</c>",
            b"</c >",
            b"</c\n>",
            b"</c",
            b"</cx>",
            b"<cx>",
            b' r="A1"',
            b" r='A1'",
            b' t="e"',
            b" t='e'",
            b' s="1"',
            b' a-b.c:d = "x"',
            b' q="a<b"',
            b'"',
            b"'",
            b"=",
            b" ",
            b"\t",
            b"\x0c",
            b"&amp;",
            b"&",
            b":",
            b"<f>",
            b"</f>",
            b"<v>",
            b"</v>",
            b"<v/>",
            b"<f",
            b"<v",
            b'"e"',
            b"x",
            b"\xe4\xb8\xad",
        ]
    ),
    st.binary(max_size=3),
)
#: cells as writers write them, with stray bytes and broken pieces between and inside them
CELL_BITS = st.lists(
    st.one_of(
        cells(1).map(str.encode),
        TOKENS,
        st.tuples(cells(2), TOKENS, st.integers(0, 40)).map(
            lambda t: t[0].encode()[: t[2]] + t[1] + t[0].encode()[t[2] :]
        ),
    ),
    max_size=12,
).map(b"".join)


@needs_native
@settings(max_examples=3000, deadline=None)
@given(data=CELL_BITS, with_values=st.booleans())
def test_the_c_cell_scan_matches_python(data, with_values):
    assert native.ooxml_cells(data, with_values) == _scan._ooxml_cells_python(data, with_values)


@needs_native
@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<c",
        b"<c/>",
        b"<c></c>",
        b'<c r="A1"><f>1</f></c><c r="B1"/>',
        b'<c r="A1" ><v>1</v></c  ><c  r = "B1"  t = "e" ><v>#N/A</v></c>',
        b'<c r="A1"><v>1</v><c r="B1"><f>A1</f></c></c>',  # a cell inside a cell
        b'<c r="A1"><v>1</v>',  # no end
        b'<c r="A1" s="1"x="2"><v>1</v></c>',  # no space between attributes
        b'<c r="A1" \xe4\xb8\xad="1"><f>1</f></c>',  # a name the pattern does not take
        b'<cx r="A1"><f>1</f></cx><c r="B1"><f>2</f></cx></c>',
        b'<row><c r="A1" t="e"/><c r="B1" s="&#49;">x:y</c></row>',
    ],
)
def test_the_c_cell_scan_on_crafted_parts(data):
    for with_values in (False, True):
        assert native.ooxml_cells(data, with_values) == _scan._ooxml_cells_python(data, with_values)
    with zipfile.ZipFile(EXAMPLE) as zf:
        form = zf.read(PART)
    assert native.ooxml_cells(form, True) == _scan._ooxml_cells_python(form, True)
    assert len(native.ooxml_cells(form, True)) > 25


def test_the_example_styles_take_the_fast_path():
    with zipfile.ZipFile(EXAMPLE) as zf:
        data = zf.read("xl/styles.xml")
    assert _scan._percent_styles_fast(data) == _scan._percent_styles_tree(data) == {14, 20}


NUMFMT_IDS = st.sampled_from(["164", "9", "10", " 165 ", "x", "+166", "\uff11\uff16\uff14", "", "1_6_4"])
FORMAT_CODES = st.sampled_from(["0.0%", '0"%"', "0\\%", "0.00", '"a"0%', "%"])


@st.composite
def styles(draw) -> bytes:
    def xf() -> str:
        fmt = draw(NUMFMT_IDS)
        return "<xf/>" if fmt == "" else f'<xf numFmtId="{fmt}"/>'

    parts = []
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.sampled_from(["numFmts", "cellXfs", "nested", "other", "x:cellXfs"]))
        if kind == "numFmts":
            fmts = [
                f'<numFmt numFmtId="{draw(NUMFMT_IDS)}" formatCode="{draw(FORMAT_CODES)}"/>'
                for _ in range(draw(st.integers(0, 3)))
            ]
            parts.append("<numFmts>" + "".join(fmts) + "</numFmts>")
        elif kind in ("cellXfs", "x:cellXfs"):
            children = [
                draw(st.sampled_from([xf(), "<other/>", '<numFmt numFmtId="164" formatCode="0%"/>']))
                for _ in range(draw(st.integers(0, 4)))
            ]
            parts.append(f"<{kind}>" + "".join(children) + f"</{kind}>")
        elif kind == "nested":
            parts.append(f"<cellXfs>{xf()}<xf><cellXfs>{xf()}{xf()}</cellXfs></xf>{xf()}</cellXfs>")
        else:
            parts.append(f"<cellStyleXfs>{xf()}</cellStyleXfs>")
    body = "".join(parts)
    if draw(st.booleans()):
        body = body[: draw(st.integers(0, len(body)))]  # cut: not well-formed
    return f'<styleSheet xmlns="{MAIN}" xmlns:x="{MAIN}">{body}</styleSheet>'.encode()


def tree_or_error(data: bytes):
    try:
        return _scan._percent_styles_tree(data)
    except Exception as exc:
        return type(exc)


@settings(max_examples=500, deadline=None)
@given(data=styles())
def test_the_styles_events_give_what_the_tree_gives(data):
    fast_result = _scan._percent_styles_fast(data)
    if fast_result is not None:
        assert fast_result == tree_or_error(data)
        _scan._STYLES_SEEN.clear()
        assert _scan.ooxml_percent_styles(zipped_styles(data)) == fast_result
        assert _scan.ooxml_percent_styles(zipped_styles(data)) == fast_result  # as kept


def zipped_styles(data: bytes) -> zipfile.ZipFile:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/styles.xml", data)
    return zipfile.ZipFile(buf)


def test_a_broken_styles_part_fails_as_the_tree_fails():
    data = f'<styleSheet xmlns="{MAIN}"><cellXfs><xf numFmtId="9"/></cellXfs>'.encode()
    assert _scan._percent_styles_fast(data) is None
    with pytest.raises(Exception) as err:
        _scan.ooxml_percent_styles(zipped_styles(data))
    assert type(err.value) is tree_or_error(data)
    dtd = b'<!DOCTYPE s [<!ENTITY e "9">]><styleSheet><cellXfs><xf numFmtId="&e;"/></cellXfs></styleSheet>'
    assert _scan._percent_styles_fast(dtd) is None
    with pytest.raises(Exception) as err:
        _scan.ooxml_percent_styles(zipped_styles(dtd))
    assert type(err.value).__name__ == "EntitiesForbidden"


def test_sheet_parts_are_read_once_and_handed_out_fresh():
    with zipfile.ZipFile(EXAMPLE) as zf:
        _scan._PARTS_SEEN.clear()
        first = _scan.ooxml_sheet_parts(zf)
        first["x"] = ("", "visible")
        again = _scan.ooxml_sheet_parts(zf)
        assert "x" not in again and again == _scan._sheet_parts(
            zf.read("xl/workbook.xml"), zf.read("xl/_rels/workbook.xml.rels")
        )
        assert again[next(iter(again))][0].startswith("xl/worksheets/")


@pytest.mark.parametrize("workbook, error", [(b"<workbook", "ParseError"), (b"<workbook/>", "BadZipFile")])
def test_a_broken_workbook_part_fails_before_its_broken_relationships(workbook, error):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/workbook.xml", workbook)
        zf.writestr("xl/_rels/workbook.xml.rels", b"<Relationships/>")
    damaged = buf.getvalue().replace(b"<Relationships/>", b"<Relationshipz/>")  # its CRC no longer fits
    with pytest.raises(Exception) as err, zipfile.ZipFile(io.BytesIO(damaged)) as zf:
        _scan.ooxml_sheet_parts(zf)
    assert type(err.value).__name__ == error
