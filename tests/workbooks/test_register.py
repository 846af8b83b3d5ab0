"""#12 items 1 and 4: the 收文登记 (receipt register) and the 督查发现 sheet the office extends."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from openpyxl import load_workbook

from minsheng import Receipt, Rule, Submission, Value, score
from minsheng.workbooks import read_received, read_targets, write_targets_template

DEADLINE = dt.date(2008, 1, 10)


@pytest.fixture
def written(tmp_path, scheme, targets):
    path = tmp_path / "目标任务表.xlsx"
    write_targets_template(scheme, path, targets=targets)
    return path


def met(scheme, targets, code):
    """A county's report that meets every target exactly, sent on 9 January."""
    alloc = targets.allocations[code]
    values = {}
    for ind in scheme.indicators:
        if ind.rule in (Rule.DEDUCT, Rule.VETO):
            values[ind.code] = Value.of(0)
        elif ind.rule is Rule.BINARY:
            values[ind.code] = Value.of(ind.threshold)
        elif ind.rule is not Rule.INFO and alloc.get(ind.code) is not None:
            values[ind.code] = Value.of(alloc[ind.code])
    return Submission(code, 2007, values, submitted_on=dt.date(2008, 1, 9))


def rows_by_code(ws):
    return {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}


def test_the_targets_workbook_has_a_receipt_register_for_every_county(written, targets):
    ws = load_workbook(written)["收文登记"]
    rows = rows_by_code(ws)
    assert all(c.code in rows for c in targets.counties)
    assert ws["A2"].value == "报送截止日期："


def test_receipts_and_the_deadline_are_read_from_the_register(written, scheme, targets):
    wb = load_workbook(written)
    ws = wb["收文登记"]
    rows = rows_by_code(ws)
    ws["B2"] = DEADLINE
    ws.cell(rows["360102"], 3).value = dt.datetime(2008, 1, 13)
    ws.cell(rows["360121"], 3).value = "2008年1月9日"
    wb.save(written)
    got, _, problems = read_targets(written, scheme)
    assert problems == []
    assert got.deadline == DEADLINE
    assert {k: r.date for k, r in got.receipts.items()} == {
        "360102": dt.date(2008, 1, 13),
        "360121": dt.date(2008, 1, 9),
    }
    assert got.receipts["360102"].source.sheet == "收文登记"
    assert got.receipts["360102"].source.cell == f"C{rows['360102']}"


def test_the_register_wins_and_the_cli_and_the_api_agree(written, scheme, targets):
    """Same report, same total: from the targets workbook, or given to score() directly."""
    wb = load_workbook(written)
    ws = wb["收文登记"]
    ws["B2"] = DEADLINE
    ws.cell(rows_by_code(ws)["360102"], 3).value = dt.date(2008, 1, 16)
    wb.save(written)
    read, _, _ = read_targets(written, scheme)
    sub = met(scheme, targets, "360102")
    from_book = score(scheme, read, [sub]).result("360102")
    plain = attrs.evolve(read, deadline=None, receipts={})
    from_api = score(scheme, plain, [sub], deadline=DEADLINE, received={"360102": dt.date(2008, 1, 16)})
    assert from_book.total == from_api.result("360102").total
    s62 = next(s for s in from_book.indicators if s.code == "6.2")
    assert s62.actual == 6 and s62.provenance.sheet == "收文登记"


def test_a_receipt_that_cannot_be_read_is_an_error_at_its_cell(written, scheme):
    wb = load_workbook(written)
    ws = wb["收文登记"]
    r = rows_by_code(ws)["360102"]
    ws.cell(r, 3).value = "一月中旬"
    ws.cell(ws.max_row + 1, 1).value = "999999"
    ws.cell(ws.max_row, 3).value = dt.date(2008, 1, 9)
    wb.save(written)
    _, _, problems = read_targets(written, scheme)
    assert [(p.code, p.cell) for p in problems] == [
        ("bad-date", f"C{r}"),
        ("unknown-county", f"A{ws.max_row}"),
    ]


