"""Validating a scheme: everything a person can get wrong in a scheme file (weights that do not add
up, duplicate codes, rule parameters, policy calculators' parameters, grade bands with gaps or
overlaps, 其中 parts that name no indicator), each a :class:`Problem`, all reported at once.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

from .calculators import CALCULATORS
from .model import (
    Indicator,
    Problem,
    Rule,
    Scheme,
)


def validate_scheme(scheme: Scheme, origin: str = "<scheme>") -> list[Problem]:
    """Every reason this scheme cannot be scored as written, as problems (empty when it is sound)."""
    problems: list[Problem] = []

    def fail(code: str, message: str) -> None:
        problems.append(Problem(code, message, file=origin))

    seen: set[str] = set()
    for group in scheme.groups:
        if group.code in seen:
            fail("duplicate-code", f"编号“{group.code}”重复出现，请改为唯一编号。")
        seen.add(group.code)
    codes: set[str] = set()
    for ind in scheme.indicators:
        if ind.code in codes:
            fail("duplicate-code", f"指标编号“{ind.code}”重复出现，请改为唯一编号。")
        codes.add(ind.code)

    for group in scheme.groups:
        total = sum((i.weight for i in group.indicators), Decimal(0))
        if total != group.weight:
            fail(
                "weight-mismatch",
                f"指标组 {group.code}“{group.name}”分值为 {group.weight}，但其指标分值之和为 {total}；请使两者相等。",
            )
    group_total = sum((g.weight for g in scheme.groups), Decimal(0))
    if group_total != scheme.total:
        fail("weight-mismatch", f"各指标组分值之和为 {group_total}，应等于总分 {scheme.total}。")

    for ind in scheme.indicators:
        where = f"指标 {ind.code}“{ind.name}”"
        if ind.weight < 0:
            fail("bad-parameter", f"{where} 的分值不能为负数。")
        if ind.rule in (Rule.VETO, Rule.INFO) and ind.weight != 0:
            fail("bad-parameter", f"{where} 的规则为 {ind.rule.value}，不计分，分值应为 0。")
        if ind.rule is Rule.STEPS:
            if not ind.steps:
                fail("missing-parameter", f"{where} 为分档计分，缺少 steps。")
            ats = [s.at for s in ind.steps]
            if ats != sorted(ats, reverse=True) or len(set(ats)) != len(ats):
                fail("bad-parameter", f"{where} 的 steps 应按完成率从高到低排列，且不重复。")
            if any(not (0 <= s.fraction <= 1) for s in ind.steps):
                fail("bad-parameter", f"{where} 的 steps 得分比例应在 0 到 1 之间。")
        if ind.rule is Rule.BINARY and ind.condition is None:
            fail("missing-parameter", f"{where} 为达标计分，缺少 condition（ge、le 或 eq）。")
        if ind.rule is Rule.DEDUCT and (ind.per_unit is None or ind.per_unit <= 0):
            fail("missing-parameter", f"{where} 为扣分制，缺少正数 per_unit（每次/每天扣几分）。")
        if ind.bonus is not None:
            if ind.rule is not Rule.RATIO:
                fail("bad-parameter", f"{where} 只有按完成比例得分（ratio）的指标才能设超额加分。")
            if ind.bonus.step <= 0 or ind.bonus.per_step < 0 or ind.bonus.cap < 0:
                fail("bad-parameter", f"{where} 的超额加分参数应为正数。")
        for part in ind.parts:
            if part not in codes:
                fail("unknown-part", f"{where} 的“其中”项“{part}”不是本方案中的指标编号。")
            elif part == ind.code:
                fail("unknown-part", f"{where} 不能把自己列为“其中”项。")
        if ind.calculator is not None and ind.calculator not in CALCULATORS:
            fail(
                "unknown-calculator",
                f"{where} 的政策测算“{ind.calculator}”不认识；可用：{'、'.join(CALCULATORS)}。",
            )
        problems.extend(_calculator_problems(ind, where, origin))

    late = [ind for ind in scheme.indicators if ind.lateness]
    if len(late) > 1:
        fail(
            "bad-parameter",
            f"只能有一个逾期天数指标（lateness = true），现有：{'、'.join(i.code for i in late)}。",
        )
    for ind in late:
        if ind.rule is not Rule.DEDUCT:
            fail(
                "bad-parameter",
                f'逾期天数指标 {ind.code}“{ind.name}”应为扣分制（rule = "deduct"），按逾期天数扣分。',
            )
    problems.extend(_grade_problems(scheme, origin))

    cross_codes = [c.code for c in scheme.cross_items]
    for code in {c for c in cross_codes if cross_codes.count(c) > 1}:
        fail("duplicate-code", f"共性项目编号“{code}”重复出现。")
    if scheme.excellent_quota is not None and not (0 < scheme.excellent_quota <= 1):
        fail("bad-parameter", f"excellent_quota（优秀比例）应在 0 到 1 之间，实为 {scheme.excellent_quota}。")
    if scheme.bonus_cap < 0:
        fail("bad-parameter", "bonus_cap（加分上限）不能为负数。")
    if scheme.advanced_count < 0:
        fail("bad-parameter", "advanced_count（先进个数）不能为负数。")
    if scheme.group_advanced_count < 0:
        fail("bad-parameter", "group_advanced_count（每组单项先进个数）不能为负数。")
    if scheme.group_advanced_grade is not None and scheme.group_advanced_grade not in {
        g.name for g in scheme.grades
    }:
        fail("grade-bands", f"group_advanced_grade“{scheme.group_advanced_grade}”不是已定义的等次。")
    rule = scheme.interim
    if rule is not None and (
        rule.points < 0 or rule.consecutive < 0 or (rule.cap is not None and rule.cap < 0)
    ):
        fail("bad-parameter", "[interim] 的 points、consecutive、cap（扣分）不能为负数。")
    return problems


def _calculator_problems(ind: Indicator, where: str, origin: str) -> list[Problem]:
    """What is wrong with an indicator's 政策参数 (calculator_params) and defaults (docs/scheme.md)."""
    problems: list[Problem] = []

    def fail(message: str) -> None:
        problems.append(Problem("bad-parameter", message, file=origin))

    calc = CALCULATORS.get(ind.calculator or "")
    if calc is None:
        if ind.calculator is None and (ind.calculator_params or ind.calculator_defaults):
            fail(f"{where} 没有政策测算（calculator），不应设 calculator_params 或 calculator_defaults。")
        return problems
    known = {p.key: p for p in calc.params}
    for key, value in ind.calculator_params.items():
        param = known.get(key)
        if param is None:
            fail(
                f"{where} 的政策参数 calculator_params.{key} 不认识；“{calc.title}”的政策参数有："
                f"{'、'.join(known)}。"
            )
        elif (why := param.problem(value)) is not None:
            fail(f"{where} 的政策参数 {key}（{param.name}）{why}。")
    shares = [ind.calculator_params.get(k) for k in ("fiscal_share", "personal_share")]
    if "fiscal_share" in known and None not in shares and sum(shares, Decimal(0)) != 1:  # type: ignore[type-var]
        fail(
            f"{where} 的财政补助比例 fiscal_share（{shares[0]}）与个人负担比例 personal_share（{shares[1]}）"
            "之和应为 1。"
        )
    optional = {i.key: i for i in calc.optional}
    for key, value in ind.calculator_defaults.items():
        if key not in optional:
            fail(
                f"{where} 的 calculator_defaults.{key} 不认识；“{calc.title}”可设默认值的只有："
                f"{'、'.join(optional) or '（无）'}。"
            )
        elif value < 0:
            fail(f"{where} 的 calculator_defaults.{key}（{optional[key].name}）不能为负数，实为 {value}。")
    return problems


