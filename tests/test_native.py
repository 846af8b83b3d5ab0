"""The C scans of ``minsheng.sheets._native`` give what the pure-Python scans give.

The pure-Python scans are the reference; each C function is compared with the Python it replaces
on crafted and random input, and whole files are read both ways. The tests run wherever the
extension was built; tox sets MINSHENG_REQUIRE_NATIVE=1, so CI fails if it was not.
"""

from __future__ import annotations

import os
import random
import re
import struct
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minsheng.limits import Limits
from minsheng.sheets import _accel, _ole, _prescan, _scan_biff, open_workbook
from minsheng.sheets.errors import SheetError
from minsheng.sheets.refs import column_index

native = _accel.scans
needs_native = pytest.mark.skipif(native is None, reason="minsheng.sheets._native was not built")
ROOT = Path(__file__).resolve().parent.parent


def test_the_extension_is_built_where_required():
    """tox asks for it (MINSHENG_REQUIRE_NATIVE=1): a build that fell back to Python fails here."""
    if os.environ.get("MINSHENG_REQUIRE_NATIVE") != "1":
        pytest.skip("MINSHENG_REQUIRE_NATIVE is not set")
    assert native is not None, "minsheng.sheets._native was not built (is a C compiler installed?)"


# --------------------------------------------------------------------------------------------
# one block of an XML part: depth, "<!", candidate literals, and for sheets the counts and extent

_PLAIN = re.compile(_prescan._PLAIN_REF.pattern)


def python_block(data: bytes, depth: int, limit: int, chunk: int, prefix: bytes | None):
    """What _prescan._scan_part computes on a block in Python: the reference for scan_block."""
    counter = _prescan._Depth(limit)
    counter.depth = depth
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_prescan, "_CHUNK", chunk)
        ok = counter.feed(data)
    head = (counter.depth if ok else -1, b"<!" in data, _prescan._has_literal(data))
    if prefix is None:
        return (*head, 0, 0, 0, 0, 0, 0)
    p = prefix
    rows = data.count(b"<" + p + b"row")
    cells = data.count(b"<" + p + b"c ") + data.count(b"<" + p + b"c>")
    plain = data.count(b'<c r="') if not p else 0
    far_row = far_col = 0
    if not p:
        for col, row in _PLAIN.findall(data):
            far_row = max(far_row, int(row))
            far_col = max(far_col, column_index(col.decode()) + 1)
    valued = data.count(b"</" + p + b"c>")
    return (*head, rows, cells, plain, far_row, far_col, valued)


BITS = st.lists(
    st.one_of(
        st.sampled_from(
            [
                b"<",
                b">",
                b"/",
                b"?",
                b"!",
                b":",
                b"f",
                b"e",
                b'"',
                b"'",
                b" ",
                b"<a>",
                b"</a>",
                b"<a/>",
                b"<?x?>",
                b"<!-- -->",
                b"<!DOCTYPE x>",
                b"</>",
                b"<>",
                b'<c r="',
                b"<c ",
                b"<c>",
                b"<row",
                b"<x:row",
                b"<x:c ",
                b"<x:c>",
                b"<f>",
                b"<x:f",
                b' t="e"',
                b' s="1"',
                b"<v>1</v></c>",
                b"</row>",
                b"</c>",
                b"</x:c>",
                b"</>",
                b"e",
                b"\xe4\xb8\xad",
            ]
        ),
        st.text("ABXZ", min_size=1, max_size=6).map(str.encode),
        st.text("0123456789", min_size=1, max_size=10).map(str.encode),
    ),
    max_size=150,
).map(b"".join)


@needs_native
@settings(max_examples=600, deadline=None)
@given(
    data=BITS,
    depth=st.integers(0, 30),
    limit=st.integers(0, 40),
    chunk=st.integers(1, 64),
    prefix=st.sampled_from([None, b"", b"x:", b"main:"]),
)
def test_scan_block_matches_python(data, depth, limit, chunk, prefix):
    assert native.scan_block(data, depth, limit, chunk, prefix) == python_block(
        data, depth, limit, chunk, prefix
    )


@needs_native
def test_scan_block_on_deep_documents():
    rng = random.Random(7)
    for _ in range(200):
        parts = []
        for _ in range(rng.randint(1, 40)):
            n = rng.randint(0, 300)
            inner = rng.choice([b"<v>1</v>", b"<c/>", b"a > b", b"</y>", b"<!x>"])
            parts.append(b"<x>" * n + inner + b"</x>" * rng.randint(0, n))
        data = b"".join(parts)
        limit = rng.randint(1, 400)
        assert native.scan_block(data, 0, limit, 4096, None) == python_block(data, 0, limit, 4096, None)


