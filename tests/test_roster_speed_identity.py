"""The roster hot loop gives exactly the results it gave before it was made faster.

``check_id``/``id_check_char`` are compared with a plain reference written from the documented
rules (GB 11643-1999: weights loop, 17 digits + check 0-9/X, lower-case x, full-width digits and
spaces, 15-digit IDs converted, birth date from 1870 and not after ``as_of``, floats refused).
``read_roster`` is run over in-memory sheets full of messy rows (blank, 合计, footer, duplicate,
invalid, 15-digit, numeric and float IDs, bad and out-of-year dates, unknown categories,
non-numeric amounts, error-flagged cells, ragged rows) with several argument sets; every field
of the results and every problem (code, message, severity, where) is serialised and compared
with the sha256 the roster code gave before its speed-up (the small crafted sheet's results are
also spelled out).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import unicodedata
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minsheng.sheets import (
    ERROR_CELL,
    UNCACHED_FORMULA,
    CellFlag,
    Roster,
    Sheet,
    check_id,
    find_table,
    id_check_char,
    read_roster,
)

# ---------------------------------------------------------------------------------------------
# A reference ID check, written from the rules, with no shortcuts

WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]  # 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2
FLOAT_REASON = "身份证号被存成了数字，后几位已经丢失；请把该列设为“文本”格式后重新录入"


def ref_check_char(body: str) -> str:
    total = 0
    for ch, w in zip(body, WEIGHTS, strict=True):
        total += int(ch) * w
    return "10X98765432"[total % 11]


def ref_birth_ok(y: int, m: int, d: int, as_of: dt.date) -> bool:
    try:
        born = dt.date(y, m, d)
    except ValueError:
        return False
    return dt.date(1870, 1, 1) <= born <= as_of


def ref_check_id(raw: object, as_of: dt.date) -> tuple[str | None, str | None]:
    if isinstance(raw, float):
        return None, FLOAT_REASON
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        return None, "不是身份证号"
    text = unicodedata.normalize("NFKC", str(raw))
    t = "".join(ch for ch in text if not ch.isspace()).upper()
    digits = "0123456789"
    if len(t) == 15 and all(ch in digits for ch in t):
        if not ref_birth_ok(1900 + int(t[6:8]), int(t[8:10]), int(t[10:12]), as_of):
            return None, "出生日期无效"
        body = t[:6] + "19" + t[6:]
        return body + ref_check_char(body), None
    if len(t) != 18:
        return None, f"位数不对（{len(t)} 位，应为 18 位）"
    body, check = t[:17], t[17]
    if not all(ch in digits for ch in body) or check not in digits + "X":
        return None, "含有数字和末位 X 以外的字符"
    if not ref_birth_ok(int(body[6:10]), int(body[10:12]), int(body[12:14]), as_of):
        return None, "出生日期无效"
    if ref_check_char(body) != check:
        return None, "校验位不对（可能录错了某一位）"
    return t, None


# ---------------------------------------------------------------------------------------------
# check_id and id_check_char against the reference

AS_OF = dt.date(2008, 12, 31)
bodies = st.text(alphabet="0123456789", min_size=17, max_size=17)
births = st.dates(min_value=dt.date(1860, 1, 1), max_value=dt.date(2040, 12, 31))
as_ofs = st.sampled_from([AS_OF, dt.date(2008, 2, 29), dt.date(1990, 6, 15), dt.date(1870, 1, 1)])


@given(bodies)
@settings(max_examples=2000)
def test_check_char_is_the_weighted_sum(body: str) -> None:
    assert id_check_char(body) == ref_check_char(body)


def test_check_char_over_many_random_bodies() -> None:
    rng = random.Random(20070101)
    for _ in range(100_000):
        body = "".join(rng.choice("0123456789") for _ in range(17))
        assert id_check_char(body) == ref_check_char(body)
    for body in ("0" * 17, "9" * 17, "1" * 17, "12345678901234567"):
        assert id_check_char(body) == ref_check_char(body)


@st.composite
def id_like(draw: st.DrawFn) -> object:
    """Mostly IDs with a plausible birth date, right or wrong check, then mangled in ways people do."""
    region = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    born = draw(births)
    seq = draw(st.text(alphabet="0123456789", min_size=3, max_size=3))
    body = f"{region}{born:%Y%m%d}{seq}"
    kind = draw(st.integers(0, 9))
    if kind == 0:  # a 15-digit ID, its YYMMDD from any year
        return draw(st.sampled_from([body[:6] + body[8:17], int(body[:6] + body[8:17])]))
    check = ref_check_char(body) if draw(st.booleans()) else draw(st.sampled_from("0123456789Xx"))
    text = body + check
    if kind == 1:
        text = text.lower()
    elif kind == 2:  # spaces, full-width digits or spaces
        i = draw(st.integers(0, 18))
        text = text[:i] + draw(st.sampled_from([" ", "\u3000", "\t", "  "])) + text[i:]
    elif kind == 3:
        text = text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789X"})
    elif kind == 4:  # a character changed
        i = draw(st.integers(0, 17))
        text = text[:i] + draw(st.sampled_from("aAY-_+²٣０")) + text[i + 1 :]
    elif kind == 5:  # a character dropped or added
        i = draw(st.integers(0, 17))
        text = text[:i] + text[i + 1 :] if draw(st.booleans()) else text[:i] + "7" + text[i:]
    elif kind == 6 and check != "x" and check != "X":
        return draw(st.sampled_from([int(text), float(text)]))
    return text


others = st.one_of(
    st.none(),
    st.booleans(),
    st.floats(allow_nan=False),
    st.integers(-(10**20), 10**20),
    st.dates(),
    st.text(alphabet="0123456789Xx \u3000０１ａ", max_size=22),
    st.text(max_size=20),
)


@given(st.one_of(id_like(), others), as_ofs)
@settings(max_examples=3000)
def test_check_id_agrees_with_the_reference(raw: object, as_of: dt.date) -> None:
    assert check_id(raw, as_of) == ref_check_id(raw, as_of)


@pytest.mark.parametrize(
    "raw",
    [
        "11010519491231002X",
        "11010519491231002x",
        " 110105 19491231002X ",
        "１１０１０５１９４９１２３１００２Ｘ",
        "110105194912310021",
        "11010519491331002X",
        "110105187001010010",  # 1870-01-01, the first birth date allowed
        "110105186912310010",
        "110105190002290010",  # 1900 was not a leap year
        "110105200002290010",  # 2000 was
        "110105200402290010",
        "110105200802290010",
        "110105200812310010",  # born on as_of
        "110105200901010010",  # the day after
        "000000000000000000",
        "99999999999999999X",
        "440524800101001",
        440524800101001,
        "440524800230001",
        "440524000229001",  # 1900-02-29
        "440524960229001",
        "４４０５２４８００１０１００１",
        "11010519491231002Y",
        "1101051949123100２X",
        "11010519491231002²",
        "110105194912310²2X",
        "1101051949123100٣X",
        "11010519491231002",
        "1101051949123100222",
        "",
        " ",
        "+11010519491231002",
        "-11010519491231002",
        "1_1010519491231002X",
        "ABCDEFGHIJKLMNOPQR",
        110105194912310021,
        3.60121198001011e17,
        -1,
        0,
        True,
        False,
        None,
        dt.date(2007, 1, 1),
        Decimal("110105194912310021"),
    ],
)
def test_check_id_on_crafted_values(raw: object) -> None:
    for as_of in (AS_OF, dt.date(2000, 2, 29), dt.date(1870, 1, 1)):
        assert check_id(raw, as_of) == ref_check_id(raw, as_of)


# ---------------------------------------------------------------------------------------------
# read_roster over messy in-memory sheets


def make_sheet(grid: list[list[object]], flags: dict | None = None, name: str = "花名册") -> Sheet:
    book = SimpleNamespace(file="县.xlsx", path=Path("县.xlsx"))
    return Sheet(book, name, 0, grid, (), flags or {})  # type: ignore[arg-type]


HEAD = ["序号", "姓名", "身份证号", "培训类别", "结业日期", "贷款金额（元）"]
CATEGORIES = {
    "3.1": ["城镇职业技能培训", "城镇职业技能", "再就业培训"],
    "3.2.1": ["金蓝领"],
    "3.2.2": ["阳光工程"],
    "3.2.3": ["雨露工程"],
}
RUNS: dict[str, dict[str, object]] = {
    "ids": {},
    "ids-lenient": {"count_invalid": True},
    "training": {
        "category_column": "培训类别",
        "categories": CATEGORIES,
        "date_column": "结业日期",
        "year": 2007,
    },
    "training-lenient-undated": {
        "category_column": "培训类别",
        "categories": CATEGORIES,
        "count_invalid": True,
    },
    "loans": {"amount_column": "贷款金额", "to_unit": "万元", "date_column": "结业日期", "year": 2007},
    "loans-yuan-any-year": {"amount_column": "贷款金额", "date_column": "结业日期"},
    "everything": {
        "amount_column": "贷款金额",
        "to_unit": "万元",
        "category_column": "培训类别",
        "categories": CATEGORIES,
        "date_column": "结业日期",
        "year": 2007,
        "count_invalid": True,
    },
}


def valid_id(rng: random.Random, born: dt.date | None = None) -> str:
    born = born or dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 25000))
    body = f"360{rng.randrange(100, 1000)}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + ref_check_char(body)


def messy_ids(rng: random.Random, used: list[str]) -> object:
    good = valid_id(rng)
    pick = rng.randrange(40)
    if pick < 22:
        used.append(good)
        return good
    options: list[object] = [
        rng.choice(used) if used else good,  # a duplicate
        good[:-1] + ("0" if good[-1] != "0" else "1"),  # wrong check character
        good.lower(),
        " " + good[:6] + "\u3000" + good[6:],
        good.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"}),
        good[:6] + good[8:17],  # its 15-digit form
        int(good[:6] + good[8:17]),
        float(good[:17] + "0"),
        int(good[:17] + "1"),
        good[:6] + "19491331" + good[14:],  # month 13
        good[:6] + "20300101" + good[14:],  # born after as_of
        good[:6] + "18691231" + good[14:],
        good[:10],
        good + "0",
        good[:17] + "Y",
        "无",
        "",
        None,
        True,
        dt.datetime(2007, 5, 1),
    ]
    return rng.choice(options)


def messy_dates(rng: random.Random) -> object:
    day = dt.date(2007, 1, 1) + dt.timedelta(days=rng.randrange(0, 365))
    serial = (day - dt.date(1899, 12, 30)).days
    pool: list[object] = [
        day,
        day,
        day,
        dt.datetime.combine(day, dt.time(8, 30)),
        float(serial),
        float(serial),
        serial,
        serial + 0.5,
        f"{day:%Y-%m-%d}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day:%Y.%m.%d}".translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789."}),
        f"{day:%Y%m%d}",
        str(serial),
        f"{serial}.0",
        dt.date(2006, 12, 31),
        dt.date(2008, 1, 1),
        "2007-02-30",
        "不详",
        "",
        None,
        True,  # == 1, but no date
        1,
        1.0,
        0,
        -3.0,
        3e7,
        dt.time(12, 0),
    ]
    return rng.choice(pool)


def messy_categories(rng: random.Random) -> object:
    pool: list[object] = [
        "城镇职业技能培训",
        "金蓝领工程",
        "阳光工程",
        "雨露工程",
        "阳 光 工 程",
        "雨露工程（农村）",
        "再就业培训",
        "家政培训",
        "",
        None,
        3,
        3.5,
        True,
    ]
    return rng.choice(pool)


def messy_amounts(rng: random.Random) -> object:
    pool: list[object] = [
        20000,
        50000,
        50000.0,
        30000.5,
        0.1,
        0.2,
        -5000.0,
        0.0,
        -0.0,
        1,
        1.0,
        "50000",
        "5,000.00",
        "50000元",
        "5万元",
        "5万",
        "五万",
        "",
        None,
        True,
        "—",
        1e-7,
        123456789.123,
        dt.date(2007, 1, 1),
    ]
    return rng.choice(pool)


def messy_grid(
    seed: int, n: int, *, ending: str
) -> tuple[list[list[object]], dict[tuple[int, int], CellFlag]]:
    rng = random.Random(seed)
    grid: list[list[object]] = [["某县培训花名册", "", "", "", "", ""], list(HEAD)]
    flags: dict[tuple[int, int], CellFlag] = {}
    used: list[str] = []
    for i in range(n):
        r = len(grid)
        kind = rng.randrange(60)
        if kind == 0:
            grid.append(["", "", "", "", "", ""])
        elif kind == 1:
            grid.append(["合计", "", "", "", "", rng.choice([1, 2.5, ""])])
        elif kind == 2:
            grid.append(["", "小计", "", "", "", ""])
        elif kind == 3:  # an error in the ID cell, which reads as blank
            grid.append([i, "错", "", "阳光工程", "2007-01-01", 1000])
            flags[(r, 2)] = CellFlag(ERROR_CELL, rng.choice(["#VALUE!", "#N/A", ""]))
        elif kind == 4:  # an error or uncached formula in the amount cell
            grid.append([i, "错额", valid_id(rng), "阳光工程", "2007-01-01", ""])
            flags[(r, 5)] = rng.choice([CellFlag(ERROR_CELL, "#DIV/0!"), CellFlag(UNCACHED_FORMULA, "=F3*2")])
        elif kind == 5:  # ragged rows: short lines
            grid.append([i, "短", valid_id(rng)][: rng.randrange(0, 4)])
        elif kind == 6:
            grid.append([i, "短", valid_id(rng), "阳光工程"])
        else:
            grid.append(
                [
                    rng.choice([i + 1, float(i + 1), str(i + 1), ""]),
                    f"人{i}",
                    messy_ids(rng, used),
                    messy_categories(rng),
                    messy_dates(rng),
                    messy_amounts(rng),
                ]
            )
    if ending == "footer-in-id-column":
        grid.append(["", "", "填表人：张三", "", "", ""])
    elif ending == "footer-elsewhere":
        grid.append(["", "", "", "", "", ""])
        grid.append(["填表人：张三", "", "", "报出日期：2008年1月5日", "", ""])
    if ending != "none":
        grid.append([1, "尾后", valid_id(rng), "阳光工程", "2007-01-01", 1])  # after the footer: not read
    return grid, flags


def serialise(roster: Roster) -> dict[str, object]:
    return {
        "sheet": roster.sheet,
        "file": roster.file,
        "rows": roster.rows,
        "counted": roster.counted,
        "amount": None if roster.amount is None else str(roster.amount),
        "by_category": list(roster.by_category.items()),
        "amount_by_category": [(k, str(v)) for k, v in roster.amount_by_category.items()],
        "id_cells": roster.id_cells,
        "amount_cells": roster.amount_cells,
        "category_cells": roster.category_cells,
        "problems": [
            [p.code, p.message, p.severity.value, p.file, p.sheet, p.cell, p.plugin, p.county, p.indicator]
            for p in roster.problems
        ],
    }


def digest(obj: object) -> str:
    return hashlib.sha256(json.dumps(obj, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def run_all(grid: list[list[object]], flags: dict, as_of: dt.date = AS_OF) -> dict[str, dict[str, object]]:
    table = find_table(make_sheet(grid, flags), ["身份证号"])
    return {
        name: serialise(read_roster(table, id_column="身份证号", as_of=as_of, **kwargs))  # type: ignore[arg-type]
        for name, kwargs in RUNS.items()
    }


#: sha256 of the serialised results of every run over each messy sheet, from the roster code
#: before its speed-up
EXPECTED = {
    (1, 3000, "footer-in-id-column"): "08f8eb3f5c2812b1c7a8d5498526eb4481fcabf90823dc151c2409946f761cbb",
    (2, 3000, "footer-elsewhere"): "3d416952d0239649c57142fe8cdeee98002bec38a3790e363e6ce794164a7347",
    (3, 3000, "none"): "e0f652300b03db031e5dc70754ee8282647438aeded773eba08fee0c1e706983",
    (4, 20000, "footer-elsewhere"): "0eb817333321108a5ae4996eceebe64596c1b9e60bcdd81bc0dcf53ed5d0cd57",
}


@pytest.mark.parametrize(("seed", "n", "ending"), list(EXPECTED))
def test_read_roster_over_messy_sheets_is_unchanged(seed: int, n: int, ending: str) -> None:
    grid, flags = messy_grid(seed, n, ending=ending)
    assert digest(run_all(grid, flags)) == EXPECTED[(seed, n, ending)]


def test_read_roster_with_a_source_and_another_as_of_is_unchanged() -> None:
    grid, flags = messy_grid(5, 2000, ending="footer-elsewhere")
    table = find_table(make_sheet(grid, flags), ["身份证号"])

    def source(sheet: str, cells: str):
        from minsheng.model import Provenance

        return Provenance(file="来源.xls", sheet=sheet, cell=cells, plugin="p")

    out = {
        name: serialise(
            read_roster(table, id_column="身份证号", as_of=dt.date(1985, 3, 1), source=source, **kwargs)  # type: ignore[arg-type]
        )
        for name, kwargs in RUNS.items()
    }
    assert digest(out) == "12075fcbefcf13714dbef070c13628fea7fe19b35bb254bfd1e26f7aed62c96e"


# the small crafted sheet, spelled out: row by row what the roster code says
CRAFTED: list[list[object]] = [
    ["培训花名册", "", "", "", "", ""],
    list(HEAD),
    [1, "甲", "11010519491231002X", "金蓝领工程", dt.date(2007, 3, 1), 50000],
    [2, "乙", "11010519491231002x", "阳光工程", dt.date(2007, 3, 2), 50000.0],  # the same person
    [3, "丙", "440524800101001", "雨露工程", 39300.0, "30000"],
    [4, "丁", "440524198001010019", "雨露工程", "2007-05-01", 1000],  # 丙 again, but a wrong check
    [5, "戊", "440524198001010014", "家政", "2007年5月1日", "五万"],  # 1880 → 1980: wrong check
    [6, "己", 3.60121198001011e17, "阳光工程", dt.date(2007, 1, 1), 1],
    [7, "庚", "", "阳光工程", dt.date(2007, 1, 1), 1],
    ["合计", "", "", "", "", 131000],
    [8, "辛", "11010519491231002X", "阳光工程", dt.date(2006, 12, 31), 1],
    [9, "壬", "110105194912310021", "阳光工程", "不详", 1],
    [10, "癸", "110105200002290013", "城镇职业技能培训", dt.datetime(2007, 6, 1, 9), 20000.5],
    [11, "子", "", "", "", ""],
    ["", "", "填表人：王五", "", "", ""],
    [12, "丑", "110105200002290013", "阳光工程", dt.date(2007, 1, 1), 1],
]
CRAFTED_FLAGS = {(13, 2): CellFlag(ERROR_CELL, "#REF!")}


#: (rows, counted, amount, by_category, problems as (code, cell)) per run over CRAFTED
COMMON = [("duplicate-id", "C4"), ("invalid-id", "C6"), ("invalid-id", "C7"), ("invalid-id", "C8")]
UNDATED = [
    *COMMON,
    ("missing-id", "C9"),
    ("duplicate-id", "C11"),
    ("invalid-id", "C12"),
    ("error-cell", "C14"),
]
DATED = [*COMMON, ("missing-id", "C9"), ("out-of-year", "E11"), ("bad-date", "E12"), ("error-cell", "C14")]
CATS = [("3.1", 1), ("3.2.1", 1)]
CRAFTED_EXPECTED = {
    "ids": (9, 3, None, [], UNDATED),
    "ids-lenient": (9, 7, None, [], UNDATED),
    "training": (9, 3, None, [*CATS, ("3.2.2", 0), ("3.2.3", 1)], DATED),
    "training-lenient-undated": (
        9,
        7,
        None,
        [*CATS, ("3.2.2", 2), ("3.2.3", 2)],
        [*UNDATED[:3], ("unknown-category", "D7"), *UNDATED[3:]],
    ),
    "loans": (9, 3, "10.00005", [], DATED),
    "loans-yuan-any-year": (
        9,
        3,
        "100000.5",
        [],
        [*COMMON, ("missing-id", "C9"), ("duplicate-id", "C11"), ("bad-date", "E12"), ("error-cell", "C14")],
    ),
    "everything": (
        9,
        5,
        "10.10015",
        [*CATS, ("3.2.2", 1), ("3.2.3", 2)],
        [*COMMON[:3], ("unknown-category", "D7"), ("not-a-number", "F7"), *DATED[3:]],
    ),
}


def test_crafted_sheet_results() -> None:
    results = run_all(CRAFTED, CRAFTED_FLAGS)
    got = {
        name: (r["rows"], r["counted"], r["amount"], r["by_category"], [(p[0], p[5]) for p in r["problems"]])  # type: ignore[index]
        for name, r in results.items()
    }
    assert got == CRAFTED_EXPECTED
    assert digest(results) == "33e40de1cdbc8d9dcd22897a2deda7399b5ec5cefed2dd63d9993483bdc6e504"
