"""What an assessment starts from: targets, submissions, receipts, findings and input files."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from attrs import field, frozen

from ..problems import SEVERITY_ORDER as SEVERITY_ORDER
from .scheme import County
from .values import Provenance, Value

# --------------------------------------------------------------------------------------------
# Targets, submissions, findings


@frozen
class Receipt:
    """The day the office received a county's report (收文登记), and the cell that says so."""

    date: dt.date
    source: Provenance = field(factory=Provenance)


@frozen
class Targets:
    """The year's targets (目标任务): province totals and each county's allocation (目标分解).

    ``allocations[county_code][indicator_code]`` is the county's target; ``None`` means the
    indicator is not assessed for that county (不考核). ``counties`` is the list of counties being
    assessed: every one of them appears in the assessment, submitted or not. ``deadline`` (报送截止日期)
    and ``receipts`` (收文登记: county code → the day the office received its report) are what the
    lateness indicator is computed from.
    """

    year: int
    counties: tuple[County, ...]
    allocations: dict[str, dict[str, Decimal | None]] = field(factory=dict)
    province: dict[str, Decimal] = field(factory=dict)
    source: Provenance = field(factory=Provenance)
    deadline: dt.date | None = None
    receipts: dict[str, Receipt] = field(factory=dict)

    def county(self, code: str) -> County:
        for c in self.counties:
            if c.code == code:
                return c
        raise KeyError(code)


@frozen
class Reporter:
    """The 填报单位/填报人/电话/填报日期 line of a county report."""

    unit: str | None = None
    person: str | None = None
    phone: str | None = None
    date: dt.date | None = None


@frozen
class Submission:
    """One county's report for one period, as a plugin read it.

    ``values`` holds actuals by indicator code and, for the policy calculators, reported amounts by
    ``"<indicator>/<input>"`` keys (for example ``"8.1/paid"``). ``self_scores`` holds the county's own
    scores (自评分) by indicator code, and ``self_total`` its own total where it gave one;
    ``self_score_sources`` (by indicator code) and ``self_total_source`` say which cells they are in.
    """

    county: str
    year: int
    values: dict[str, Value] = field(factory=dict)
    month: int = 12
    reporter: Reporter = field(factory=Reporter)
    self_scores: dict[str, Decimal] = field(factory=dict)
    self_total: Decimal | None = None
    submitted_on: dt.date | None = None
    source: Provenance = field(factory=Provenance)
    self_score_sources: dict[str, Provenance] = field(factory=dict)
    self_total_source: Provenance | None = None
    #: the period the report states it is for (``"2007-06"``, ``"2007Q2"``; see
    #: :class:`minsheng.period.Period`), None when it states none; ``month`` is its last month
    period: str | None = None


@frozen
class Finding:
    """A cross-cutting finding by the province (通报批评, 弄虚作假) against a county."""

    county: str
    item: str
    count: int = 1
    note: str = ""
    source: Provenance = field(factory=Provenance)


@frozen
class InputFile:
    """An input file of a run, for the cover sheet: its path, sha256 and the plugin that read it."""

    path: str
    sha256: str
    county: str | None = None
    plugin: str | None = None
    plugin_version: str | None = None