def _grade_problems(scheme: Scheme, origin: str) -> list[Problem]:
    problems: list[Problem] = []
    names = [g.name for g in scheme.grades]

    def fail(code: str, message: str) -> None:
        problems.append(Problem(code, message, file=origin))

    if not scheme.grades:
        fail("grade-bands", "考核方案没有等次（[[grades]]）。")
        return problems
    bands = sorted(scheme.grades, key=lambda g: g.minimum)
    if bands[0].minimum > 0:
        fail(
            "grade-bands",
            f"最低等次“{bands[0].name}”应从 0 分起，现从 {bands[0].minimum} 分起，低于它的得分无等次。",
        )
    for lower, upper in itertools.pairwise(bands):
        if lower.below is None:
            fail("grade-bands", f"等次“{lower.name}”缺少上限 below，与“{upper.name}”重叠。")
        elif lower.below < upper.minimum:
            fail(
                "grade-bands",
                f"等次“{lower.name}”（低于 {lower.below}）与“{upper.name}”（{upper.minimum} 起）之间有空档。",
            )
        elif lower.below > upper.minimum:
            fail(
                "grade-bands",
                f"等次“{lower.name}”（低于 {lower.below}）与“{upper.name}”（{upper.minimum} 起）重叠。",
            )
    if bands[-1].below is not None:
        fail("grade-bands", f"最高等次“{bands[-1].name}”不应设上限 below（加分后可超过总分）。")
    for name in {n for n in names if names.count(n) > 1}:
        fail("grade-bands", f"等次“{name}”重复出现。")
    for label, name in (("excellent_grade", scheme.excellent_grade), ("veto_grade", scheme.veto_grade)):
        if name not in names:
            fail("grade-bands", f"{label}“{name}”不是已定义的等次。")
    return problems