@needs_native
def test_scan_block_on_rows_of_cells():
    rng = random.Random(11)
    for _ in range(100):
        cells = []
        for _ in range(rng.randint(0, 300)):
            col = "".join(rng.choice("ABCDEFXYZ") for _ in range(rng.randint(1, 5)))
            row = str(rng.randint(0, 10**9)).zfill(rng.randint(1, 3))
            tail = rng.choice(['"', '" s="2"', '" t="s"/', '"/', "", '" a="<"', '" t="e"'])
            cells.append(f'<row r="{row}"><c r="{col}{row}{tail}><v>1</v></c></row>')
        data = "".join(cells).encode()
        for prefix in (b"", None):
            assert native.scan_block(data, 0, 1000, 4096, prefix) == python_block(data, 0, 1000, 4096, prefix)


# --------------------------------------------------------------------------------------------
# BIFF records


def record(typ: int, body: bytes) -> bytes:
    return struct.pack("<HH", typ, len(body)) + body


@st.composite
def biff_streams(draw):
    rows = []
    xfs = draw(st.frozensets(st.integers(0, 40), max_size=5))
    for _ in range(draw(st.integers(0, 40))):
        kind = draw(st.sampled_from(["number", "rk", "mulrk", "formula", "boolerr", "other", "short", "eof"]))
        r, c, xf = draw(st.integers(0, 65535)), draw(st.integers(0, 300)), draw(st.integers(0, 45))
        if kind == "number":
            rows.append(record(_scan_biff._NUMBER, struct.pack("<HHHd", r, c, xf, 1.5)))
        elif kind == "rk":
            rows.append(record(_scan_biff._RK, struct.pack("<HHHI", r, c, xf, 3)))
        elif kind == "mulrk":
            n = draw(st.integers(0, 4))
            body = struct.pack("<HH", r, c) + b"".join(
                struct.pack("<HI", draw(st.integers(0, 45)), 5) for _ in range(n)
            )
            rows.append(record(_scan_biff._MULRK, body + struct.pack("<H", c + n)))
        elif kind == "formula":
            result = draw(
                st.sampled_from(
                    [
                        b"\x02\x00\x07\x00\x00\x00\xff\xff",
                        b"\x03\x00\x00\x00\x00\x00\xff\xff",
                        struct.pack("<d", 2.0),
                    ]
                )
            )
            rows.append(record(_scan_biff._FORMULA, struct.pack("<HHH", r, c, xf) + result + b"\x00" * 6))
        elif kind == "boolerr":
            rows.append(
                record(_scan_biff._BOOLERR, struct.pack("<HHHBB", r, c, xf, 0x2A, draw(st.integers(0, 1))))
            )
        elif kind == "other":
            rows.append(record(draw(st.integers(0, 0xFFFF)), draw(st.binary(max_size=12))))
        elif kind == "short":
            rows.append(
                record(
                    draw(st.sampled_from([_scan_biff._NUMBER, _scan_biff._MULRK, _scan_biff._FORMULA])),
                    b"\x01\x00",
                )
            )
        else:
            rows.append(record(_scan_biff._EOF, b""))
    stream = record(_scan_biff._BOF, b"\x00\x06\x10\x00") + b"".join(rows)
    cut = draw(st.integers(0, 7))  # a truncated last record sometimes
    return stream[: len(stream) - cut] if cut < len(stream) else stream, xfs


@needs_native
@settings(max_examples=400, deadline=None)
@given(case=biff_streams())
def test_biff_scan_matches_python(case):
    stream, xfs = case
    got = _scan_biff.scan_biff_sheet(stream, 0, xfs)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_accel, "scans", None)
        assert got == _scan_biff.scan_biff_sheet(stream, 0, xfs)


# --------------------------------------------------------------------------------------------
# whole files, both ways


def every_file() -> list[Path]:
    found = sorted((ROOT / "tests" / "corpus" / "files").iterdir())
    found += sorted((ROOT / "examples" / "jiangxi-2007" / "报表").rglob("*.xls*"))[:30]
    return [p for p in found if p.is_file()]


def read_all(path: Path):
    """What minsheng.sheets makes of a file: its sheets' grids, flags and percents, or the error."""
    try:
        with open_workbook(path) as book:
            return [(s.name, s.grid(), dict(s.flags), sorted(s.percent)) for s in book]
    except SheetError as err:
        return ("error", err.code, str(err))


