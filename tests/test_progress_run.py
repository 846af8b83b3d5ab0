"""``minsheng.progress`` and ``minsheng progress``: a small province of four counties at 1—6月, each
at a known pace, checked against hand-computed ranks, scores, statuses, 较上期 and 连续滞后."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

import minsheng
from minsheng import County, Period, Rule, Submission, Value, load_scheme
from minsheng.model import Reporter
from minsheng.progress_archive import progress_to_dict, progress_to_json
from minsheng.progress_rules import PRORATED
from minsheng.workbooks import read_targets, write_form, write_progress

PROVINCE = Path(__file__).resolve().parent / "corpus" / "province"
TARGETS = PROVINCE / "targets.xlsx"
SCHEME = load_scheme("jiangxi-2007")
JUNE = Period(2007, 6)
MAY = Period(2007, 5)
ON = dt.date(2007, 7, 10)
#: the share of the annual target each county has done by the end of June
JUNE_PACE = {"360102": "0.55", "360103": "0.50", "360104": "0.40", "360111": "0.15"}
#: ... and by the end of May (5/12 = 41.67% due): 360103 leads, 360104 and 360111 behind
MAY_PACE = {"360102": "0.40", "360103": "0.45", "360104": "0.30", "360111": "0.10"}
QUANTUM = {"人": Decimal(1), "万元": Decimal("0.01"), "%": Decimal("0.1")}
#: the weights of the cumulative (prorated) indicators of jiangxi-2007: 84 of its 100 points
PRORATED_WEIGHT = Decimal(84)


def _targets():
    return read_targets(TARGETS, SCHEME)[0]


def _submission(county: County, allocation, pace: Decimal, period: Period, on: dt.date) -> Submission:
    values = {}
    for ind in SCHEME.indicators:
        t = allocation.get(ind.code)
        if ind.rule in PRORATED:
            values[ind.code] = Value.of((t * pace).quantize(QUANTUM[ind.unit], ROUND_HALF_UP))
        elif ind.code == "2.1":
            values[ind.code] = Value.of("3.9")
        elif ind.code == "2.3":
            values[ind.code] = Value.of(100)
        elif ind.rule in (Rule.DEDUCT, Rule.VETO, Rule.BINARY) and not ind.lateness:
            values[ind.code] = Value.of(0)
    reporter = Reporter(f"{county.name}劳动和社会保障局", "王敏", "0791-6812345", on)
    return Submission(
        county.code, 2007, values, month=period.month, reporter=reporter, submitted_on=on, period=str(period)
    )


def write_province(
    folder: Path,
    pace: dict[str, str],
    period: Period = JUNE,
    *,
    dates: dict[str, dt.date] | None = None,
    stated: dict[str, Period] | None = None,
) -> Path:
    """The four counties' forms for ``period`` (``stated``: a county whose form says another period)."""
    targets = _targets()
    folder.mkdir(parents=True, exist_ok=True)
    due = dt.date(period.year, period.month + 1, 3)
    for county in targets.counties:
        if county.code not in pace:
            continue
        on = (dates or {}).get(county.code, due)
        sub = _submission(county, targets.allocations[county.code], Decimal(pace[county.code]), period, on)
        write_form(
            SCHEME,
            folder / f"{county.code}-{county.name}.xlsx",
            county=county,
            allocation=targets.allocations[county.code],
            submission=sub,
            period=(stated or {}).get(county.code, period),
        )
    return folder


def expected_status(ratio: Decimal, share: Decimal) -> str:
    """序时进度 by hand: 已完成 ≥ 1; 超序时 ≥ share + 5 points; 严重滞后 ≤ share − 30; 滞后 < share − 5."""
    if ratio >= 1:
        return "已完成"
    if ratio >= share + Decimal("0.05"):
        return "超序时"
    if ratio <= share - Decimal("0.30"):
        return "严重滞后"
    if ratio < share - Decimal("0.05"):
        return "滞后"
    return "按序时"


@pytest.fixture(scope="module")
def june(tmp_path_factory):
    folder = write_province(tmp_path_factory.mktemp("june") / "报表", JUNE_PACE)
    return minsheng.progress(folder, TARGETS, period="2007-06", assessed_on=ON)


