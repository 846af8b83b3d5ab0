"""Schemes are data: load a scheme file (TOML), validate it, and give the built-in ones.

A scheme file is meant to be edited by a provincial office. Loading therefore checks everything a
person can get wrong (weights that do not add up, duplicate codes, unknown rules, missing rule
parameters, grade bands with gaps or overlaps, 其中 parts that name no indicator) and reports all of
it at once as :class:`Problem` values inside a :class:`SchemeError`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .calculators import CALCULATORS
from .model import (
    Bonus,
    Condition,
    CrossItem,
    Grade,
    Indicator,
    IndicatorGroup,
    InterimRule,
    Problem,
    ProgressSettings,
    Rule,
    Scheme,
    Step,
)
from .scheme_validation import validate_scheme

BUILTIN_SCHEMES = ("jiangxi-2007",)
DEFAULT_SCHEME = "jiangxi-2007"


class SchemeError(Exception):
    """A scheme file that cannot be used; ``problems`` says every reason, in Chinese, with codes."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(f"[{p.code}] {p.message}" for p in problems))


def builtin_scheme_text(name: str = DEFAULT_SCHEME) -> str:
    """The TOML text of a built-in scheme, comments and all (what ``minsheng scheme export`` writes)."""
    if name not in BUILTIN_SCHEMES:
        raise SchemeError(
            [
                Problem(
                    "unknown-scheme", f"没有名为“{name}”的内置考核方案；可用：{'、'.join(BUILTIN_SCHEMES)}。"
                )
            ]
        )
    # the file itself in an installed or source tree (importing importlib.resources costs ~5 ms)
    here = Path(__file__).with_name("schemes") / f"{name}.toml"
    if here.is_file():
        return here.read_text(encoding="utf-8")
    from importlib import resources  # pragma: no cover - a zipped install

    return resources.files("minsheng.schemes").joinpath(f"{name}.toml").read_text(encoding="utf-8")


