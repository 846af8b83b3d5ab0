"""Fuzzing the number parser, the header finder and the standard-form reader with hypothesis.

Each property says what may come out: a value or a documented problem, a table or
``SheetError("table-not-found")``, a submission or a ``SheetError`` — never another exception.
The default run is short; a long session sets ``MINSHENG_FUZZ_EXAMPLES`` (see docs/security.md)::

    MINSHENG_FUZZ_EXAMPLES=20000 pytest tests/test_fuzz.py -p no:cacheprovider
"""

from __future__ import annotations

import io
import math
import os
import random
import zipfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minsheng import load_scheme
from minsheng.model import Value, ValueStatus
from minsheng.plugins.context import ReadContext
from minsheng.plugins.standard_form import claim_form, read_form
from minsheng.sheets import SHEET_ERROR_CODES, UNITS, SheetError, find_table, open_workbook, parse_number

EXAMPLES = int(os.environ.get("MINSHENG_FUZZ_EXAMPLES", "0") or 0)
FORM = next((Path(__file__).resolve().parent / "corpus" / "province").glob("360102-*.xlsx"))
NUMBER_CODES = {"not-a-number", "error-cell", "uncached-formula", "unit-mismatch"}
#: what the form reader may raise besides the toolkit's own codes (documented in read_form)
FORM_CODES = {"form-no-county", "not-standard-form"}
SCHEME = load_scheme("jiangxi-2007")


def fuzz(default: int):
    """Hypothesis settings: ``default`` examples, or MINSHENG_FUZZ_EXAMPLES for a long session."""
    return settings(
        max_examples=EXAMPLES or default,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


UNIT_TEXTS = st.sampled_from(
    [*UNITS, "人", "万人", "万元", "亿元", "元", "%", "户", "天", "（万人）", "次", ""]
)
PRINTABLE = st.characters(blacklist_categories=("Cs", "Cc"))  # what a cell can hold
CELL_TEXT = st.one_of(
    st.text(PRINTABLE, max_size=30),
    st.text(alphabet="0123456789.,-+%万亿元人约—／/ 　１２３４５６７８９０．，eE", max_size=20),
    st.sampled_from(
        ["—", "-", "/", "不适用", "无此项", "#DIV/0!", "#N/A", "1.2万人", "35%", "1e308", "-0", "NaN", "inf"]
    ),
)
RAW = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    CELL_TEXT,
)


@fuzz(400)
@given(raw=RAW, unit=st.one_of(st.none(), UNIT_TEXTS), to_unit=st.one_of(st.none(), UNIT_TEXTS))
def test_parse_number_gives_a_value_or_a_documented_problem(raw, unit, to_unit):
    problems: list = []
    value = parse_number(raw, unit, to_unit=to_unit, problems=problems)
    assert isinstance(value, Value)
    assert {p.code for p in problems} <= NUMBER_CODES
    if value.status is ValueStatus.REPORTED:
        assert isinstance(value.amount, Decimal) and value.amount.is_finite()
        assert not problems
    else:
        assert value.amount is None
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        assert value.status is ValueStatus.MISSING and not problems
    if isinstance(raw, float) and not math.isfinite(raw):
        assert value.status is not ValueStatus.REPORTED


LABELS = [
    "序号",
    "指标名称",
    "计量单位",
    "完成数",
    "目标",
    "身份证号",
    "姓名",
    "合计",
    "其中：",
    "单位负责人：",
    "备注",
]
GRID_CELL = st.one_of(
    st.none(), st.sampled_from(LABELS), CELL_TEXT, st.integers(-5, 10**6), st.floats(-1e6, 1e6)
)


@st.composite
def grids(draw):
    rows = draw(st.integers(1, 12))
    cols = draw(st.integers(1, 6))
    grid = [[draw(GRID_CELL) for _ in range(cols)] for _ in range(rows)]
    merges = []
    for _ in range(draw(st.integers(0, 3))):
        r0, c0 = draw(st.integers(0, rows - 1)), draw(st.integers(0, cols - 1))
        r1, c1 = draw(st.integers(r0, rows - 1)), draw(st.integers(c0, cols - 1))
        if (r1, c1) != (r0, c0):
            merges.append((r0, c0, r1, c1))
    return grid, merges


