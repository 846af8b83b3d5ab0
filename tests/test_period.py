"""Periods: parsing and labels, the form's 报告期, the monthly plugin reading the period's month, and a
file for another period never used."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import minsheng
from minsheng import County, load_scheme
from minsheng.period import Period, PeriodError
from minsheng.plugins import PluginHost
from minsheng.testing import example_values, submission_of
from minsheng.workbooks import read_targets, write_form, write_forms

ROOT = Path(__file__).resolve().parent.parent
PROVINCE = Path(__file__).resolve().parent / "corpus" / "province"
TARGETS = PROVINCE / "targets.xlsx"
SCHEME = load_scheme("jiangxi-2007")
COUNTY = County("360102", "东湖区", "360100", "南昌市")


@pytest.mark.parametrize(
    ("text", "period", "label"),
    [
        ("2007-06", Period(2007, 6), "1—6月累计"),
        ("200706", Period(2007, 6), "1—6月累计"),
        ("2007Q2", Period(2007, 6, True), "1—2季度累计"),
        ("2007年1—6月累计", Period(2007, 6), "1—6月累计"),
        ("2007年1-6月", Period(2007, 6), "1—6月累计"),
        ("2007年6月", Period(2007, 6), "1—6月累计"),
        ("2007年第三季度", Period(2007, 9, True), "1—3季度累计"),
        ("2007年1月", Period(2007, 1), "1月"),
        ("2007年1—12月累计", Period(2007, 12), "1—12月累计"),
    ],
)
def test_a_period_parses_the_ways_people_write_it(text, period, label):
    p = Period.parse(text)
    assert p == period and p.label == label
    assert Period.parse(str(p)) == p  # "2007-06" / "2007Q2" round-trip
    assert p.share == Decimal(p.month) / 12


def test_a_quarter_and_its_last_month_cover_the_same_months():
    assert Period.parse("2007Q2").same_span(Period.parse("2007-06"))
    assert not Period.parse("2007Q2").same_span(Period.parse("2007-05"))
    assert str(Period(2007, 6)) == "2007-06" and str(Period(2007, 6, True)) == "2007Q2"
    assert Period(2007, 6).title == "2007年1—6月" and Period(2007, 6, True).title == "2007年第二季度"


@pytest.mark.parametrize("text", ["2007-13", "abc", "6月", "2007Q5", ""])
def test_a_period_that_cannot_be_read_says_so_in_chinese(text):
    with pytest.raises(PeriodError) as err:
        Period.parse(text)
    assert "报告期" in str(err.value) or "月份" in str(err.value)


def _filled_form(path: Path, period: Period | None, month: int = 6) -> Path:
    allocation = read_targets(TARGETS, SCHEME)[0].allocations[COUNTY.code]
    sub = submission_of(COUNTY, example_values(SCHEME, 3), reported_on=dt.date(2007, 7, 4), month=month)
    return write_form(SCHEME, path, county=COUNTY, allocation=allocation, submission=sub, period=period)


def test_the_form_carries_its_period_and_the_reader_states_it(tmp_path):
    host = PluginHost.load()
    path = _filled_form(tmp_path / "f.xlsx", Period(2007, 6))
    got = host.read(path, "standard-form", SCHEME, 2007)
    assert got.submission is not None and got.problems == ()
    assert (got.submission.period, got.submission.month) == ("2007-06", 6)
    year_end = _filled_form(tmp_path / "y.xlsx", None)
    got = host.read(year_end, "standard-form", SCHEME, 2007)
    assert (got.submission.period, got.submission.month) == ("2007-12", 12)


def test_an_unreadable_period_is_a_warning_and_no_period(tmp_path):
    from openpyxl import load_workbook

    path = _filled_form(tmp_path / "f.xlsx", Period(2007, 6))
    wb = load_workbook(path)
    wb["报表"]["H2"] = "报告期：上半年吧"
    wb.save(path)
    got = PluginHost.load().read(path, "standard-form", SCHEME, 2007)
    assert got.submission.period is None
    assert [(p.code, p.cell) for p in got.problems] == [("bad-period", "H2")]


def _forms(*args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "minsheng", "template", "forms", "--targets", str(TARGETS), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def test_template_forms_prefills_the_period(tmp_path):
    out = tmp_path / "报表"
    r = _forms("--period", "2007-06", "-o", str(out))
    assert r.returncode == 0, r.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names[0] == "360102-东湖区-2007年1—6月民生工程报表.xlsx"
    from openpyxl import load_workbook

    assert load_workbook(out / names[0])["报表"]["H2"].value == "报告期：2007年1—6月累计"
    bad = _forms("--period", "2006-06", "-o", str(tmp_path / "x"))
    assert bad.returncode == 2 and "年度" in bad.stderr and "Traceback" not in bad.stderr


def _monthly(path: Path, months: int) -> Path:
    import minsheng_monthly_xlsx as plugin

    sub = submission_of(
        ("360281", "乐平市"), example_values(SCHEME, 5), reported_on=dt.date(2007, 7, 3), month=months
    )
    return plugin.write_sample(path, sub, SCHEME, county_name="乐平市", seed=1)


def test_the_monthly_plugin_reads_the_month_asked_for(tmp_path):
    host = PluginHost.load()
    path = _monthly(tmp_path / "m.xlsx", 12)
    june = host.read(path, "monthly-xlsx", SCHEME, 2007, month=6).submission
    assert (june.period, june.month) == ("2007-06", 6)
    assert june.values["1.1"].provenance.cell.startswith("J")  # 6月 is column J (E is 1月)
    year_end = host.read(path, "monthly-xlsx", SCHEME, 2007).submission
    assert (year_end.period, year_end.values["1.1"].provenance.cell[0]) == ("2007-12", "P")
    assert june.values["1.1"].amount <= year_end.values["1.1"].amount
    short = host.read(_monthly(tmp_path / "s.xlsx", 5), "monthly-xlsx", SCHEME, 2007, month=6).submission
    assert short.period == "2007-05"  # its figures stop in May: it says so


def test_a_file_for_another_period_is_never_used_at_the_year_end(tmp_path):
    folder = tmp_path / "报表"
    folder.mkdir()
    for form in sorted(PROVINCE.glob("36*.xlsx"))[1:]:
        shutil.copy(form, folder / form.name)
    _filled_form(folder / "360102-东湖区.xlsx", Period(2007, 6))
    run = minsheng.assess(folder, TARGETS, assessed_on=dt.date(2008, 1, 20))
    east = run.assessment.result("360102")
    assert east.status.value == "failed" and east.total is None
    wrong = [p for p in run.problems if p.code == "wrong-period"]
    assert len(wrong) == 1 and wrong[0].county == "360102" and "1—6月累计" in wrong[0].message
    assert wrong[0].severity.value == "error"
    assert all(p.code != "period-not-stated" for p in run.problems)  # old forms state none: fine


def test_forms_for_a_period_are_named_for_it(tmp_path):
    targets = read_targets(TARGETS, SCHEME)[0]
    paths = write_forms(SCHEME, targets, tmp_path, period=Period(2007, 6, True))
    assert paths[0].name == "360102-东湖区-2007年第二季度民生工程报表.xlsx"
    assert os.path.getsize(paths[0]) > 0


def test_a_monthly_workbook_filled_to_september_is_not_the_year_end(tmp_path):
    import minsheng_monthly_xlsx as plugin

    folder = tmp_path / "报表"
    folder.mkdir()
    for form in sorted(PROVINCE.glob("36*.xlsx"))[:3]:
        shutil.copy(form, folder / form.name)
    sub = submission_of(
        ("360111", "青山湖区"), example_values(SCHEME, 5), reported_on=dt.date(2007, 10, 3), month=9
    )
    plugin.write_sample(folder / "360111-青山湖区-逐月.xlsx", sub, SCHEME, county_name="青山湖区", seed=1)
    run = minsheng.assess(folder, TARGETS, assessed_on=dt.date(2008, 1, 20))
    assert run.assessment.result("360111").status.value == "failed"
    wrong = [p for p in run.problems if p.code == "wrong-period"]
    assert [(p.county, "2007年1—9月" in p.message) for p in wrong] == [("360111", True)]
    september = minsheng.progress(folder, TARGETS, period="2007-09", assessed_on=dt.date(2007, 10, 10))
    assert september.county("360111").state == "已报" and september.county("360111").rank is not None
