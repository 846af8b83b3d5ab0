"""The example province: 100 counties of Jiangxi with 2007 targets and year-end reports.

Targets add up to the speech's province totals (城镇技能培训 40万, 农村转移培训 91万 = 金蓝领 60万 +
阳光 25万 + 雨露 6万, 小额贷款 10亿元, 养老扩面 45万, 医疗扩面 50万, 居民合作医疗 200万); the other
totals are the model's. The spread is realistic and fixed by a seed: most counties near their
targets, some far under, a few over; one vetoed, one that never reported, one late, one whose file
is broken, one with a blank cell, two criticised. Everything is deterministic.

This module makes the data (plain model values); :mod:`minsheng.demo` writes it out as files.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import overload

from attrs import evolve, frozen

from .model import County, Finding, Reporter, Rule, Scheme, Submission, Targets, Value
from .scoring import q2, rule_score

YEAR = 2007
DEADLINE = dt.date(2008, 1, 10)
ASSESSED_ON = dt.date(2008, 1, 31)

# Province totals (人, 户 or 万元). (speech) marks the speech's own figures.
PROVINCE_TOTALS: dict[str, int] = {
    "1.1": 380_000,
    "1.2": 600_000,
    "1.3": 200_000,
    "3.1": 400_000,  # (speech) 城镇职业技能培训40万人
    "3.2": 910_000,  # (speech) 农村劳动力转移培训91万人
    "3.2.1": 600_000,  # (speech) 金蓝领工程60万人
    "3.2.2": 250_000,  # (speech) 阳光工程25万人
    "3.2.3": 60_000,  # (speech) 雨露工程6万人
    "4.1": 50_000,
    "4.3": 20_000,
    "4.4": 10_000,
    "5.1": 100_000,  # (speech) 10亿元 = 100,000万元
    "5.2": 30_000,
    "5.3": 60_000,
    "7.1": 450_000,  # (speech) 养老保险扩面45万人
    "7.2": 500_000,  # (speech) 医疗保险扩面50万人
    "7.3": 2_000_000,  # (speech) 城镇居民合作医疗200万人
    "7.5": 1_200_000,
}
# Rate targets (%), the same for every county.
RATE_TARGETS: dict[str, Decimal] = {
    "2.1": Decimal("4.5"),
    "6.1": Decimal(100),
    "7.4": Decimal(80),
    "8.1": Decimal(100),
    "8.2": Decimal(100),
    "8.3": Decimal(100),
    "9.1": Decimal(100),
    "9.2": Decimal(8),
}

# Counties with a story (codes from the region table).
VETOED = "361128"  # 鄱阳县: waived social insurance to attract investment (7.V)
NOT_SUBMITTED = "360735"  # 石城县: no report at all
LATE = "360426"  # 德安县: reported ten days after the deadline
BROKEN = "361030"  # 广昌县: its file is truncated
BLANK_CELL = "360725"  # 崇义县: left 4.4 blank
DASH = "360429"  # 湖口县: wrote "—" into 2.3, which the province assesses: not-applicable-refused
NOT_PILOT = ("360105", "360482", "360483", "360222", "360323", "360521", "360622", "361028")  # 7.3 不考核
LAGGARDS = ("360321", "360723", "360734", "361025", "361125", "360830")
LEADERS = ("360102", "360502", "360681", "360982")
INFLATED_SELF_SCORE = ("360423", "360828", "361123")
LAYOUTS: dict[str, str] = {
    # county → the plugin whose layout its file uses; all others use the standard form
    "360121": "xls-summary",
    "360124": "xls-summary",
    "360281": "monthly-xlsx",
    "360982": "monthly-xlsx",
    "360424": "roster",
    "360730": "roster",
}
FINDINGS = (
    Finding("361124", "criticized-by-province", 1, "督查发现公益性岗位台账不实"),
    Finding("360923", "criticized-by-city", 1, "季报连续两次迟报"),
)


@frozen
class ExampleProvince:
    scheme_id: str
    targets: Targets
    submissions: tuple[Submission, ...]
    findings: tuple[Finding, ...]
    layouts: dict[str, str]
    broken: tuple[str, ...]
    deadline: dt.date
    assessed_on: dt.date


def _split(total: int, weights: Sequence[float]) -> list[int]:
    """Split an integer total in proportion to weights, so the parts add up exactly (largest remainder)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    parts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def make_targets(counties: Sequence[County], rng: random.Random) -> Targets:
    size = [rng.uniform(0.6, 1.6) * (0.7 if c.name.endswith("区") else 1.0) for c in counties]
    allocations: dict[str, dict[str, Decimal | None]] = {c.code: {} for c in counties}
    for code, total in PROVINCE_TOTALS.items():
        eligible = [i for i, c in enumerate(counties) if not (code == "7.3" and c.code in NOT_PILOT)]
        weights = [size[i] * rng.uniform(0.85, 1.15) for i in eligible]
        for i, part in zip(eligible, _split(total, weights), strict=True):
            allocations[counties[i].code][code] = Decimal(part)
        for c in counties:
            allocations[c.code].setdefault(code, None)
    for code, rate in RATE_TARGETS.items():
        for c in counties:
            allocations[c.code][code] = rate
    province = {code: Decimal(t) for code, t in PROVINCE_TOTALS.items()} | dict(RATE_TARGETS)
    return Targets(year=YEAR, counties=tuple(counties), allocations=allocations, province=province)


def _performance(code: str, rng: random.Random) -> float:
    if code in LAGGARDS:
        return rng.uniform(0.55, 0.75)
    if code in LEADERS:
        return rng.uniform(1.15, 1.3)
    return min(1.12, max(0.82, rng.gauss(1.0, 0.06)))