def test_read_received_from_csv_and_xlsx(tmp_path, written):
    csv_path = tmp_path / "收文.csv"
    csv_path.write_bytes(
        "县代码,县（市、区）,收到日期\r\n360102,东湖区,2008-01-12\r\n360121,南昌县,\r\n".encode("gbk")
    )
    assert read_received(csv_path) == {"360102": dt.date(2008, 1, 12)}
    wb = load_workbook(written)
    ws = wb["收文登记"]
    ws.cell(rows_by_code(ws)["360121"], 3).value = dt.date(2008, 1, 11)
    wb.save(written)
    assert read_received(written) == {"360121": dt.date(2008, 1, 11)}
    bad = tmp_path / "坏.csv"
    bad.write_text("县代码,收到日期\n360102,下周\n", encoding="utf-8")
    with pytest.raises(ValueError, match="无法识别为日期"):
        read_received(bad)
    with pytest.raises(ValueError, match="找不到收文登记表"):
        read_received(_no_register(tmp_path))


def _no_register(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "none.xlsx"
    wb = Workbook()
    wb.active["A1"] = "别的表"
    wb.save(path)
    return path


def test_receipt_type_accepts_plain_dates(scheme, targets):
    sub = met(scheme, targets, "360102")
    a = score(scheme, targets, [sub], deadline=DEADLINE, received={"360102": Receipt(dt.date(2008, 1, 12))})
    b = score(scheme, targets, [sub], deadline=DEADLINE, received={"360102": "2008-01-12"})
    assert a.result("360102").total == b.result("360102").total


# --------------------------------------------------------------------------------------------
# 督查发现: every row counts (#12 item 4)


def findings_sheet(path):
    wb = load_workbook(path)
    return wb, wb["督查发现"]


def test_nothing_merged_below_the_findings_table(written):
    _, fs = findings_sheet(written)
    header = next(r for r in range(1, 10) if fs.cell(r, 3).value == "项目")
    assert all(m.max_row < header for m in fs.merged_cells.ranges)


def test_findings_beyond_the_printed_rows_below_a_footer_and_in_inserted_rows_are_read(written, scheme):
    wb, fs = findings_sheet(written)
    header = next(r for r in range(1, 10) if fs.cell(r, 3).value == "项目")
    first = header + 1
    fs.cell(first, 1).value, fs.cell(first, 3).value = "360102", "被省通报批评"
    fs.insert_rows(first + 1)
    fs.cell(first + 1, 1).value, fs.cell(first + 1, 3).value = "360121", "被设区市通报批评"
    last = fs.max_row
    fs.cell(last + 1, 1).value = "说明：以下为补登"  # a footer the office typed
    fs.cell(last + 2, 1).value, fs.cell(last + 2, 3).value = "360102", "弄虚作假"
    fs.cell(last + 40, 1).value, fs.cell(last + 40, 4).value = "360121", 2
    fs.cell(last + 40, 3).value = "被省通报批评"
    wb.save(written)
    _, findings, problems = read_targets(written, scheme)
    assert problems == []
    assert [(f.county, f.item, f.count) for f in findings] == [
        ("360102", "criticized-by-province", 1),
        ("360121", "criticized-by-city", 1),
        ("360102", "falsification", 1),
        ("360121", "criticized-by-province", 2),
    ]


def test_a_finding_row_that_cannot_be_read_is_an_error(written, scheme):
    wb, fs = findings_sheet(written)
    header = next(r for r in range(1, 10) if fs.cell(r, 3).value == "项目")
    fs.cell(header + 3, 5).value = "某县擅自减免社保费"  # only a note: no county, no item
    wb.save(written)
    _, findings, problems = read_targets(written, scheme)
    assert findings == []
    assert [(p.code, p.cell) for p in problems] == [("finding-incomplete", f"E{header + 3}")]


def test_a_blank_deadline_is_no_deadline(written, scheme):
    """The note beside the deadline cell (it shows an example date) is not the deadline."""
    got, _, problems = read_targets(written, scheme)
    assert got.deadline is None and got.receipts == {} and problems == []