def write_grid(path: Path, grid, merges) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r, row in enumerate(grid, start=1):
        for c, value in enumerate(row, start=1):
            if isinstance(value, str):
                ws.cell(r, c).value = value
                ws.cell(r, c).data_type = "s"  # text stays text, even "=..."
            elif value is not None:
                ws.cell(r, c).value = value
    taken: set[tuple[int, int]] = set()
    for r0, c0, r1, c1 in merges:
        cells = {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        if cells & taken:
            continue
        taken |= cells
        ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    wb.save(path)
    return path


@fuzz(30)
@given(data=grids(), wanted=st.lists(st.sampled_from(LABELS[:6]), min_size=1, max_size=3))
def test_find_table_finds_a_table_or_says_table_not_found(tmp_path, data, wanted):
    grid, merges = data
    path = write_grid(tmp_path / "t.xlsx", grid, merges)
    with open_workbook(path) as book:
        sheet = book.sheet(0)
        try:
            table = find_table(sheet, wanted)
        except SheetError as err:
            assert err.code in ("table-not-found", "plugin-header-mismatch")
            return
        problems: list = []
        for row in table.rows:
            for column in table.columns:  # every cell of every row reads as a value or a problem
                assert isinstance(table.value(row, column, problems=problems), Value)
        assert {p.code for p in problems} <= NUMBER_CODES


# --------------------------------------------------------------------------------------------
# the standard-form reader over mutated valid forms

_ORIGINAL = FORM.read_bytes()


def flip_member_bytes(data: bytes, rng: random.Random, flips: int) -> bytes:
    """The zip with ``flips`` random bytes changed inside its (decompressed) members: the
    container stays a valid zip, so the damage reaches the XML readers."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        infos = zin.infolist()
        victims = {rng.choice(infos).filename for _ in range(rng.randint(1, 3))}
        for info in infos:
            body = bytearray(zin.read(info.filename))
            if info.filename in victims and body:
                for _ in range(flips):
                    body[rng.randrange(len(body))] = rng.randrange(256)
            zout.writestr(info.filename, bytes(body))
    return out.getvalue()


def read_standard_form(path: Path) -> None:
    """What the host does with a file: open, claim, read. Only SheetError may come out."""
    context = ReadContext(
        scheme=SCHEME, year=2007, plugin="standard-form", plugin_version="0", file=str(path)
    )
    try:
        with open_workbook(path) as book:
            if claim_form(book) is None:
                return
            submission = read_form(path, book, context)
    except SheetError as err:
        assert err.code in set(SHEET_ERROR_CODES) | FORM_CODES
        return
    assert submission.county and submission.year
    for key, value in submission.values.items():
        assert isinstance(value, Value), key
        assert value.amount is None or value.amount.is_finite()


@fuzz(60)
@given(seed=st.integers(0, 2**32 - 1), flips=st.integers(1, 40))
def test_the_form_reader_survives_byte_flips_inside_the_zip_members(tmp_path, seed, flips):
    path = tmp_path / "form.xlsx"
    path.write_bytes(flip_member_bytes(_ORIGINAL, random.Random(seed), flips))
    read_standard_form(path)


@fuzz(25)
@given(texts=st.lists(st.tuples(st.integers(0, 80), st.integers(0, 8), CELL_TEXT), min_size=1, max_size=25))
def test_the_form_reader_survives_random_cell_text(tmp_path, texts):
    import openpyxl

    wb = openpyxl.load_workbook(FORM)
    ws = wb.worksheets[0]
    for r, c, text in texts:
        cell = ws.cell(r + 1, c + 1)
        if type(cell).__name__ == "MergedCell":
            continue
        cell.value = text
        cell.data_type = "s"
    path = tmp_path / "form.xlsx"
    wb.save(path)
    read_standard_form(path)


def test_flip_member_bytes_really_damages_the_form():
    """The mutator is not a no-op: the members change, and some mutants no longer read."""
    changed = 0
    for seed in range(10):
        mutated = flip_member_bytes(_ORIGINAL, random.Random(seed), 30)
        with zipfile.ZipFile(io.BytesIO(mutated)) as z, zipfile.ZipFile(io.BytesIO(_ORIGINAL)) as o:
            changed += any(z.read(n) != o.read(n) for n in o.namelist())
    assert changed == 10
