"""parse_number on the strings county reports really contain, and fuzzed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minsheng import Provenance, ValueStatus
from minsheng.sheets import decimal_from_float, parse_number

R, NA, MISSING = ValueStatus.REPORTED, ValueStatus.NOT_APPLICABLE, ValueStatus.MISSING

# (raw, unit of the source, unit wanted, status, amount, problem code)
CASES = [
    # plain numbers, as cells and as text
    (1234, None, None, R, D("1234"), None),
    (56.5, None, None, R, D("56.5"), None),
    ("1234", None, None, R, D("1234"), None),
    (" 1234 ", None, None, R, D("1234"), None),
    ("0", "人", "人", R, D("0"), None),
    ("-12.5", None, None, R, D("-12.5"), None),
    ("+3", None, None, R, D("3"), None),
    (".5", None, None, R, D("0.5"), None),
    ("1.20", None, None, R, D("1.2"), None),
    ("1.2E+04", None, None, R, D("12000"), None),
    # thousands separators, full-width digits and punctuation
    ("12,345", None, None, R, D("12345"), None),
    ("1,234,567.89", None, None, R, D("1234567.89"), None),
    ("１２３，４５６．７", None, None, R, D("123456.7"), None),
    ("１２３４", "人", "人", R, D("1234"), None),
    ("12 345", None, None, R, D("12345"), None),
    ("1,2345", None, None, MISSING, None, "not-a-number"),
    ("12,5", None, None, MISSING, None, "not-a-number"),
    # units in the text
    ("1.2万", "人", "人", R, D("12000"), None),
    ("1.2万", None, None, R, D("12000"), None),
    ("1.2万人", None, "人", R, D("12000"), None),
    ("1.2万人", "人", "人", R, D("12000"), None),
    ("1.2万", "万人", "人", R, D("12000"), None),
    ("1.2万", "万人", "万人", R, D("1.2"), None),
    ("3亿元", None, "万元", R, D("30000"), None),
    ("3亿", "万元", "万元", R, D("30000"), None),
    ("350万元", None, "万元", R, D("350"), None),
    ("1200元", None, "万元", R, D("0.12"), None),
    ("1200 人", None, "人", R, D("1200"), None),
    ("85%", None, "%", R, D("85"), None),
    ("85％", "%", "%", R, D("85"), None),
    ("12户", "户", "户", R, D("12"), None),
    ("3次", None, "次", R, D("3"), None),
    # units of the column, converted to the scheme's unit
    (3.5, "万人", "人", R, D("35000"), None),
    ("0.06", "万人", "人", R, D("600"), None),
    (1.25, "亿元", "万元", R, D("12500"), None),
    (12345, "元", "万元", R, D("1.2345"), None),
    (120, "万元", "元", R, D("1200000"), None),
    (12, "万元", "人", MISSING, None, "unit-mismatch"),
    ("12元", "人", "人", MISSING, None, "unit-mismatch"),
    (12, "公里", "人", MISSING, None, "unit-mismatch"),
    # floats with binary noise
    (0.1 + 0.2, None, None, R, D("0.3"), None),
    (1.1 * 3, "万人", "人", R, D("33000"), None),
    (39447.0, None, None, R, D("39447"), None),
    # not applicable
    ("—", None, None, NA, None, None),
    ("——", None, None, NA, None, None),
    ("－", None, None, NA, None, None),
    ("-", None, None, NA, None, None),
    ("--", None, None, NA, None, None),
    ("/", None, None, NA, None, None),
    ("／", None, None, NA, None, None),
    ("不适用", None, None, NA, None, None),
    ("无此项", None, None, NA, None, None),
    (" 不考核 ", None, None, NA, None, None),
    # missing: blank is never 0
    (None, None, None, MISSING, None, None),
    ("", None, None, MISSING, None, None),
    ("   ", "人", "人", MISSING, None, None),
    ("\u3000", None, None, MISSING, None, None),
    # not a number
    ("约1200", None, None, MISSING, None, "not-a-number"),
    ("一千二百", None, None, MISSING, None, "not-a-number"),
    ("无", None, None, MISSING, None, "not-a-number"),
    ("待统计", None, None, MISSING, None, "not-a-number"),
    ("1.2.3", None, None, MISSING, None, "not-a-number"),
    ("NaN", None, None, MISSING, None, "not-a-number"),
    ("inf", None, None, MISSING, None, "not-a-number"),
    (float("nan"), None, None, MISSING, None, "not-a-number"),
    (True, None, None, MISSING, None, "not-a-number"),
    (dt.date(2007, 12, 31), None, None, MISSING, None, "not-a-number"),
    ("#DIV/0!", None, None, MISSING, None, "error-cell"),
    ("#REF!", None, None, MISSING, None, "error-cell"),
    ("1e999", None, None, MISSING, None, "not-a-number"),
]


@pytest.mark.parametrize(("raw", "unit", "to_unit", "status", "amount", "code"), CASES)
def test_real_world_strings(raw, unit, to_unit, status, amount, code) -> None:
    problems: list = []
    prov = Provenance(file="a.xls", sheet="表1", cell="D7")
    value = parse_number(raw, unit, to_unit=to_unit, provenance=prov, problems=problems)
    assert value.status is status
    assert value.amount == amount
    if amount is not None:
        assert str(value.amount) == str(amount)  # no exponent, no noise
    assert value.provenance == prov
    assert [p.code for p in problems] == ([code] if code else [])
    for p in problems:
        assert (p.file, p.sheet, p.cell) == ("a.xls", "表1", "D7")
        assert "D7" in p.message
    if status is not R and raw not in (None, "") and not str(raw).isspace():
        assert value.raw  # what was written is kept for the report


def test_problems_are_optional_but_the_outcome_is_the_same() -> None:
    value = parse_number("待统计")
    assert value.status is MISSING and value.raw == "待统计"


@pytest.mark.parametrize(
    ("x", "text"), [(0.1 + 0.2, "0.3"), (1e15, "1000000000000000"), (2.5e-7, "2.5E-7"), (-0.0, "0")]
)
def test_decimal_from_float(x: float, text: str) -> None:
    assert str(decimal_from_float(x)) == text


CELL_CONTENT = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.text(alphabet="0123456789,.-+eE万亿人元%％—－/ １２３，．", max_size=20),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.decimals(allow_nan=True, allow_infinity=True),
)
UNITS = st.sampled_from([None, "人", "万人", "元", "万元", "亿元", "户", "次", "%", "公里", ""])


@settings(max_examples=600, deadline=None)
@given(raw=CELL_CONTENT, unit=UNITS, to_unit=UNITS)
def test_fuzz_never_raises_and_keeps_its_promises(raw, unit, to_unit) -> None:
    problems: list = []
    value = parse_number(raw, unit, to_unit=to_unit, problems=problems)
    if value.status is R:
        assert value.amount is not None and value.amount.is_finite()
        assert not problems
    else:
        assert value.amount is None
        assert len(problems) <= 1
        assert all(p.code in {"not-a-number", "unit-mismatch", "error-cell"} for p in problems)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        assert value.status is MISSING and not problems
