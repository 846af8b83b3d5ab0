"""The corpus of hostile and broken county files (tests/corpus/, made by scripts/make_corpus.py).

Each file is mixed into a small province (four counties with valid standard forms): it must get
its own problem codes, its county the status the manifest says, and every other county must be
scored exactly as without it. The big files (1 GB zip bombs, 20,000 zip members, a million blank
rows) are generated into a temporary folder; the slowest of them runs only with
``MINSHENG_HEAVY_TESTS=1``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import minsheng
from minsheng.convert import to_json
from minsheng.limits import Limits
from minsheng.model import CountyStatus
from minsheng.workbooks import write_assessment

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "corpus"
MANIFEST: dict[str, dict] = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
PROVINCE = CORPUS / "province"
HEAVY = os.environ.get("MINSHENG_HEAVY_TESTS", "").strip() in {"1", "true", "yes"}
#: generous for these small files, small enough that a runaway read fails the test quickly
LIMITS = Limits(time_budget=60, memory_budget=768 << 20)
#: scoring fields that depend on the other counties (rank, quotas), not on the county's own data
RELATIVE = ("rank", "grade", "advanced", "last")


SCRIPT = ROOT / "scripts" / "make_corpus.py"
#: the big cases, written by the script (``--big-only``) into a temporary folder
BIG = ("blank-rows.xlsx", "many-members.xlsx", "zip-bomb-lying.xlsx", "zip-bomb.xlsx")
#: the county whose file the corpus files replace
VICTIM = next(e["county"] for e in MANIFEST.values() if e["mode"] == "replace")


def forms() -> dict[str, Path]:
    """County code → its valid form in the province."""
    return {p.name[:6]: p for p in sorted(PROVINCE.glob("36*.xlsx"))}


def file_name(entry: dict, source: Path) -> str:
    """The name the corpus file gets in the province: its county's form name when it replaces it."""
    if entry["mode"] == "replace":
        return forms()[entry["county"]].stem + source.suffix
    return source.name


def province_dir(root: Path, entry: dict, source: Path) -> Path:
    """A folder of county files as the office receives them: the valid forms, with the corpus
    file in place of its county's form (``replace``), beside them (``add``), or the county's
    form with an Excel lock file beside it (``lock``). The file is named as its county's form."""
    folder = root / "报表"
    folder.mkdir(parents=True)
    victim = entry["county"]
    for code, form in forms().items():
        if entry["mode"] == "replace" and code == victim:
            continue
        shutil.copy(form, folder / form.name)
    shutil.copy(source, folder / file_name(entry, source))
    return folder


def assess(folder: Path) -> minsheng.AssessmentRun:
    """The run of ``minsheng assess`` on ``folder`` with the corpus targets."""
    run = minsheng.assess(folder, PROVINCE / "targets.xlsx", limits=LIMITS)
    assert not [p for p in run.problems if p.file == str(PROVINCE / "targets.xlsx")]
    return run


def per_county(assessment, folder: Path) -> dict[str, dict]:
    """Each county's result and problems as plain data, paths relative to ``folder``."""
    data = json.loads(to_json(assessment).replace(str(folder) + os.sep, ""))
    out: dict[str, dict] = {}
    for result in data["counties"]:
        for key in RELATIVE:
            result.pop(key)
        out[result["county"]["code"]] = {"result": result, "problems": []}
    for problem in data["problems"]:
        if problem.get("county") in out:
            out[problem["county"]]["problems"].append(problem)
    return out


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    folder = province_dir(
        tmp_path_factory.mktemp("baseline"), {"mode": "add", "county": ""}, PROVINCE / "targets.xlsx"
    )
    (folder / "targets.xlsx").unlink()
    assessment = assess(folder).assessment
    assert all(r.status is CountyStatus.SCORED for r in assessment.counties)
    return per_county(assessment, folder)


def check_case(name: str, entry: dict, source: Path, baseline, tmp_path: Path) -> None:
    folder = province_dir(tmp_path, entry, source)
    run = assess(folder)
    assessment = run.assessment
    victim = entry["county"]
    mine = str(folder / file_name(entry, source))
    own = [p for p in assessment.problems if p.county == victim or p.file == mine]
    codes = {p.code for p in own}
    assert set(entry["codes"]) <= codes, f"{name}: expected {entry['codes']}, got {sorted(codes)}"
    if entry["status"] is not None:
        status = {r.county.code: r.status for r in assessment.counties}[victim]
        assert status == entry["status"], f"{name}: {victim} is {status}; problems {sorted(codes)}"
    if entry["status"] == "failed":
        assert any(p.severity.value == "error" for p in own), name
    now = per_county(assessment, folder)
    for code, before in baseline.items():
        if code == victim:
            continue
        assert now[code] == before, f"{name} changed the assessment of {code}"
    if entry["mode"] == "lock":
        assert not any(Path(r.path).name.startswith("~$") for r in run.reads)
        assert now[victim] == baseline[victim]
    if entry.get("injection"):
        check_no_formulas(run, tmp_path)


