from decimal import Decimal as D

import pytest

from minsheng import Progress, expected_share, progress_status


@pytest.mark.parametrize(
    "ratio, month, status",
    [
        ("1", 3, Progress.DONE),
        ("1.2", 12, Progress.DONE),
        ("0.55", 6, Progress.AHEAD),  # 50% expected, +5 points
        ("0.549", 6, Progress.ON_PACE),
        ("0.45", 6, Progress.ON_PACE),  # exactly −5 points is still on pace
        ("0.449", 6, Progress.BEHIND),
        ("0", 1, Progress.BEHIND),  # 8.3% expected
        ("0.04", 1, Progress.ON_PACE),
        ("0.95", 12, Progress.ON_PACE),
        ("0.949", 12, Progress.BEHIND),
    ],
)
def test_progress_status(ratio, month, status):
    assert progress_status(D(ratio), month) is status


def test_expected_share():
    assert expected_share(6) == D("0.5")
    with pytest.raises(ValueError):
        expected_share(13)


# --------------------------------------------------------------------------------------------
# Bands from the scheme, lower-is-better rules, a planned schedule

from pathlib import Path  # noqa: E402

from openpyxl import Workbook  # noqa: E402

from minsheng import SchemeError, load_scheme, parse_scheme  # noqa: E402
from minsheng.model import ProgressSettings  # noqa: E402
from minsheng.progress_rules import Schedule, judge, prorated_allocations  # noqa: E402
from minsheng.workbooks.schedule import read_schedule  # noqa: E402

SCHEME = load_scheme("jiangxi-2007")
BANDS = ProgressSettings()


def test_the_red_band_is_further_behind():
    assert progress_status(D("0.20"), 6, red=D("0.30")) is Progress.FAR_BEHIND  # 30 points behind
    assert progress_status(D("0.2001"), 6, red=D("0.30")) is Progress.BEHIND
    assert progress_status(D("0.20"), 6) is Progress.BEHIND  # no red band given: as before
    assert Progress.FAR_BEHIND.behind and Progress.BEHIND.behind and not Progress.ON_PACE.behind


@pytest.mark.parametrize(
    "code, target, actual, share, status",
    [
        ("1.1", "1000", "500", "0.5", Progress.ON_PACE),
        ("1.1", "1000", "550", "0.5", Progress.AHEAD),
        ("1.1", "1000", "449", "0.5", Progress.BEHIND),
        ("1.1", "1000", "200", "0.5", Progress.FAR_BEHIND),
        ("1.1", "1000", "1000", "0.5", Progress.DONE),
        ("1.1", "1000", "280", "0.25", Progress.ON_PACE),  # a planned share of 25% due
        ("2.1", "4.5", "4.5", "0.5", Progress.ON_PACE),  # a ceiling: within it, whatever the month
        ("2.1", "4.5", "4.6", "0.5", Progress.BEHIND),
        ("2.1", "4.0", "5.2", "0.5", Progress.FAR_BEHIND),  # 30% over the ceiling
        ("2.2", None, "0", "0.5", Progress.ON_PACE),  # a deduction: nothing deducted
        ("2.2", None, "1", "0.5", Progress.BEHIND),
        ("2.2", None, "9", "0.5", Progress.FAR_BEHIND),  # every point lost
    ],
)
def test_judge_uses_the_schemes_own_terms(code, target, actual, share, status):
    ind = SCHEME.indicator(code)
    got = judge(ind, None if target is None else D(target), D(actual), D(share), BANDS)
    assert got.status is status
    if code == "1.1":
        assert got.ratio == D(actual) / D(target) and got.gap == (got.ratio - D(share)) * 100


