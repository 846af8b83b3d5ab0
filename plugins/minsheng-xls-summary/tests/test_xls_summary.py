"""The xls-summary plugin reads real .xls files made by its own ``write_sample``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import minsheng_xls_summary as plugin
import pytest
import xlwt

from minsheng import County, Reporter, Submission, Value, ValueStatus, load_scheme
from minsheng.plugins import PluginHost, ReadContext, read_county_file
from minsheng.sheets import open_workbook
from minsheng.testing import example_values, submission_of

COUNTY = County("360121", "南昌县")
SCHEME = load_scheme("jiangxi-2007")
VALUES = example_values(SCHEME, seed=7)
TARGETS = {code: v * D("0.9") for code, v in VALUES.items()}

# where each indicator's 累计完成 sits in the layout (rows counted as in Excel)
CELLS = {
    "1.1": "E8", "1.2": "E9", "1.3": "E10",
    "2.1": "E12", "2.2": "E13", "2.3": "E14",
    "3.1": "E16", "3.2": "E17", "3.2.1": "E18", "3.2.2": "E19", "3.2.3": "E20",
    "4.1": "E23", "4.2": "E24", "4.3": "E25", "4.4": "E26",
    "5.1": "E28", "5.2": "E29", "5.3": "E30",
    "6.1": "E32", "6.2": "E33",
    "7.1": "E35", "7.2": "E36", "7.3": "E37", "7.4": "E39", "7.5": "E40", "7.V": "E41",
    "8.1": "E43", "8.2": "E44", "8.3": "E45",
    "9.1": "E47", "9.2": "E48", "9.3": "E49",
}  # fmt: skip


def make_sample(path: Path, values, *, targets=None, seed: int = 0) -> Path:
    """南昌县's summary holding ``values`` (see :func:`minsheng.testing.submission_of`)."""
    sub = submission_of(COUNTY, values, scheme=SCHEME, seed=seed, reported_on=dt.date(2008, 1, 8))
    return plugin.write_sample(path, sub, SCHEME, targets=targets, county_name=COUNTY.name, seed=seed)


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return make_sample(tmp_path / "汇总表.xls", VALUES, targets=TARGETS, seed=7)


def _context(path: Path) -> ReadContext:
    return ReadContext(scheme=SCHEME, year=2007, plugin="xls-summary", plugin_version="0.1.0", file=str(path))


def test_claims_its_own_layout_only(sample: Path, tmp_path: Path, minsheng_host: PluginHost) -> None:
    assert plugin.minsheng_claim(sample, open_workbook(sample)) == 0.9
    other = tmp_path / "other.xls"
    wb = xlwt.Workbook(encoding="utf-8")
    wb.add_sheet("汇总表").write(0, 0, "别的表")
    wb.save(str(other))
    assert plugin.minsheng_claim(other, open_workbook(other)) is None
    if "monthly-xlsx" not in minsheng_host.sample_writers():
        pytest.skip("the monthly-xlsx example plugin is not loaded")
    sub = submission_of(COUNTY, VALUES, scheme=SCHEME, reported_on=dt.date(2008, 1, 6))
    xlsx = minsheng_host.write_sample("monthly-xlsx", tmp_path / "m.xlsx", sub, SCHEME)
    assert plugin.minsheng_claim(xlsx, open_workbook(xlsx)) is None


def test_reads_every_indicator_with_units_and_cells(sample: Path) -> None:
    context = _context(sample)
    sub = plugin.minsheng_read(sample, open_workbook(sample), context)
    assert sub.county == "360121" and sub.year == 2007
    assert set(sub.values) == set(CELLS)
    for code, cell in CELLS.items():
        value = sub.values[code]
        assert value.status is ValueStatus.REPORTED, code
        assert value.amount == VALUES[code], code  # 万人 back to 人, exactly
        assert (value.provenance.file, value.provenance.sheet, value.provenance.cell) == (
            str(sample),
            "汇总表",
            cell,
        )
        assert (value.provenance.plugin, value.provenance.plugin_version) == ("xls-summary", "0.1.0")
    assert sub.reporter.unit == "南昌县劳动和社会保障局"
    assert sub.reporter.person and sub.reporter.phone.startswith("0791-")
    assert sub.reporter.date == dt.date(2008, 1, 8)
    assert context.problems == []


def test_blank_dash_and_garbage_cells(tmp_path: Path) -> None:
    values = dict(VALUES, **{"1.3": None, "4.2": "—", "5.2": "待统计", "3.2.1": VALUES["3.2"] + 1})
    path = make_sample(tmp_path / "b.xls", values, seed=7)
    context = _context(path)
    sub = plugin.minsheng_read(path, open_workbook(path), context)
    assert sub.values["1.3"].status is ValueStatus.MISSING and sub.values["1.3"].raw is None  # blank is not 0
    assert sub.values["4.2"].status is ValueStatus.NOT_APPLICABLE
    assert sub.values["5.2"].status is ValueStatus.MISSING and sub.values["5.2"].raw == "待统计"
    got = {(p.code, p.cell) for p in context.problems}
    assert ("not-a-number", "E29") in got  # 5.2
    assert ("parts-exceed-total", "E17") in got  # 3.2's parts exceed it
    assert ("subtotal-mismatch", "E21") not in got  # 小计 is recomputed by the maker


