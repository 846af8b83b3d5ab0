"""Numbers as Chinese reports write them, into :class:`~minsheng.Value` with units converted.

``parse_number`` never raises for any cell content: it gives a reported value, not-applicable
("—", "/", "不适用"), or missing (blank, never 0). Text that is not a number gives a MISSING value
that keeps the raw text, and a ``not-a-number`` problem appended to the caller's ``problems`` list.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
from decimal import Context, Decimal, InvalidOperation

from ..model import Problem, Provenance, Severity, Value, ValueStatus
from ._scan import ERROR_LITERALS, CellFlag
from .cells import Cell, cell_flag_problem

#: unit → (dimension, factor to the dimension's base unit)
UNITS: dict[str, tuple[str, int]] = {
    "人": ("person", 1),
    "人次": ("person", 1),
    "名": ("person", 1),
    "万人": ("person", 10_000),
    "万人次": ("person", 10_000),
    "元": ("money", 1),
    "千元": ("money", 1_000),
    "万元": ("money", 10_000),
    "亿元": ("money", 100_000_000),
    "户": ("household", 1),
    "万户": ("household", 10_000),
    "家": ("household", 1),
    "次": ("times", 1),
    "起": ("case", 1),
    "件": ("case", 1),
    "个": ("count", 1),
    "天": ("day", 1),
    "日": ("day", 1),
    "%": ("percent", 1),
    "％": ("percent", 1),
    "‰": ("permille", 1),
    "分": ("score", 1),  # 自评分: 6分
}

#: Texts that mean "this indicator does not apply" (不适用/不考核), after normalisation.
NOT_APPLICABLE_TEXTS = frozenset(
    {
        "-", "--", "---", "—", "——", "－", "－－", "–", "―", "─", "/", "//", "／", "\\", "＼",
        "不适用", "无此项", "不考核", "n/a", "na", "N/A", "NA", "×", "x", "X",
    }
)  # fmt: skip

_DASHES = str.maketrans({"－": "-", "—": "-", "–": "-", "―": "-", "─": "-", "−": "-", "﹣": "-"})
_NUMBER = re.compile(
    r"""^(?P<sign>[+-])?
    (?P<int>\d{1,3}(?:,\d{3})+|\d+)?
    (?:\.(?P<frac>\d+))?
    (?:[eE](?P<exp>[+-]?\d{1,3}))?$""",
    re.VERBOSE,
)
_SUFFIX = re.compile(r"(?P<mult>[万亿])?(?P<unit>人次|人|名|元|户|家|次|起|件|个|天|日|%|‰|分)?$")
_MAX_DIGITS = 30


def decimal_from_float(x: float) -> Decimal:
    """A float from a spreadsheet as the decimal a person typed: 15 significant digits, like Excel.

    ``0.1 + 0.2`` stored as ``0.30000000000000004`` becomes ``Decimal("0.3")``; integers have no
    exponent (``Decimal("12000")``, not ``1.2E+4``).
    """
    d = Decimal(format(x, ".15g"))
    return _tidy(d) if abs(d) < MAX_ABS else d


_WIDE = Context(prec=60)
#: Amounts at or beyond this size are not read as numbers (no county report holds 10^18 of anything).
MAX_ABS = Decimal(10) ** 18


def _tidy(d: Decimal) -> Decimal:
    """Without exponent or trailing zeros, and without a negative zero."""
    if d.is_zero():
        return Decimal(0)
    if d == d.to_integral_value():
        return d.quantize(Decimal(1), context=_WIDE)
    return d.normalize(context=_WIDE)


def normalise_text(text: str) -> str:
    """NFKC (full-width digits and punctuation to ASCII), without inner spaces."""
    t = unicodedata.normalize("NFKC", text)
    return "".join(t.split())


#: a unit's text normalised, remembered: a sheet names a handful of units thousands of times
_unit_text = functools.lru_cache(maxsize=1024)(normalise_text)


def unit_info(unit: str | None) -> tuple[str, int] | None:
    if unit is None:
        return None
    return UNITS.get(_unit_text(unit).strip("()（）"))


def _parse_text(text: str) -> tuple[str, Decimal | None, int, str | None]:
    """(status, amount before unit conversion, multiplier, stated unit) or status 'nan' for garbage."""
    t = normalise_text(text)
    if not t:
        return "missing", None, 1, None
    if t in NOT_APPLICABLE_TEXTS or t.lower() in NOT_APPLICABLE_TEXTS:
        return "na", None, 1, None
    t = t.translate(_DASHES)
    if set(t) <= {"-"}:
        return "na", None, 1, None
    m = _SUFFIX.search(t)
    mult = 1
    unit = None
    if m and m.group(0):
        if m.group("mult"):
            mult = 10_000 if m.group("mult") == "万" else 100_000_000
        unit = m.group("unit")
        if mult != 1 and unit is not None and unit not in ("人", "人次", "元", "户"):
            return "nan", None, 1, None
        t = t[: m.start()]
        if mult != 1 and unit is not None:
            unit = ("万" if mult == 10_000 else "亿") + unit
            mult = 1
    n = _NUMBER.match(t)
    if not n or (n.group("int") is None and n.group("frac") is None):
        return "nan", None, 1, None
    digits = (n.group("int") or "0").replace(",", "") + "." + (n.group("frac") or "0")
    if len(digits) > _MAX_DIGITS:
        return "nan", None, 1, None
    try:
        d = Decimal(digits)
    except InvalidOperation:  # pragma: no cover - the regex admits only digits
        return "nan", None, 1, None
    if n.group("exp"):
        exp = int(n.group("exp"))
        if abs(exp) > 20:
            return "nan", None, 1, None
        d = d.scaleb(exp)
    if n.group("sign") == "-":
        d = -d
    return "ok", _tidy(d), mult, unit


def parse_number(
    raw: object,
    unit: str | None = None,
    *,
    to_unit: str | None = None,
    provenance: Provenance | None = None,
    problems: list[Problem] | None = None,
) -> Value:
    """Read one cell's content as a number in ``to_unit`` (or in ``unit`` when ``to_unit`` is None).

    ``raw`` is what the sheet holds (``str``, ``int``, ``float``, ``None``, a :class:`Cell`, …).
    ``unit`` is the unit the source states for it (the column header's ``（万人）``); a unit written
    in the text itself (``"1.2万人"``, ``"35%"``) wins over it, and a bare ``"1.2万"`` means
    12000 of the base unit. ``to_unit`` is the scheme indicator's unit: 万人 → 人 is ×10000,
    亿元 → 万元 ×10000, 元 → 万元 ÷10000.

    Outcomes (never an exception):

    - a number → ``Value`` REPORTED with a :class:`~decimal.Decimal` amount;
    - "—", "－", "-", "/", "／", "不适用", "无此项" → NOT_APPLICABLE (``raw`` kept);
    - blank or ``None`` → MISSING (never 0);
    - anything else → MISSING with ``raw`` kept, and a problem appended to ``problems``:
      ``not-a-number`` (text, dates, booleans), ``error-cell`` / ``uncached-formula`` (a flagged
      :class:`Cell` or an error literal such as ``#DIV/0!``), or ``unit-mismatch`` (元 into 人).
    """
    prov = provenance or Provenance()

    def fail(code: str, message: str, raw_text: str | None) -> Value:
        if problems is not None:
            problems.append(Problem.at(code, message, prov, severity=Severity.ERROR))
        return Value(ValueStatus.MISSING, None, prov, raw_text)

    if isinstance(raw, Cell):
        if raw.flag is not None:
            if problems is not None:
                problems.append(cell_flag_problem(raw.flag, prov))
            return Value(ValueStatus.MISSING, None, prov, raw.flag.detail or raw.flag.kind)
        if raw.percent and isinstance(raw.value, int | float) and not isinstance(raw.value, bool):
            # shown as 85% but stored as 0.85: read what people see
            if math.isfinite(raw.value):
                return parse_number(
                    f"{decimal_from_float(float(raw.value)) * 100}%",
                    unit,
                    to_unit=to_unit or unit or "%",
                    provenance=provenance,
                    problems=problems,
                )
        raw = raw.value
    if isinstance(raw, CellFlag):
        if problems is not None:
            problems.append(cell_flag_problem(raw, prov))
        return Value(ValueStatus.MISSING, None, prov, raw.detail or raw.kind)

    where = f"单元格 {prov.cell}" if prov.cell else "该项"
    stated: str | None = None
    mult = 1
    if raw is None:
        return Value(ValueStatus.MISSING, None, prov, None)
    if isinstance(raw, bool):
        return fail("not-a-number", f"{where} 应为数字，实为逻辑值“{raw}”；请填写数值。", str(raw))
    if isinstance(raw, int):
        amount = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            return fail("not-a-number", f"{where} 不是有效数字；请填写数值。", repr(raw))
        amount = decimal_from_float(raw)
    elif isinstance(raw, Decimal):
        if not raw.is_finite():
            return fail("not-a-number", f"{where} 不是有效数字；请填写数值。", str(raw))
        amount = raw
    elif isinstance(raw, dt.date | dt.time | dt.timedelta):
        return fail(
            "not-a-number",
            f"{where} 应为数字，实为日期或时间“{raw}”（可能是单元格格式设成了日期）；请把格式改为数值后重填。",
            str(raw),
        )
    elif isinstance(raw, str):
        text = raw.strip()
        if text.upper() in ERROR_LITERALS:
            return fail("error-cell", f"{where} 是错误值“{text}”，不能当作空白或 0；请修正后重新报送。", text)
        status, parsed, mult, stated = _parse_text(text)
        if status == "missing":
            return Value(ValueStatus.MISSING, None, prov, raw if raw else None)
        if status == "na":
            return Value(ValueStatus.NOT_APPLICABLE, None, prov, text)
        if status == "nan" or parsed is None:
            shown = text if len(text) <= 40 else text[:40] + "…"
            return fail(
                "not-a-number",
                f"{where} 应为数字，实为“{shown}”，无法识别；请只填阿拉伯数字（可带单位，如 1.2万人），不适用的填“—”。",
                text,
            )
        amount = parsed
    else:
        return fail("not-a-number", f"{where} 应为数字，实为“{raw!r}”；请填写数值。", repr(raw)[:60])

    if abs(amount) >= MAX_ABS:
        return fail("not-a-number", f"{where} 的数值 {raw} 大得不合常理；请核对后重新填写。", str(raw)[:60])
    source_unit = stated or unit
    target_unit = to_unit or unit or stated
    src = unit_info(source_unit)
    dst = unit_info(target_unit)
    if mult != 1:
        # a bare 万/亿 in the text: an absolute amount of the dimension's base unit
        amount = amount * mult
        if dst is not None:
            if src is not None and src[0] != dst[0]:
                return fail(
                    "unit-mismatch",
                    f"{where} 的单位“{source_unit}”不能换算为“{target_unit}”；请核对该栏的计量单位。",
                    str(raw),
                )
            amount = amount / dst[1]
    elif source_unit and target_unit and _unit_text(source_unit) != _unit_text(target_unit):
        if src is None or dst is None or src[0] != dst[0]:
            return fail(
                "unit-mismatch",
                f"{where} 的单位“{source_unit}”不能换算为“{target_unit}”；请核对该栏的计量单位。",
                str(raw),
            )
        amount = amount * src[1] / dst[1]
    raw_text = raw if isinstance(raw, str) else None
    return Value(ValueStatus.REPORTED, _tidy(amount), prov, raw_text)