def make_submission(
    scheme: Scheme, county: County, allocation: dict[str, Decimal | None], rng: random.Random
) -> Submission:
    p = _performance(county.code, rng)
    values: dict[str, Value] = {}
    for ind in scheme.indicators:
        t = allocation.get(ind.code)
        if ind.rule is Rule.INFO:
            continue
        if ind.code == "2.1":
            amount = (Decimal("4.5") * Decimal(str(round(rng.uniform(0.8, 1.0) / min(p, 1.05), 2)))).quantize(
                Decimal("0.1")
            )
        elif ind.code == "2.2":
            amount = Decimal(1 if rng.random() < 0.06 else 0)
        elif ind.code == "2.3":
            # no restructuring this year (15%): the rate is met; the random draws are as they were
            met = rng.random() < 0.15 or rng.random() < 0.95
            amount = Decimal(100 if met else 90)
            if county.code == DASH:
                values[ind.code] = Value.not_applicable(raw="—")  # refused: only the province says 不考核
                continue
        elif ind.code == "4.2":
            amount = Decimal(0 if rng.random() < 0.9 else rng.randint(1, 3))
        elif ind.code == "6.2":
            continue  # worked out from the report date and the deadline
        elif ind.code == "7.V":
            amount = Decimal(1 if county.code == VETOED else 0)
        elif ind.code == "9.3":
            amount = Decimal(1 if rng.random() < 0.04 else 0)
        elif ind.unit == "%":
            assert t is not None
            amount = (t * Decimal(str(min(1.0, p * rng.uniform(0.95, 1.02))))).quantize(
                Decimal("0.1"), ROUND_HALF_UP
            )
        elif t is None:
            continue
        else:
            amount = (t * Decimal(str(p * rng.uniform(0.96, 1.04)))).quantize(Decimal(1), ROUND_HALF_UP)
        values[ind.code] = Value.of(amount)
    if "3.2" in values and values["3.2"].amount is not None:
        total = values["3.2"].amount
        parts = ["3.2.1", "3.2.2", "3.2.3"]
        split = _split(int(total), [float(allocation[c] or 0) or 1.0 for c in parts])
        for c, n in zip(parts, split, strict=True):
            values[c] = Value.of(n)
    if county.code == BLANK_CELL:
        values["4.4"] = Value.missing()
    late = county.code == LATE
    date = DEADLINE + dt.timedelta(days=10) if late else DEADLINE - dt.timedelta(days=rng.randint(0, 8))
    self_scores = _self_scores(scheme, allocation, values, inflate=county.code in INFLATED_SELF_SCORE)
    return Submission(
        county=county.code,
        year=YEAR,
        values=values,
        reporter=Reporter(
            unit=f"{county.name}劳动和社会保障局",
            person=rng.choice(["王", "李", "张", "刘", "陈", "杨", "黄", "赵"])
            + rng.choice(["敏", "伟", "芳", "军", "静", "强", "磊", "娟"]),
            phone=f"079{rng.randint(0, 9)}-{rng.randint(2000000, 8999999)}",
            date=date,
        ),
        self_scores=self_scores,
        self_total=None,
        submitted_on=date,
    )


def _self_scores(
    scheme: Scheme, allocation: dict[str, Decimal | None], values: dict[str, Value], *, inflate: bool
) -> dict[str, Decimal]:
    """What a county's own 自评分 column says: its true score, a little generous where ``inflate``."""
    out: dict[str, Decimal] = {}
    for ind in scheme.indicators:
        v, t = values.get(ind.code), allocation.get(ind.code)
        if ind.rule in (Rule.INFO, Rule.VETO) or v is None or v.amount is None or ind.code == "6.2":
            continue
        if ind.needs_target and not t:
            continue
        s, bonus, _ = rule_score(ind, t, v.amount)
        if inflate and s < ind.weight:
            s = min(ind.weight, q2(s + Decimal("0.5")))
        out[ind.code] = s + bonus
    return out


@overload
def _a_year_earlier(d: dt.date, years: int) -> dt.date: ...
@overload
def _a_year_earlier(d: None, years: int) -> None: ...
def _a_year_earlier(d: dt.date | None, years: int) -> dt.date | None:
    return None if d is None else d.replace(year=d.year - years)


def _moved(province: ExampleProvince, year: int) -> ExampleProvince:
    """The province as of another year: the same stories, every date moved by whole years."""
    back = YEAR - year
    subs = tuple(
        evolve(
            s,
            year=year,
            submitted_on=_a_year_earlier(s.submitted_on, back),
            reporter=evolve(s.reporter, date=_a_year_earlier(s.reporter.date, back)),
        )
        for s in province.submissions
    )
    return evolve(
        province,
        targets=evolve(province.targets, year=year),
        submissions=subs,
        deadline=_a_year_earlier(province.deadline, back),
        assessed_on=_a_year_earlier(province.assessed_on, back),
    )


def example_province(
    scheme: Scheme, counties: Sequence[County], seed: int = YEAR, year: int = YEAR
) -> ExampleProvince:
    """The whole example province, the same for the same scheme, counties, seed and year (another
    year, as for last year's result that 同比 compares with, moves every date by whole years)."""
    if year != YEAR:
        return _moved(example_province(scheme, counties, seed), year)
    rng = random.Random(seed)
    targets = make_targets(counties, rng)
    subs = tuple(
        make_submission(scheme, c, targets.allocations[c.code], rng)
        for c in counties
        if c.code != NOT_SUBMITTED
    )
    return ExampleProvince(
        scheme_id=scheme.id,
        targets=targets,
        submissions=subs,
        findings=FINDINGS,
        layouts=dict(LAYOUTS),
        broken=(BROKEN,),
        deadline=DEADLINE,
        assessed_on=ASSESSED_ON,
    )
