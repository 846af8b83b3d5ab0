"""The per-file budget, end to end: real ``minsheng`` subprocesses over the corpus and over
plugins that hang or eat memory. No traceback reaches the user, memory stays under 1 GB, each
file stays within its time budget, and a runaway county becomes 出错 while the run goes on."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from test_corpus import CORPUS, MANIFEST, PROVINCE, forms, make_big

from minsheng import PluginConfig
from minsheng.guard import read_county_file_guarded
from minsheng.limits import LIMITS_ENV, Limits
from minsheng.pipeline import read_files

GB = 1 << 30

#: runs a command and reports its exit code and the peak RSS of every process under it
MEASURE = textwrap.dedent(
    """
    import json, resource, subprocess, sys
    run = subprocess.run(sys.argv[1:], capture_output=True)
    sys.stdout.buffer.write(run.stdout)
    sys.stderr.buffer.write(run.stderr)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    sys.stdout.write("\\nMEASURE " + json.dumps({"rc": run.returncode, "peak": peak}) + "\\n")
    """
)


def minsheng(*args: str, env: dict[str, str] | None = None, timeout: float = 600):
    """Run ``python -m minsheng ARGS`` under MEASURE: (exit code, stdout, stderr, peak RSS bytes, seconds)."""
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-c", MEASURE, sys.executable, "-m", "minsheng", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONUTF8": "1", **(env or {})},
    )
    out, _, tail = run.stdout.rpartition("\nMEASURE ")
    measured = json.loads(tail)
    return measured["rc"], out, run.stderr, measured["peak"], time.monotonic() - started


@pytest.fixture(scope="module")
def everything(tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    """The province's valid forms and every corpus file (small, and the quick big ones) in one folder."""
    folder = tmp_path_factory.mktemp("all") / "报表"
    folder.mkdir()
    for form in forms().values():
        shutil.copy(form, folder / form.name)
    for name in MANIFEST:
        shutil.copy(CORPUS / "files" / name, folder / name)
    big = make_big(folder, ["zip-bomb.xlsx", "zip-bomb-lying.xlsx", "many-members.xlsx"])
    return folder, big


def test_validate_over_the_whole_corpus(everything):
    folder, big = everything
    rc, out, err, peak, seconds = minsheng(
        "validate",
        str(folder),
        "--targets",
        str(PROVINCE / "targets.xlsx"),
        "--fail-on",
        "error",
        env={LIMITS_ENV: "time_budget=15"},  # every file within 15 s, or time-budget says which
    )
    assert "Traceback" not in err and "Traceback" not in out
    assert rc == 1, err[-2000:]  # errors found, and said so
    assert peak < GB, f"peak RSS {peak >> 20} MB"
    assert "time-budget" not in err and seconds < 120
    lines = out.splitlines()  # validate lists the problems on stdout, grouped by county
    for name, entry in {
        **MANIFEST,
        **big,
    }.items():
        if name == "blank-rows.xlsx" or name.startswith("~$"):
            continue
        mine = [line for line in lines if name in line]
        for code in entry["codes"]:
            if code in ("duplicate-submission", "unknown-county", "negative-value", "implausible-value"):
                continue  # said about the county, not the file: checked by test_corpus
            assert any(f" {code}（" in line for line in mine), f"{name}: no {code} in {mine}"
    assert not any("~$" in line for line in lines)  # Excel's lock file is skipped, not reported


def test_assess_over_the_whole_corpus_writes_its_workbook(everything, tmp_path):
    folder, _big = everything
    out = tmp_path / "考核结果.xlsx"
    rc, _stdout, err, peak, _ = minsheng(
        "assess",
        str(folder),
        "--targets",
        str(PROVINCE / "targets.xlsx"),
        "-o",
        str(out),
        "--json",
        str(tmp_path / "a.json"),
    )
    assert rc == 0 and "Traceback" not in err, err[-2000:]
    assert peak < GB
    assert out.stat().st_size > 0
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    status = {c["county"]["code"]: c["status"] for c in data["counties"]}
    assert status["360103"] == status["360104"] == "scored"


# --------------------------------------------------------------------------------------------
# plugins that hang or eat memory

