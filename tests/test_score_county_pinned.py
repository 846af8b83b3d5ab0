"""score_county and score pinned: a policy calculator's ratio is scored exactly, not from its rounded
percent; receipt dates in each form; a missing indicator's cell."""

import datetime as dt
from decimal import Decimal as D

import attrs
from builders import full_allocation, make_submission, make_targets

from minsheng import IndicatorStatus, Provenance, Receipt, Value, score


def test_a_calculated_ratio_is_scored_exactly_not_from_its_28_digit_percent(scheme):
    """8.2 (4 points, 80 元 × 6 months a retiree): paid just under 99.875 % of the 1,440 元 due.
    Its percent to 28 digits is 99.875, which would score 3.995 → 4.00; exactly it is below, 3.99."""
    sub = make_submission(scheme, "1", full_allocation(scheme))
    values = {k: v for k, v in sub.values.items() if k != "8.2"}
    values |= {"8.2/retirees": Value.of(3), "8.2/paid": Value.of(D("1438.199999999999999999999999999999"))}
    a = score(scheme, make_targets(["1"], scheme), [attrs.evolve(sub, values=values)])
    (s,) = [s for s in a.counties[0].indicators if s.code == "8.2"]
    assert s.actual == D("99.875")
    assert s.score == D("3.99")


def _late_by_receipt(scheme, received):
    sub = make_submission(scheme, "1", full_allocation(scheme))
    sub = attrs.evolve(sub, values={k: v for k, v in sub.values.items() if k != "6.2"})
    a = score(scheme, make_targets(["1"], scheme), [sub], received=received)
    (s,) = [s for s in a.counties[0].indicators if s.code == "6.2"]
    return s


def test_receipt_dates_are_taken_as_dates_iso_strings_or_receipts(scheme):
    """The targets' deadline is 2008-01-10; received two days later in each form a program gives."""
    where = Provenance(file="收文登记.xlsx", sheet="登记", cell="C4")
    for received in (dt.date(2008, 1, 12), "2008-01-12", Receipt(dt.date(2008, 1, 12), where)):
        assert _late_by_receipt(scheme, {"1": received}).actual == D(2), received
    assert _late_by_receipt(scheme, {"1": Receipt(dt.date(2008, 1, 12), where)}).provenance == where


def test_a_missing_or_refused_indicator_is_located_at_its_cell(scheme):
    blank = Provenance(file="县.xlsx", sheet="表1", cell="F9")
    for value in (Value.missing(blank), Value.not_applicable(blank, raw="—")):
        sub = make_submission(scheme, "1", full_allocation(scheme), **{"1.1": value})
        a = score(scheme, make_targets(["1"], scheme), [sub])
        (s,) = [s for s in a.counties[0].indicators if s.code == "1.1"]
        assert s.status is IndicatorStatus.MISSING and s.provenance == blank, value
