"""The scheme as values: regions (counties, cities), indicators, groups, grades and cross items."""

from __future__ import annotations

import enum
from decimal import Decimal

from attrs import field, frozen

from ..problems import SEVERITY_ORDER as SEVERITY_ORDER

# --------------------------------------------------------------------------------------------
# Regions


@frozen
class County:
    """A county-level unit (县、市、区) and the 设区市 it belongs to."""

    code: str
    name: str
    city_code: str = ""
    city_name: str = ""


@frozen
class City:
    """A 设区市 (prefecture-level city)."""

    code: str
    name: str


# --------------------------------------------------------------------------------------------
# Scheme


class Rule(enum.StrEnum):
    """How an indicator is scored (DOMAIN.md section 3)."""

    RATIO = "ratio"  # 按完成比例得分
    STEPS = "steps"  # 分档计分
    CEILING = "ceiling"  # lower is better
    BINARY = "binary"  # 达标计分
    DEDUCT = "deduct"  # 扣分制, 扣完为止
    VETO = "veto"  # 一票否决
    INFO = "info"  # reported and checked, not scored (for example a 其中 part)


class Condition(enum.StrEnum):
    """The comparison a binary rule makes between the actual and the threshold."""

    GE = "ge"
    LE = "le"
    EQ = "eq"


@frozen
class Bonus:
    """超额加分: ``per_step`` points for each full ``step`` of the ratio above 1, at most ``cap``."""

    step: Decimal
    per_step: Decimal
    cap: Decimal


@frozen
class Step:
    """One band of a steps rule: a ratio at or above ``at`` earns ``fraction`` of the weight."""

    at: Decimal
    fraction: Decimal


@frozen
class Indicator:
    """One indicator (指标) of a scheme with its rule and parameters."""

    code: str
    name: str
    unit: str
    rule: Rule
    weight: Decimal = Decimal(0)
    description: str = ""
    aliases: tuple[str, ...] = ()
    # ratio: optional bonus above target
    bonus: Bonus | None = None
    # steps: highest first
    steps: tuple[Step, ...] = ()
    # binary: comparison and, optionally, a fixed threshold instead of the county's target
    condition: Condition | None = None
    threshold: Decimal | None = None
    # deduct: points per reported unit (per violation, per day late)
    per_unit: Decimal | None = None
    # 其中: codes of the indicators that break this one down
    parts: tuple[str, ...] = ()
    # policy calculator that derives the actual from reported amounts (see calculators.py), its
    # policy parameters (200元, 6 months …: the scheme's, never the county's) and the defaults it
    # takes for blank optional amounts (a 低保 count), said in the problem list when applied
    calculator: str | None = None
    calculator_params: dict[str, Decimal] = field(factory=dict)
    calculator_defaults: dict[str, Decimal] = field(factory=dict)
    # 逾期天数: computed by minsheng from the deadline and the receipt register or the report date,
    # never read from the county (``lateness = true`` in the scheme file; at most one indicator)
    lateness: bool = False

    @property
    def needs_target(self) -> bool:
        """Whether the county's own target is needed to score this indicator."""
        if self.rule in (Rule.RATIO, Rule.STEPS, Rule.CEILING):
            return True
        if self.rule is Rule.BINARY:
            return self.threshold is None
        return False


@frozen
class IndicatorGroup:
    """One of a scheme's indicator groups (指标组), such as 1 扩大就业."""

    code: str
    name: str
    weight: Decimal
    indicators: tuple[Indicator, ...]
    description: str = ""


@frozen
class Grade:
    """A grade band (等次): totals in [minimum, below) get this grade; the top band has no ``below``."""

    name: str
    minimum: Decimal
    below: Decimal | None = None


@frozen
class CrossItem:
    """A scheme-level item found by the province, not reported by the county.

    A deduction (``points`` > 0), such as 被省通报批评 −2 each, or a veto (``veto`` true), such as 弄虚作假.
    """

    code: str
    name: str
    points: Decimal = Decimal(0)
    veto: bool = False


@frozen
class ProgressSettings:
    """How a scheme judges interim progress (its ``[progress]`` table; docs/progress.md).

    ``band``: points either side of 序时进度 that count as 按序时 (5); ``red``: points behind from
    which 滞后 is 严重滞后 (30); ``consecutive``: periods behind in a row that put a county on the
    连续滞后 list (2); ``due_day``: a period's report is due by this day of the next month (5).
    """

    band: Decimal = Decimal(5)
    red: Decimal = Decimal(30)
    consecutive: int = 2
    due_day: int = 5


@frozen
class InterimRule:
    """平时考核计入年终 (optional): ``points`` off the year-end total for each progress report
    (通报) of the year that ranked the county last, ``consecutive`` more for each further period
    in a row, at most ``cap`` in all; ``cadence`` says which reports count (``month`` or ``quarter``)."""

    points: Decimal
    consecutive: Decimal = Decimal(0)
    cap: Decimal | None = None
    cadence: str = "month"
    name: str = "序时进度通报末位"


@frozen
class Scheme:
    """An assessment scheme (考核方案): groups, indicators and the rules around them."""

    id: str
    name: str
    groups: tuple[IndicatorGroup, ...]
    grades: tuple[Grade, ...]
    year: int | None = None
    total: Decimal = Decimal(100)
    bonus_cap: Decimal = Decimal(5)
    excellent_grade: str = "优秀"
    excellent_quota: Decimal | None = None
    veto_grade: str = "不合格"
    advanced_count: int = 3
    cross_items: tuple[CrossItem, ...] = ()
    description: str = ""
    source: str = ""
    # 单项先进: the best ``group_advanced_count`` counties of each indicator group, among those not
    # vetoed and graded ``group_advanced_grade`` or better (None: 合格 where the scheme has it)
    group_advanced_count: int = 1
    group_advanced_grade: str | None = None
    interim: InterimRule | None = None  # 平时考核计入年终 (off when None)
    # the ids this scheme had in earlier years (jiangxi-2007 for jiangxi-2008): their results count
    # as this scheme's for 同比
    earlier_ids: tuple[str, ...] = ()
    progress: ProgressSettings = field(factory=ProgressSettings)

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        """Every indicator, in scheme order."""
        return tuple(ind for group in self.groups for ind in group.indicators)

    def indicator(self, code: str) -> Indicator:
        """The indicator with this code (KeyError if the scheme has none)."""
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise KeyError(code)

    @property
    def lateness_indicator(self) -> Indicator | None:
        """The indicator the scheme marks as its lateness indicator (逾期天数), if any."""
        return next((ind for ind in self.indicators if ind.lateness), None)

    def group_of(self, code: str) -> IndicatorGroup:
        """The group holding the indicator with this code."""
        for group in self.groups:
            if any(ind.code == code for ind in group.indicators):
                return group
        raise KeyError(code)

    def cross_item(self, code: str) -> CrossItem:
        for item in self.cross_items:
            if item.code == code:
                return item
        raise KeyError(code)