def test_every_county_is_ranked_by_the_schemes_rules_against_the_targets_due(june):
    ranked = [(c.county.code, c.rank, c.score) for c in june.counties]
    assert [r[:2] for r in ranked] == [("360102", 1), ("360103", 2), ("360104", 3), ("360111", 4)]
    # on pace (50% of the year done at 50% due) is full marks; 40% done is 80% of what is due on the
    # 84 prorated points, 15% done is 30% of it; the other 16 points are met by every county
    scores = {code: score for code, _, score in ranked}
    assert scores["360103"] == Decimal("100.00")
    assert scores["360104"] == 16 + PRORATED_WEIGHT * Decimal("0.8")
    assert scores["360111"] == 16 + PRORATED_WEIGHT * Decimal("0.3")
    assert scores["360102"] >= Decimal(100)
    assert all(c.state == "已报" and c.late_days == 0 for c in june.counties)
    assert [p.code for p in june.problems if p.severity.value == "error"] == []


def test_each_indicators_status_is_the_independent_computation_from_the_json(june):
    data = json.loads(progress_to_json(june))
    assert (data["kind"], data["scheme_id"], data["year"], data["period"]) == (
        "progress",
        "jiangxi-2007",
        2007,
        "2007-06",
    )
    allocations = _targets().allocations
    share = Decimal(6) / 12
    checked = 0
    for c in data["counties"]:
        assert set(c["county"]) == {"code", "name", "city_code", "city_name"}
        assert isinstance(c["rank"], int) and isinstance(c["score"], str)
        behind = []
        for i in c["indicators"]:
            ind = SCHEME.indicator(i["code"])
            if ind.rule not in PRORATED:
                assert i["status"] == "按序时", i  # 3.9% ≤ 4.5%, nothing deducted, passed
                continue
            ratio = Decimal(i["actual"]) / allocations[c["county"]["code"]][i["code"]]
            assert i["status"] == expected_status(ratio, share), (c["county"]["code"], i)
            if i["status"] in ("滞后", "严重滞后"):
                behind.append(i["code"])
            checked += 1
        assert c["behind"] == behind
    assert checked == 4 * 22
    statuses = {
        c["county"]["code"]: {i["status"] for i in c["indicators"] if i["expected"]} for c in data["counties"]
    }
    assert statuses == {
        "360102": {"超序时"},
        "360103": {"按序时"},
        "360104": {"滞后"},
        "360111": {"严重滞后"},
    }


def test_indicator_ranks_are_competition_ranks_by_completion(june):
    one = {c.county.code: next(i for i in c.indicators if i.code == "1.1") for c in june.counties}
    assert {code: i.rank for code, i in one.items()} == {"360102": 1, "360103": 2, "360104": 3, "360111": 4}
    assert one["360104"].gap == Decimal("-10.00") and one["360102"].gap == Decimal("5.00")


def test_late_missing_and_another_periods_file(tmp_path):
    folder = write_province(
        tmp_path / "报表",
        {k: v for k, v in JUNE_PACE.items() if k != "360111"},
        dates={"360103": dt.date(2007, 7, 9)},
        stated={"360104": MAY},
    )
    run = minsheng.progress(folder, TARGETS, period="2007-06", assessed_on=ON)
    states = {c.county.code: (c.state, c.rank, c.late_days) for c in run.counties}
    assert states == {
        "360102": ("已报", 1, 0),
        "360103": ("逾期", 2, 4),  # due 7月5日, in on the 9th
        "360104": ("出错", None, None),  # its form is for 1—5月: not used
        "360111": ("缺报", None, None),
    }
    wrong = [p for p in run.problems if p.code == "wrong-period"]
    assert len(wrong) == 1 and wrong[0].county == "360104" and "2007年1—5月" in wrong[0].message
    assert run.county("360103").score == Decimal(100) - 4 * SCHEME.indicator("6.2").per_unit


