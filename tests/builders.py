"""Builders of schemes' values, submissions and targets for the tests, importable by name
(``from builders import make_targets``): a module named ``conftest`` is not, since every folder's
conftest.py is a module of that name and the first one imported wins."""

import datetime as dt
from decimal import Decimal as D

from minsheng import County, Rule, Submission, Targets, Value


def full_allocation(scheme, base="100"):
    """A target for every indicator that needs one (100 each; 失业率 4.5%)."""
    out = {}
    for ind in scheme.indicators:
        if ind.needs_target:
            out[ind.code] = D("4.5") if ind.code == "2.1" else D(base)
    return out


def perfect_values(scheme, allocation):
    """Actuals that meet every target exactly and break no rule."""
    values = {}
    for ind in scheme.indicators:
        if ind.rule in (Rule.DEDUCT, Rule.VETO):
            values[ind.code] = Value.of(0)
        elif ind.rule is Rule.BINARY:
            values[ind.code] = Value.of(ind.threshold)
        elif ind.rule is Rule.INFO:
            continue
        else:
            values[ind.code] = Value.of(allocation[ind.code])
    return values


DEADLINE = dt.date(2008, 1, 10)  # the targets' 报送截止日期: 6.2 is computed, never taken from the county
ON_TIME = dt.date(2008, 1, 8)


def make_submission(scheme, county, allocation, **overrides):
    """A county's report, sent on time (报出日期 before :data:`DEADLINE`)."""
    values = perfect_values(scheme, allocation)
    for code, v in overrides.items():
        values[code] = v if isinstance(v, Value) else Value.of(v)
    return Submission(county=county, year=2007, values=values, submitted_on=ON_TIME)


def make_targets(codes, scheme, cities=None):
    counties = tuple(
        County(
            code,
            f"{code}县",
            (cities or {}).get(code, "3601"),
            "南昌市" if (cities or {}).get(code, "3601") == "3601" else "九江市",
        )
        for code in codes
    )
    return Targets(
        year=2007,
        counties=counties,
        allocations={c: full_allocation(scheme) for c in codes},
        deadline=DEADLINE,
    )
