"""The monthly-xlsx plugin reads real .xlsx files made by its own ``write_sample``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import minsheng_monthly_xlsx as plugin
import pytest

from minsheng import County, Reporter, Submission, Value, ValueStatus, load_scheme
from minsheng.plugins import PluginHost, ReadContext, read_county_file
from minsheng.sheets import column_letter, open_workbook
from minsheng.testing import example_values, submission_of

COUNTY = County("360121", "南昌县")
SCHEME = load_scheme("jiangxi-2007")
VALUES = example_values(SCHEME, seed=11)
SCORES = {ind.code: ind.weight - D("0.5") for ind in SCHEME.indicators if ind.weight > 1}


def expected_cells(month: int) -> dict[str, tuple[str, str]]:
    """Indicator code → (sheet, cell) in the layout: one sheet per group, indicators from row 4."""
    out = {}
    for group in SCHEME.groups:
        for i, ind in enumerate(group.indicators):
            out[ind.code] = (f"{group.code}{group.name}", f"{column_letter(3 + month)}{4 + i}")
    return out


def _context(path: Path) -> ReadContext:
    return ReadContext(
        scheme=SCHEME, year=2007, plugin="monthly-xlsx", plugin_version="0.1.0", file=str(path)
    )


def make_sample(
    path: Path, values, *, self_scores=None, self_total=None, months: int = 12, errors=None, seed: int = 0
) -> Path:
    """南昌县's workbook up to month ``months`` (see :func:`minsheng.testing.submission_of`)."""
    sub = submission_of(
        COUNTY,
        values,
        scheme=SCHEME,
        seed=seed,
        reported_on=dt.date(2008, 1, 6),
        month=months,
        self_scores=self_scores,
        self_total=self_total,
    )
    return plugin.write_sample(path, sub, SCHEME, errors=errors, county_name=COUNTY.name, seed=seed)


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return make_sample(tmp_path / "逐月.xlsx", VALUES, self_scores=SCORES, self_total=D("91.5"), seed=11)


def test_claims_its_own_layout_only(sample: Path, tmp_path: Path, minsheng_host: PluginHost) -> None:
    assert plugin.minsheng_claim(sample, open_workbook(sample)) == 0.9
    if not {"xls-summary", "roster"} <= set(minsheng_host.sample_writers()):
        pytest.skip("the xls-summary and roster example plugins are not both loaded")
    sub = submission_of(COUNTY, VALUES, scheme=SCHEME, reported_on=dt.date(2008, 1, 8))
    xls = minsheng_host.write_sample("xls-summary", tmp_path / "s.xls", sub, SCHEME)
    assert plugin.minsheng_claim(xls, open_workbook(xls)) is None
    sub = submission_of(COUNTY, {"3.1": 3, "5.1": 5}, scheme=SCHEME, reported_on=dt.date(2008, 1, 10))
    roster = minsheng_host.write_sample("roster", tmp_path / "r.xlsx", sub, SCHEME)
    assert plugin.minsheng_claim(roster, open_workbook(roster)) is None


def test_year_end_values_are_december_with_self_scores_and_cells(sample: Path) -> None:
    context = _context(sample)
    sub = plugin.minsheng_read(sample, open_workbook(sample), context)
    assert (sub.county, sub.year, sub.month) == ("360121", 2007, 12)
    cells = expected_cells(12)
    assert set(sub.values) == set(cells)
    for code, (sheet, cell) in cells.items():
        value = sub.values[code]
        assert value.status is ValueStatus.REPORTED, code
        assert value.amount == VALUES[code], code
        assert (value.provenance.sheet, value.provenance.cell) == (sheet, cell), code
        assert value.provenance.file == str(sample) and value.provenance.plugin == "monthly-xlsx"
    assert sub.self_scores == SCORES
    assert sub.self_total == D("91.5")
    assert sub.reporter.unit == "南昌县劳动和社会保障局" and sub.reporter.date == dt.date(2008, 1, 6)
    assert context.problems == []


def test_a_september_workbook_is_a_september_report(tmp_path: Path) -> None:
    path = make_sample(tmp_path / "9.xlsx", VALUES, months=9, seed=11)
    sub = plugin.minsheng_read(path, open_workbook(path), _context(path))
    assert sub.month == 9
    assert sub.values["1.1"].amount == VALUES["1.1"]
    assert sub.values["1.1"].provenance.cell == "M4"  # the 9月 column


def test_blank_december_is_missing_not_november_and_error_cells_are_reported(tmp_path: Path) -> None:
    values = dict(VALUES, **{"1.3": None, "7.V": "—"})
    path = make_sample(tmp_path / "e.xlsx", values, errors={"5.1": "#DIV/0!"})
    context = _context(path)
    sub = plugin.minsheng_read(path, open_workbook(path), context)
    assert sub.month == 12
    assert sub.values["1.3"].status is ValueStatus.MISSING and sub.values["1.3"].raw is None
    assert sub.values["7.V"].status is ValueStatus.NOT_APPLICABLE
    assert sub.values["5.1"].status is ValueStatus.MISSING and sub.values["5.1"].raw == "#DIV/0!"
    assert [(p.code, p.sheet, p.cell, p.plugin) for p in context.problems] == [
        ("error-cell", "5激励就业", "P4", "monthly-xlsx")
    ]