def test_history_gives_the_previous_rank_and_consecutive_periods_behind(tmp_path):
    may = minsheng.progress(
        write_province(tmp_path / "5月", MAY_PACE, MAY), TARGETS, period="2007-05", assessed_on=ON
    )
    assert [c.county.code for c in may.counties] == ["360103", "360102", "360104", "360111"]
    history = tmp_path / "历史"
    history.mkdir()
    (history / "2007-05.json").write_text(progress_to_json(may), encoding="utf-8")
    other = progress_to_dict(may) | {"scheme_id": "anhui-2007"}
    (history / "其他方案.json").write_text(json.dumps(other, ensure_ascii=False), encoding="utf-8")
    (history / "上年.json").write_text(json.dumps(progress_to_dict(may) | {"year": 2006}), encoding="utf-8")
    (history / "年终.json").write_text(
        json.dumps({"scheme_id": "jiangxi-2007", "year": 2007, "counties": []})
    )
    (history / "坏的.json").write_text("{", encoding="utf-8")

    june = minsheng.progress(
        write_province(tmp_path / "6月", JUNE_PACE),
        TARGETS,
        period="2007-06",
        history=history,
        assessed_on=ON,
    )
    assert [str(p.period) for p in june.history] == ["2007-05"]
    moves = {c.county.code: (c.previous_rank, c.rank, c.rank_change) for c in june.counties}
    assert moves == {"360102": (2, 1, 1), "360103": (1, 2, -1), "360104": (3, 3, 0), "360111": (4, 4, 0)}
    # May: 360104 was at 30% with 41.67% due (滞后), 360111 at 10% (严重滞后); June the same: 2 periods
    assert set(june.county("360104").streaks.values()) == {2}
    assert set(june.county("360111").streaks.values()) == {2}
    assert june.county("360103").streaks == {}
    streaks = june.streaks()
    assert {(c.county.code, k) for c, _, k in streaks} == {("360104", 2), ("360111", 2)}
    assert len(streaks) == 2 * 22
    skipped = sorted(p.file for p in june.problems if p.code == "history-skipped")
    assert skipped == sorted(f"历史/{n}.json" for n in ("其他方案", "上年", "年终", "坏的"))
    data = json.loads(progress_to_json(june))
    assert data["previous_period"] == "2007-05"
    assert next(c for c in data["counties"] if c["county"]["code"] == "360102")["rank_change"] == 1
    wb = load_workbook(write_progress(june, tmp_path / "通报.xlsx"))
    trend = wb["进度趋势"]
    assert [c.value for c in trend[2]] == [
        "代码",
        "县（市、区）",
        "设区市",
        "2007年1—5月",
        "2007年1—6月",
        "本期排名",
    ]
    east = next(r for r in trend.iter_rows(min_row=3, values_only=True) if r[0] == "360102")
    assert (Decimal(str(east[3])), Decimal(str(east[4])), east[5]) == (
        may.county("360102").score,
        june.county("360102").score,
        1,
    )
    rank = {r[1]: r for r in wb["综合排名"].iter_rows(min_row=5, max_row=8, values_only=True)}
    assert (rank["360102"][8], rank["360102"][9]) == (2, "↑1") and rank["360103"][9] == "↓1"
    streak_rows = [r for r in wb["滞后清单"].iter_rows(values_only=True) if r[4] == "1.1" and r[5] == 2]
    assert {r[1] for r in streak_rows} == {"360104", "360111"}


def test_a_history_folder_that_does_not_exist_is_an_input_error(tmp_path):
    folder = write_province(tmp_path / "报表", JUNE_PACE)
    with pytest.raises(minsheng.InputError) as err:
        minsheng.progress(folder, TARGETS, period="2007-06", history=tmp_path / "没有")
    assert err.value.code == "history-not-found"
    with pytest.raises(minsheng.InputError) as err:
        minsheng.progress(folder, TARGETS, period="2006-06")
    assert err.value.code == "wrong-year"