@needs_native
@pytest.mark.parametrize("path", every_file(), ids=lambda p: p.name)
def test_files_read_the_same_without_the_extension(path, monkeypatch):
    with_c = read_all(path)
    monkeypatch.setattr(_accel, "scans", None)
    assert read_all(path) == with_c


@needs_native
def test_the_limit_checks_refuse_the_same_parts(tmp_path, monkeypatch):
    """Far cells, a prefixed sheet and deep nesting: the same verdict with and without C."""
    body = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + b"".join(b'<row r="%d"><c r="B%d"><v>1</v></c></row>' % (i, i) for i in range(1, 3000))
        + b'<row r="2000000"><c r="C2000000"><v>1</v></c></row></sheetData></worksheet>'
    )
    deep = b"<worksheet>" + b"<x>" * 5000 + b"</x>" * 5000 + b"</worksheet>"
    prefixed = (
        body.replace(b"<row", b"<m:row").replace(b"<c ", b"<m:c ").replace(b"<worksheet", b"<m:worksheet")
    )
    for name, sheet in (("far", body), ("deep", deep), ("prefixed", prefixed)):
        path = tmp_path / f"{name}.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("xl/worksheets/sheet1.xml", sheet)
        verdicts = []
        for scans in (native, None):
            monkeypatch.setattr(_accel, "scans", scans)
            with zipfile.ZipFile(path) as zf:
                try:
                    verdicts.append(("ok", _prescan.scan_zip_xml(zf, str(path), Limits())))
                except SheetError as err:
                    verdicts.append((err.code, str(err)))
        assert verdicts[0] == verdicts[1], name
        assert verdicts[0][0] != "ok", name


# --------------------------------------------------------------------------------------------
# the OLE reader's run-by-run chain (pure Python) against the sector-by-sector one


@settings(max_examples=400, deadline=None)
@given(
    n_sectors=st.integers(1, 40),
    links=st.lists(
        st.one_of(st.integers(0, 45), st.sampled_from(sorted(_ole._SPECIAL))), min_size=1, max_size=45
    ),
    runs=st.booleans(),
    start=st.integers(0, 44),
    size=st.integers(0, 50 * 512),
    cut=st.integers(0, 2000),
)
def test_fat_chain_matches_the_sector_walk(n_sectors, links, runs, start, size, cut):
    ole = _ole.OleFile.__new__(_ole.OleFile)
    ole.sector_size = 512
    ole.n_sectors = n_sectors
    ole.fat = [i + 1 for i in range(len(links))] if runs else list(links)
    if runs:  # mostly consecutive, as writers lay streams out, with the drawn links spliced in
        for i, link in enumerate(links[::3]):
            ole.fat[(i * 7) % len(ole.fat)] = link
    body = random.Random(n_sectors).randbytes(512 * (n_sectors + 1))
    ole.data = body[: max(len(body) - cut, 0)]

    def outcome(fn):
        try:
            return fn()
        except _ole.OleFormatError as err:
            return ("error", str(err))

    expected = outcome(lambda: ole._chain_bytes(start, ole.fat, 512, ole._sector, size))
    assert outcome(lambda: ole._fat_chain(start, size)) == expected


def test_fat_chain_matches_the_sector_walk_on_long_runs():
    """Streams of thousands of sectors (the FAT compared slice by slice, in growing chunks), with
    a few links broken, looping, or pointing past the table or the file."""
    rng = random.Random(5)

    def outcome(fn, *args):
        try:
            return fn(*args)
        except _ole.OleFormatError as err:
            return ("error", str(err))

    for _ in range(300):
        ole = _ole.OleFile.__new__(_ole.OleFile)
        ole.sector_size = 512
        ole.n_sectors = rng.randint(1, 3000)
        length = rng.randint(1, 3200)
        ole.fat = [i + 1 for i in range(length)]
        for _ in range(rng.randint(0, 6)):
            ole.fat[rng.randrange(length)] = rng.choice(
                [rng.randrange(3300), rng.randrange(length), *sorted(_ole._SPECIAL)]
            )
        body = rng.randbytes(512 * (ole.n_sectors + 1))
        ole.data = body[: max(len(body) - rng.randint(0, 3000), 0)]
        start, size = rng.randrange(length + 5), rng.randint(0, 512 * 3300)
        expected = outcome(ole._chain_bytes, start, ole.fat, 512, ole._sector, size)
        assert outcome(ole._fat_chain, start, size) == expected


# --------------------------------------------------------------------------------------------
# roster rows: the common rows counted in C, every other row by read_roster's loop


