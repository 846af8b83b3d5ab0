"""The roster plugin aggregates real rosters made by its own ``write_sample``."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal as D
from pathlib import Path

import minsheng_roster as plugin
import openpyxl
import pytest

from minsheng import County, Reporter, Severity, Submission, Value, ValueStatus, load_scheme
from minsheng.plugins import PluginHost, ReadContext, read_county_file
from minsheng.sheets import open_workbook
from minsheng.testing import example_values, submission_of

COUNTY = County("360121", "南昌县")
SCHEME = load_scheme("jiangxi-2007")
VALUES = dict(
    example_values(SCHEME, seed=5),
    **{
        "3.1": D(1500),
        "3.2.1": D(2100),
        "3.2.2": D(900),
        "3.2.3": D(300),
        "3.2": D(3300),
        "5.1": D("812.35"),
    },
)
TRAINEES = 1500 + 3300


def _context(path: Path) -> ReadContext:
    return ReadContext(scheme=SCHEME, year=2007, plugin="roster", plugin_version="0.1.0", file=str(path))


def make_sample(path: Path, values, *, seed: int = 0) -> Path:
    """南昌县's rosters for ``values`` (3.2 must be the sum of 3.2.1–3.2.3), with the rows the plugin
    must not count (``noise``): a trainee entered twice, a bad 身份证号, last year's loan."""
    sub = submission_of(COUNTY, values, scheme=SCHEME, seed=seed, reported_on=dt.date(2008, 1, 10))
    return plugin.write_sample(path, sub, SCHEME, noise=True, county_name=COUNTY.name, seed=seed)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_sample(tmp_path_factory.mktemp("roster") / "花名册.xlsx", VALUES, seed=5)


def test_claims_its_own_layout_only(sample: Path, tmp_path: Path, minsheng_host: PluginHost) -> None:
    assert plugin.minsheng_claim(sample, open_workbook(sample)) == 0.95
    if "monthly-xlsx" not in minsheng_host.sample_writers():
        pytest.skip("the monthly-xlsx example plugin is not loaded")
    sub = submission_of(COUNTY, VALUES, scheme=SCHEME, reported_on=dt.date(2008, 1, 6))
    other = minsheng_host.write_sample("monthly-xlsx", tmp_path / "m.xlsx", sub, SCHEME)
    assert plugin.minsheng_claim(other, open_workbook(other)) is None


def test_rosters_become_counts_and_sums_with_ranges_as_provenance(sample: Path) -> None:
    context = _context(sample)
    sub = plugin.minsheng_read(sample, open_workbook(sample), context)
    assert (sub.county, sub.year) == ("360121", 2007)
    last_trainee = 2 + TRAINEES + 2  # header on row 2, plus a duplicate row and a bad-ID row
    expected = {
        "3.1": ("培训花名册", f"E3:E{last_trainee}", D(1500)),
        "3.2": ("培训花名册", f"E3:E{last_trainee}", D(3300)),
        "3.2.1": ("培训花名册", f"E3:E{last_trainee}", D(2100)),
        "3.2.2": ("培训花名册", f"E3:E{last_trainee}", D(900)),
        "3.2.3": ("培训花名册", f"E3:E{last_trainee}", D(300)),
    }
    for code, (sheet, cells, amount) in expected.items():
        v = sub.values[code]
        assert v.status is ValueStatus.REPORTED and v.amount == amount, code
        assert (v.provenance.file, v.provenance.sheet, v.provenance.cell) == (str(sample), sheet, cells), code
        assert v.provenance.plugin == "roster"
    loans = sub.values["5.1"]
    last_loan = openpyxl.load_workbook(sample, read_only=True)["小额贷款台帐"].max_row
    assert loans.amount == D("812.35")  # in 万元, the 2006 loan left out
    assert (loans.provenance.sheet, loans.provenance.cell) == ("小额贷款台帐", f"D3:D{last_loan}")


def test_summary_sheet_gives_the_rest(sample: Path) -> None:
    sub = plugin.minsheng_read(sample, open_workbook(sample), _context(sample))
    rest = {ind.code for ind in SCHEME.indicators} - set(plugin.FROM_ROSTERS)
    for row, code in enumerate(sorted(rest, key=[i.code for i in SCHEME.indicators].index), start=6):
        v = sub.values[code]
        assert v.amount == VALUES[code], code
        assert (v.provenance.sheet, v.provenance.cell) == ("汇总表", f"D{row}"), code
    assert sub.reporter.unit == "南昌县劳动和社会保障局" and sub.reporter.date == dt.date(2008, 1, 10)