def test_wrong_subtotal_is_reported(tmp_path: Path) -> None:
    path = make_sample(tmp_path / "s.xls", VALUES, seed=7)
    # rewrite the 小计 cell as a county would mistype it: same file, one cell changed by xlwt
    book = open_workbook(path)
    sheet = book.sheet("汇总表")
    rows = [[c.value for c in r] for r in sheet.rows()]
    rows[20][4] = 999.0  # E21, the 小计 of group 3
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("汇总表")
    for m in sheet.merged:
        ws.write_merge(m.first_row, m.last_row, m.first_col, m.last_col, rows[m.first_row][m.first_col])
    merged = {
        (r, c)
        for m in sheet.merged
        for r in range(m.first_row, m.last_row + 1)
        for c in range(m.first_col, m.last_col + 1)
    }
    for r, line in enumerate(rows):
        for c, v in enumerate(line):
            if v is not None and (r, c) not in merged:
                ws.write(r, c, v)
    changed = tmp_path / "s2.xls"
    wb.save(str(changed))
    context = _context(changed)
    plugin.minsheng_read(changed, open_workbook(changed), context)
    assert [(p.code, p.cell) for p in context.problems] == [("subtotal-mismatch", "E21")]


def test_through_the_plugin_host(sample: Path) -> None:
    host = PluginHost.load()
    assert "xls-summary" in {i.name for i in host.plugins()}
    result = read_county_file(sample, year=2007)
    assert result.plugin == "xls-summary", result.problems
    assert result.submission is not None and result.submission.county == "360121"
    v = result.submission.values["5.1"]
    assert v.amount == VALUES["5.1"] and v.provenance.cell == "E28" and v.provenance.plugin == "xls-summary"


def test_the_sample_maker_is_deterministic(tmp_path: Path) -> None:
    a = make_sample(tmp_path / "a.xls", VALUES, seed=3)
    b = make_sample(tmp_path / "b.xls", VALUES, seed=3)
    assert a.read_bytes() == b.read_bytes()


def _submission() -> Submission:
    values = {code: Value.of(v) for code, v in example_values(SCHEME, seed=21).items()}
    values["1.3"] = Value.missing()
    values["4.2"] = Value.not_applicable(raw="—")
    return Submission(
        county="360124",
        year=2007,
        values=values,
        reporter=Reporter("进贤县劳动和社会保障局", "周海燕", "0791-5671234", dt.date(2008, 1, 7)),
        submitted_on=dt.date(2008, 1, 7),
    )


def test_write_sample_round_trip_through_the_host(tmp_path: Path) -> None:
    host = PluginHost.load()
    assert "xls-summary" in host.sample_writers()
    sub = _submission()
    path = host.write_sample("xls-summary", tmp_path / "进贤县.xlsx", sub, SCHEME)
    assert path == tmp_path / "进贤县.xls"  # the layout is Excel 97-2003
    assert host.claim(path).plugin == "xls-summary"
    result = host.read(path, "xls-summary", SCHEME, 2007)
    assert result.problems == ()
    back = result.submission
    assert (back.county, back.year, back.reporter) == ("360124", 2007, sub.reporter)
    assert set(back.values) == set(sub.values) == set(CELLS)
    for code, value in sub.values.items():
        got = back.values[code]
        assert (got.status, got.amount) == (value.status, value.amount), code
        where = got.provenance
        assert (where.file, where.sheet, where.cell) == (str(path), "汇总表", CELLS[code]), code
        assert (where.plugin, where.plugin_version) == ("xls-summary", "0.1.0")
    assert back.values["4.2"].raw == "—" and back.values["1.3"].raw is None


def test_write_sample_leaves_out_what_the_submission_lacks_and_is_deterministic(tmp_path: Path) -> None:
    sub = _submission()
    sub = Submission(sub.county, sub.year, {c: v for c, v in sub.values.items() if c not in ("6.2", "3.2.2")})
    a = plugin.write_sample(tmp_path / "a.xls", sub, SCHEME)
    b = plugin.write_sample(tmp_path / "b.xls", sub, SCHEME)
    assert a.read_bytes() == b.read_bytes()
    back = plugin.minsheng_read(a, open_workbook(a), _context(a))
    assert set(back.values) == set(sub.values)
    assert all(back.values[c].amount == v.amount for c, v in sub.values.items())
    other = plugin.write_sample(tmp_path / "c.xls", sub, SCHEME, seed=1)  # another 上半年 split
    assert other.read_bytes() != a.read_bytes()
