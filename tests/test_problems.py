"""The catalogue of problem codes (minsheng.problems) is the only place a code comes from.

Both directions are enforced: a code the source gives that is not listed fails (at construction
and by a scan of the source), and a listed code that nothing gives fails (by the same scan).
docs/problems.md is generated from the catalogue and must be current.
"""

from __future__ import annotations

import ast
import pickle
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from minsheng import Problem, Provenance, Severity, from_json, to_json
from minsheng import problems as catalogue
from minsheng.guard import GUARD_CODES
from minsheng.problems import CATALOGUE, SECTIONS, UnknownProblemCode
from minsheng.sheets import SHEET_ERROR_CODES, SheetError

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "problems.md"

#: callables that take a problem code, and the position of the code among their arguments:
#: Problem(code, …), Problem.at(code, …), SheetError(code, …), context.problem(code, …) and the
#: small local helpers that wrap them (scheme's fail, amounts' fail, roster's prob, guard's _failed).
CODE_ARGUMENT = {"Problem": 0, "at": 0, "SheetError": 0, "problem": 0, "fail": 0, "prob": 0, "_failed": 1}
#: callables whose ``code=`` keyword is a problem code (``evolve(problem, code=…)`` too).
CODE_KEYWORD = {*CODE_ARGUMENT, "evolve"}
UPPER_NAME = re.compile(r"[A-Z][A-Z0-9_]*")