def test_bad_and_duplicate_ids_are_reported_masked(sample: Path) -> None:
    context = _context(sample)
    plugin.minsheng_read(sample, open_workbook(sample), context)
    codes = sorted((p.code, p.sheet) for p in context.problems)
    assert codes == [
        ("duplicate-id", "培训花名册"),
        ("invalid-id", "培训花名册"),
        ("out-of-year", "小额贷款台帐"),
    ]
    full_id = re.compile(r"\d{17}[\dX]")
    for p in context.problems:
        assert p.file == str(sample) and p.plugin == "roster" and p.cell
        assert not full_id.search(p.message), p.message
    dup = next(p for p in context.problems if p.code == "duplicate-id")
    assert dup.severity is Severity.WARNING and re.search(r"3601\d\d\*{8}[\dX]{4}", dup.message)


def test_through_the_plugin_host(sample: Path) -> None:
    result = read_county_file(sample, year=2007)
    assert result.plugin == "roster"
    assert result.submission is not None and result.submission.values["3.2"].amount == D(3300)
    assert {p.code for p in result.problems} >= {"duplicate-id", "invalid-id"}


def test_the_sample_maker_is_deterministic(tmp_path: Path) -> None:
    small = dict(
        VALUES,
        **{"3.1": D(40), "3.2": D(60), "3.2.1": D(30), "3.2.2": D(20), "3.2.3": D(10), "5.1": D("33.3")},
    )

    def cells(path: Path) -> list:
        return [[c.value for c in r] for s in open_workbook(path) for r in s.rows()]

    a = make_sample(tmp_path / "a.xlsx", small, seed=3)
    b = make_sample(tmp_path / "b.xlsx", small, seed=3)
    assert cells(a) == cells(b)


def _submission() -> Submission:
    values = {code: Value.of(v) for code, v in example_values(SCHEME, seed=29).items()}
    values.update(
        {
            "3.1": Value.of(40),
            "3.2": Value.of(60),
            "3.2.1": Value.of(30),
            "3.2.2": Value.of(20),
            "3.2.3": Value.of(10),
            "5.1": Value.of(D("33.3")),
            "1.3": Value.missing(),
            "2.3": Value.not_applicable(raw="—"),
        }
    )
    del values["6.2"]
    return Submission(
        county="360424",
        year=2007,
        values=values,
        reporter=Reporter("修水县劳动和社会保障局", "刘建国", "0792-7212345", dt.date(2008, 1, 3)),
        submitted_on=dt.date(2008, 1, 3),
    )


def test_write_sample_round_trip_through_the_host(tmp_path: Path) -> None:
    host = PluginHost.load()
    assert "roster" in host.sample_writers()
    sub = _submission()
    path = host.write_sample("roster", tmp_path / "修水县.xlsx", sub, SCHEME)
    assert host.claim(path).plugin == "roster"
    result = host.read(path, "roster", SCHEME, 2007)
    assert result.problems == ()  # no noise: no duplicate, bad ID or last year's loan
    back = result.submission
    assert (back.county, back.year, back.reporter) == ("360424", 2007, sub.reporter)
    assert set(back.values) == set(sub.values)
    for code, value in sub.values.items():
        got = back.values[code]
        assert (got.status, got.amount) == (value.status, value.amount), code
        where = got.provenance
        assert (where.file, where.plugin, where.plugin_version) == (str(path), "roster", "0.1.0")
        sheet = "培训花名册" if code.startswith("3.") else "小额贷款台帐" if code == "5.1" else "汇总表"
        assert where.sheet == sheet and where.cell, code
    assert back.values["3.1"].provenance.cell == "E3:E102"  # 100 trainees from row 3
    assert back.values["2.3"].raw == "—" and back.values["1.3"].raw is None


def test_write_sample_is_deterministic_and_refuses_parts_that_do_not_add_up(tmp_path: Path) -> None:
    a = plugin.write_sample(tmp_path / "a.xlsx", _submission(), SCHEME)
    b = plugin.write_sample(tmp_path / "b.xlsx", _submission(), SCHEME)
    assert a.read_bytes() == b.read_bytes()
    c = plugin.write_sample(tmp_path / "c.xlsx", _submission(), SCHEME, seed=1)  # other names and IDs
    assert c.read_bytes() != a.read_bytes()
    sub = _submission()
    wrong = Submission(sub.county, sub.year, dict(sub.values, **{"3.2": Value.of(61)}))
    with pytest.raises(ValueError, match=r"3\.2（61）应等于 3\.2\.1–3\.2\.3 之和（60）"):
        plugin.write_sample(tmp_path / "d.xlsx", wrong, SCHEME)
    assert not (tmp_path / "d.xlsx").exists()


def test_a_summary_without_its_county_code_is_not_guessed(sample: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(sample)
    assert book["汇总表"]["A2"].value == "行政区划代码：360121"
    book["汇总表"]["A2"] = "行政区划代码：（未填）"
    book.save(tmp_path / "no-code.xlsx")
    result = read_county_file(tmp_path / "no-code.xlsx", "roster", scheme_source="jiangxi-2007", year=2007)
    assert result.submission is None
    assert [(p.code, p.sheet) for p in result.problems] == [("no-county-code", "汇总表")]
