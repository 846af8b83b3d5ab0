"""progress.judge pinned rule by rule (DOMAIN.md section 3, 序时进度; docs/progress.md): what each kind
of indicator is judged against at a share of the year, and the gap it reports. Fast: no files."""

from decimal import Decimal as D

import attrs

from minsheng import Progress
from minsheng.model import ProgressSettings, Rule
from minsheng.progress_rules import Judgement, judge

SETTINGS = ProgressSettings()  # band 5, red 30 (points)


def ind(scheme, code, **changes):
    return attrs.evolve(scheme.indicator(code), **changes)


def test_a_prorated_indicator_reports_its_ratio_the_share_due_and_the_gap(scheme):
    j = judge(ind(scheme, "1.1"), D(200), D(90), D("0.5"), SETTINGS)
    assert j == Judgement(Progress.ON_PACE, D("0.45"), D("0.5"), D("-5.00"))
    assert judge(ind(scheme, "1.1"), D(0), D(90), D("0.5"), SETTINGS) == Judgement(None)
    assert judge(ind(scheme, "1.1"), D(200), None, D("0.5"), SETTINGS) == Judgement(None)


def test_a_ceiling_within_its_target_is_on_pace_and_above_it_reports_how_far(scheme):
    c = ind(scheme, "2.1")
    assert c.rule is Rule.CEILING
    assert judge(c, D("4.5"), D("4.5"), D("0.5"), SETTINGS) == Judgement(Progress.ON_PACE)
    j = judge(c, D(4), D(5), D("0.5"), SETTINGS)  # 25 % over: behind, not yet 30
    assert j == Judgement(Progress.BEHIND, None, None, D(-25))
    j = judge(c, D(4), D("5.2"), D("0.5"), SETTINGS)  # 30 % over: far behind
    assert j == Judgement(Progress.FAR_BEHIND, None, None, D(-30))
    j = judge(c, D(0), D(1), D("0.5"), SETTINGS)  # any rate above a target of 0 counts as 100 % over
    assert j == Judgement(Progress.FAR_BEHIND, None, None, D(-100))
    assert judge(c, None, D(5), D("0.5"), SETTINGS) == Judgement(None)


def test_a_binary_indicator_is_judged_against_its_threshold_or_else_its_target(scheme):
    b = ind(scheme, "2.3")  # threshold 100, eq
    assert judge(b, None, D(100), D("0.5"), SETTINGS) == Judgement(Progress.ON_PACE)
    assert judge(b, None, D(90), D("0.5"), SETTINGS) == Judgement(Progress.BEHIND)
    t = ind(scheme, "2.3", threshold=None, condition=None)  # ge the target
    assert judge(t, D(80), D(85), D("0.5"), SETTINGS) == Judgement(Progress.ON_PACE)
    assert judge(t, D(80), D(75), D("0.5"), SETTINGS) == Judgement(Progress.BEHIND)
    assert judge(t, None, D(85), D("0.5"), SETTINGS) == Judgement(None)


def test_deduct_and_veto(scheme):
    d = ind(scheme, "2.2")  # 2 points, 1 a unit
    assert judge(d, None, D(0), D("0.5"), SETTINGS) == Judgement(Progress.ON_PACE)
    assert judge(d, None, D(1), D("0.5"), SETTINGS) == Judgement(Progress.BEHIND)
    assert judge(d, None, D(2), D("0.5"), SETTINGS) == Judgement(Progress.FAR_BEHIND)
    v = ind(scheme, "7.V")
    assert judge(v, None, D(0), D("0.5"), SETTINGS) == Judgement(Progress.ON_PACE)
    assert judge(v, None, D(1), D("0.5"), SETTINGS) == Judgement(Progress.FAR_BEHIND)
