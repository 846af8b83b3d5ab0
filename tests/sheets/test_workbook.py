"""open_workbook on real files: formats by content, errors with stable codes, flagged cells."""

from __future__ import annotations

import shutil
import zipfile
from decimal import Decimal as D
from pathlib import Path

import pytest
from sheetfiles import biff_workbook_stream, encrypted_ooxml, write_cfb, write_ods, write_xls, write_xlsx

from minsheng.sheets import ERROR_CELL, UNCACHED_FORMULA, SheetError, open_workbook, parse_number

ROWS = [
    ["填报单位：南昌县劳动和社会保障局", None, None],
    ["指标", "单位", "完成数"],
    ["城镇新增就业人数", "人", 1234],
    ["下岗失业人员再就业人数", "人", 56.5],
]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return {
        "xlsx": write_xlsx(
            tmp_path / "a.xlsx", {"表1": ROWS, "隐藏": [[1]]}, hidden=("隐藏",), merges={"表1": ["A1:C1"]}
        ),
        "xls": write_xls(
            tmp_path / "a.xls", {"表1": ROWS, "隐藏": [[1]]}, hidden=("隐藏",), merges={"表1": [(0, 0, 0, 2)]}
        ),
        "ods": write_ods(
            tmp_path / "a.ods", {"表1": ROWS, "隐藏": [[1]]}, hidden=("隐藏",), merges={"表1": [(0, 0, 0, 2)]}
        ),
    }


@pytest.mark.parametrize("kind", ["xlsx", "xls", "ods"])
def test_reads_each_format_by_content_not_extension(
    files: dict[str, Path], tmp_path: Path, kind: str
) -> None:
    disguised = tmp_path / f"renamed-{kind}.txt"
    shutil.copy(files[kind], disguised)
    with open_workbook(disguised) as book:
        assert book.format == kind
        assert book.sheet_names == ("表1", "隐藏")
        assert book.visibility("隐藏") == "hidden"
        assert book.visible_sheet_names == ("表1",)
        sheet = book.sheet("表1")
        assert sheet.cell("C3").value == 1234
        assert sheet.cell("C4").value == 56.5
        assert sheet.cell("A2").text == "指标"
        assert sheet.cell("B9").value is None
        assert [m.ref for m in sheet.merged] == ["A1:C1"]
        assert sheet.anchor(0, 2) == (0, 0)
        prov = sheet.provenance("C3", plugin="p", plugin_version="1")
        assert (prov.file, prov.sheet, prov.cell, prov.plugin) == (str(disguised), "表1", "C3", "p")
        assert sheet.problems == []


def test_xlsm_is_recognised(tmp_path: Path) -> None:
    src = write_xlsx(tmp_path / "a.xlsx", {"表1": ROWS})
    out = tmp_path / "macro.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
            zout.writestr(item, data)
    assert open_workbook(out).format == "xlsm"


def test_xlsx_error_cell_and_uncached_formula_are_flagged(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "e.xlsx", {"表1": [["完成数", 5, ("error", "#DIV/0!"), "=B1*2", ("error", "#REF!")]]}
    )
    sheet = open_workbook(path).sheet("表1")
    assert {c: (f.kind, f.detail) for c, f in sheet.flags.items()} == {
        (0, 2): (ERROR_CELL, "#DIV/0!"),
        (0, 3): (UNCACHED_FORMULA, "=B1*2"),
        (0, 4): (ERROR_CELL, "#REF!"),
    }
    assert not sheet.cell("C1").is_blank
    assert [(p.code, p.cell, p.sheet) for p in sheet.problems] == [
        ("error-cell", "C1", "表1"),
        ("uncached-formula", "D1", "表1"),
        ("error-cell", "E1", "表1"),
    ]
    assert "#DIV/0!" in sheet.problems[0].message


def test_xls_formula_without_result_and_error_cell_are_flagged(tmp_path: Path) -> None:
    path = write_xls(
        tmp_path / "e.xls", {"表1": [["完成数", 5, ("formula", "B1*2"), ("error", 0x07), ("error", 0x17)]]}
    )
    sheet = open_workbook(path).sheet("表1")
    assert sheet.cell("C1").value is None  # what calamine sees …
    assert {c: (f.kind, f.detail) for c, f in sheet.flags.items()} == {  # … and what the toolkit knows
        (0, 2): (UNCACHED_FORMULA, ""),
        (0, 3): (ERROR_CELL, "#DIV/0!"),
        (0, 4): (ERROR_CELL, "#REF!"),
    }
    problems: list = []
    value = parse_number(sheet.cell("D1"), provenance=sheet.provenance("D1"), problems=problems)
    assert not value.is_reported and value.raw == "#DIV/0!"
    assert [(p.code, p.cell) for p in problems] == [("error-cell", "D1")]


def test_ods_error_cell_and_uncached_formula_are_flagged(tmp_path: Path) -> None:
    path = write_ods(
        tmp_path / "e.ods",
        {"表1": [["完成数", 5, ("error", "of:=1/0", "#DIV/0!"), ("uncached", "of:=[.B1]*2")]]},
    )
    sheet = open_workbook(path).sheet("表1")
    assert {c: (f.kind, f.detail) for c, f in sheet.flags.items()} == {
        (0, 2): (ERROR_CELL, "#DIV/0!"),
        (0, 3): (UNCACHED_FORMULA, "=B1*2"),
    }