def check_no_formulas(run, tmp_path: Path) -> None:
    """The assessment workbook holds no formula that came from county text."""
    import openpyxl

    out = tmp_path / "out.xlsx"
    write_assessment(run, out)
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    text = str(cell.value)
                    assert "cmd" not in text and "evil" not in text and "HYPERLINK" not in text, (
                        ws.title,
                        cell.coordinate,
                    )


SMALL = sorted(MANIFEST)


@pytest.mark.parametrize("name", SMALL)
def test_corpus_file(name, baseline, tmp_path):
    entry = MANIFEST[name]
    if (
        entry.get("plugin")
        and importlib.util.find_spec(f"minsheng_{entry['plugin'].replace('-', '_')}") is None
    ):
        pytest.skip(f"the {entry['plugin']} plugin is not installed")
    check_case(name, entry, CORPUS / "files" / name, baseline, tmp_path)


def make_big(out: Path, names: list[str]) -> dict[str, dict]:
    """Write the big cases ``names`` into ``out`` with the corpus script; their manifest entries."""
    command = [
        sys.executable,
        str(SCRIPT),
        str(out),
        "--big-only",
        ",".join(names),
        "--form",
        str(forms()[VICTIM]),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=600)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (out / "manifest.json").unlink()
    assert sorted(manifest) == sorted(names)
    return manifest


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """The big corpus files, generated once (the heavy one only with MINSHENG_HEAVY_TESTS=1)."""
    out = tmp_path_factory.mktemp("big")
    return out, make_big(out, [n for n in BIG if HEAVY or n != "blank-rows.xlsx"])


@pytest.mark.parametrize("name", BIG)
def test_big_corpus_file(name, big, baseline, tmp_path):
    out, manifest = big
    if name not in manifest:
        pytest.skip("a million blank rows take ~15 s: set MINSHENG_HEAVY_TESTS=1")
    check_case(name, manifest[name], out / name, baseline, tmp_path)


def test_every_issue_case_is_in_the_corpus():
    wanted = {
        "entity-bomb-sheet.xlsx", "entity-bomb-shared-strings.xlsx", "xxe.xlsx", "not-a-spreadsheet.xlsx",
        "empty.xlsx", "random-bytes.xlsx", "truncated.xlsx", "encrypted.xlsx", "xls-named-xlsx.xlsx",
        "xlsx-named-xls.xls", "dimension-1048576.xlsx", "deep-xml.xlsx", "error-cells.xlsx",
        "text-for-numbers.xlsx", "negative-absurd.xlsx", "hidden-sheet.xlsx", "duplicate-360102.xlsx",
        "unknown-county.xlsx", "formula-injection.xlsx", "roster-bad-ids.xlsx",
        # files as other suites write them (#17)
        "formatted-to-last-row.xlsx", "comment-last-cell.xlsx", "gnumeric-style.xlsx", "excel95.xls",
        "excel4.xls", "form.xlsb", "xlsb-lying-record.xlsb", "xlsb-far-cell.xlsb", "unusual-part-names.xlsx",
    }  # fmt: skip
    assert wanted <= set(MANIFEST)
    assert any(n.startswith("~$") for n in MANIFEST)
    assert {"zip-bomb.xlsx", "zip-bomb-lying.xlsx", "blank-rows.xlsx", "many-members.xlsx"} <= set(BIG)
    for name in MANIFEST:
        assert (CORPUS / "files" / name).is_file(), name


def test_the_corpus_script_is_deterministic(tmp_path):
    """Two runs give the same bytes (and the committed corpus is what the script makes)."""
    runs = [
        subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "make_corpus.py"), str(tmp_path / out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for out in ("a", "b")
    ]
    assert [run.wait(timeout=300) for run in runs] == [0, 0]
    a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*") if p.is_file()}
    b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*") if p.is_file()}
    assert a == b and len(a) > 20
    assert json.loads((tmp_path / "a" / "manifest.json").read_text(encoding="utf-8")) == MANIFEST


def test_formula_looking_file_names_and_texts_stay_text_in_the_output(tmp_path):
    """A county file named like a formula, holding formula text in every text field: the names
    reach the assessment workbook (cover, 数据来源, 问题清单) as text, never as formulas."""
    import openpyxl

    folder = tmp_path / "in"
    folder.mkdir()
    for form in list(forms().values())[:3]:
        shutil.copy(form, folder / form.name)
    name = '=HYPERLINK("evil","点此")+cmd|\' calc\'!A0 360111.xlsx'
    shutil.copy(CORPUS / "files" / "formula-injection.xlsx", folder / name)
    shutil.copy(CORPUS / "files" / "text-for-numbers.xlsx", folder / "@SUM(1)+cmd 360104.xlsx")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "minsheng",
            "assess",
            "in",
            "--targets",
            str(PROVINCE / "targets.xlsx"),
            "-o",
            "out.xlsx",
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=300,
    )
    wb = openpyxl.load_workbook(tmp_path / "out.xlsx")
    shown = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                text = str(cell.value)
                if "HYPERLINK" in text or "cmd" in text:
                    assert cell.data_type == "s", (ws.title, cell.coordinate, text)
                    shown += 1
    assert shown, "the formula-looking file name should appear in the workbook (as text)"