def test_through_the_plugin_host(sample: Path) -> None:
    result = read_county_file(sample, year=2007)
    assert result.plugin == "monthly-xlsx", result.problems
    sub = result.submission
    assert sub is not None and sub.month == 12 and sub.values["3.2.2"].amount == VALUES["3.2.2"]
    assert sub.values["3.2.2"].provenance.cell == "P7"


def test_the_sample_maker_is_deterministic(tmp_path: Path) -> None:
    def cells(path: Path) -> list:
        book = open_workbook(path)
        return [[c.value for c in r] for s in book for r in s.rows()]

    a = make_sample(tmp_path / "a.xlsx", VALUES, self_scores=SCORES, seed=3)
    b = make_sample(tmp_path / "b.xlsx", VALUES, self_scores=SCORES, seed=3)
    assert cells(a) == cells(b)


def _submission(month: int = 12) -> Submission:
    values = {code: Value.of(v) for code, v in example_values(SCHEME, seed=23).items()}
    values["1.3"] = Value.missing()
    values["7.V"] = Value.not_applicable(raw="—")
    del values["6.2"]  # worked out from the report date: a layout need not carry it
    return Submission(
        county="360281",
        year=2007,
        month=month,
        values=values,
        reporter=Reporter("乐平市劳动和社会保障局", "程桂英", "0798-6812345", dt.date(2008, 1, 5)),
        self_scores={code: D(ind_weight) - D("0.25") for code, ind_weight in _weights().items()},
        self_total=D("88.75"),
        submitted_on=dt.date(2008, 1, 5),
    )


def _weights() -> dict[str, D]:
    return {ind.code: ind.weight for ind in SCHEME.indicators if ind.weight >= 1 and ind.code != "6.2"}


@pytest.mark.parametrize("month", [12, 9])
def test_write_sample_round_trip_through_the_host(tmp_path: Path, month: int) -> None:
    host = PluginHost.load()
    assert "monthly-xlsx" in host.sample_writers()
    sub = _submission(month)
    path = host.write_sample("monthly-xlsx", tmp_path / "乐平市.xlsx", sub, SCHEME)
    assert path == tmp_path / "乐平市.xlsx"
    assert host.claim(path).plugin == "monthly-xlsx"
    result = host.read(path, "monthly-xlsx", SCHEME, 2007)
    assert result.problems == ()
    back = result.submission
    assert (back.county, back.year, back.month, back.reporter) == ("360281", 2007, month, sub.reporter)
    assert (back.self_scores, back.self_total) == (sub.self_scores, sub.self_total)
    assert set(back.values) == set(sub.values)
    month_col = column_letter(3 + month)
    for code, value in sub.values.items():
        got = back.values[code]
        assert (got.status, got.amount) == (value.status, value.amount), code
        where = got.provenance
        assert (where.file, where.plugin, where.plugin_version) == (str(path), "monthly-xlsx", "0.1.0")
        assert where.sheet.startswith(SCHEME.group_of(code).code) and where.cell.startswith(month_col), code
    assert back.values["7.V"].raw == "—" and back.values["1.3"].raw is None
    assert back.values["1.1"].provenance.cell == f"{month_col}4"  # first row of 1扩大就业
    assert back.values["7.1"].provenance.sheet == "7扩面征缴"


def test_write_sample_is_deterministic(tmp_path: Path) -> None:
    a = plugin.write_sample(tmp_path / "a.xlsx", _submission(), SCHEME)
    b = plugin.write_sample(tmp_path / "b.xlsx", _submission(), SCHEME)
    assert a.read_bytes() == b.read_bytes()
    c = plugin.write_sample(tmp_path / "c.xlsx", _submission(), SCHEME, seed=1)  # other monthly figures
    assert c.read_bytes() != a.read_bytes()


def test_a_cover_without_a_six_digit_county_code_is_not_guessed(tmp_path: Path) -> None:
    import openpyxl

    path = make_sample(tmp_path / "m.xlsx", VALUES)
    book = openpyxl.load_workbook(path)
    [code_cell] = [r[1] for r in book["封面"].iter_rows(max_col=2) if r[0].value == "行政区划代码"]
    assert str(code_cell.value) == "360121"
    code_cell.value = "36012"
    book.save(tmp_path / "no-code.xlsx")
    result = read_county_file(
        tmp_path / "no-code.xlsx", "monthly-xlsx", scheme_source="jiangxi-2007", year=2007
    )
    assert result.submission is None
    assert [(p.code, p.sheet) for p in result.problems] == [("no-county-code", "封面")]
