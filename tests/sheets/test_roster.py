"""Rosters: ID checks (GB 11643), masking, de-duplication, categories, amounts, and speed."""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from sheetfiles import write_xls

from minsheng.sheets import check_id, find_table, id_check_char, mask_id, open_workbook, read_roster

AS_OF = dt.date(2008, 1, 31)
# published examples of valid IDs (GB 11643-1999 and its common textbook example)
VALID = ["11010519491231002X", "440524188001010014"]


def make_id(rng: random.Random, region: str = "360121") -> str:
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 20000))
    body = f"{region}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + id_check_char(body)


@pytest.mark.parametrize("text", VALID)
def test_published_valid_ids(text: str) -> None:
    assert check_id(text, AS_OF) == (text, None)
    assert check_id(text.lower(), AS_OF) == (text, None)
    assert check_id(" " + text[:6] + " " + text[6:], AS_OF) == (text, None)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("110105194912310021", "校验位"),
        ("11010519491331002X", "出生日期"),  # month 13
        ("11010520300101002X", "出生日期"),  # born after as_of
        ("1101051949123100", "位数"),
        ("11010519491231002Y", "字符"),
        (3.60121198001011e17, "数字"),
        (None, "不是身份证号"),
    ],
)
def test_invalid_ids(raw, reason: str) -> None:
    norm, why = check_id(raw, AS_OF)
    assert norm is None and reason in why


def test_fifteen_digit_ids_are_accepted_and_upgraded() -> None:
    # the 15-digit form of 440524188001010014 does not exist (born 1880); use 1980
    old = "440524800101001"
    norm, why = check_id(old, AS_OF)
    assert why is None and norm is not None and len(norm) == 18
    assert norm[:6] == "440524" and norm[6:14] == "19800101" and norm[14:17] == "001"
    assert check_id(norm, AS_OF) == (norm, None)
    assert check_id("440524801301001", AS_OF)[0] is None  # month 13


def test_mask() -> None:
    assert mask_id("360102198001011234") == "360102********1234"
    assert mask_id("440524800101001") == "440524*****1001"
    assert mask_id("12345") == "12***"


HEADER = ["序号", "姓名", "身份证号", "培训类别", "结业日期"]


def _training_rows(n: int, seed: int = 7) -> tuple[list[list[object]], dict[str, int]]:
    rng = random.Random(seed)
    cats = ["城镇职业技能培训", "金蓝领工程", "阳光工程", "雨露工程"]
    rows: list[list[object]] = [["培训花名册", None, None, None, None], HEADER]
    expected = dict.fromkeys(cats, 0)
    for i in range(n):
        cat = cats[i % 4]
        rows.append([i + 1, f"学员{i}", make_id(rng), cat, "2007-06-30"])
        expected[cat] += 1
    return rows, expected


def test_roster_counts_categories_and_reports_bad_rows_masked(tmp_path: Path) -> None:
    rows, expected = _training_rows(2000)
    good_dup = rows[5][2]
    rows.append([2001, "重复", good_dup, "阳光工程", "2007-07-01"])  # a duplicate of row 6
    rows.append([2002, "错号", "360121198001011235", "阳光工程", "2007-07-01"])  # wrong check character
    rows.append([2003, "无号", None, "阳光工程", "2007-07-01"])
    rows.append([2004, "去年", make_id(random.Random(1)), "阳光工程", "2006-12-31"])
    rows.append([2005, "不明", make_id(random.Random(2)), "家政培训", "2007-08-01"])
    rows.append(["合计", None, None, None, None])
    path = write_xls(tmp_path / "roster.xls", {"培训花名册": rows})
    table = find_table(open_workbook(path).sheet("培训花名册"), ["身份证号", "培训类别"])
    roster = read_roster(
        table,
        id_column="身份证号",
        category_column="培训类别",
        categories={"3.1": ["城镇"], "3.2.1": ["金蓝领"], "3.2.2": ["阳光"], "3.2.3": ["雨露"]},
        date_column="结业日期",
        year=2007,
        as_of=AS_OF,
    )
    assert roster.counted == 2001  # 2000 + the uncategorised one; duplicate, bad, blank, last-year excluded
    assert roster.by_category == {
        "3.1": expected["城镇职业技能培训"],
        "3.2.1": expected["金蓝领工程"],
        "3.2.2": expected["阳光工程"],
        "3.2.3": expected["雨露工程"],
    }
    found = {(p.code, p.cell) for p in roster.problems}
    assert found == {
        ("duplicate-id", "C2003"),
        ("invalid-id", "C2004"),
        ("missing-id", "C2005"),
        ("out-of-year", "E2006"),
        ("unknown-category", "D2007"),
    }
    dup = next(p for p in roster.problems if p.code == "duplicate-id")
    assert mask_id(good_dup) in dup.message and good_dup not in dup.message and "第 6 行" in dup.message
    bad = next(p for p in roster.problems if p.code == "invalid-id")
    assert "360121********1235" in bad.message and "360121198001011235" not in bad.message
    assert roster.id_cells == "C3:C2007"
    assert roster.count_value("3.2.2").provenance.cell == "D3:D2007"
    assert roster.count_value("3.2.1", "3.2.2", "3.2.3").amount == D(
        sum(expected[c] for c in ("金蓝领工程", "阳光工程", "雨露工程"))
    )
    assert roster.count_value().amount == D(2001)


