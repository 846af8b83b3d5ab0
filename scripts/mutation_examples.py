"""The hand-written mutants of issue #20 at the rule edges, each against the test named to kill it.

    python scripts/mutation_examples.py          # every example: KILLED, or what went wrong

For each example the source is copied to a temporary folder, the one change made there, and the
named test run against the copy (PYTHONPATH first) and against the real source: it must fail on the
mutant and pass on the source. docs/testing.md has the same table. Exits 1 unless all are killed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (example, module (or package) under src/minsheng, original text, mutated text, the test that kills it); where the
# code has been rewritten since (Fractions in rule_score, the reworked calculators), ALTERNATIVES gives
# the same change in the newer text: the first (original, mutated) pair found once is used
EXAMPLES = [
    (
        "binary default ≥ → ≤",
        "scoring",
        "}[ind.condition or Condition.GE]",
        "}[ind.condition or Condition.LE]",
        "tests/test_rules_pinned.py::test_binary_default_condition_is_at_least_the_target",
    ),
    (
        "'=' accepted as '≥'",
        "scoring",
        "Condition.EQ: actual == threshold",
        "Condition.EQ: actual >= threshold",
        "tests/test_rules_pinned.py::test_binary_equal_is_not_at_least",
    ),
    (
        "deduction not capped at weight",
        "scoring",
        "q2(max(ZERO, min(w, w - per_unit * actual)))",
        "q2(max(ZERO, w - per_unit * actual))",
        "tests/test_rules_pinned.py::test_deduction_never_scores_above_the_weight",
    ),
    (
        "quota rounded, not floored",
        "scoring",
        "to_integral_value(rounding=ROUND_FLOOR))\n        excellent",
        "to_integral_value(rounding=ROUND_HALF_UP))\n        excellent",
        "tests/test_rules_pinned.py::test_excellent_quota_rounds_down",
    ),
    (
        "quota 1 treated like quota 0",
        "scoring",
        "if quota > 0 else None",
        "if quota > 1 else None",
        "tests/test_rules_pinned.py::test_excellent_quota_rounds_down",
    ),
    (
        "先进 without 优秀",
        "scoring",
        "grade == scheme.excellent_grade and rank <=",
        "grade == scheme.excellent_grade or rank <=",
        "tests/test_rules_pinned.py::test_advanced_requires_the_excellent_grade",
    ),
    (
        "tie order reversed",
        "scoring",
        "return (-_total(r), r.county.code)",
        "return (-_total(r), [-ord(c) for c in r.county.code])",
        "tests/test_rules_pinned.py::test_ties_share_a_rank_and_are_listed_by_county_code",
    ),
    (
        "city average over every member",
        "scoring",
        "/ len(scored)) if scored",
        "/ len(members)) if scored",
        "tests/test_rules_pinned.py::test_city_average_is_over_scored_counties_only",
    ),
    (
        "city grade counts doubled",
        "scoring",
        "grades.get(r.grade, 0) + 1",
        "grades.get(r.grade, 0) + 2",
        "tests/test_rules_pinned.py::test_city_grades_and_vetoes_are_counted_once_each",
    ),
    (
        "city veto count doubled",
        "scoring",
        "vetoed=sum(1 for r",
        "vetoed=sum(2 for r",
        "tests/test_rules_pinned.py::test_city_grades_and_vetoes_are_counted_once_each",
    ),
    (
        "target 0 N/A only for ratio",
        "scoring",
        "ind.rule in (Rule.RATIO, Rule.STEPS) and target == 0",
        "ind.rule is Rule.RATIO and target == 0",
        "tests/test_rules_pinned.py::test_target_zero_is_not_applicable_for_steps_too",
    ),
    (
        "zero applicable weight → full marks",
        "scoring",
        "    if applicable_weight == 0:\n        indicator_total = q2(ZERO)",
        "    if applicable_weight == 0:\n        indicator_total = q2(scheme.total)",
        "tests/test_rules_pinned.py::test_zero_applicable_weight_gives_no_marks",
    ),
    (
        "duplicate group codes accepted",
        "scheme.py",
        "        if group.code in seen:",
        "        if False:",
        "tests/test_scheme_validation.py::test_duplicate_group_codes",
    ),
    (
        "negative weight accepted",
        "scheme.py",
        "if ind.weight < 0:",
        "if False:",
        "tests/test_scheme_validation.py::test_negative_indicator_weight",
    ),
    (
        "info indicator with weight accepted",
        "scheme.py",
        "if ind.rule in (Rule.VETO, Rule.INFO) and ind.weight != 0:",
        "if ind.rule in (Rule.VETO,) and ind.weight != 0:",
        "tests/test_scheme_validation.py::test_info_or_veto_indicator_with_a_weight",
    ),
    (
        "quota 0 accepted",
        "scheme.py",
        "not (0 < scheme.excellent_quota <= 1)",
        "not (0 <= scheme.excellent_quota <= 1)",
        "tests/test_scheme_validation.py::test_excellent_quota_outside_zero_to_one",
    ),
    (
        "highest band with an upper limit",
        "scheme.py",
        "if bands[-1].below is not None:",
        "if False:",
        "tests/test_scheme_validation.py::test_highest_band_with_an_upper_limit",
    ),
    (
        "duplicate steps accepted",
        "scheme.py",
        "if ats != sorted(ats, reverse=True) or len(set(ats)) != len(ats):",
        "if ats != sorted(ats, reverse=True):",
        "tests/test_scheme_validation.py::test_duplicate_steps",
    ),
    (
        "indicator its own part",
        "scheme.py",
        "elif part == ind.code:",
        "elif False:",
        "tests/test_scheme_validation.py::test_indicator_that_is_its_own_part",
    ),
    (
        "negative bonus cap",
        "scheme.py",
        "if scheme.bonus_cap < 0:",
        "if False:",
        "tests/test_scheme_validation.py::test_negative_bonus_cap",
    ),
    (
        "subsidy floor dropped",
        "calculators.py",
        "subsidy = max(ZERO, e_plan - r_plan)",
        "subsidy = e_plan - r_plan",
        "tests/test_checks_pinned.py::test_fund_subsidy_is_never_negative",
    ),
    (
        "burden floor dropped",
        "calculators.py",
        "burden = max(ZERO, (e_actual - r_actual) - subsidy)",
        "burden = (e_actual - r_actual) - subsidy",
        "tests/test_checks_pinned.py::test_fund_county_burden_is_never_negative",
    ),
    (
        "uncovered-gap floor dropped",
        "calculators.py",
        "uncovered = max(ZERO, r_plan - r_actual)",
        "uncovered = r_plan - r_actual",
        "tests/test_checks_pinned.py::test_fund_uncovered_gap_is_never_negative",
    ),
    (
        "one day late not warned",
        "checks.py",
        "and (date - deadline).days > 0:",
        "and (date - deadline).days > 1:",
        "tests/test_checks_pinned.py::test_one_day_late_is_warned_and_counts_one_day",
    ),
    (
        "self-score tolerance edge moved (0.01 flagged; #12 set a tolerance of 0.01)",
        "checks.py",
        "abs(s.self_score - scored) > SELF_SCORE_TOLERANCE",
        "abs(s.self_score - scored) >= SELF_SCORE_TOLERANCE",
        "tests/test_checks_pinned.py::test_self_score_within_one_cent_passes_and_beyond_it_is_flagged",
    ),
    (
        "self-total tolerance edge moved (0.01 flagged; #12 set a tolerance of 0.01)",
        "checks.py",
        "if abs(diff) > SELF_SCORE_TOLERANCE:",
        "if abs(diff) >= SELF_SCORE_TOLERANCE:",
        "tests/test_checks_pinned.py::test_self_total_within_one_cent_passes_and_beyond_it_is_flagged",
    ),
    (
        "implausible at exactly 3×",
        "checks.py",
        "v.amount > IMPLAUSIBLE_RATIO * target",
        "v.amount >= IMPLAUSIBLE_RATIO * target",
        "tests/test_checks_pinned.py::test_implausible_only_above_three_times_the_target",
    ),
    (
        "check_submission stops at first blank",
        "checks.py",
        "        if v is None or v.amount is None:\n            continue",
        "        if v is None or v.amount is None:\n            break",
        "tests/test_checks_pinned.py::test_check_submission_looks_past_a_blank_indicator",
    ),
    (
        "progress accepts month 0",
        "progress_rules.py",
        "if not 1 <= month <= 12:",
        "if not 0 <= month <= 12:",
        "tests/test_checks_pinned.py::test_progress_months_outside_one_to_twelve_are_refused",
    ),
]


ALTERNATIVES: dict[str, list[tuple[str, str]]] = {
    "'=' accepted as '≥'": [("Condition.EQ: a == th", "Condition.EQ: a >= th")],
    "deduction not capped at weight": [
        ("q2(max(Fraction(0), min(w, w - per_unit * a)))", "q2(max(Fraction(0), w - per_unit * a))")
    ],
    "burden floor dropped": [
        (
            '"county_burden": max(ZERO, (e_actual - r_actual) - subsidy)',
            '"county_burden": (e_actual - r_actual) - subsidy',
        )
    ],
    "uncovered-gap floor dropped": [
        ('{"uncovered_gap": max(ZERO, r_plan - r_actual)}', '{"uncovered_gap": r_plan - r_actual}')
    ],
}


def main() -> int:
    bad = 0
    for name, module, old, new, test in EXAMPLES:
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "src"
            shutil.copytree(ROOT / "src", copy, ignore=shutil.ignore_patterns("__pycache__"))
            target = copy / "minsheng" / module
            # a package (scoring/) is searched: the change applies in the one module that has it once
            files = (
                sorted(target.glob("*.py"))
                if target.is_dir()
                else [
                    target,
                    *sorted(target.parent.glob(f"{target.stem}_*.py")),
                ]  # scheme.py: scheme_validation.py
            )
            pairs = [(old, new), *ALTERNATIVES.get(name, [])]
            found, path, text = None, target, ""
            for path in files:
                text = path.read_text(encoding="utf-8")
                found = next(((o, n) for o, n in pairs if text.count(o) == 1), None)
                if found is not None:
                    break
            if found is None:
                print(f"STALE   | {name} | the original text is no longer in {module} once")
                bad += 1
                continue
            path.write_text(text.replace(*found), encoding="utf-8")
            cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", test]
            mutant = subprocess.run(
                cmd, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(copy)), capture_output=True
            )
            source = subprocess.run(cmd, cwd=ROOT, capture_output=True)
        ok = mutant.returncode == 1 and source.returncode == 0
        bad += not ok
        verdict = (
            "KILLED " if ok else f"FAILED (mutant rc {mutant.returncode}, source rc {source.returncode})"
        )
        print(f"{verdict} | {name} | {test}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
