"""``minsheng.assess``: the whole run as one call, the same bytes as the command line, settings
that travel as values into worker processes, and bad input as an InputError."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import shutil
import subprocess
import sys
import textwrap
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from attrs import evolve
from attrs.exceptions import FrozenInstanceError

import minsheng
from minsheng import AssessmentRun, InputError, Limits, PluginConfig, run_to_json
from minsheng.workbooks import write_assessment, write_county_sheets

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "jiangxi-2007"
PROVINCE = Path(__file__).resolve().parent / "corpus" / "province"
TARGETS = PROVINCE / "targets.xlsx"

BROKEN_PLUGIN = "import xlrd_county_tools  # not installed\n"
GREEDY_PLUGIN = """
from minsheng.plugins import hookimpl

@hookimpl
def minsheng_claim(path, book):
    return 1.0

@hookimpl
def minsheng_read(path, book, context):
    raise ValueError("贪心插件读不了")
"""


def cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "minsheng", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


@pytest.fixture
def forms(tmp_path):
    """The four valid county forms of the small corpus province, in a folder of their own."""
    folder = tmp_path / "报表"
    folder.mkdir()
    for form in sorted(PROVINCE.glob("36*.xlsx")):
        shutil.copy(form, folder / form.name)
    return folder


def plugins_dir(tmp_path: Path, **sources: str) -> Path:
    folder = tmp_path / "plugins"
    folder.mkdir(exist_ok=True)
    for name, source in sources.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return folder


def test_the_call_gives_the_bytes_of_the_command_line(tmp_path):
    """The example province: ``minsheng.assess`` + ``run_to_json`` is ``minsheng assess --json``
    to the byte, and the writers taking the run give the command line's workbooks."""
    args = [str(EXAMPLE / "报表"), "--targets", str(EXAMPLE / "目标任务表.xlsx"), "--deadline", "2008-01-10"]
    r = cli("assess", *args, "--json", "cli.json", "-o", "cli.xlsx", "--per-county", "cli", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    code = (
        "import datetime as dt, sys, minsheng\n"
        "run = minsheng.assess(sys.argv[1], sys.argv[2], deadline=dt.date(2008, 1, 10))\n"
        "sys.stdout.buffer.write(minsheng.run_to_json(run).encode('utf-8'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(EXAMPLE / "报表"), str(EXAMPLE / "目标任务表.xlsx")],
        capture_output=True,
        check=True,
        timeout=600,
    ).stdout
    assert out == (tmp_path / "cli.json").read_bytes()

    run = minsheng.assess(EXAMPLE / "报表", EXAMPLE / "目标任务表.xlsx", deadline=dt.date(2008, 1, 10))
    assert run_to_json(run).encode("utf-8") == out
    assert write_assessment(run, tmp_path / "lib.xlsx").read_bytes() == (tmp_path / "cli.xlsx").read_bytes()
    sheets = write_county_sheets(run, tmp_path / "lib")
    assert len(sheets) == 100
    assert all(p.read_bytes() == (tmp_path / "cli" / p.name).read_bytes() for p in sheets)
    assert len(run.reads) == 99 and run.read_ok == 98
    assert run.problems == run.assessment.problems
    assert pickle.loads(pickle.dumps(run)) == run


def test_plugin_load_problems_are_reported_once(forms, tmp_path):
    config = PluginConfig(plugins_dir=plugins_dir(tmp_path, broken=BROKEN_PLUGIN))
    with ProcessPoolExecutor(max_workers=2) as pool:
        run = minsheng.assess(forms, TARGETS, plugins=config, executor=pool)
    assert [p.code for p in run.problems].count("plugin-import-error") == 1
    assert run.read_ok == 4


def test_settings_travel_to_worker_processes(forms, tmp_path):
    """A PluginConfig and Limits given to the call decide the reads in the workers, with nothing
    in the environment: a loose plugin, a blocked plugin, a strict switch and a file-size limit."""
    greedy = PluginConfig(plugins_dir=plugins_dir(tmp_path, greedy=GREEDY_PLUGIN), blocked=("standard-form",))
    strict = evolve(greedy, strict=True)
    with ProcessPoolExecutor(max_workers=2) as pool:
        loose = minsheng.assess(forms, TARGETS, plugins=greedy, executor=pool)
        blocked = minsheng.assess(
            forms, TARGETS, plugins=PluginConfig(blocked=("standard-form",)), executor=pool
        )
        small = minsheng.assess(forms, TARGETS, limits=Limits(max_file_bytes=1000), executor=pool)
        stopped = minsheng.assess(forms, TARGETS, plugins=strict, executor=pool)
    assert {r.plugin for r in loose.reads} == {"greedy"} and loose.read_ok == 0
    assert {p.code for p in loose.problems if p.plugin == "greedy"} == {"plugin-error"}
    assert {p.code for p in blocked.problems} >= {"plugin-blocked", "no-plugin"} and blocked.read_ok == 0
    assert {p.code for p in small.problems} >= {"file-too-large"} and small.read_ok == 0
    assert small.limits == Limits(max_file_bytes=1000)
    # strict in the worker: the plugin's exception ends the read there (the executor reports it)
    failed = [p for p in stopped.problems if p.code == "read-failed"]
    assert len(failed) == 4 and all("贪心插件读不了" in p.message for p in failed)
    with pytest.raises(ValueError, match="贪心插件读不了"):
        minsheng.assess(forms, TARGETS, plugins=strict)


def test_progress_is_called_before_reading_and_after_each_file(forms):
    seen: list[tuple[int, int]] = []
    minsheng.assess([forms], TARGETS, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"targets": "nowhere.xlsx"}, "targets-not-found"),
        ({"targets": PROVINCE / "360102-东湖区-2007年民生工程报表.xlsx"}, "not-targets-workbook"),
        ({"targets": "invalid.xlsx"}, "targets-invalid"),
        ({"submissions": "nowhere"}, "submissions-not-found"),
        ({"scheme": "no-such-scheme"}, "scheme-invalid"),
        ({"year": 2008}, "wrong-year"),
        ({"missing": "maybe"}, "bad-argument"),
    ],
)
def test_bad_input_raises_an_input_error(forms, tmp_path, change, code):
    spoil_targets(tmp_path / "invalid.xlsx")
    args = {"submissions": forms, "targets": TARGETS, **change}
    submissions, targets = args.pop("submissions"), args.pop("targets")
    with pytest.raises(InputError) as info:
        minsheng.assess(submissions, tmp_path / targets if isinstance(targets, str) else targets, **args)
    assert info.value.code == code and info.value.message
    assert str(info.value).startswith(f"[{code}] ")
    if code == "targets-invalid":
        assert [p.code for p in info.value.problems] == ["bad-county-code"]