def load_scheme(source: str | Path = DEFAULT_SCHEME) -> Scheme:
    """Load a scheme: a built-in name such as ``"jiangxi-2007"``, or the path of a TOML file."""
    if isinstance(source, str) and source in BUILTIN_SCHEMES:
        return parse_scheme(builtin_scheme_text(source), origin=f"{source}.toml")
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SchemeError(
            [
                Problem(
                    "scheme-not-found",
                    f"找不到考核方案文件“{path}”；请检查路径，或使用内置方案：{'、'.join(BUILTIN_SCHEMES)}。",
                    file=str(path),
                )
            ]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemeError(
            [
                Problem(
                    "scheme-unreadable",
                    f"无法读取考核方案文件“{path}”：{exc}。请另存为 UTF-8 文本。",
                    file=str(path),
                )
            ]
        ) from None
    return parse_scheme(text, origin=str(path))


def parse_scheme(text: str, origin: str = "<scheme>") -> Scheme:
    """Parse and validate scheme TOML text; ``origin`` names the file in problems."""
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise SchemeError(
            [
                Problem(
                    "scheme-syntax", f"考核方案文件格式错误（TOML）：{exc}。请按说明修改后重试。", file=origin
                )
            ]
        ) from None
    return scheme_from_dict(data, origin=origin)


def scheme_from_dict(data: Mapping[str, Any], origin: str = "<scheme>") -> Scheme:
    """Build and validate a scheme from its plain-dict form (the parsed TOML)."""
    builder = _Builder(origin)
    scheme = builder.build(data)
    problems = builder.problems + (validate_scheme(scheme, origin) if scheme else [])
    if problems or scheme is None:
        raise SchemeError(problems)
    return scheme


def _given(value: Decimal | None, default: Decimal) -> Decimal:
    """``value`` as read, or ``default`` only where nothing could be read (a 0 stays a 0, and the
    checks of the scheme see it)."""
    return default if value is None else value


class _Builder:
    def __init__(self, origin: str):
        self.origin = origin
        self.problems: list[Problem] = []

    def fail(self, code: str, message: str) -> None:
        self.problems.append(Problem(code, message, file=self.origin))

    def number(self, value: Any, where: str, *, required: bool = True) -> Decimal | None:
        if value is None:
            if required:
                self.fail("missing-parameter", f"{where} 缺少数值，请补上。")
            return None
        if isinstance(value, bool):
            self.fail("bad-parameter", f"{where} 应为数字，实为“{value}”。")
            return None
        try:
            return Decimal(str(value)) if not isinstance(value, Decimal) else value
        except InvalidOperation:
            self.fail("bad-parameter", f"{where} 应为数字，实为“{value}”。")
            return None

    def build(self, data: Mapping[str, Any]) -> Scheme | None:
        for key in ("id", "name"):
            if not data.get(key):
                self.fail("missing-parameter", f"考核方案缺少“{key}”。")
        groups = tuple(self.group(g, i) for i, g in enumerate(data.get("groups") or [], start=1))
        if not groups:
            self.fail("missing-parameter", "考核方案没有任何指标组（[[groups]]）。")
        grades = tuple(
            Grade(
                name=str(g.get("name", "")),
                minimum=_given(
                    self.number(g.get("minimum"), f"等次“{g.get('name', '?')}”的 minimum"), Decimal(0)
                ),
                below=self.number(g.get("below"), "", required=False),
            )
            for g in data.get("grades") or []
        )
        cross = tuple(
            CrossItem(
                code=str(c.get("code", "")),
                name=str(c.get("name", "")),
                points=_given(
                    self.number(c.get("points", 0), f"共性项目“{c.get('code')}”的 points"), Decimal(0)
                ),
                veto=bool(c.get("veto", False)),
            )
            for c in data.get("cross_items") or []
        )
        quota = data.get("excellent_quota")
        if not (data.get("id") and data.get("name") and groups):
            return None
        return Scheme(
            id=str(data.get("id")),
            name=str(data.get("name")),
            groups=groups,
            grades=grades,
            year=int(data["year"]) if data.get("year") is not None else None,
            total=_given(self.number(data.get("total", 100), "total"), Decimal(100)),
            bonus_cap=_given(self.number(data.get("bonus_cap", 0), "bonus_cap"), Decimal(0)),
            excellent_grade=str(data.get("excellent_grade", "优秀")),
            excellent_quota=self.number(quota, "excellent_quota", required=False),
            veto_grade=str(data.get("veto_grade", "不合格")),
            advanced_count=int(data.get("advanced_count", 3)),
            cross_items=cross,
            description=str(data.get("description", "")),
            source=str(data.get("source", "")),
            group_advanced_count=self.count(data, "group_advanced_count", 1),
            group_advanced_grade=str(data["group_advanced_grade"])
            if data.get("group_advanced_grade")
            else None,
            interim=self.interim(data.get("interim")),
            earlier_ids=self.names(data, "earlier_ids"),
            progress=self.progress(data.get("progress") or {}),
        )

    def names(self, data: Mapping[str, Any], key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.fail("bad-parameter", f'{key} 应写成方案编号的列表，如 ["jiangxi-2007"]，实为“{value}”。')
            return ()
        return tuple(value)

    def count(self, data: Mapping[str, Any], key: str, default: int) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail("bad-parameter", f"{key} 应为整数，实为“{value}”。")
            return default
        return value

    def interim(self, raw: Any) -> InterimRule | None:
        """``[interim]``: 平时考核计入年终 (序时进度通报末位扣分); absent means off."""
        if raw is None:
            return None
        if not isinstance(raw, Mapping):
            self.fail("bad-parameter", "[interim] 应写成表，如 [interim] 下写 points = 0.2。")
            return None
        where = "[interim]"
        cadence = str(raw.get("cadence", "month"))
        if cadence not in ("month", "quarter"):
            self.fail(
                "bad-parameter", f"{where} 的 cadence 应为 month（月报）或 quarter（季报），实为“{cadence}”。"
            )
        return InterimRule(
            points=_given(self.number(raw.get("points"), f"{where} 的 points（每期末位扣分）"), Decimal(0)),
            consecutive=_given(self.number(raw.get("consecutive", 0), f"{where} 的 consecutive"), Decimal(0)),
            cap=self.number(raw.get("cap"), "", required=False),
            cadence=cadence,
            name=str(raw.get("name") or "序时进度通报末位"),
        )

    def progress(self, d: Mapping[str, Any]) -> ProgressSettings:
        """The ``[progress]`` table: status bands in points, 连续滞后 periods, the reports' due day."""
        default = ProgressSettings()
        known = {"band", "red", "consecutive", "due_day"}
        for key in sorted(set(d) - known):
            self.fail(
                "bad-parameter", f"[progress] 中没有“{key}”这一项；可用：band、red、consecutive、due_day。"
            )
        band = _given(self.number(d.get("band", default.band), "[progress] band"), default.band)
        red = _given(self.number(d.get("red", default.red), "[progress] red"), default.red)
        if not Decimal(0) <= band < red:
            self.fail(
                "bad-parameter", "[progress] 的 band（按序时的上下幅度）应不小于 0 且小于 red（严重滞后线）。"
            )
        counts = {}
        for key, low, high in (("consecutive", 1, 12), ("due_day", 1, 28)):
            value = d.get(key, getattr(default, key))
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                self.fail(
                    "bad-parameter", f"[progress] 的 {key} 应为 {low} 到 {high} 的整数，而不是“{value}”。"
                )
                value = getattr(default, key)
            counts[key] = value
        return ProgressSettings(band=band, red=red, **counts)

    def group(self, g: Mapping[str, Any], index: int) -> IndicatorGroup:
        code = str(g.get("code", index))
        return IndicatorGroup(
            code=code,
            name=str(g.get("name", "")),
            weight=_given(self.number(g.get("weight"), f"指标组 {code} 的 weight"), Decimal(0)),
            indicators=tuple(self.indicator(i, code) for i in g.get("indicators") or []),
            description=str(g.get("description", "")),
        )

    def indicator(self, d: Mapping[str, Any], group: str) -> Indicator:
        code = str(d.get("code", ""))
        where = f"指标 {code or '（无编号）'}"
        if not code:
            self.fail("missing-parameter", f"指标组 {group} 中有指标缺少 code。")
        rule_text = str(d.get("rule", ""))
        try:
            rule = Rule(rule_text)
        except ValueError:
            self.fail(
                "unknown-rule",
                f"{where} 的计分规则“{rule_text}”不认识；可用：{'、'.join(r.value for r in Rule)}。",
            )
            rule = Rule.RATIO  # neutral stand-in so that the other checks still run
        bonus = None
        if d.get("bonus") is not None:
            b = d["bonus"]
            if not isinstance(b, Mapping):
                self.fail(
                    "bad-parameter", f"{where} 的 bonus 应写成 {{ step = 0.1, per_step = 0.5, cap = 2 }}。"
                )
            else:
                bonus = Bonus(
                    step=_given(self.number(b.get("step"), f"{where} 的 bonus.step"), Decimal(1)),
                    per_step=_given(self.number(b.get("per_step"), f"{where} 的 bonus.per_step"), Decimal(0)),
                    cap=_given(self.number(b.get("cap"), f"{where} 的 bonus.cap"), Decimal(0)),
                )
        steps: list[Step] = []
        for s in d.get("steps") or []:
            if not (isinstance(s, list | tuple) and len(s) == 2):
                self.fail("bad-parameter", f"{where} 的 steps 每档应写成 [完成率, 得分比例]，如 [0.8, 0.6]。")
                continue
            at = self.number(s[0], f"{where} 的 steps")
            fraction = self.number(s[1], f"{where} 的 steps")
            if at is not None and fraction is not None:
                steps.append(Step(at, fraction))
        condition = None
        if d.get("condition") is not None:
            try:
                condition = Condition(str(d["condition"]))
            except ValueError:
                self.fail(
                    "bad-parameter", f"{where} 的 condition 应为 ge、le 或 eq，实为“{d['condition']}”。"
                )
        return Indicator(
            code=code,
            name=str(d.get("name", "")),
            unit=str(d.get("unit", "")),
            rule=rule,
            weight=_given(self.number(d.get("weight", 0), f"{where} 的 weight"), Decimal(0)),
            description=str(d.get("description", "")),
            aliases=tuple(str(a) for a in d.get("aliases") or ()),
            bonus=bonus,
            steps=tuple(steps),
            condition=condition,
            threshold=self.number(d.get("threshold"), "", required=False),
            per_unit=self.number(d.get("per_unit"), "", required=False),
            parts=tuple(str(p) for p in d.get("parts") or ()),
            calculator=str(d["calculator"]) if d.get("calculator") else None,
            calculator_params=self.table(d, "calculator_params", where),
            calculator_defaults=self.table(d, "calculator_defaults", where),
            lateness=self.flag(d, "lateness", where),
        )

    def flag(self, d: Mapping[str, Any], key: str, where: str) -> bool:
        value = d.get(key, False)
        if not isinstance(value, bool):
            self.fail("bad-parameter", f"{where} 的 {key} 应为 true 或 false，实为“{value}”。")
            return False
        return value

    def table(self, d: Mapping[str, Any], key: str, where: str) -> dict[str, Decimal]:
        """A table of numbers (``calculator_params``, ``calculator_defaults``); with the speech's
        figures for the policy parameters a scheme file leaves out."""
        raw = d.get(key) or {}
        if not isinstance(raw, Mapping):
            self.fail("bad-parameter", f"{where} 的 {key} 应写成表，如 {{ months = 6 }}。")
            raw = {}
        out: dict[str, Decimal] = {}
        for k, v in raw.items():
            number = self.number(v, f"{where} 的 {key}.{k}")
            if number is not None:
                out[str(k)] = number
        calc = CALCULATORS.get(str(d.get("calculator") or ""))
        if key == "calculator_params" and calc is not None:
            out = calc.defaults() | out
        return out