def test_the_workbook_shows_the_runs_figures(june, tmp_path):
    path = write_progress(june, tmp_path / "进度通报.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["综合排名", "分项进度", "滞后清单", "设区市", "报送情况", "进度趋势"]
    rank = wb["综合排名"]
    assert rank["A1"].value == "2007年1—6月民生工程目标任务进度综合排名"
    rows = [[c.value for c in r] for r in rank.iter_rows(min_row=5, max_row=8)]
    assert [(r[0], r[1], Decimal(str(r[4]))) for r in rows] == [
        (c.rank, c.county.code, c.score) for c in june.counties
    ]
    assert rank._charts and int(rank.page_setup.paperSize) == 9  # A4
    items = wb["分项进度"]
    heading = items["A3"].value
    assert heading.startswith("1.1") and "序时进度 50.0%" in heading
    first = [c.value for c in items[4]]
    assert first[:4] == [1, "360102", "东湖区", "南昌市"] and first[9] == "超序时"
    assert items["G4"].number_format == "0.0%"
    texts = [str(c.value) for r in wb["滞后清单"].iter_rows() for c in r if c.value is not None]
    assert "1.1　城镇新增就业人数：滞后 2 个" in texts
    assert not any("{" in t for ws in wb for r in ws.iter_rows() for c in r if isinstance(t := c.value, str))


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(dt.datetime(2007, 7, 10, tzinfo=dt.UTC).timestamp()))}
    return subprocess.run(
        [sys.executable, "-m", "minsheng", "progress", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=600,
    )


def test_the_command_line_is_the_library_call(tmp_path):
    folder = write_province(tmp_path / "报表", JUNE_PACE)
    shutil.copy(TARGETS, tmp_path / "目标任务表.xlsx")
    args = [
        "报表",
        "--targets",
        "目标任务表.xlsx",
        "--period",
        "2007-06",
        "-o",
        "通报.xlsx",
        "--json",
        "通报.json",
    ]
    r = cli(*args, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "前三名：第1名东湖区" in r.stdout
    run = minsheng.progress(folder, tmp_path / "目标任务表.xlsx", period="2007-06", assessed_on=ON)
    assert json.loads((tmp_path / "通报.json").read_text(encoding="utf-8")) == json.loads(
        progress_to_json(run)
    )
    assert "/tmp" not in (tmp_path / "通报.json").read_text(encoding="utf-8")
    again = cli(*args, cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr and "Traceback" not in again.stderr
    assert cli(*args, "--force", cwd=tmp_path).returncode == 0
    bad = cli("报表", "--targets", "目标任务表.xlsx", "--period", "上半年", cwd=tmp_path)
    assert bad.returncode == 2 and "报告期" in bad.stderr and "Traceback" not in bad.stderr
    helped = cli("--help", cwd=tmp_path)
    assert "序时进度" in helped.stdout and "--history" in helped.stdout
    # the submissions as a file:// URL (as on a cluster's shared mount): the same result
    url = cli(
        f"file://{folder}",
        "--targets",
        "目标任务表.xlsx",
        "--period",
        "2007-06",
        "--json",
        "通报-网址.json",
        cwd=tmp_path,
    )
    assert url.returncode == 0, url.stderr
    assert (tmp_path / "通报-网址.json").read_bytes() == (tmp_path / "通报.json").read_bytes()


def test_a_quarter_reads_the_forms_of_its_last_month(tmp_path):
    """2007Q2 is 1—6月累计: forms stating 2007-06 are used, titled 第二季度, due 7月5日."""
    folder = write_province(tmp_path / "报表", JUNE_PACE)
    run = minsheng.progress(folder, TARGETS, period="2007Q2", assessed_on=ON)
    assert [c.rank for c in run.counties] == [1, 2, 3, 4]
    assert not [p for p in run.problems if p.code == "wrong-period"]
    data = json.loads(progress_to_json(run))
    assert (data["period"], data["title"], data["deadline"]) == ("2007Q2", "2007年第二季度", "2007-07-05")
    assert str(Period.parse(data["period"])) == "2007Q2"


def test_a_gap_in_the_history_ends_a_run_of_periods_behind(tmp_path):
    """April behind, May missing from the history, June behind: 1 period, not 2."""
    april = minsheng.progress(
        write_province(tmp_path / "4月", MAY_PACE, Period(2007, 4)), TARGETS, period="2007-04", assessed_on=ON
    )
    assert april.county("360111").behind
    history = tmp_path / "历史"
    history.mkdir()
    (history / "2007-04.json").write_text(progress_to_json(april), encoding="utf-8")
    june = minsheng.progress(
        write_province(tmp_path / "6月", JUNE_PACE),
        TARGETS,
        period="2007-06",
        history=history,
        assessed_on=ON,
    )
    assert june.previous.period == Period(2007, 4)  # 较上期: the latest earlier result there is
    assert set(june.county("360111").streaks.values()) == {1} and june.streaks() == []