def test_a_flagged_cell_never_parses_as_blank(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "e.xlsx", {"表1": [["=1/0", None]]})
    sheet = open_workbook(path).sheet("表1")
    problems: list = []
    flagged = parse_number(sheet.cell("A1"), provenance=sheet.provenance("A1"), problems=problems)
    blank = parse_number(sheet.cell("B1"), provenance=sheet.provenance("B1"), problems=problems)
    assert flagged.raw == "=1/0" and blank.raw is None
    assert [p.code for p in problems] == ["uncached-formula"]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"hello, I am a csv file\n1,2,3\n", "not-a-spreadsheet"),
        (b"%PDF-1.4 not a sheet", "not-a-spreadsheet"),
        (b"", "not-a-spreadsheet"),
        (b"PK\x03\x04truncated zip", "unreadable-file"),
        (b"\xef\xbb\xbf<html><table><tr><td>1</td></tr></table></html>", "not-a-spreadsheet"),
    ],
)
def test_not_a_spreadsheet(tmp_path: Path, content: bytes, code: str) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    with pytest.raises(SheetError) as err:
        open_workbook(path)
    assert err.value.code == code
    assert err.value.file == str(path)
    problem = err.value.problem(county="360121")
    assert problem.code == code and problem.county == "360121" and "请" in problem.message


def test_a_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "doc.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w/>")
    with pytest.raises(SheetError) as err:
        open_workbook(path)
    assert err.value.code == "not-a-spreadsheet"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SheetError) as err:
        open_workbook(tmp_path / "nope.xls")
    assert err.value.code == "unreadable-file"


def test_no_such_sheet(files: dict[str, Path]) -> None:
    with pytest.raises(SheetError) as err:
        open_workbook(files["xlsx"]).sheet("汇总")
    assert err.value.code == "no-such-sheet" and "表1" in err.value.message_zh


def test_encrypted_xlsx_is_reported_as_such(tmp_path: Path) -> None:
    path = encrypted_ooxml(tmp_path / "locked.xlsx")
    with pytest.raises(SheetError) as err:
        open_workbook(path)
    assert err.value.code == "encrypted-workbook" and "密码" in err.value.message_zh


def test_encrypted_xls_is_reported_as_such(tmp_path: Path) -> None:
    import struct

    stream = biff_workbook_stream((0x002F, struct.pack("<H", 0) + b"\0" * 52)).ljust(4096, b"\0")
    path = write_cfb(tmp_path / "locked.xls", {"Workbook": stream})
    with pytest.raises(SheetError) as err:
        open_workbook(path)
    assert err.value.code == "encrypted-workbook"


def test_an_office_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = write_cfb(tmp_path / "letter.xls", {"WordDocument": b"\xec\xa5" + b"\0" * 5000})
    with pytest.raises(SheetError) as err:
        open_workbook(path)
    assert err.value.code == "not-a-spreadsheet"


def test_the_compound_file_reader_follows_the_mini_stream(tmp_path: Path) -> None:
    from minsheng.sheets._ole import OleFile

    small, big = b"small stream " * 10, bytes(range(256)) * 40
    path = write_cfb(tmp_path / "x.cfb", {"Small": small, "Big": big})
    ole = OleFile(path.read_bytes())
    assert ole.read("Small") == small and ole.read("Big") == big


def test_a_broken_compound_file_is_unreadable_not_a_crash(tmp_path: Path) -> None:
    good = write_cfb(tmp_path / "x.xls", {"Workbook": biff_workbook_stream().ljust(4096, b"\0")})
    data = bytearray(good.read_bytes())
    data[0x30:0x34] = (10_000).to_bytes(4, "little")  # the directory starts beyond the end
    bad = tmp_path / "bad.xls"
    bad.write_bytes(bytes(data))
    with pytest.raises(SheetError) as err:
        open_workbook(bad)
    assert err.value.code == "unreadable-file"


def test_xml_bombs_in_a_sheet_are_refused(tmp_path: Path) -> None:
    src = write_xlsx(tmp_path / "a.xlsx", {"表1": [["=1+1"]]})
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bomb, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                doctype = b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
                data = doctype + data.replace(b"<f>1+1</f>", b"<f>&b;</f>")
            zout.writestr(item, data)
    with pytest.raises(SheetError) as err:  # refused before any parser sees it
        open_workbook(bomb)
    assert err.value.code == "unsafe-xml" and "实体" in err.value.message_zh


