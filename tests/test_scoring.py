"""A county's total, and the grading and ranking of a whole run."""

from decimal import Decimal as D

import attrs
import pytest
from builders import full_allocation, make_submission, make_targets

from minsheng import CountyStatus, Finding, Value, score
from minsheng.scoring import competition_ranks


def test_perfect_county_scores_the_scheme_total(scheme):
    t = make_targets(["1"], scheme)
    a = score(scheme, t, [make_submission(scheme, "1", full_allocation(scheme))])
    r = a.result("1")
    assert r.status is CountyStatus.SCORED
    assert r.total == D("100") and r.applicable_weight == D(100)
    assert [g.score for g in r.groups] == [g.weight for g in scheme.groups]


def test_not_applicable_indicators_rescale_to_100(scheme):
    t = make_targets(["1"], scheme)
    alloc = dict(t.allocations["1"])
    alloc["1.1"] = None  # 不考核 (6 points)
    alloc["5.1"] = D(0)  # target 0 on a ratio rule: 不考核 (5 points)
    t = attrs.evolve(t, allocations={"1": alloc})
    sub = make_submission(scheme, "1", full_allocation(scheme), **{"1.2": "50"})  # 1.2: 2 of 4 points
    r = score(scheme, t, [sub]).result("1")
    assert r.applicable_weight == D(89)
    assert r.raw_total == D(87)
    assert r.indicator_total == D("97.75")  # 100 × 87 / 89 = 97.752… → 97.75
    assert r.total == D("97.75")


def test_bonus_cap_applies_to_the_total_bonus(scheme):
    # 5.1 can give at most 2; a scheme-wide cap of 1.5 must bite.
    capped = attrs.evolve(scheme, bonus_cap=D("1.5"))
    t = make_targets(["1"], capped)
    sub = make_submission(capped, "1", full_allocation(capped), **{"5.1": "300"})
    r = score(capped, t, [sub]).result("1")
    assert [s.bonus for s in r.indicators if s.code == "5.1"] == [D("2.00")]
    assert r.bonus == D("1.5") and r.total == D("101.5")


def test_cross_cutting_deductions(scheme):
    t = make_targets(["1"], scheme)
    sub = make_submission(scheme, "1", full_allocation(scheme))
    findings = [Finding("1", "criticized-by-province", 2), Finding("1", "criticized-by-city", 1)]
    r = score(scheme, t, [sub], findings=findings).result("1")
    assert r.deduction_total == D(5) and r.total == D(95)


def test_veto_on_a_high_score_fails_and_ranks_last(scheme):
    t = make_targets(["1", "2", "3"], scheme)
    subs = [
        make_submission(scheme, "1", full_allocation(scheme), **{"7.V": "1"}),  # perfect, but vetoed
        make_submission(scheme, "2", full_allocation(scheme), **{"1.1": "50"}),  # 97
        make_submission(scheme, "3", full_allocation(scheme), **{"1.1": "0"}),  # 94
    ]
    a = score(scheme, t, subs, findings=[])
    vetoed = a.result("1")
    assert vetoed.total == D(100) and vetoed.grade == "不合格" and vetoed.vetoed
    assert [r.county.code for r in a.counties] == ["2", "3", "1"]
    assert [r.rank for r in a.counties] == [1, 2, 3]
    assert not vetoed.last and not vetoed.advanced  # a vetoed county is 一票否决, not 末位
    assert [r.county.code for r in a.counties if r.last] == ["3"]  # the last ranked on its score


def test_falsification_finding_vetoes(scheme):
    t = make_targets(["1"], scheme)
    a = score(
        scheme,
        t,
        [make_submission(scheme, "1", full_allocation(scheme))],
        findings=[Finding("1", "falsification", note="虚报培训人数")],
    )
    assert a.result("1").grade == "不合格"
    assert a.result("1").veto_reasons == ("弄虚作假：虚报培训人数",)


def test_tied_ranks_share_and_skip(scheme):
    t = make_targets(["1", "2", "3", "4"], scheme)
    subs = [
        make_submission(scheme, "1", full_allocation(scheme)),
        make_submission(scheme, "2", full_allocation(scheme), **{"1.1": "50"}),
        make_submission(scheme, "3", full_allocation(scheme), **{"1.2": "25"}),  # also −3
        make_submission(scheme, "4", full_allocation(scheme), **{"1.1": "0"}),
    ]
    a = score(scheme, t, subs)
    assert [(r.county.code, r.rank) for r in a.counties] == [("1", 1), ("2", 2), ("3", 2), ("4", 4)]
    assert competition_ranks([D(3), D(3), D(3)]) == [1, 1, 1]


