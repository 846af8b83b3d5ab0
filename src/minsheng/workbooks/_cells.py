"""Writing values into cells safely: text stays text, 身份证号 are masked, numbers get formats."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from attrs import frozen
from openpyxl.cell.cell import Cell

# An 18-character 身份证号 (17 digits and a digit or X), or an old 15-digit one whose birth date
# (YYMMDD at positions 7-12) is plausible; not part of a longer run of letters or digits.
_ID18 = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<![0-9A-Za-z])\d{8}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9A-Za-z])")

INTEGER_UNITS = frozenset({"人", "户", "次", "起", "天", "月", "个", "家", "名", "人次"})
MONEY_UNITS = frozenset({"万元", "元", "亿元"})
PERCENT_UNITS = frozenset({"%", "％"})

FORMAT_INTEGER = "#,##0"
FORMAT_MONEY = "#,##0.00"
FORMAT_PERCENT_POINTS = "0.00"  # a value already in percent (4.2 means 4.2%)
FORMAT_RATIO = "0.00%"  # a completion ratio (1.05 means 105%)
FORMAT_SCORE = "0.00"
FORMAT_DATE = 'yyyy"年"m"月"d"日"'


def mask_ids(text: str) -> str:
    """Mask every 身份证号 in ``text``: the first 6 and last 4 characters are kept."""
    text = _ID18.sub(lambda m: m.group(1) + "*" * 8 + m.group(3), text)
    return _ID15.sub(lambda m: m.group(0)[:6] + "*" * 5 + m.group(0)[-4:], text)


def unit_format(unit: str | None) -> str:
    """The number format for an amount in ``unit``: integers for 人, 2 decimals for 万元 and %."""
    if unit in INTEGER_UNITS:
        return FORMAT_INTEGER
    if unit in MONEY_UNITS:
        return FORMAT_MONEY
    if unit in PERCENT_UNITS:
        return FORMAT_PERCENT_POINTS
    return "General"


@frozen
class Formatted:
    """A value with the number format its cell should get."""

    value: Any
    number_format: str


def plain_number(x: Decimal) -> Decimal | int:
    """A Decimal as the cell will hold it: an int when whole, else the Decimal (never a float)."""
    if x == x.to_integral_value():
        return int(x)
    return x


def put(cell: Cell, value: Any) -> None:
    """Write ``value`` into ``cell``: text always as text (never a formula), 身份证号 masked.

    Numbers (Decimal, int, float) are written as numbers, dates as dates; ``Formatted`` also
    sets the cell's number format. ``None`` leaves the cell empty.
    """
    if isinstance(value, Formatted):
        cell.number_format = value.number_format
        value = value.value
    if value is None:
        cell.value = None
    elif isinstance(value, bool):
        put_text(cell, "是" if value else "否")
    elif isinstance(value, Decimal):
        cell.value = plain_number(value)
    elif isinstance(value, int | float):
        cell.value = value
    elif isinstance(value, dt.date):
        cell.value = value
        if cell.number_format == "General":
            cell.number_format = FORMAT_DATE
    else:
        put_text(cell, str(value))


def put_text(cell: Cell, text: str) -> None:
    """Write ``text`` as a string cell even when it starts with "=" (openpyxl would make it a formula)."""
    cell.value = mask_ids(text)
    cell.data_type = "s"