def spoil_targets(path: Path) -> None:
    """The corpus targets with one county code that is not six digits (an error of the workbook)."""
    import openpyxl

    wb = openpyxl.load_workbook(TARGETS)
    cell = next(c for ws in wb for row in ws.iter_rows() for c in row if c.value == "360102")
    cell.value = "36010X"
    wb.save(path)


def test_the_command_line_turns_an_input_error_into_exit_2(forms, tmp_path):
    r = cli("assess", str(forms), "--targets", str(TARGETS), "--year", "2008")
    assert r.returncode == 2 and "[wrong-year]" in r.stderr and "Traceback" not in r.stderr
    r = cli("validate", str(tmp_path / "nowhere"), "--targets", str(TARGETS))
    assert r.returncode == 2 and "[submissions-not-found]" in r.stderr


def test_the_command_line_still_reads_the_environment(forms):
    """MINSHENG_BLOCK_PLUGINS and MINSHENG_LIMITS become the run's PluginConfig and Limits."""
    env = {"MINSHENG_BLOCK_PLUGINS": "standard-form", "MINSHENG_LIMITS": "max_file_bytes=1000"}
    r = cli("validate", str(forms), "--targets", str(TARGETS), env=env)
    assert r.returncode == 1 and "file-too-large" in r.stdout
    env.pop("MINSHENG_LIMITS")
    r = cli("validate", str(forms), "--targets", str(TARGETS), env=env)
    assert r.returncode == 1 and "no-plugin" in r.stdout and "plugin-blocked" in r.stdout


def test_a_run_is_a_frozen_value():
    assert AssessmentRun.__attrs_attrs__  # an attrs class
    with pytest.raises(FrozenInstanceError):
        PluginConfig().strict = True  # type: ignore[misc]
    assert PluginConfig(blocked="a, b").blocked == ("a", "b")
    assert PluginConfig(plugins_dir=Path("x")) == PluginConfig(plugins_dir="x")
    assert PluginConfig.from_env({"MINSHENG_STRICT_PLUGINS": "1", "MINSHENG_TRACE_PLUGINS": "yes"}) == (
        PluginConfig(strict=True, trace=True)
    )


def test_plugins_given_by_module_name_are_imported_where_the_read_runs():
    """``PluginConfig.plugins`` names a module: each worker imports it (no entry points here)."""
    pytest.importorskip("minsheng_xls_summary")
    folder = EXAMPLE / "报表" / "南昌市"
    config = PluginConfig(entry_points=False, plugins=("minsheng_xls_summary",))
    with ProcessPoolExecutor(max_workers=2) as pool:
        run = minsheng.assess(folder, EXAMPLE / "目标任务表.xlsx", plugins=config, executor=pool)
    by_suffix = {Path(r.path).suffix: r.plugin for r in run.reads}
    assert by_suffix == {".xls": "minsheng_xls_summary", ".xlsx": "standard-form"}
    assert run.read_ok == 9