@needs_native
@settings(max_examples=300, deadline=None)
@given(text=st.text("0123456789Xx", min_size=17, max_size=19), year=st.integers(1860, 2010))
def test_plain_id_valid_agrees_with_check_id(text, year):
    import datetime as dt

    from minsheng.sheets.idcard import check_id

    as_of = dt.date(year, 12, 31)
    got = native.plain_id_valid(text, int(f"{as_of:%Y%m%d}"))
    plain = len(text) == 18 and text[:17].isdigit() and (text[17].isdigit() or text[17] == "X")
    assert (got is not None) == plain
    if plain:
        assert got == (check_id(text, as_of)[0] is not None)


def roster_results(grid, flags, runs):
    """Each run's serialised Roster over grid, with the C rows and without them."""
    import test_roster_speed_identity as rsi

    from minsheng.sheets import find_table
    from minsheng.sheets.roster import read_roster

    def run_all():
        table = find_table(rsi.make_sheet(grid, flags), ["身份证号"])
        return {
            name: rsi.serialise(read_roster(table, id_column="身份证号", as_of=rsi.AS_OF, **kwargs))
            for name, kwargs in runs.items()
        }

    calls = []
    real = native.roster_rows

    def counting(*args):
        done = real(*args)
        calls.append(done)
        return done

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(native, "roster_rows", counting)
        with_c = run_all()
        mp.setattr(_accel, "scans", None)
        without = run_all()
    return with_c, without, sum(calls)


@needs_native
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_roster_rows_count_what_the_loop_counts(seed):
    """Long runs of common rows broken by every kind of other row, from the roster identity tests'
    messy sheets: the same Roster (counts, categories, cells, problems in order) both ways."""
    import datetime as dt

    import test_roster_speed_identity as rsi

    rng = random.Random(seed)
    grid, flags = rsi.messy_grid(seed, 1500, ending="footer-elsewhere")
    clean = []
    used: set[str] = set()
    for i in range(3000):
        ident = rsi.valid_id(rng, dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20000)))
        if ident in used:
            continue
        used.add(ident)
        day = dt.date(2007, 1, 1) + dt.timedelta(days=rng.randrange(365))
        clean.append([i, "某", ident, rng.choice(["阳光工程", "金蓝领工程", "雨露工程"]), day, 1000.0])
    # the clean rows first, the messy ones (duplicates of clean IDs among them) after
    for row in rng.sample(clean, 50):
        clean.append(list(row))
    body = clean + grid[2:]
    with_c, without, in_c = roster_results(grid[:2] + body, flags, rsi.RUNS)
    assert with_c == without
    assert in_c > 2000  # the clean rows went through C


@needs_native
def test_roster_rows_with_more_categories_than_it_keeps():
    """Forty categories (roster_rows keeps the counts of 32 itself in one call and adds them to
    by_category when it returns): every row counted once, in its own category, as a plain loop
    counts them; a category that by_category does not hold stops the run at its row."""
    import datetime as dt

    import test_roster_speed_identity as rsi

    rng = random.Random(3)
    texts = [f"类别{k}" for k in range(40)]
    cat_cache = {t: f"key{k % 37}" for k, t in enumerate(texts)}  # some texts share a key
    cat_cache["未列入"] = "key-missing"
    grid = [["序号", "身份证号", "类别", "日期"]]
    for i in range(4000):
        text = rng.choice(texts) if rng.random() > 0.002 else "未列入"
        day = dt.date(2007, 1, 1) + dt.timedelta(days=rng.randrange(365))
        grid.append([i, rsi.valid_id(rng), text, day])
    seen: dict[str, int] = {}
    by_category = {f"key{k}": 0 for k in range(37)}
    r, end, calls, by_python = 1, len(grid), 0, 0
    while r < end:
        done = native.roster_rows(grid, r, end, 1, 3, 2, 2007, 20081231, seen, cat_cache, by_category)
        calls += 1
        if done == 0:  # the loop's row: counted here if its category is known
            key = cat_cache[grid[r][2]]
            if key in by_category:
                by_category[key] += 1
                seen[grid[r][1]] = r
                by_python += 1
            r += 1
        r += done
    expected = {f"key{k}": 0 for k in range(37)}
    for line in grid[1:]:
        key = cat_cache[line[2]]
        if key in expected:
            expected[key] += 1
    assert by_category == expected
    assert len(seen) == sum(expected.values())
    unknown = sum(line[2] == "未列入" for line in grid[1:])
    assert by_python == 0 and unknown > 0
    assert calls > 2 * unknown + 1  # runs broken by the 33rd category too, not only by the unknown one