def _callee(node: ast.Call) -> str | None:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def codes_passed(source: str) -> set[str]:
    """String literals that the source passes as a problem code."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _callee(node)
        if name in CODE_ARGUMENT and len(node.args) > CODE_ARGUMENT[name]:
            found.add(_literal(node.args[CODE_ARGUMENT[name]]))
        if name in CODE_KEYWORD:
            found.update(_literal(k.value) for k in node.keywords if k.arg == "code")
    return found - {None}


def code_lists(source: str) -> set[str]:
    """Strings in module-level tuples named ``*_CODES`` (``GUARD_CODES``): codes by declaration."""
    found = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id.endswith("_CODES") for t in node.targets
        ):
            found.update(_literal(e) for e in getattr(node.value, "elts", ()))
    return found - {None}


def named_constants(source: str) -> set[str]:
    """Strings bound to module-level UPPER_CASE names (``ERROR_CELL = "error-cell"``)."""
    found = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and UPPER_NAME.fullmatch(t.id) for t in node.targets
        ):
            values = getattr(node.value, "elts", [node.value])
            found.update(_literal(v) for v in values)
    return found - {None}


def sources() -> dict[str, str]:
    """Every module of the library and of the example plugins (not their tests), but the catalogue."""
    paths = [*(ROOT / "src" / "minsheng").rglob("*.py"), *(ROOT / "plugins").glob("*/*.py")]
    return {
        str(p.relative_to(ROOT)): p.read_text(encoding="utf-8")
        for p in sorted(paths)
        if p.name != "problems.py" and "build" not in p.parts
    }


def given_codes(texts: dict[str, str]) -> dict[str, set[str]]:
    """code → the files that give it, by call or by a *_CODES list."""
    out: dict[str, set[str]] = {}
    for name, text in texts.items():
        for code in codes_passed(text) | code_lists(text):
            out.setdefault(code, set()).add(name)
    return out


def unlisted(texts: dict[str, str], listed) -> dict[str, set[str]]:
    return {code: files for code, files in given_codes(texts).items() if code not in listed}


def unused(texts: dict[str, str], listed) -> list[str]:
    used = set(given_codes(texts))
    for text in texts.values():
        used |= named_constants(text)
    return sorted(code for code in listed if code not in used)


# ---------------------------------------------------------------------------------------------
# The source scan, proved on small synthetic sources first

SYNTHETIC = textwrap.dedent(
    """
    from attrs import evolve
    ERROR_KIND = "kind-by-constant"
    GUARD_CODES = ("listed-in-tuple",)

    def read(context, p, path, self):
        Problem("by-problem", "…")
        Problem(code="by-keyword", message="…")
        Problem.at("by-at", "…", None)
        SheetError("by-sheet-error", "…", path)
        context.problem("by-context", "…")
        self.fail("by-fail", "…")
        prob("by-prob", "…", 1, 2)
        _failed(path, "by-failed", "…")
        evolve(p, code="by-evolve")
        Indicator(code="not-a-problem")
        other("not-a-problem-either")
        Problem(variable, "…")
    """
)
GIVEN = {
    "listed-in-tuple",
    "by-problem",
    "by-keyword",
    "by-at",
    "by-sheet-error",
    "by-context",
    "by-fail",
    "by-prob",
    "by-failed",
    "by-evolve",
}


def test_the_scan_finds_a_code_in_every_form_the_source_gives_one():
    assert set(given_codes({"x.py": SYNTHETIC})) == GIVEN


def test_the_scan_reports_a_code_given_but_not_listed():
    listed = GIVEN - {"by-at", "by-evolve"}
    assert unlisted({"x.py": SYNTHETIC}, listed) == {"by-at": {"x.py"}, "by-evolve": {"x.py"}}
    assert unlisted({"x.py": SYNTHETIC}, GIVEN) == {}


def test_the_scan_reports_a_code_listed_but_never_given():
    listed = GIVEN | {"kind-by-constant", "nobody-gives-this"}
    assert unused({"x.py": SYNTHETIC}, listed) == ["nobody-gives-this"]


# ---------------------------------------------------------------------------------------------
# The real source against the catalogue


def test_every_code_the_source_gives_is_in_the_catalogue():
    assert unlisted(sources(), CATALOGUE) == {}


def test_every_code_in_the_catalogue_is_given_somewhere():
    current = {code: e for code, e in CATALOGUE.items() if not e.retired}
    assert unused(sources(), current) == []


def test_no_retired_code_is_given_any_more():
    retired = {code for code, e in CATALOGUE.items() if e.retired}
    assert retired == {
        "too-large",
        "unexpected-not-applicable",
        "declared-not-applicable",
        "column-not-found",
    }
    assert {code: files for code, files in given_codes(sources()).items() if code in retired} == {}


def test_the_scan_sees_the_whole_source():
    given = given_codes(sources())
    assert len(given) >= 80
    for section in SECTIONS:  # every part of minsheng that gives problems was read
        assert {e.code for e in section.entries} & set(given), section.key


def test_the_declared_lists_of_codes_are_in_the_catalogue():
    assert set(GUARD_CODES) <= set(CATALOGUE)
    assert set(SHEET_ERROR_CODES) <= set(CATALOGUE)
    assert "no-county-code" in SHEET_ERROR_CODES


# ---------------------------------------------------------------------------------------------
# The catalogue itself


def test_each_code_is_listed_once_and_well_formed():
    codes = [e.code for s in SECTIONS for e in s.entries]
    assert len(codes) == len(set(codes)) == len(CATALOGUE)
    assert len({s.key for s in SECTIONS}) == len(SECTIONS)
    for code in codes:
        assert catalogue.CODE_SHAPE.fullmatch(code), code


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_each_entry_has_a_chinese_title_and_a_one_line_explanation(code):
    e = CATALOGUE[code]
    assert isinstance(e.severity, Severity)
    assert 2 <= len(e.title) <= 12 and re.search(r"[\u4e00-\u9fff]", e.title), e.title
    assert re.search(r"[\u4e00-\u9fff]", e.explanation) and "\n" not in e.explanation
    assert e.explanation.endswith("。"), e.explanation
    assert e.title != e.explanation


# ---------------------------------------------------------------------------------------------
# Construction


def test_a_problem_with_an_unknown_code_is_refused_naming_it_and_the_catalogue():
    with pytest.raises(ValueError, match=r"“no-such-code”.*minsheng/problems\.py") as err:
        Problem("no-such-code", "…")
    assert isinstance(err.value, UnknownProblemCode) and err.value.code == "no-such-code"
    with pytest.raises(ValueError, match="no-such-code"):
        Problem.at("no-such-code", "…", Provenance(cell="A1"))
    with pytest.raises(ValueError, match="no-such-code"):
        SheetError("no-such-code", "…")


def test_a_known_code_gets_the_catalogues_severity_unless_told_otherwise():
    assert Problem("missing-value", "…").severity is Severity.ERROR
    assert Problem("late-submission", "…").severity is Severity.WARNING
    assert Problem.at("skipped-file", "…", None).severity is Severity.INFO
    assert Problem("parts-exceed-total", "…", Severity.WARNING).severity is Severity.WARNING
    assert Problem.at("missing-value", "…", None, severity=Severity.INFO).severity is Severity.INFO


@pytest.mark.parametrize("code", ["wanan:roster-gap", "province_rules:too-many", "xls-summary:odd"])
def test_a_plugin_may_use_its_own_namespaced_codes(code):
    p = Problem(code, "…")
    assert p.severity is Severity.ERROR
    assert catalogue.title(code) == f"插件“{code.split(':')[0]}”报告的问题"


@pytest.mark.parametrize("code", ["wanan:", ":roster-gap", "wanan:Roster", "a:b:c", "wanan roster", ""])
def test_a_malformed_namespaced_code_is_refused(code):
    with pytest.raises(UnknownProblemCode):
        Problem(code, "…")


def test_a_problem_survives_pickle_and_json():
    p = Problem.at(
        "duplicate-id", "重复", Provenance(file="a.xlsx", sheet="花名册", cell="B7"), county="360102"
    )
    assert pickle.loads(pickle.dumps(p)) == p
    assert from_json(to_json(p), Problem) == p


def test_titles_come_from_the_catalogue():
    assert catalogue.title("missing-value") == "缺报"
    with pytest.raises(UnknownProblemCode):
        catalogue.title("no-such-code")


# ---------------------------------------------------------------------------------------------
# docs/problems.md


def test_the_problem_list_in_the_docs_is_current():
    assert DOC.read_text(encoding="utf-8") == catalogue.markdown(), (
        "docs/problems.md is stale: run  python scripts/make_problems_doc.py"
    )


def test_the_doc_lists_every_code_with_its_title():
    text = catalogue.markdown()
    for e in CATALOGUE.values():
        assert f"| `{e.code}` | {catalogue.SEVERITY_LABELS[e.severity]} | {e.title} |" in text


def test_the_script_writes_the_doc(tmp_path):
    out = tmp_path / "problems.md"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_problems_doc.py"), "--out", str(out)], check=True
    )
    assert out.read_text(encoding="utf-8") == catalogue.markdown()
