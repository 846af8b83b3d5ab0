"""Checks between reading and scoring."""

import datetime as dt
from decimal import Decimal as D

import attrs
from conftest import full_allocation, make_submission, make_targets

from minsheng import Provenance, Reporter, Value, score
from minsheng.checks import apply_deadline, check_outliers, check_self_scores, check_submission

CELL = Provenance(file="县.xlsx", sheet="表1", cell="F12")


def test_parts_above_their_total(scheme):
    sub = make_submission(
        scheme,
        "1",
        full_allocation(scheme),
        **{"3.2": Value.of(100, CELL), "3.2.1": "60", "3.2.2": "30", "3.2.3": "20"},
    )
    problems = check_submission(scheme, sub, full_allocation(scheme))
    assert [(p.code, p.cell, p.indicator) for p in problems] == [("parts-exceed-total", "F12", "3.2")]
    ok = make_submission(
        scheme, "1", full_allocation(scheme), **{"3.2": "110", "3.2.1": "60", "3.2.2": "30", "3.2.3": "20"}
    )
    assert check_submission(scheme, ok, full_allocation(scheme)) == []


def test_negative_and_implausible(scheme):
    sub = make_submission(scheme, "1", full_allocation(scheme), **{"1.1": Value.of(-3, CELL), "1.2": "301"})
    codes = [(p.code, p.severity.value) for p in check_submission(scheme, sub, full_allocation(scheme))]
    assert codes == [("negative-value", "error"), ("implausible-value", "warning")]


def test_outlier_against_the_other_counties(scheme):
    codes = [str(i) for i in range(1, 8)]
    subs = [make_submission(scheme, c, full_allocation(scheme)) for c in codes]
    subs[3] = make_submission(scheme, "4", full_allocation(scheme), **{"4.3": Value.of(600, CELL)})
    problems = check_outliers(scheme, subs, make_targets(codes, scheme))
    assert [(p.code, p.county, p.indicator) for p in problems] == [("outlier-value", "4", "4.3")]


def test_deadline_fills_days_late(scheme):
    sub = make_submission(scheme, "1", full_allocation(scheme))
    values = {k: v for k, v in sub.values.items() if k != "6.2"}
    sub = attrs.evolve(sub, values=values, reporter=Reporter(date=dt.date(2008, 1, 14)))
    out, problems = apply_deadline(scheme, sub, dt.date(2008, 1, 10))
    assert out.values["6.2"].amount == D(4)
    assert [p.code for p in problems] == ["late-submission"]
    on_time, problems = apply_deadline(
        scheme, attrs.evolve(sub, submitted_on=dt.date(2008, 1, 9)), dt.date(2008, 1, 10)
    )
    assert on_time.values["6.2"].amount == 0 and problems == []
    # a reported 6.2 is kept; no deadline changes nothing
    kept, _ = apply_deadline(
        scheme, attrs.evolve(sub, values={**values, "6.2": Value.of(1)}), dt.date(2008, 1, 10)
    )
    assert kept.values["6.2"].amount == 1
    assert apply_deadline(scheme, sub, None) == (sub, [])


def test_self_score_mismatch(scheme):
    sub = make_submission(scheme, "1", full_allocation(scheme), **{"1.1": "50"})
    sub = attrs.evolve(sub, self_scores={"1.1": D("6"), "1.2": D("4")}, self_total=D("100"))
    a = score(scheme, make_targets(["1"], scheme), [sub])
    problems = check_self_scores(a)
    assert [(p.code, p.indicator) for p in problems] == [
        ("self-score-mismatch", "1.1"),
        ("self-score-mismatch", None),
    ]