def test_excellent_quota_with_a_tie_at_the_boundary(scheme):
    # 10 counties, quota 30% → 3 may be 优秀; counties 3 and 4 tie at the boundary and both keep it.
    codes = [str(i) for i in range(1, 11)]
    t = make_targets(codes, scheme)
    shortfall = {
        "1": "100",
        "2": "90",
        "3": "80",
        "4": "80",
        "5": "70",
        "6": "60",
        "7": "50",
        "8": "40",
        "9": "30",
        "10": "20",
    }
    subs = [make_submission(scheme, c, full_allocation(scheme), **{"1.1": shortfall[c]}) for c in codes]
    a = score(scheme, t, subs)
    grades = {r.county.code: r.grade for r in a.counties}
    # totals: 100, 99.4, 98.8, 98.8, 98.2, … all ≥ 90 by band
    assert [c for c in codes if grades[c] == "优秀"] == ["1", "2", "3", "4"]
    assert all(grades[c] == "良好" for c in codes[4:])
    advanced = [r.county.code for r in a.counties if r.advanced]
    assert advanced == ["1", "2", "3", "4"]  # best 3 with the tie kept


def test_quota_absent_means_bands_only(scheme):
    free = attrs.evolve(scheme, excellent_quota=None)
    codes = ["1", "2", "3"]
    a = score(
        free, make_targets(codes, free), [make_submission(free, c, full_allocation(free)) for c in codes]
    )
    assert {r.grade for r in a.counties} == {"优秀"}
    assert all(r.rank == 1 and r.advanced and r.last for r in a.counties)


def test_grade_bands(scheme):
    from minsheng.scoring import band_grade

    assert band_grade(scheme, D("90")) == "优秀"
    assert band_grade(scheme, D("89.99")) == "良好"
    assert band_grade(scheme, D("80")) == "良好"
    assert band_grade(scheme, D("60")) == "合格"
    assert band_grade(scheme, D("59.99")) == "不合格"
    assert band_grade(scheme, D("0")) == "不合格"


@pytest.mark.parametrize("policy", ["zero", "hold"])
def test_missing_actual_under_both_settings(scheme, policy):
    t = make_targets(["1", "2"], scheme)
    subs = [
        make_submission(scheme, "1", full_allocation(scheme), **{"1.1": Value.missing()}),
        make_submission(scheme, "2", full_allocation(scheme)),
    ]
    a = score(scheme, t, subs, missing=policy)
    r = a.result("1")
    assert [p.code for p in a.problems if p.county == "1"] == ["missing-value"]
    if policy == "zero":
        assert r.status is CountyStatus.SCORED and r.total == D(94) and r.rank == 2
    else:
        assert r.status is CountyStatus.HELD and r.total is None and r.rank is None
        assert [x.county.code for x in a.counties] == ["2", "1"]


def test_every_county_of_the_targets_appears_with_a_status(scheme):
    t = make_targets(["1", "2", "3", "4"], scheme)
    subs = [
        make_submission(scheme, "1", full_allocation(scheme)),
        make_submission(scheme, "3", full_allocation(scheme)),
        make_submission(scheme, "3", full_allocation(scheme)),  # twice: never a silent pick
        make_submission(scheme, "9", full_allocation(scheme)),  # not in the targets
    ]
    a = score(scheme, t, subs, failed=["4"])
    status = {r.county.code: r.status for r in a.counties}
    assert status == {
        "1": CountyStatus.SCORED,
        "2": CountyStatus.NOT_SUBMITTED,
        "3": CountyStatus.FAILED,
        "4": CountyStatus.FAILED,
    }
    codes = sorted(p.code for p in a.problems)
    assert codes == ["duplicate-submission", "not-submitted", "unknown-county"]


def test_city_rollups(scheme):
    t = make_targets(["1", "2", "3"], scheme, cities={"1": "3601", "2": "3601", "3": "3604"})
    subs = [
        make_submission(scheme, "1", full_allocation(scheme)),
        make_submission(scheme, "2", full_allocation(scheme), **{"1.1": "50"}),
    ]
    a = score(scheme, t, subs)
    nanchang, jiujiang = a.cities
    assert (nanchang.counties, nanchang.scored, nanchang.average_total) == (2, 2, D("98.50"))
    assert nanchang.totals["1.1"] == D(150) and nanchang.targets["1.1"] == D(200)
    assert (jiujiang.counties, jiujiang.scored, jiujiang.average_total) == (1, 0, None)


def test_unknown_indicator_and_unknown_finding_are_reported(scheme):
    t = make_targets(["1"], scheme)
    sub = make_submission(scheme, "1", full_allocation(scheme), **{"10.1": "5"})
    a = score(scheme, t, [sub], findings=[Finding("1", "no-such-item")])
    assert sorted(p.code for p in a.problems) == ["unknown-finding", "unknown-indicator"]
    assert a.result("1").total == D(100)


def test_total_never_below_zero(scheme):
    t = make_targets(["1"], scheme)
    sub = make_submission(scheme, "1", full_allocation(scheme))
    a = score(scheme, t, [sub], findings=[Finding("1", "criticized-by-province", 80)])
    assert a.result("1").total == D(0)


def test_plain_dict_inputs(scheme):
    t = make_targets(["1"], scheme)
    from minsheng import unstructure

    a1 = score(scheme, t, [make_submission(scheme, "1", full_allocation(scheme))])
    a2 = score(scheme, unstructure(t), [unstructure(make_submission(scheme, "1", full_allocation(scheme)))])
    assert a1 == a2


def test_missing_policy_is_checked(scheme):
    with pytest.raises(ValueError):
        score(scheme, make_targets(["1"], scheme), [], missing="maybe")
