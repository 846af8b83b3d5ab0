"""Dates as Chinese offices write them on a report.

``2008年1月8日``, ``2008-1-8``, ``2008.1.8``, ``2008/1/8``, ``20080108``, the official style
``二〇〇八年一月八日`` (also with ``○``, ``零`` or the letter O for 〇, and ``元月`` for 一月),
two-digit years (``08年1月15日``), ``号`` for ``日``, full-width digits, a month and day alone
(``1月8日``, the year taken from the report's year), an Excel date cell or serial number.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

EXCEL_EPOCH = dt.date(1899, 12, 30)

_ZERO = "〇○零OoＯ"
_DIGITS = {**dict.fromkeys(_ZERO, 0), "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_DIGITS.update({"六": 6, "七": 7, "八": 8, "九": 9})
_CHINESE = re.compile(r"([〇○零OoＯ一二两三四五六七八九十廿卅元]+)(\s*)(年|月|日|号)")
_FULL = re.compile(
    r"(?<!\d)(\d{4}|\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?"
    r"|(?<!\d)(\d{4})\s*(?:年|[-./／])\s*(\d{1,2})\s*(?:月|[-./／])\s*(\d{1,2})(?!\d)"
)
_MONTH_DAY = re.compile(r"(?<![\d年./-])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")


def _small_number(token: str) -> int | None:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 二十一 → 21, 廿三 → 23, 元 → 1 (元月)."""
    token = token.replace("廿", "二十").replace("卅", "三十")
    if token == "元":
        return 1
    if "十" not in token:
        return _DIGITS.get(token) if len(token) == 1 else None
    tens, _, ones = token.partition("十")
    t = 1 if tens == "" else _DIGITS.get(tens) if len(tens) == 1 else None
    o = 0 if ones == "" else _DIGITS.get(ones) if len(ones) == 1 else None
    return None if t is None or o is None else t * 10 + o


def _year_digits(token: str) -> str | None:
    """二〇〇八 → "2008" (a year is written digit by digit)."""
    if not token.strip(_ZERO) or any(ch not in _DIGITS for ch in token):
        return None
    return "".join(str(_DIGITS[ch]) for ch in token)


def _arabic(text: str) -> str:
    """Chinese numerals before 年/月/日/号 replaced by digits: 二〇〇八年元月八日 → 2008年1月8日."""

    def swap(m: re.Match[str]) -> str:
        token, space, unit = m.groups()
        value = _year_digits(token) if unit == "年" else _small_number(token)
        return m.group(0) if value is None else f"{value}{space}{unit}"

    return _CHINESE.sub(swap, text)


def _full_year(yy: int, year: int | None) -> int:
    """A two-digit year in the century nearest the report's year (2000s when it is not known)."""
    ref = year or 2000
    return min(
        (c + yy for c in (ref // 100 * 100 - 100, ref // 100 * 100, ref // 100 * 100 + 100)),
        key=lambda y: abs(y - ref),
    )


def _month_day(month: int, day: int, year: int) -> dt.date | None:
    """A month and day of a report on the year ``year``: the year before or after its end, whichever
    is nearer (1月8日 on the 2007 report is 2008-01-08, 12月28日 is 2007-12-28)."""
    end = dt.date(year, 12, 31)
    found = []
    for y in (year, year + 1):
        try:
            found.append(dt.date(y, month, day))
        except ValueError:
            continue
    return min(found, key=lambda d: abs((d - end).days)) if found else None


def _from_number(raw: int | float) -> dt.date | None:
    if 1 <= raw < 2958466 and float(raw).is_integer():
        return EXCEL_EPOCH + dt.timedelta(days=int(raw))
    return None


def _from_text(raw: str, year: int | None) -> dt.date | None:
    text = _arabic(unicodedata.normalize("NFKC", raw))
    m = _FULL.search(text)
    if m:
        y, mo, d = (
            (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
        )
        full = int(y) if len(y) == 4 else _full_year(int(y), year)
        try:
            return dt.date(full, int(mo), int(d))
        except ValueError:
            return None
    stripped = text.strip()
    if re.fullmatch(r"\d{5}(?:\.0+)?", stripped):
        return _from_number(float(stripped))
    if re.fullmatch(r"\d{8}", stripped):
        try:
            return dt.date(int(stripped[:4]), int(stripped[4:6]), int(stripped[6:]))
        except ValueError:
            return None
    m = _MONTH_DAY.search(text)
    if m and year is not None:
        return _month_day(int(m.group(1)), int(m.group(2)), year)
    return None


def parse_date(raw: object, *, year: int | None = None) -> dt.date | None:
    """A date as reports write it (see the module); ``None`` when it is not a valid date.

    ``year`` is the report's year: it places a two-digit year in its century and gives a month
    and day written alone their year (the one nearer the end of ``year``); without it a month
    and day alone is not a date.
    """
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return _from_number(raw)
    if not isinstance(raw, str):
        return None
    return _from_text(raw, year)