def test_loan_ledger_sums_amounts_in_decimal_and_converts_units(tmp_path: Path) -> None:
    rng = random.Random(3)
    rows: list[list[object]] = [["小额贷款台帐", None, None], ["借款人", "身份证号", "贷款金额（元）"]]
    total = D(0)
    for i in range(3000):
        amount = rng.choice([20000, 50000, 30000.5, 0.1, 0.2])
        rows.append([f"借款人{i}", make_id(rng), amount])
        total += D(str(amount))
    rows.append(["错额", make_id(rng), "五万"])
    path = tmp_path / "loans.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "小额贷款台帐"
    for row in rows:
        ws.append(row)
    wb.save(path)
    table = find_table(open_workbook(path).sheet("小额贷款台帐"), ["身份证号", "贷款金额"])
    roster = read_roster(table, id_column="身份证号", amount_column="贷款金额", to_unit="万元", as_of=AS_OF)
    assert roster.counted == 3000
    assert roster.amount == total / 10000
    assert [(p.code, p.cell) for p in roster.problems] == [("not-a-number", "C3003")]
    value = roster.amount_value()
    assert value.amount == total / 10000 and value.provenance.cell == "C3:C3003"


def test_hundred_thousand_rows_in_one_pass(tmp_path: Path) -> None:
    rng = random.Random(11)
    path = tmp_path / "big.xlsx"
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append(["姓名", "身份证号", "类别", "金额（元）"])
    ids = [make_id(rng) for _ in range(100_000)]
    for i, pid in enumerate(ids):
        ws.append([f"人{i}", pid, "阳光工程" if i % 3 else "金蓝领工程", 1000])
    wb.save(path)
    sheet = open_workbook(path).sheet("花名册")
    table = find_table(sheet, ["身份证号"])
    start = time.perf_counter()
    roster = read_roster(
        table,
        id_column="身份证号",
        amount_column="金额",
        to_unit="万元",
        category_column="类别",
        categories={"jl": ["金蓝领"], "yg": ["阳光"]},
        as_of=AS_OF,
    )
    elapsed = time.perf_counter() - start
    unique = len(set(ids))
    assert roster.counted == unique
    assert roster.amount == D(unique) / 10
    assert elapsed < 5, f"read_roster took {elapsed:.1f}s for 100k rows"


def test_old_and_new_forms_of_one_id_count_once_and_invalid_ids_can_be_counted(tmp_path: Path) -> None:
    old = "440524800101001"
    new = check_id(old, AS_OF)[0]
    rows: list[list[object]] = [
        ["姓名", "身份证号"],
        ["甲", old],
        ["乙", new],
        ["丙", "440524198001010019"],  # wrong check character
        ["丁", VALID[0]],
    ]
    table = find_table(
        open_workbook(write_xls(tmp_path / "r.xls", {"花名册": rows})).sheet("花名册"), ["身份证号"]
    )
    strict = read_roster(table, id_column="身份证号", as_of=AS_OF)
    assert strict.counted == 2
    assert [(p.code, p.cell) for p in strict.problems] == [("duplicate-id", "B3"), ("invalid-id", "B4")]
    lenient = read_roster(table, id_column="身份证号", as_of=AS_OF, count_invalid=True)
    assert lenient.counted == 3
    assert "已计入" in next(p.message for p in lenient.problems if p.code == "invalid-id")


def test_an_error_in_the_amount_column_is_reported_at_its_cell_and_not_summed(tmp_path: Path) -> None:
    from sheetfiles import write_xlsx

    rng = random.Random(5)
    rows: list[list[object]] = [["借款人", "身份证号", "贷款金额（万元）"]]
    rows += [
        ["甲", make_id(rng), 5],
        ["乙", make_id(rng), ("error", "#VALUE!")],
        ["丙", make_id(rng), "=C2*2"],
    ]
    table = find_table(
        open_workbook(write_xlsx(tmp_path / "l.xlsx", {"台帐": rows})).sheet("台帐"), ["身份证号"]
    )
    roster = read_roster(table, id_column="身份证号", amount_column="贷款金额", to_unit="万元", as_of=AS_OF)
    assert roster.amount == D(5) and roster.counted == 1
    assert [(p.code, p.cell) for p in roster.problems] == [("error-cell", "C3"), ("uncached-formula", "C4")]