def test_veto_and_info_indicators():
    veto = next(i for i in SCHEME.indicators if i.rule.value == "veto")
    assert judge(veto, None, D(1), D("0.5"), BANDS).status is Progress.FAR_BEHIND
    assert judge(veto, None, D(0), D("0.5"), BANDS).status is Progress.ON_PACE
    assert judge(SCHEME.indicator("3.2.1"), D(10), D(1), D("0.5"), BANDS).status is None
    assert judge(SCHEME.indicator("1.1"), None, D(1), D("0.5"), BANDS).status is None  # no target


def test_bands_are_scheme_settings():
    assert SCHEME.progress == ProgressSettings(D(5), D(30), 2, 5)
    text = SCHEME_TEXT.replace("[progress]\nband = 5", "[progress]\nband = 10")
    assert parse_scheme(text).progress.band == D(10)
    assert judge(SCHEME.indicator("1.1"), D(1000), D(420), D("0.5"), parse_scheme(text).progress).status is (
        Progress.ON_PACE
    )
    with pytest.raises(SchemeError) as err:
        parse_scheme(SCHEME_TEXT.replace("[progress]\nband = 5", "[progress]\nband = 40\nspeed = 1"))
    text = str(err.value)
    assert "speed" in text and "band" in text


SCHEME_TEXT = __import__("minsheng").builtin_scheme_text()


def test_cumulative_targets_are_prorated_and_the_rest_kept():
    allocations = {"1": {"1.1": D(1200), "2.1": D("4.5"), "3.1": None}}
    due = prorated_allocations(SCHEME.indicators, allocations, 6, Schedule({"3.1": {6: D("0.8")}}))
    assert due == {"1": {"1.1": D(600), "2.1": D("4.5"), "3.1": None}}
    planned = prorated_allocations(SCHEME.indicators, allocations, 3, Schedule({"1.1": {6: D("0.2")}}))
    assert planned["1"]["1.1"] == D(120)  # 3 of 6 months towards 20%: 10%


def _schedule_book(path: Path, rows, header=("指标代码", "指标名称", "一季度", "二季度", "三季度", "四季度")):
    wb = Workbook()
    wb.active.title = "目标任务"
    ws = wb.create_sheet("进度计划")
    ws.append(["2007年进度计划（累计完成全年目标的百分比）"])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def test_a_planned_schedule_is_read_from_the_targets_workbook(tmp_path):
    path = _schedule_book(
        tmp_path / "t.xlsx",
        [("5.1", "新增发放小额贷款", 10, 30, 60, 100), ("1.1", "城镇新增就业", None, "45%", None, 100)],
    )
    schedule, problems = read_schedule(path, SCHEME)
    assert problems == []
    assert schedule.plans == {
        "5.1": {3: D("0.1"), 6: D("0.3"), 9: D("0.6"), 12: D(1)},
        "1.1": {6: D("0.45"), 12: D(1)},
    }
    assert schedule.share("5.1", 6) == D("0.3") and schedule.share("5.1", 4) == D("0.1") + D("0.2") / 3
    assert schedule.share("1.1", 3) == D("0.225")  # halfway from 0 to 45%
    assert schedule.share("1.2", 6) == D("0.5")  # no plan: N/12


def test_a_bad_schedule_row_is_a_problem_and_keeps_n_over_12(tmp_path):
    path = _schedule_book(
        tmp_path / "t.xlsx",
        [("5.1", "贷款", 50, 30, 60, 100), ("1.1", "就业", 10, "很多", 60, 100), ("9.9", "?", 1, 2, 3, 4)],
    )
    schedule, problems = read_schedule(path, SCHEME)
    assert schedule.plans == {}
    assert [(p.code, p.indicator, p.cell) for p in problems] == [
        ("bad-schedule", "5.1", "A3"),
        ("bad-schedule", "1.1", "A4"),
        ("bad-schedule", "9.9", "A5"),
    ]
    assert "D3" in problems[0].message and "D4" in problems[1].message
    none, nothing = read_schedule(_schedule_book(tmp_path / "n.xlsx", [], header=("代码", "1月")), SCHEME)
    assert none.plans == {} and [p.code for p in nothing] == ["bad-schedule"]
