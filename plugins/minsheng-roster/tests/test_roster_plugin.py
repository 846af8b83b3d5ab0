"""The roster plugin aggregates real rosters made by scripts/make_plugin_samples.py."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import sys
from decimal import Decimal as D
from pathlib import Path

import minsheng_roster as plugin
import openpyxl
import pytest

from minsheng import County, Severity, ValueStatus, load_scheme
from minsheng.plugins import ReadContext, read_county_file
from minsheng.sheets import open_workbook

ROOT = Path(__file__).resolve().parents[3]
COUNTY = County("360121", "南昌县")
SCHEME = load_scheme("jiangxi-2007")


def _samples():
    spec = importlib.util.spec_from_file_location(
        "make_plugin_samples", ROOT / "scripts" / "make_plugin_samples.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_plugin_samples", module)
    spec.loader.exec_module(module)
    return module


samples = _samples()
VALUES = dict(
    samples.example_values(SCHEME, seed=5),
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


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return samples.make_roster(
        tmp_path_factory.mktemp("roster") / "花名册.xlsx", COUNTY, VALUES, scheme=SCHEME, seed=5
    )


def test_claims_its_own_layout_only(sample: Path, tmp_path: Path) -> None:
    assert plugin.minsheng_claim(sample, open_workbook(sample)) == 0.95
    other = samples.make_monthly_xlsx(tmp_path / "m.xlsx", COUNTY, VALUES, scheme=SCHEME)
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
    small = dict(VALUES, **{"3.1": D(40), "3.2.1": D(30), "3.2.2": D(20), "3.2.3": D(10), "5.1": D("33.3")})

    def cells(path: Path) -> list:
        return [[c.value for c in r] for s in open_workbook(path) for r in s.rows()]

    a = samples.make_roster(tmp_path / "a.xlsx", COUNTY, small, scheme=SCHEME, seed=3)
    b = samples.make_roster(tmp_path / "b.xlsx", COUNTY, small, scheme=SCHEME, seed=3)
    assert cells(a) == cells(b)