PLUGINS = {
    "hang": """
        import time
        from minsheng.plugins import hookimpl

        @hookimpl
        def minsheng_claim(path, book):
            return 1.0 if book.sheet(0).cell("A1").text == "HANG" else None

        @hookimpl
        def minsheng_read(path, book, context):
            while True:
                time.sleep(0.05)
    """,
    "hog": """
        from minsheng.plugins import hookimpl

        @hookimpl
        def minsheng_claim(path, book):
            return 1.0 if book.sheet(0).cell("A1").text == "HOG" else None

        @hookimpl
        def minsheng_read(path, book, context):
            chunks = []
            while True:
                chunks.append(bytearray(32 << 20))
    """,
}


@pytest.fixture
def runaway(tmp_path) -> tuple[Path, Path]:
    """A province where 西湖区 sends a file only the hanging plugin reads and 青云谱区 one only
    the memory-eating plugin reads; the other two send valid forms."""
    import openpyxl

    plugins = tmp_path / "plugins"
    plugins.mkdir()
    for name, source in PLUGINS.items():
        (plugins / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    folder = tmp_path / "报表"
    folder.mkdir()
    for code, form in forms().items():
        if code in ("360102", "360111"):
            shutil.copy(form, folder / form.name)
    for code, marker in (("360103", "HANG"), ("360104", "HOG")):
        wb = openpyxl.Workbook()
        wb.active["A1"] = marker
        wb.save(folder / f"{code}-{marker.lower()}.xlsx")
    return folder, plugins


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_plugin_that_hangs_or_eats_memory_is_stopped(runaway, tmp_path, jobs):
    folder, plugins = runaway
    started = time.monotonic()
    rc, _out, err, peak, seconds = minsheng(
        "assess",
        str(folder),
        "--targets",
        str(PROVINCE / "targets.xlsx"),
        "--plugins-dir",
        str(plugins),
        "-j",
        jobs,
        "--json",
        str(tmp_path / "a.json"),
        env={LIMITS_ENV: "time_budget=3,memory_budget=256M"},
        timeout=120,
    )
    assert rc == 0 and "Traceback" not in err, err[-3000:]
    assert seconds < 60 and time.monotonic() - started < 60
    assert peak < GB, f"peak RSS {peak >> 20} MB"
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    status = {c["county"]["code"]: c["status"] for c in data["counties"]}
    assert status == {"360102": "scored", "360103": "failed", "360104": "failed", "360111": "scored"}
    codes = {(p["county"], p["code"]) for p in data["problems"]}
    assert ("360103", "time-budget") in codes and ("360104", "memory-budget") in codes


def test_the_guard_works_inline_and_in_worker_processes(runaway):
    folder, plugins = runaway
    limits = Limits(time_budget=2, memory_budget=256 << 20)
    files = sorted(folder.iterdir())
    inline = read_files(
        files, scheme_source="jiangxi-2007", year=2007, plugins_dir=str(plugins), limits=limits
    )
    with ProcessPoolExecutor(max_workers=2) as pool:
        pooled = read_files(
            files,
            scheme_source="jiangxi-2007",
            year=2007,
            plugins_dir=str(plugins),
            limits=limits,
            executor=pool,
        )
    for reads in (inline, pooled):
        by_name = {Path(r.path).name[:6]: r for r in reads}
        assert by_name["360102"].ok and by_name["360111"].ok
        assert [p.code for p in by_name["360103"].problems] == ["time-budget"]
        assert [p.code for p in by_name["360104"].problems] == ["memory-budget"]
    assert [r.submission for r in inline] == [r.submission for r in pooled]


def test_the_guard_works_in_dask_workers(runaway):
    distributed = pytest.importorskip("distributed")
    folder, plugins = runaway
    limits = Limits(time_budget=2, memory_budget=256 << 20)
    files = [f for f in sorted(folder.iterdir()) if f.name.startswith(("360102", "360103"))]
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None
    ) as cluster:
        with distributed.Client(cluster) as client:
            reads = read_files(
                files,
                scheme_source="jiangxi-2007",
                year=2007,
                plugins_dir=str(plugins),
                limits=limits,
                executor=client.get_executor(),
            )
    assert reads[0].ok, reads[0].problems
    assert [p.code for p in reads[1].problems] == ["time-budget"], reads[1].problems


