"""Several files for one county (issue 14 item 3): each plugin declares the indicators its layout
carries (``minsheng_indicators``), a county's files are merged, conflicts and corrections are said.

Real files: the example plugins of examples/multifile (a 汇总表 without the training counts and a
training roster) and the built-in standard form, written by their writers and read by a real run.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from builders import make_targets
from plugin_helpers import codes, reader_source

import minsheng
from minsheng import County, PluginConfig, Value
from minsheng.model import CountyStatus
from minsheng.plugins import PluginHost
from minsheng.run import run_to_json
from minsheng.testing import example_values, submission_of
from minsheng.workbooks.form import write_form

pytest_plugins = ["plugin_fixtures"]  # plugins_dir, load

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_PLUGINS = ROOT / "examples" / "multifile" / "plugins"
CONFIG = PluginConfig(plugins_dir=str(EXAMPLE_PLUGINS), entry_points=False)
TRAINING = ("3.1", "3.2", "3.2.1", "3.2.2", "3.2.3")
COUNTY = County("360102", "东湖区", "3601", "南昌市")


@pytest.fixture(scope="module")
def host():
    return PluginHost.from_config(CONFIG)


def values(**override):
    out = dict(example_values(seed=3))
    out.update({"3.1": 4, "3.2.1": 2, "3.2.2": 1, "3.2.3": 0, "3.2": 3})
    out.update(override)
    return out


def sub(vals=None, *, on=dt.date(2008, 1, 8), county=COUNTY):
    return submission_of((county.code, county.name), vals or values(), reported_on=on)


def assess(folder: Path, scheme, counties=("360102", "360103")):
    targets = make_targets(list(counties), scheme)
    targets = minsheng.Targets(
        year=targets.year,
        counties=tuple(
            County(c.code, "东湖区" if c.code == "360102" else c.name, c.city_code, c.city_name)
            for c in targets.counties
        ),
        allocations=targets.allocations,
        deadline=targets.deadline,
    )
    return minsheng.assess(folder, targets, scheme=scheme, plugins=CONFIG, assessed_on=dt.date(2008, 2, 1))


def write_summary_and_roster(host, scheme, folder: Path, vals=None) -> tuple[Path, Path]:
    s = host.write_sample("summary_sheet", folder / "360102-东湖区-汇总表.xlsx", sub(vals), scheme)
    r = host.write_sample("training_roster", folder / "360102-东湖区-培训花名册.xlsx", sub(vals), scheme)
    return s, r


def test_hook_minsheng_indicators(plugins_dir, load, county_file, scheme):
    plugins_dir.add(
        "partial",
        reader_source("部分")
        + "\n\n@hookimpl\ndef minsheng_indicators(scheme):\n    return ['1.1', '3.1', '1.1']\n",
    )
    plugins_dir.add(
        "liar",
        reader_source("说谎") + "\n\n@hookimpl\ndef minsheng_indicators(path, book):\n    return ['9.9']\n",
    )
    plugins_dir.add("whole", reader_source("完整"))
    host = load()
    partial = host.read(county_file("部分"), "partial", scheme, 2007)
    assert partial.ok and partial.indicators == ("1.1", "3.1")  # sorted, once each
    assert partial.title == "县级代码"  # the first text of the sheet the submission came from
    whole = host.read(county_file("完整"), "whole", scheme, 2007)
    assert whole.ok and whole.indicators is None  # no hook: a full report
    liar = host.read(county_file("说谎"), "liar", scheme, 2007)
    assert liar.submission is None and codes(liar.problems) == ["plugin-error"]
    assert "9.9" in liar.problems[0].message and "minsheng_indicators" in liar.problems[0].message


def test_the_standard_form_declares_every_indicator(tmp_path, scheme):
    path = write_form(scheme, tmp_path / "form.xlsx", year=2007, county=COUNTY, submission=sub())
    read = PluginHost.from_config(PluginConfig(entry_points=False)).read(path, "standard-form", scheme, 2007)
    assert read.indicators == tuple(sorted(ind.code for ind in scheme.indicators))


def test_a_summary_and_a_roster_are_scored_once_with_values_from_both(tmp_path, scheme, host):
    summary, roster = write_summary_and_roster(host, scheme, tmp_path)
    run = assess(tmp_path, scheme)
    declared = {Path(r.path).name: r.indicators for r in run.reads}
    assert declared == {
        summary.name: tuple(sorted({i.code for i in scheme.indicators} - set(TRAINING))),
        roster.name: TRAINING,
    }
    result = run.assessment.result("360102")
    assert result.status is CountyStatus.SCORED
    assert "duplicate-submission" not in codes(run.problems)
    scores = {s.code: s for s in result.indicators}
    assert scores["3.1"].actual == 4 and scores["3.2"].actual == 3
    assert scores["3.1"].provenance.file == roster.name
    assert scores["3.1"].provenance.sheet == "培训花名册"
    assert scores["1.1"].provenance.file == summary.name
    assert scores["1.1"].provenance.cell == "D5"
    assert not [p for p in run.problems if p.county == "360102" and p.code == "missing-value"]
    # the provenance stays exact in the JSON: every value names its own file and cell
    data = json.loads(run_to_json(run))
    [county] = [c for c in data["counties"] if c["county"]["code"] == "360102"]
    where = {i["code"]: i["provenance"] for i in county["indicators"]}
    assert Path(where["3.1"]["file"]).name == roster.name
    assert Path(where["1.1"]["file"]).name == summary.name and where["1.1"]["cell"] == "D5"


def test_an_indicator_no_file_carries_names_the_county_and_the_files(tmp_path, scheme, host):
    summary, _ = write_summary_and_roster(host, scheme, tmp_path)
    (tmp_path / "360102-东湖区-培训花名册.xlsx").unlink()
    run = assess(tmp_path, scheme)
    missing = {p.indicator: p for p in run.problems if p.code == "missing-value" and p.county == "360102"}
    assert set(missing) == {"3.1", "3.2", "3.2.1", "3.2.2", "3.2.3"} - {
        i.code for i in scheme.indicators if i.rule.value == "info"
    }
    text = missing["3.1"].message
    assert "东湖区（360102）" in text and f"“{summary.name}”" in text and "3.1" in text


def test_the_same_indicator_with_two_values_is_a_conflict(tmp_path, scheme, host):
    write_summary_and_roster(host, scheme, tmp_path)
    form = write_form(
        scheme,
        tmp_path / "360102-东湖区-标准报表.xlsx",
        year=2007,
        county=COUNTY,
        submission=sub(values(**{"3.1": 500})),
    )
    run = assess(tmp_path, scheme)
    assert run.assessment.result("360102").status is CountyStatus.FAILED
    [conflict] = [p for p in run.problems if p.code == "conflicting-values"]
    assert conflict.county == "360102" and conflict.indicator == "3.1"
    assert "培训花名册.xlsx" in conflict.message and form.name in conflict.message
    assert (
        "为 500" in conflict.message and "为 4" in conflict.message and "城镇职业技能培训" in conflict.message
    )
    assert conflict.cell is not None and conflict.cell in conflict.message
    assert run.assessment.result("360103").status is CountyStatus.NOT_SUBMITTED


def test_the_same_value_twice_is_fine_and_a_blank_never_hides_a_number(tmp_path, scheme, host):
    write_summary_and_roster(host, scheme, tmp_path)
    vals = values(**{"3.2": None, "3.2.1": None})  # the form leaves two training counts blank
    write_form(
        scheme, tmp_path / "360102-东湖区-标准报表.xlsx", year=2007, county=COUNTY, submission=sub(vals)
    )
    run = assess(tmp_path, scheme)
    result = run.assessment.result("360102")
    assert result.status is CountyStatus.SCORED, [p for p in run.problems if p.county == "360102"]
    scores = {s.code: s for s in result.indicators}
    assert scores["3.2"].actual == 3 and scores["3.2"].provenance.sheet == "培训花名册"
    assert (
        scores["3.1"].actual == 4 and "培训花名册" in scores["3.1"].provenance.file
    )  # the first that has it
    assert "conflicting-values" not in codes(run.problems)


def test_a_correction_replaces_the_report_it_corrects(tmp_path, scheme):
    first = write_form(
        scheme, tmp_path / "360102-东湖区-报表.xlsx", year=2007, county=COUNTY, submission=sub()
    )
    fixed = write_form(
        scheme,
        tmp_path / "360102-东湖区-报表（更正）.xlsx",
        year=2007,
        county=COUNTY,
        submission=sub(values(**{"1.1": 9999}), on=dt.date(2008, 1, 5)),  # older date: the name says 更正
    )
    run = assess(tmp_path, scheme)
    result = run.assessment.result("360102")
    assert result.status is CountyStatus.SCORED
    [info] = [p for p in run.problems if p.code == "corrected-submission"]
    assert info.severity.value == "info" and info.file == fixed.name and first.name in info.message
    one_one = next(s for s in result.indicators if s.code == "1.1")
    assert one_one.actual == Decimal(9999) and one_one.provenance.file == fixed.name


def test_a_newer_report_date_replaces_the_older_report(tmp_path, scheme):
    write_form(
        scheme, tmp_path / "360102-a.xlsx", year=2007, county=COUNTY, submission=sub(on=dt.date(2008, 1, 9))
    )
    newer = write_form(
        scheme,
        tmp_path / "360102-b.xlsx",
        year=2007,
        county=COUNTY,
        submission=sub(values(**{"1.1": 7777}), on=dt.date(2008, 1, 10)),
    )
    run = assess(tmp_path, scheme)
    [info] = [p for p in run.problems if p.code == "corrected-submission"]
    assert info.file == newer.name and "2008-01-10" in info.message
    one_one = next(s for s in run.assessment.result("360102").indicators if s.code == "1.1")
    assert one_one.actual == Decimal(7777)


def test_two_full_reports_with_nothing_to_tell_them_apart_stay_a_duplicate(tmp_path, scheme):
    for name in ("360102-a.xlsx", "360102-b.xlsx"):
        write_form(scheme, tmp_path / name, year=2007, county=COUNTY, submission=sub())
    run = assess(tmp_path, scheme)
    assert run.assessment.result("360102").status is CountyStatus.FAILED
    [dup] = [p for p in run.problems if p.code == "duplicate-submission"]
    assert "360102-a.xlsx" in dup.message and "360102-b.xlsx" in dup.message
    assert "corrected-submission" not in codes(run.problems)


def test_a_single_full_report_is_untouched(tmp_path, scheme):
    """One file per county (the example province): the submission scored is the one read."""
    from minsheng.merge import Part, merge_county

    s = sub()
    targets = make_targets(["360102"], scheme)
    merged = merge_county(scheme, targets, "360102", [Part("a.xlsx", s, None)])
    assert merged.submission is s and merged.problems == () and merged.uncarried == frozenset()
    value = Value.of(1)
    assert value.is_reported


def test_a_title_that_says_correction_is_a_correction(scheme):
    """更正 or 修订 in the sheet's title (not the file name) marks the correction as well."""
    from minsheng.merge import Part, merge_county

    targets = make_targets(["360102"], scheme)
    old, new = sub(), sub(values(**{"1.1": 4321}), on=dt.date(2008, 1, 2))
    parts = [
        Part("b.xlsx", old, ("1.1",), "2007年民生工程报表", "p"),
        Part("a.xlsx", new, ("1.1",), "2007年民生工程报表（修订）", "p"),
    ]
    merged = merge_county(scheme, targets, "360102", parts)
    assert merged.submission is new
    assert [(p.code, p.file) for p in merged.problems] == [("corrected-submission", "a.xlsx")]
    plain = [Part("b.xlsx", old, ("1.1",), "报表", "p"), Part("a.xlsx", new, ("1.1",), "报表", "p")]
    merged = merge_county(scheme, targets, "360102", plain)  # no word, and a's date is older
    assert merged.submission is old