@pytest.mark.parametrize("kind", ["xlsx", "xls", "ods"])
def test_percent_formatted_cells_read_as_people_see_them(tmp_path: Path, kind: str) -> None:
    rows = [["失业率", ("percent", 0.039), 3.9, ("percent", 1.25)]]
    if kind == "xlsx":
        path = write_xlsx(tmp_path / "p.xlsx", {"表1": [[*rows[0], ("percent", 0.5, '0"%"')]]})
    elif kind == "xls":
        path = write_xls(tmp_path / "p.xls", {"表1": rows})
    else:
        path = write_ods(tmp_path / "p.ods", {"表1": rows})
    sheet = open_workbook(path).sheet("表1")
    assert sheet.cell("B1").percent and not sheet.cell("C1").percent and sheet.cell("D1").percent
    assert sheet.cell("B1").value == pytest.approx(0.039)  # what the file holds
    problems: list = []
    shown = parse_number(sheet.cell("B1"), "%", to_unit="%", problems=problems)
    typed = parse_number(sheet.cell("C1"), "%", to_unit="%", problems=problems)
    over = parse_number(sheet.cell("D1"), to_unit="%", problems=problems)
    assert (shown.amount, typed.amount, over.amount) == (D("3.9"), D("3.9"), D("125"))
    wrong = parse_number(
        sheet.cell("B1"), "人", to_unit="人", provenance=sheet.provenance("B1"), problems=problems
    )
    assert not wrong.is_reported and [p.code for p in problems] == ["unit-mismatch"]
    if kind == "xlsx":  # a literal "%" in quotes is text, not a percentage format
        assert not sheet.cell("E1").percent


def test_xls_scan_reads_past_multi_number_records(tmp_path: Path) -> None:
    # adjacent numbers are stored as one MULRK record; the scan must go on to the end of the sheet
    rows: list[list[object]] = [["姓名", "金额", "比例"]]
    rows += [[f"人{i}", 1000 + i, ("percent", 0.5)] for i in range(200)]
    rows.append(["合计", ("formula", "SUM(B2:B201)"), ("error", 0x07)])
    sheet = open_workbook(write_xls(tmp_path / "m.xls", {"表1": rows})).sheet("表1")
    assert len(sheet.percent) == 200 and (200, 2) in sheet.percent
    assert {ref: f.kind for ref, f in sheet.flags.items()} == {
        (201, 1): UNCACHED_FORMULA,
        (201, 2): ERROR_CELL,
    }


def test_reading_a_sheet_leaves_the_collector_as_it_was(tmp_path):
    """The grid is built with the cyclic collector paused; it is on again afterwards (and stays off
    for a caller who turned it off)."""
    import gc

    path = next((Path(__file__).resolve().parents[2] / "examples" / "jiangxi-2007" / "报表").rglob("*.xlsx"))
    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        try:
            with open_workbook(path) as book:
                [book.sheet(name).grid() for name in book.sheet_names]
            assert gc.isenabled() is enabled
        finally:
            gc.enable()


def test_a_row_holds_the_cells_cell_gives(tmp_path: Path) -> None:
    # rows with and without flagged or percent cells, a short row, rows past the grid
    path = write_xlsx(
        tmp_path / "r.xlsx",
        {
            "表1": [
                ["标题"],
                ["完成数", 5, ("error", "#DIV/0!"), "=B2*2", " "],
                ["完成率", ("percent", 0.5), 3, None, 0],
                [None, None, "", 2.0, True],
            ]
        },
    )
    sheet = open_workbook(path).sheet("表1")
    assert sheet.flags and sheet.percent
    for r in range(-1, sheet.n_rows + 2):
        row = sheet.row(r)
        assert row == [sheet.cell(r, c) for c in range(sheet.n_cols)]
        assert [type(c.value) for c in row] == [type(sheet.cell(r, c).value) for c in range(sheet.n_cols)]
    assert [c.value for c in sheet.row(0)] == ["标题", None, None, None, None]
    assert sheet.row(2)[1].percent and sheet.row(1)[2].flag is not None
    assert [[c.ref for c in row] for row in sheet.rows(3)] == [["A4", "B4", "C4", "D4", "E4"]]


def test_a_read_grid_is_not_left_to_the_youngest_generation(tmp_path):
    """The rows of a grid just read go to the collector's oldest generation without a walk (its
    first collections would otherwise walk every row); objects a caller keeps frozen stay frozen;
    a garbage cycle made during the read is still collected by a full collection."""
    import gc
    import weakref

    rows = [["姓名", "身份证号"]] + [[f"人{i}", str(i)] for i in range(3000)]
    path = write_xlsx(tmp_path / "r.xlsx", {"名册": rows})

    class Node:
        pass

    gc.collect()
    with open_workbook(path) as book:
        grid = book.sheet("名册").grid()
        assert len(grid) == 3001
        oldest = {id(o) for o in gc.get_objects(generation=2)}
        assert all(id(row) in oldest for row in grid[::100])

    kept = [[1] for _ in range(50)]
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with open_workbook(path) as book:
            book.sheet("名册")
        assert gc.get_freeze_count() > frozen - 1000  # not unfrozen (a few were freed meanwhile)
    finally:
        gc.unfreeze()
    assert kept

    import minsheng.sheets.workbook as wbmod

    with wbmod._collector_paused():
        node = Node()
        node.me = node
        ref = weakref.ref(node)
        del node
    gc.collect()
    assert ref() is None
