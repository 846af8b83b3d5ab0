"""Values as read, with their provenance, and the problems found on the way."""

from __future__ import annotations

import enum
from decimal import Decimal

from attrs import Factory, field, frozen

from ..problems import SEVERITY_ORDER as SEVERITY_ORDER
from ..problems import Severity, check_code, default_severity

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

    @property
    def reported_amount(self) -> Decimal:
        """The amount of a reported value (ValueError for a blank or a not-applicable one)."""
        if self.amount is None:
            raise ValueError(f"the value is {self.status.value}, not reported")
        return self.amount


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
