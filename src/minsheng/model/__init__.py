"""The core model: plain, frozen attrs values that flow read → check → score → write.

Nothing here imports openpyxl, click or pluggy. Every number that is money or a score is a
:class:`~decimal.Decimal`. Mappings are plain ``dict`` keyed by codes (indicator codes such as
``"3.2"``, county codes such as ``"360102"``) so that the cattrs form is a readable JSON object.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..problems import SEVERITY_ORDER as SEVERITY_ORDER
from ..problems import Severity as Severity
from .inputs import Finding, InputFile, Receipt, Reporter, Submission, Targets
from .scheme import (
    Bonus,
    City,
    Condition,
    County,
    CrossItem,
    Grade,
    Indicator,
    IndicatorGroup,
    InterimRule,
    ProgressSettings,
    Rule,
    Scheme,
    Step,
)
from .values import Problem, Provenance, Value, ValueStatus

if TYPE_CHECKING:  # pragma: no cover - at run time the results load on first use (below)
    from .results import (
        COUNTY_STATUS_LABELS,
        Assessment,
        CityResult,
        CountyResult,
        CountyStatus,
        Deduction,
        GroupScore,
        IndicatorScore,
        IndicatorStatus,
        InputAmount,
        Settings,
    )

#: the results' classes (attrs builds each class when its module loads): only a run that scores
#: needs them, not one that stops before (a folder with no county file, a bad targets workbook)
_RESULTS = frozenset(
    {
        "COUNTY_STATUS_LABELS",
        "Assessment",
        "CityResult",
        "CountyResult",
        "CountyStatus",
        "Deduction",
        "GroupScore",
        "IndicatorScore",
        "IndicatorStatus",
        "InputAmount",
        "Settings",
    }
)


def __getattr__(name: str) -> Any:
    if name not in _RESULTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import results

    value = getattr(results, name)
    globals()[name] = value
    return value


__all__ = [
    "COUNTY_STATUS_LABELS",
    "SEVERITY_ORDER",
    "Assessment",
    "Bonus",
    "City",
    "CityResult",
    "Condition",
    "County",
    "CountyResult",
    "CountyStatus",
    "CrossItem",
    "Deduction",
    "Finding",
    "Grade",
    "GroupScore",
    "Indicator",
    "IndicatorGroup",
    "IndicatorScore",
    "IndicatorStatus",
    "InputAmount",
    "InputFile",
    "InterimRule",
    "Problem",
    "ProgressSettings",
    "Provenance",
    "Receipt",
    "Reporter",
    "Rule",
    "Scheme",
    "Settings",
    "Severity",
    "Step",
    "Submission",
    "Targets",
    "Value",
    "ValueStatus",
]