def test_reads_in_threads_of_one_process_wait_only_for_their_own_child(runaway):
    """A Dask worker runs several reads at once in threads of one process. A child forked by one
    thread must not hold another read's pipe open: the good county is read at once, not failed with
    ``time-budget`` when the budget of a hanging file beside it runs out (the cause of a flaky
    Dask test)."""
    from concurrent.futures import ThreadPoolExecutor

    folder, plugins = runaway
    limits = Limits(time_budget=8, memory_budget=256 << 20)
    good = next(f for f in folder.iterdir() if f.name.startswith("360102"))
    hang = next(f for f in folder.iterdir() if f.name.startswith("360103"))
    files = [hang, hang] + [good] * 10

    def read(path: Path) -> tuple[str, float, list[str]]:
        started = time.monotonic()
        r = read_county_file_guarded(
            path, scheme_source="jiangxi-2007", year=2007, plugins_dir=str(plugins), limits=limits
        )
        return path.name[:6], time.monotonic() - started, [p.code for p in r.problems]

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(read, files))
    assert [codes for name, _, codes in results if name == "360103"] == [["time-budget"]] * 2
    slow = [
        (seconds, codes) for name, seconds, codes in results if name == "360102" and (codes or seconds > 6)
    ]
    assert slow == [], "good reads waited for a hanging read's child"


def test_a_crash_in_the_reader_is_read_crashed_not_a_dead_run(tmp_path):
    """A plugin that kills its own process (as a segfault in a reader would) costs its file only."""
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "crash.py").write_text(
        textwrap.dedent(
            """
            import os, signal
            from minsheng.plugins import hookimpl

            @hookimpl
            def minsheng_claim(path, book):
                return 1.0 if book.sheet(0).cell("A1").text == "CRASH" else None

            @hookimpl
            def minsheng_read(path, book, context):
                os.kill(os.getpid(), signal.SIGSEGV)
            """
        ),
        encoding="utf-8",
    )
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "CRASH"
    wb.save(tmp_path / "360102-crash.xlsx")
    result = read_county_file_guarded(tmp_path / "360102-crash.xlsx", year=2007, plugins_dir=plugins)
    assert not result.ok
    assert [p.code for p in result.problems] == ["read-crashed"]
    assert "SIGSEGV" in result.problems[0].message


def test_the_memory_budget_bounds_the_child_not_the_parent(tmp_path):
    """A read far under the budget is unaffected; the parent's own limits are untouched."""
    import resource

    before = resource.getrlimit(resource.RLIMIT_AS)
    form = forms()["360102"]
    result = read_county_file_guarded(form, year=2007, limits=Limits(memory_budget=64 << 20))
    assert result.ok, result.problems
    assert resource.getrlimit(resource.RLIMIT_AS) == before


def test_strict_mode_raises_a_plugins_exception_through_the_guard(tmp_path, monkeypatch):
    """A strict PluginConfig stops at a plugin's exception, as an inline read does; the
    environment variable is the command line's and changes nothing here."""
    import openpyxl

    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "boom.py").write_text(
        textwrap.dedent(
            """
            from minsheng.plugins import hookimpl

            @hookimpl
            def minsheng_claim(path, book):
                return 1.0 if book.sheet(0).cell("A1").text == "BOOM" else None

            @hookimpl
            def minsheng_read(path, book, context):
                raise ValueError("坏了")
            """
        ),
        encoding="utf-8",
    )
    wb = openpyxl.Workbook()
    wb.active["A1"] = "BOOM"
    wb.save(tmp_path / "boom.xlsx")
    result = read_county_file_guarded(tmp_path / "boom.xlsx", year=2007, plugins_dir=plugins)
    assert [p.code for p in result.problems] == ["plugin-error"]
    monkeypatch.setenv("MINSHENG_STRICT_PLUGINS", "1")
    again = read_county_file_guarded(tmp_path / "boom.xlsx", year=2007, plugins_dir=plugins)
    assert [p.code for p in again.problems] == ["plugin-error"]
    strict = PluginConfig(plugins_dir=plugins, strict=True)
    with pytest.raises(ValueError, match="坏了"):
        read_county_file_guarded(tmp_path / "boom.xlsx", year=2007, plugins=strict)
