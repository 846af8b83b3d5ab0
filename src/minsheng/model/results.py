"""Scores and the assessment: indicator, group, county and city results."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from attrs import field, frozen

from ..problems import SEVERITY_ORDER as SEVERITY_ORDER
from .inputs import InputFile
from .scheme import County
from .values import Problem, Provenance, ValueStatus

# --------------------------------------------------------------------------------------------
# Scores and the assessment


class IndicatorStatus(enum.StrEnum):
    SCORED = "scored"
    NOT_APPLICABLE = "not-applicable"  # 不考核
    MISSING = "missing"  # a value was due and is blank
    INFO = "info"  # not scored by rule


@frozen
class InputAmount:
    """A reported amount a policy calculator derived an indicator's actual from (``8.1/paid`` …),
    where it came from: listed with the indicator in the assessment's 数据来源."""

    code: str  # "8.1/paid"
    name: str  # the calculator's name for the amount: 实际发放金额
    unit: str
    status: ValueStatus
    amount: Decimal | None = None
    provenance: Provenance = field(factory=Provenance)


@frozen
class IndicatorScore:
    code: str
    group: str
    weight: Decimal
    status: IndicatorStatus
    target: Decimal | None = None
    actual: Decimal | None = None
    ratio: Decimal | None = None
    score: Decimal = Decimal(0)
    bonus: Decimal = Decimal(0)
    veto: bool = False
    provenance: Provenance = field(factory=Provenance)
    self_score: Decimal | None = None
    #: for an indicator with a policy calculator, the amounts the county reported for it
    inputs: tuple[InputAmount, ...] = ()
    #: the 自评分 cell, where the county's own score was read (None: not known)
    self_score_source: Provenance | None = None


@frozen
class GroupScore:
    code: str
    name: str
    weight: Decimal
    applicable_weight: Decimal
    score: Decimal


@frozen
class Deduction:
    item: str
    name: str
    count: int
    points: Decimal


class CountyStatus(enum.StrEnum):
    SCORED = "scored"  # 已评
    NOT_SUBMITTED = "not-submitted"  # 缺报
    FAILED = "failed"  # 出错: its file could not be read
    HELD = "held"  # 暂缓: a missing value holds the county back (--missing hold)


COUNTY_STATUS_LABELS = {
    CountyStatus.SCORED: "已评",
    CountyStatus.NOT_SUBMITTED: "缺报",
    CountyStatus.FAILED: "出错",
    CountyStatus.HELD: "暂缓",
}


@frozen
class CountyResult:
    """One county's scores, grade and rank.

    ``indicator_total`` is Σ score, rescaled to the scheme total when some indicators are not
    assessed; ``total`` = indicator_total + min(bonus, cap) − deductions, never below 0. ``rank``
    and ``grade`` are ``None`` for a county that was not scored.
    """

    county: County
    status: CountyStatus
    indicators: tuple[IndicatorScore, ...] = ()
    groups: tuple[GroupScore, ...] = ()
    raw_total: Decimal = Decimal(0)
    applicable_weight: Decimal = Decimal(0)
    indicator_total: Decimal = Decimal(0)
    bonus: Decimal = Decimal(0)
    deductions: tuple[Deduction, ...] = ()
    total: Decimal | None = None
    grade: str | None = None
    rank: int | None = None
    veto_reasons: tuple[str, ...] = ()
    advanced: bool = False  # 先进
    last: bool = False  # 末位
    self_total: Decimal | None = None
    submission: Provenance | None = None
    self_total_source: Provenance | None = None

    @property
    def vetoed(self) -> bool:
        return bool(self.veto_reasons)

    @property
    def deduction_total(self) -> Decimal:
        return sum((d.points for d in self.deductions), Decimal(0))


@frozen
class CityResult:
    """A 设区市 roll-up of its counties."""

    code: str
    name: str
    counties: int
    scored: int
    average_total: Decimal | None
    grades: dict[str, int]
    vetoed: int
    totals: dict[str, Decimal | None]  # indicator code → Σ actual over scored counties
    targets: dict[str, Decimal | None]  # indicator code → Σ target


@frozen
class Settings:
    """How a run treats a missing value: ``zero`` scores it 0, ``hold`` holds the county back."""

    missing: str = "zero"


@frozen
class Assessment:
    """The result of one run: every county of the targets, ranked, with every problem found."""

    scheme_id: str
    scheme_name: str
    year: int
    counties: tuple[CountyResult, ...]
    cities: tuple[CityResult, ...] = ()
    problems: tuple[Problem, ...] = ()
    inputs: tuple[InputFile, ...] = ()
    settings: Settings = field(factory=Settings)
    assessed_on: dt.date | None = None
    month: int = 12

    def result(self, county_code: str) -> CountyResult:
        for r in self.counties:
            if r.county.code == county_code:
                return r
        raise KeyError(county_code)
