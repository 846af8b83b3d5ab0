"""find_county_code / read_county_code: the 6-digit 行政区划代码 at the top of a county sheet."""

from __future__ import annotations

import pytest
from sheetfiles import write_ods, write_xls, write_xlsx

from minsheng.sheets import SheetError, find_county_code, open_workbook, read_county_code

WRITERS = {"xlsx": write_xlsx, "xls": write_xls, "ods": write_ods}


def sheet_of(tmp_path, rows, fmt="xlsx"):
    path = WRITERS[fmt](tmp_path / f"county.{fmt}", {"汇总表": rows})
    return open_workbook(path).sheet("汇总表")


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@pytest.mark.parametrize(
    ("rows", "where"),
    [
        ([["进贤县完成情况汇总表"], ["行政区划代码：360124"]], "A2"),  # one cell, full-width colon
        ([["标题"], [None, "县（市、区）代码: 360124  单位：万人"]], "B2"),  # another label, more text after
        (
            [["封面"], ["县（市、区）", "进贤县"], ["行政区划代码", None, "360124"]],
            "C3",
        ),  # label, code to the right
        ([["行政区划代码：", 360124]], "B1"),  # the code as a number
    ],
)
def test_the_code_is_found_in_a_cell_or_beside_its_label(tmp_path, fmt, rows, where):
    sheet = sheet_of(tmp_path, rows, fmt)
    assert find_county_code(sheet) == ("360124", where)
    assert read_county_code(sheet) == "360124"


@pytest.mark.parametrize(
    "rows",
    [
        [["行政区划代码：3601241"]],  # seven digits is no county code
        [["行政区划代码：36012"]],
        [["行政区划代码", "进贤县", "360124"]],  # text between label and code
        [["县（市、区）", "360124"]],  # no code label at all
        [["行政区划代码：见附表"], ["360124"]],
    ],
)
def test_no_code_is_read_unless_it_is_six_digits_after_a_label(tmp_path, rows):
    sheet = sheet_of(tmp_path, rows)
    assert find_county_code(sheet) is None
    with pytest.raises(SheetError) as err:
        read_county_code(sheet)
    assert err.value.code == "no-county-code"
    assert (err.value.file, err.value.sheet) == (sheet.file, "汇总表")
    assert "行政区划代码" in err.value.message_zh and "汇总表" in err.value.message_zh


def test_only_the_first_rows_and_the_given_labels_count(tmp_path):
    sheet = sheet_of(tmp_path, [["标题"], ["说明"], ["区划代码：360124"]])
    assert find_county_code(sheet, rows=2) is None
    assert find_county_code(sheet, rows=3) == ("360124", "A3")
    assert find_county_code(sheet, labels=("行政区划代码",)) is None
    with pytest.raises(SheetError, match="前 2 行"):
        read_county_code(sheet, rows=2)
