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

Importing this package loads nothing but itself: each public name is imported on first use, and
neither openpyxl, click nor pluggy is: reading spreadsheets lives in ``minsheng.sheets``, the plugin
host in ``minsheng.plugins``, workbooks in ``minsheng.workbooks``; :func:`assess` imports them when
it runs.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - for type checkers; at run time each name loads on first use
    from .calculators import CALCULATORS, Calculation
    from .config import PluginConfig
    from .convert import from_json, structure, to_json, unstructure
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
    from .progress_rules import Progress, Schedule, expected_share, progress_status
    from .progress_run import ProgressRun, progress, progress_to_json
    from .run import AssessmentRun, assess, run_to_json
    from .scheme import BUILTIN_SCHEMES, SchemeError, builtin_scheme_text, load_scheme, parse_scheme
    from .scheme_validation import validate_scheme
    from .scoring import derive_actuals, q2, rank_counties, rule_score, score, score_county, score_indicator

#: every public name → the module that defines it. A name is imported on first use, so that a
#: program (or ``minsheng assess``) pays only for what it uses: the scoring library, the progress
#: run, the cattrs converters (only for JSON), the version (importlib.metadata)
_LAZY: dict[str, str] = {
    "CALCULATORS": "calculators",
    "Calculation": "calculators",
    "PluginConfig": "config",
    "InputError": "errors",
    "Limits": "limits",
    "Assessment": "model",
    "Bonus": "model",
    "City": "model",
    "CityResult": "model",
    "Condition": "model",
    "County": "model",
    "CountyResult": "model",
    "CountyStatus": "model",
    "CrossItem": "model",
    "Deduction": "model",
    "Finding": "model",
    "Grade": "model",
    "GroupScore": "model",
    "Indicator": "model",
    "IndicatorGroup": "model",
    "IndicatorScore": "model",
    "IndicatorStatus": "model",
    "InputAmount": "model",
    "InputFile": "model",
    "Problem": "model",
    "Provenance": "model",
    "Receipt": "model",
    "Reporter": "model",
    "Rule": "model",
    "Scheme": "model",
    "Settings": "model",
    "Severity": "model",
    "Step": "model",
    "Submission": "model",
    "Targets": "model",
    "Value": "model",
    "ValueStatus": "model",
    "Period": "period",
    "Progress": "progress_rules",
    "Schedule": "progress_rules",
    "expected_share": "progress_rules",
    "progress_status": "progress_rules",
    "ProgressRun": "progress_run",
    "progress": "progress_run",
    "progress_to_json": "progress_run",
    "AssessmentRun": "run",
    "assess": "run",
    "run_to_json": "run",
    "BUILTIN_SCHEMES": "scheme",
    "SchemeError": "scheme",
    "builtin_scheme_text": "scheme",
    "load_scheme": "scheme",
    "parse_scheme": "scheme",
    "validate_scheme": "scheme_validation",
    "derive_actuals": "scoring",
    "q2": "scoring",
    "rank_counties": "scoring",
    "rule_score": "scoring",
    "score": "scoring",
    "score_county": "scoring",
    "score_indicator": "scoring",
    "from_json": "convert",
    "structure": "convert",
    "to_json": "convert",
    "unstructure": "convert",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    elif name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("minsheng")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
            value = "0.0.0"
    elif not name.startswith("_") and _is_submodule(name):
        # a submodule (``minsheng.model``, ``minsheng.scoring``): ``import minsheng`` used to load
        # most of them, and ``minsheng.<module>`` keeps working without its own import
        return importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def _is_submodule(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(f"{__name__}.{name}") is not None


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


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
