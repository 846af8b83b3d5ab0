"""minsheng: 民生工程目标管理考核.

The whole year-end run, as the command line makes it (docs/api.md, "The whole run")::

    import minsheng
    run = minsheng.assess("报表", "目标任务表.xlsx", deadline=date(2008, 1, 10))
    minsheng.workbooks.write_assessment(run, "考核结果.xlsx")
    text = minsheng.run_to_json(run)          # what ``minsheng assess --json`` writes

The scoring library for other programs::

    scheme = minsheng.load_scheme("jiangxi-2007")
    assessment = minsheng.score(scheme, targets, submissions)
    data = minsheng.unstructure(assessment)   # plain dicts, Decimals as strings

Importing this package loads neither openpyxl, click nor pluggy: reading spreadsheets lives in
``minsheng.sheets``, the plugin host in ``minsheng.plugins``, workbooks in ``minsheng.workbooks``;
:func:`assess` imports them when it runs.
"""

from typing import Any

from .calculators import CALCULATORS, Calculation
from .config import PluginConfig
from .errors import InputError
from .limits import Limits
from .model import (
    Assessment,
    Bonus,
    City,
    CityResult,
    Condition,
    County,
    CountyResult,
    CountyStatus,
    CrossItem,
    Deduction,
    Finding,
    Grade,
    GroupScore,
    Indicator,
    IndicatorGroup,
    IndicatorScore,
    IndicatorStatus,
    InputAmount,
    InputFile,
    Problem,
    Provenance,
    Receipt,
    Reporter,
    Rule,
    Scheme,
    Settings,
    Severity,
    Step,
    Submission,
    Targets,
    Value,
    ValueStatus,
)
from .period import Period
from .progress import Progress, Schedule, expected_share, progress_status
from .progress_run import ProgressRun, progress, progress_to_json  # the call shadows the module name
from .run import AssessmentRun, assess, run_to_json
from .scheme import (
    BUILTIN_SCHEMES,
    SchemeError,
    builtin_scheme_text,
    load_scheme,
    parse_scheme,
)
from .scheme_validation import validate_scheme
from .scoring import derive_actuals, q2, rank_counties, rule_score, score, score_county, score_indicator

#: names loaded on first use, so that a run that needs neither pays for neither: the cattrs
#: converters (only for JSON) and the version (importlib.metadata)
_LAZY = {"from_json": "convert", "structure": "convert", "to_json": "convert", "unstructure": "convert"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    elif name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("minsheng")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
            value = "0.0.0"
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


__all__ = [
    "BUILTIN_SCHEMES",
    "CALCULATORS",
    "Assessment",
    "AssessmentRun",
    "Bonus",
    "Calculation",
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
    "InputError",
    "InputFile",
    "Limits",
    "Period",
    "PluginConfig",
    "Problem",
    "Progress",
    "ProgressRun",
    "Provenance",
    "Receipt",
    "Reporter",
    "Rule",
    "Schedule",
    "Scheme",
    "SchemeError",
    "Settings",
    "Severity",
    "Step",
    "Submission",
    "Targets",
    "Value",
    "ValueStatus",
    "assess",
    "builtin_scheme_text",
    "derive_actuals",
    "expected_share",
    "from_json",
    "load_scheme",
    "parse_scheme",
    "progress",
    "progress_status",
    "progress_to_json",
    "q2",
    "rank_counties",
    "rule_score",
    "run_to_json",
    "score",
    "score_county",
    "score_indicator",
    "structure",
    "to_json",
    "unstructure",
    "validate_scheme",
]
