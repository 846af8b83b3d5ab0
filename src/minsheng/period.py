"""A reporting period: a month or a quarter of a year, reported cumulatively from January.

Counties report 1—N月累计 every month (``2007-06``) or quarter (``2007Q2``, cumulative to June).
A period is a plain frozen value: it parses the ways people write one and prints the label a
通报 uses (``1—6月累计``). Comparing two periods compares the months they run to: a file for
``2007Q2`` holds the same cumulative figures as one for ``2007-06``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from attrs import evolve, frozen

from .model import Problem, Severity

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .plugins.reading import ReadResult

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}
_DASHES = "—–－~～至到"

_ISO_MONTH = re.compile(r"^(?P<y>\d{4})[-/.]?(?P<m>\d{1,2})$")
_ISO_QUARTER = re.compile(r"^(?P<y>\d{4})[-]?[Qq](?P<q>[1-4])$")
_CN = re.compile(
    r"^(?:(?P<y>\d{4})年(?:度)?)?"
    r"(?:(?:1月?[-" + _DASHES + r"])?(?P<m>\d{1,2})月(?:末|底)?(?:份)?(?:累计)?"
    r"|(?:第)?(?P<q>[一二三四1-4])季度(?:末)?(?:累计)?"
    r"|1[-" + _DASHES + r"](?P<qq>[一二三四1-4])季度(?:累计)?"
    r"|(?:全年|年度|年末))$"
)


class PeriodError(ValueError):
    """A period that cannot be read; ``str(exc)`` is a Chinese message."""


@frozen(order=True)
class Period:
    """A month (``quarter`` False) or a quarter (``quarter`` True, ``month`` its last month) of ``year``."""

    year: int
    month: int
    quarter: bool = False

    def __attrs_post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise PeriodError(f"月份应为 1 到 12，而不是 {self.month}。")
        if self.quarter and self.month % 3:
            raise PeriodError(f"季度末月份应为 3、6、9 或 12，而不是 {self.month}。")

    @classmethod
    def parse(cls, text: object, *, year: int | None = None) -> Period:
        """``2007-06``, ``200706``, ``2007Q2``, ``2007年1—6月累计``, ``2007年6月``, ``2007年第二季度``,
        ``1—6月`` (with ``year``), ``全年`` (month 12). Raises :class:`PeriodError` (Chinese)."""
        raw = str(text).strip()
        s = raw.replace(" ", "").replace("\u3000", "").replace("（", "(").replace("）", ")")
        s = re.sub(r"\(.*\)$", "", s)
        if m := _ISO_QUARTER.match(s):
            return cls(int(m["y"]), int(m["q"]) * 3, True)
        if (m := _ISO_MONTH.match(s)) and len(s) >= 6:
            return cls(int(m["y"]), _month(int(m["m"]), raw))
        m = _CN.match(s)
        if m is None:
            raise PeriodError(
                f"无法识别报告期“{raw}”；请写成 2007-06（1—6月累计）或 2007Q2（第二季度）这样的形式。"
            )
        y = int(m["y"]) if m["y"] else year
        if y is None:
            raise PeriodError(f"报告期“{raw}”没有写年度；请写成 2007年1—6月 或 2007-06。")
        if m["m"]:
            return cls(y, _month(int(m["m"]), raw))
        q = m["q"] or m["qq"]
        if q:
            return cls(y, _CN_DIGITS[q] * 3, True)
        return cls(y, 12)

    @classmethod
    def year_end(cls, year: int) -> Period:
        return cls(year, 12)

    @property
    def share(self) -> Decimal:
        """序时进度: the share of the year elapsed at the end of the period, month / 12."""
        return Decimal(self.month) / Decimal(12)

    @property
    def label(self) -> str:
        """``1—6月累计`` (a quarter: ``1—2季度累计``; January: ``1月``)."""
        if self.quarter:
            return "1季度" if self.month == 3 else f"1—{self.month // 3}季度累计"
        return "1月" if self.month == 1 else f"1—{self.month}月累计"

    @property
    def title(self) -> str:
        """``2007年1—6月`` (a quarter: ``2007年第二季度``): for titles and file names."""
        if self.quarter:
            return f"{self.year}年第{_QUARTER_NAMES[self.month // 3]}季度"
        return f"{self.year}年1月" if self.month == 1 else f"{self.year}年1—{self.month}月"

    @property
    def form_text(self) -> str:
        """What the standard form's 报告期 cell shows: ``2007年1—6月累计``."""
        return f"{self.year}年{self.label}"

    def same_span(self, other: Period) -> bool:
        """Whether ``other`` covers the same months (``2007Q2`` and ``2007-06`` do)."""
        return (self.year, self.month) == (other.year, other.month)

    def __str__(self) -> str:
        return f"{self.year}Q{self.month // 3}" if self.quarter else f"{self.year}-{self.month:02d}"


def screen_periods(reads: Sequence[ReadResult], period: Period, *, required: bool) -> list[ReadResult]:
    """The reads with every submission for another period than ``period`` taken out (its read
    keeps a ``wrong-period`` error: the county counts as 出错, the file is never used).

    A submission that states no period is taken as ``period``'s: with ``required`` (a progress
    run) it gets a ``period-not-stated`` warning and ``period``'s month; at the year end nothing is
    said (old forms state none).
    """
    out = []
    for read in reads:
        sub = read.submission
        if sub is None:
            out.append(read)
            continue
        where = sub.source
        file = where.file or read.path
        stated = _stated(sub.period, sub.year)
        if stated is None:
            if required:
                warn = Problem(
                    "period-not-stated",
                    f"“{Path(file).name}”没有写明报告期，按本次的{period.title}（{period.label}）读取；请核实。",
                    severity=Severity.WARNING,
                    county=sub.county,
                    file=file,
                    sheet=where.sheet,
                )
                read = evolve(
                    read, submission=evolve(sub, month=period.month), problems=(*read.problems, warn)
                )
            out.append(read)
            continue
        if stated.same_span(period):
            out.append(read)
            continue
        wrong = Problem(
            "wrong-period",
            f"“{Path(file).name}”是{stated.title}（{stated.label}）的报表，本次是{period.title}"
            f"（{period.label}）：该文件未采用，该县按出错处理。请报送{period.label}的报表。",
            county=sub.county,
            file=file,
            sheet=where.sheet,
            cell=where.cell,
        )
        out.append(evolve(read, submission=None, problems=(*read.problems, wrong)))
    return out


def _stated(text: str | None, year: int) -> Period | None:
    if not text:
        return None
    try:
        return Period.parse(text, year=year)
    except PeriodError:
        return None


def _month(m: int, raw: str) -> int:
    if not 1 <= m <= 12:
        raise PeriodError(f"报告期“{raw}”的月份应为 1 到 12。")
    return m


__all__ = ["Period", "PeriodError", "screen_periods"]
