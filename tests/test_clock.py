"""#12 item 17: 考核日期 is the day of the assessment, never the latest county's report date."""

import datetime as dt

import attrs
import pytest
from builders import full_allocation, make_submission, make_targets

from minsheng import Reporter, score
from minsheng.clock import assessment_date


def test_explicit_date_wins():
    assert assessment_date(dt.date(2008, 1, 20), {"SOURCE_DATE_EPOCH": "0"}) == dt.date(2008, 1, 20)


def test_source_date_epoch_is_honoured():
    # 2008-01-10 00:00:00 UTC
    assert assessment_date(None, {"SOURCE_DATE_EPOCH": "1199923200"}) == dt.date(2008, 1, 10)


def test_else_today():
    assert assessment_date(None, {}) == dt.date.today()
    assert assessment_date() == dt.date.today()


def test_bad_epoch_says_so_in_chinese():
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH 应为"):
        assessment_date(None, {"SOURCE_DATE_EPOCH": "昨天"})


def test_score_dates_the_assessment_today_not_by_the_counties(scheme):
    sub = make_submission(scheme, "1", full_allocation(scheme))
    late = dt.date(2031, 5, 1)
    sub = attrs.evolve(sub, reporter=Reporter(date=late), submitted_on=late)
    a = score(scheme, make_targets(["1"], scheme), [sub])
    assert a.assessed_on == dt.date.today()
    b = score(scheme, make_targets(["1"], scheme), [sub], assessed_on=dt.date(2008, 1, 20))
    assert b.assessed_on == dt.date(2008, 1, 20)