def test_the_example_in_examples_multifile(tmp_path):
    """examples/multifile/make_example.py and the command its docstring gives: 东湖区 sends a
    summary and a roster and scores exactly as with its standard form; 西湖区's extra roster
    disagrees with its form and the county is not scored."""
    import subprocess
    import sys

    out = tmp_path / "报表"
    made = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "multifile" / "make_example.py"), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    targets = ROOT / "examples" / "jiangxi-2007" / "目标任务表.xlsx"
    results = {}
    for name, folder, extra in (
        ("before", ROOT / "examples" / "jiangxi-2007" / "报表", []),
        ("after", out, ["--plugins-dir", str(EXAMPLE_PLUGINS)]),
    ):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "minsheng",
                "assess",
                str(folder),
                "--targets",
                str(targets),
                *extra,
                "--json",
                str(tmp_path / f"{name}.json"),
                "--assessed-on",
                "2007-12-31",
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode in (0, 1), done.stderr
        data = json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))
        results[name] = (data, {c["county"]["code"]: c for c in data["counties"]})
    (_, before), (after_data, after) = results["before"], results["after"]
    old, new = before["360102"], after["360102"]
    assert new["status"] == "scored"
    assert (new["total"], new["grade"]) == (old["total"], old["grade"])
    assert [(i["code"], i["actual"], i["score"]) for i in new["indicators"]] == [
        (i["code"], i["actual"], i["score"]) for i in old["indicators"]
    ]
    files = {i["code"]: Path(i["provenance"]["file"] or "").name for i in new["indicators"]}
    assert files["3.1"] == "360102-东湖区-职业培训花名册.xlsx"
    assert files["1.1"] == "360102-东湖区-民生工程分项汇总表.xlsx"
    assert after["360103"]["status"] == "failed"
    [conflict] = [p for p in after_data["problems"] if p["code"] == "conflicting-values"]
    assert conflict["county"] == "360103" and conflict["indicator"] == "3.1"
    assert "职业培训花名册" in conflict["message"] and "2007年民生工程报表" in conflict["message"]
