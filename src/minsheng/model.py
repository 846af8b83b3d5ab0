"""The core model: plain, frozen attrs values that flow read → check → score → write.

Nothing here imports openpyxl, click or pluggy. Every number that is money or a score is a
:class:`~decimal.Decimal`. Mappings are plain ``dict`` keyed by codes (indicator codes such as
``"3.2"``, county codes such as ``"360102"``) so that the cattrs form is a readable JSON object.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from attrs import Factory, field, frozen

from .problems import SEVERITY_ORDER as SEVERITY_ORDER
from .problems import Severity, check_code, default_severity

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


# --------------------------------------------------------------------------------------------
# Provenance, values, problems


@frozen
class Provenance:
    """Where a value came from: the file, sheet and cell, and which plugin (and version) read it."""

    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    plugin: str | None = None
    plugin_version: str | None = None

    def describe(self) -> str:
        """A short Chinese description such as ``文件 a.xlsx，工作表 表1，单元格 D7``."""
        parts = []
        if self.file:
            parts.append(f"文件 {self.file}")
        if self.sheet:
            parts.append(f"工作表 {self.sheet}")
        if self.cell:
            parts.append(f"单元格 {self.cell}")
        return "，".join(parts)


class ValueStatus(enum.StrEnum):
    REPORTED = "reported"  # a number
    NOT_APPLICABLE = "not-applicable"  # "—", "/", "不适用"
    MISSING = "missing"  # blank where a value is due: never zero


@frozen
class Value:
    """A reported value: a number, or not-applicable, or missing, with where it came from."""

    status: ValueStatus
    amount: Decimal | None = None
    provenance: Provenance = field(factory=Provenance)
    raw: str | None = None

    def __attrs_post_init__(self) -> None:
        if (self.status is ValueStatus.REPORTED) != (self.amount is not None):
            raise ValueError("a reported value needs an amount, and only a reported value has one")
        if isinstance(self.amount, Decimal) and not self.amount.is_finite():
            raise ValueError(f"a reported amount is a finite number, not {self.amount}")

    @classmethod
    def of(cls, amount: Decimal | int | str, provenance: Provenance | None = None) -> Value:
        return cls(ValueStatus.REPORTED, Decimal(amount), provenance or Provenance())

    @classmethod
    def not_applicable(cls, provenance: Provenance | None = None, raw: str | None = None) -> Value:
        return cls(ValueStatus.NOT_APPLICABLE, None, provenance or Provenance(), raw)

    @classmethod
    def missing(cls, provenance: Provenance | None = None, raw: str | None = None) -> Value:
        return cls(ValueStatus.MISSING, None, provenance or Provenance(), raw)

    @property
    def is_reported(self) -> bool:
        return self.status is ValueStatus.REPORTED


def _known_code(_instance: object, _attribute: object, code: str) -> None:
    check_code(code)


def _catalogue_severity(problem: Problem) -> Severity:
    return default_severity(problem.code)


@frozen
class Problem:
    """Something wrong with an input, with a stable English code and a Chinese message.

    ``code`` is for programs (``missing-value``, ``plugin-error``); ``message`` is for people and
    says what is wrong and what to do; the location fields say where. The code must be in the
    catalogue (:mod:`minsheng.problems`) or in a plugin's namespace (``插件名:代码``); any other
    raises :class:`~minsheng.problems.UnknownProblemCode`, a ``ValueError``. ``severity``
    defaults to the catalogue's.
    """

    code: str = field(validator=_known_code)
    message: str
    severity: Severity = field(default=Factory(_catalogue_severity, takes_self=True))
    county: str | None = None
    indicator: str | None = None
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    plugin: str | None = None

    @classmethod
    def at(
        cls,
        code: str,
        message: str,
        provenance: Provenance | None,
        *,
        severity: Severity | None = None,
        county: str | None = None,
        indicator: str | None = None,
    ) -> Problem:
        """A problem located where ``provenance`` says (``severity``: the catalogue's by default)."""
        p = provenance or Provenance()
        return cls(
            code=code,
            message=message,
            severity=severity or default_severity(code),
            county=county,
            indicator=indicator,
            file=p.file,
            sheet=p.sheet,
            cell=p.cell,
            plugin=p.plugin,
        )


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
