"""Benchmarks of minsheng against what a user would write by hand, in one run: ``python bench/run.py``.

Writes docs/performance.md (``-o`` elsewhere, ``--runs N`` repetitions, medians reported).
Everything is measured in the same run on the same files, and the targets of issue 7 are
judged on ratios, since a shared machine's absolute times drift:

- roster reading: minsheng (open, claim, read the rosters with their ID checks) against a bare
  python-calamine loop over the rows, an openpyxl read-only loop and pandas.read_excel (when
  installed) — the last two on a subset of the .xlsx rosters unless ``--full-baselines``, as
  openpyxl reads a 30,000-row roster in about ten seconds;
- ``minsheng assess`` end to end on the roster province with --jobs 1 and --jobs 2, and the peak
  memory (RSS, sampled every 10 ms with psutil) of the parent and of the largest worker or
  reading child, on the whole province and on its largest file alone;
- the start-up of ``minsheng --help`` against ``python -c "import click"``;
- the 100-county example province (``minsheng demo``) assessed end to end against reading its
  files.

The roster province is written once by bench/province.py into build/bench/ and reused.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from province import default_cache, make_province  # noqa: E402

ROSTER_SHEETS = ("培训花名册", "小额贷款台帐")


# ------------------------------------------------------------------------------------------------
# helpers


def median_time(fn: Callable[[], object], runs: int) -> tuple[float, list[float], object]:
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times, result


def interleaved(
    fns: dict[str, Callable[[], object]], runs: int
) -> dict[str, tuple[float, list[float], object]]:
    """Each function once per round, the order rotated from round to round, so that a shared
    machine's drift falls on all of them alike: (median, times, last result) per function."""
    names = list(fns)
    times: dict[str, list[float]] = {n: [] for n in names}
    results: dict[str, object] = {}
    for r in range(runs):
        k = r % len(names)
        for n in names[k:] + names[:k]:
            t = time.perf_counter()
            results[n] = fns[n]()
            times[n].append(time.perf_counter() - t)
    return {n: (statistics.median(times[n]), times[n], results[n]) for n in names}


def minsheng_cmd() -> list[str]:
    exe = shutil.which("minsheng") or str(Path(sys.executable).with_name("minsheng"))
    return [exe] if Path(exe).exists() else [sys.executable, "-m", "minsheng"]


def run_watched(cmd: Sequence[str]) -> tuple[float, int, int, int]:
    """Run ``cmd``; (seconds, exit code, peak RSS of the process, peak RSS of any descendant), bytes."""
    import psutil

    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ps = psutil.Process(proc.pid)
    parent_peak = child_peak = 0
    while proc.poll() is None:
        try:
            parent_peak = max(parent_peak, ps.memory_info().rss)
            for child in ps.children(recursive=True):
                try:
                    child_peak = max(child_peak, child.memory_info().rss)
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        time.sleep(0.01)
    return time.perf_counter() - t, proc.returncode, parent_peak, child_peak


def mb(n: float) -> str:
    return f"{n / (1 << 20):.0f} MB"


def _accel_built() -> bool:
    from minsheng.sheets import _accel

    return _accel.scans is not None


def machine() -> dict[str, object]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import psutil

        ram = f"{psutil.virtual_memory().total / (1 << 30):.0f} GB"
    except ImportError:
        ram = "?"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = {}
    for dist in ("minsheng", "python-calamine", "openpyxl", "pandas", "xlwt"):
        try:
            from importlib.metadata import version

            versions[dist] = version(dist)
        except Exception:
            versions[dist] = "not installed"
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        commit += " (with uncommitted changes)" if dirty else ""
    except OSError:
        commit = "?"
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{cpu}, {cores} cores available, {ram} RAM, {platform.system()} {platform.release()}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "versions": ", ".join(f"{k} {v}" for k, v in versions.items()),
        "commit": commit or "?",
        "native": _accel_built(),
        "load": "load average {:.1f}, {:.1f}, {:.1f}".format(*os.getloadavg())
        if hasattr(os, "getloadavg")
        else "?",
    }


# ------------------------------------------------------------------------------------------------
# reading loops


def calamine_loop(paths: Sequence[str], sheets: Sequence[str] | None = ROSTER_SHEETS) -> int:
    """The bare loop: open with python-calamine, iterate the rows of the roster sheets."""
    import python_calamine as pc

    n = 0
    for p in paths:
        book = pc.CalamineWorkbook.from_path(p)
        for name in book.sheet_names:
            if sheets is None or name in sheets:
                for _row in book.get_sheet_by_name(name).iter_rows():
                    n += 1
        book.close()
    return n


def openpyxl_loop(paths: Sequence[str]) -> int:
    import openpyxl

    n = 0
    for p in paths:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
        for name in ROSTER_SHEETS:
            for _row in wb[name].iter_rows(values_only=True):
                n += 1
        wb.close()
    return n


def pandas_loop(paths: Sequence[str]) -> int:
    import pandas as pd

    n = 0
    for p in paths:
        frames = pd.read_excel(p, sheet_name=list(ROSTER_SHEETS), header=1, engine="openpyxl")
        n += sum(len(f) for f in frames.values())
    return n


def minsheng_read(paths: Sequence[str], year: int) -> int:
    """minsheng's own read of each file, in this process: open, claim, read (rosters with ID checks)."""
    from minsheng.plugins.host import read_county_file

    counted = 0
    for p in paths:
        result = read_county_file(p, year=year)
        assert result.submission is not None, (p, [x.code for x in result.problems])
        counted += 1
    return counted


def toolkit_read(paths: Sequence[str]) -> int:
    """minsheng.sheets alone: open_workbook and every sheet's grid (no plugin, no ID checks)."""
    from minsheng.sheets import open_workbook

    n = 0
    for p in paths:
        with open_workbook(p) as book:
            for sheet in book:
                n += sheet.n_rows
    return n


# ------------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", type=Path)
    ap.add_argument("--runs", type=int, default=5, help="repetitions of each timing (median reported)")
    ap.add_argument("--startup-runs", type=int, default=15)
    ap.add_argument("--cache", type=Path, default=default_cache())
    ap.add_argument(
        "--full-baselines", action="store_true", help="openpyxl and pandas on every .xlsx roster (slow)"
    )
    ap.add_argument(
        "--quick",
        action="store_true",
        help="a small run: 3 rounds, smaller one-county files, no roster province "
        "(writes build/bench/performance-quick.md unless -o)",
    )
    ap.add_argument("--json", type=Path, help="also write the raw figures as JSON")
    ap.add_argument(
        "--from-json", type=Path, help="render the figures of an earlier --json FILE again, without measuring"
    )
    args = ap.parse_args(argv)
    if args.quick:
        args.runs = min(args.runs, 3)
    if args.output is None:
        args.output = args.cache / "performance-quick.md" if args.quick else ROOT / "docs" / "performance.md"
    runs = args.runs
    log = lambda *a: print(*a, file=sys.stderr, flush=True)  # noqa: E731
    if args.from_json:
        fig = json.loads(args.from_json.read_text("utf-8"))
        province = make_province(args.cache, log=log) if "reading" in fig else None
        args.output.write_text(render(fig, province), "utf-8")
        log(f"wrote {args.output}")
        return 0

    info = machine()
    log(f"{info['date']}  {info['machine']}")
    fig: dict[str, object] = {"machine": info, "runs": runs}
    cmd = minsheng_cmd()
    # the sources as bytecode, as an installed minsheng has them: where PYTHONDONTWRITEBYTECODE is set
    # (as on the machines these figures come from) each start would otherwise compile them again
    import compileall

    for tree in (ROOT / "src", ROOT / "plugins"):
        compileall.compile_dir(tree, quiet=2)
    example = args.cache / "example"
    if not (example / "目标任务表.xlsx").is_file():
        subprocess.run([*cmd, "demo", str(example)], stdout=subprocess.DEVNULL, check=True)

    # --- whole processes on files as real writers make them (issue 15) -------------------------
    from realfiles import make_real
    from wholeproc import measure

    real = make_real(args.cache, quick=args.quick, log=log)
    log("whole processes ...")
    fig["whole"] = measure(cmd, real, example, runs, log=log, watch=run_watched)
    if args.json:  # kept if a later section fails
        args.json.write_text(json.dumps(fig, indent=1, default=str), "utf-8")
    province = None if args.quick else make_province(args.cache, log=log)
    if province is not None:
        measure_province(args, fig, province, cmd, example, log)
    if hasattr(os, "getloadavg"):
        info["load"] += " at the start; {:.1f}, {:.1f}, {:.1f} at the end".format(*os.getloadavg())
    text = render(fig, province)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, "utf-8")
    if args.json:
        args.json.write_text(json.dumps(fig, indent=1, default=str), "utf-8")
    log(f"wrote {args.output}")
    return 0


def measure_province(args, fig: dict, province: dict, cmd: list[str], example: Path, log) -> None:
    """The in-process figures of issue 7 on the roster province, the start-up, the example province."""
    runs = args.runs
    rosters = [e for e in province["files"] if e["layout"] == "roster"]
    roster_paths = [e["path"] for e in rosters]
    roster_rows = sum(e["rows"] for e in rosters)
    xlsx_rosters = sorted((e for e in rosters if e["format"] == "xlsx"), key=lambda e: e["rows"])
    subset = xlsx_rosters if args.full_baselines else xlsx_rosters[:1]
    subset_paths = [e["path"] for e in subset]
    subset_rows = sum(e["rows"] for e in subset)
    year = province["year"]

    # --- roster reading -----------------------------------------------------------------------
    log(f"roster reading: {len(rosters)} files, {roster_rows:,} rows ...")
    calamine_loop(roster_paths[:2])  # warm the page cache and the imports
    minsheng_read(roster_paths[:1], year)
    main_loops = interleaved(
        {
            "calamine": lambda: calamine_loop(roster_paths),
            "toolkit": lambda: toolkit_read(roster_paths),
            "minsheng": lambda: minsheng_read(roster_paths, year),
        },
        runs,
    )
    t_cal, cal_times, n_cal = main_loops["calamine"]
    t_tk, tk_times, _ = main_loops["toolkit"]
    t_ms, ms_times, _ = main_loops["minsheng"]
    log(f"  calamine {t_cal:.2f} s, toolkit {t_tk:.2f} s, minsheng {t_ms:.2f} s")
    log(f"baselines on {len(subset)} .xlsx roster(s), {subset_rows:,} rows ...")
    subset_loops: dict[str, Callable[[], object]] = {
        "calamine": lambda: calamine_loop(subset_paths),
        "minsheng": lambda: minsheng_read(subset_paths, year),
        "openpyxl": lambda: openpyxl_loop(subset_paths),
    }
    try:
        import pandas  # noqa: F401

        subset_loops["pandas"] = lambda: pandas_loop(subset_paths)
    except ImportError:
        pass
    sub_figs = interleaved(subset_loops, runs)
    t_cal_sub, t_ms_sub, t_opx = (sub_figs[n][0] for n in ("calamine", "minsheng", "openpyxl"))
    t_pd = sub_figs["pandas"][0] if "pandas" in sub_figs else None
    log(f"  calamine {t_cal_sub:.2f} s, minsheng {t_ms_sub:.2f} s, openpyxl {t_opx:.2f} s, pandas {t_pd}")
    reading = {
        "files": len(rosters),
        "rows": roster_rows,
        "rows_iterated_by_calamine": n_cal,
        "calamine_s": t_cal,
        "toolkit_s": t_tk,
        "minsheng_s": t_ms,
        # each round's own ratio (the three loops of a round run back to back)
        "round_ratios": [m / c for m, c in zip(ms_times, cal_times, strict=True)],
        "round_ratios_toolkit": [k / c for k, c in zip(tk_times, cal_times, strict=True)],
        "subset_files": len(subset),
        "subset_rows": subset_rows,
        "subset_calamine_s": t_cal_sub,
        "subset_minsheng_s": t_ms_sub,
        "subset_openpyxl_s": t_opx,
        "subset_pandas_s": t_pd,
    }
    fig["reading"] = reading

    # --- assess end to end on the roster province ---------------------------------------------
    tmp = Path(tempfile.mkdtemp(prefix="minsheng-bench-"))
    base = [*cmd, "assess"]
    # (--force: each run replaces the workbook the previous one wrote)
    opts = [
        "--targets",
        province["targets"],
        "--deadline",
        "2008-01-10",
        "-o",
        str(tmp / "out.xlsx"),
        "--force",
    ]
    assess: dict[str, object] = {}
    log("assess the roster province, --jobs 1 and --jobs 2 in turn ...")
    by_jobs: dict[int, list[tuple[float, int, int, int]]] = {1: [], 2: []}
    for r in range(runs):  # alternating, so that the machine's drift falls on both alike
        for jobs in (1, 2) if r % 2 == 0 else (2, 1):
            by_jobs[jobs].append(run_watched([*base, province["reports"], *opts, "--jobs", str(jobs)]))
    for jobs, rs in by_jobs.items():
        assert all(r[1] in (0, 1) for r in rs), rs
        assess[f"jobs{jobs}"] = {
            "s": statistics.median(r[0] for r in rs),
            "parent_peak": max(r[2] for r in rs),
            "child_peak": max(r[3] for r in rs),
        }
        log(f"  --jobs {jobs}: {assess[f'jobs{jobs}']}")
    assess["round_speedups"] = [a[0] / b[0] for a, b in zip(by_jobs[1], by_jobs[2], strict=True)]
    largest = max(rosters, key=lambda e: e["largest_sheet_rows"])
    small = [e for e in rosters if e["format"] == largest["format"]]
    log(f"memory: the largest file alone ({largest['rows']:,} rows), --jobs 2 ...")
    one = [run_watched([*base, largest["path"], *opts, "--jobs", "2"]) for _ in range(runs)]
    assess["largest_alone"] = {
        "path": Path(largest["path"]).name,
        "rows": largest["rows"],
        "format": largest["format"],
        "child_peak": max(r[3] for r in one),
        "parent_peak": max(r[2] for r in one),
    }
    del small
    fig["assess"] = assess

    # --- start-up -----------------------------------------------------------------------------
    log("start-up ...")

    def startup(c: Sequence[str]) -> float:
        subprocess.run(c, stdout=subprocess.DEVNULL, check=True)  # warm
        ts = []
        for _ in range(args.startup_runs):
            t = time.perf_counter()
            subprocess.run(c, stdout=subprocess.DEVNULL, check=True)
            ts.append(time.perf_counter() - t)
        return statistics.median(ts)

    t_click = startup([sys.executable, "-c", "import click"])
    t_help = startup([*cmd, "--help"])
    t_import = startup([sys.executable, "-c", "import minsheng"])
    fig["startup"] = {
        "click_s": t_click,
        "help_s": t_help,
        "import_minsheng_s": t_import,
        "runs": args.startup_runs,
    }

    # --- the example province -----------------------------------------------------------------
    log("the example province ...")
    ex_files = sorted(
        str(p) for p in (example / "报表").rglob("*") if p.is_file() and not p.name.startswith("~$")
    )

    def cal_all() -> int:
        n = 0
        for p in ex_files:
            try:
                n += calamine_loop([p], None)
            except BaseException:  # the broken file of the example
                pass
        return n

    # minsheng's read of every file, as assess does it (one process), then the whole run as one
    # call (minsheng.assess, no workbook), timed in a fresh interpreter: this one has grown large,
    # and the guard forks a child per file
    read_script = (
        "import datetime as dt, sys, time\n"
        "from pathlib import Path\n"
        "import minsheng\n"
        "from minsheng.pipeline import find_files, read_files\n"
        "example = Path(sys.argv[1])\n"
        "files, _ = find_files([example / '报表'])\n"
        "read_files(files[:2], scheme_source='jiangxi-2007', year=2007)\n"
        "t = time.perf_counter()\n"
        "read_files(files, scheme_source='jiangxi-2007', year=2007)\n"
        "t_read = time.perf_counter() - t\n"
        "t = time.perf_counter()\n"
        "minsheng.assess(example / '报表', example / '目标任务表.xlsx', deadline=dt.date(2008, 1, 10))\n"
        "print(t_read, time.perf_counter() - t)\n"
    )

    def read_phase() -> tuple[float, float]:
        out = subprocess.run(
            [sys.executable, "-c", read_script, str(example)],
            capture_output=True,
            text=True,
            check=True,
        )
        read, call = out.stdout.strip().splitlines()[-1].split()
        return float(read), float(call)

    t_ex_cal, _, _ = median_time(cal_all, runs)
    phases = [read_phase() for _ in range(runs)]
    t_ex_read = statistics.median(p[0] for p in phases)
    t_ex_call = statistics.median(p[1] for p in phases)
    ex_cmd = [*cmd, "assess", str(example / "报表"), "--targets", str(example / "目标任务表.xlsx")]
    ex_cmd += ["--deadline", "2008-01-10", "-o", str(tmp / "example.xlsx"), "--force"]
    ex = [run_watched(ex_cmd) for _ in range(runs)]
    fig["example"] = {
        "files": len(ex_files),
        "calamine_s": t_ex_cal,
        "read_files_s": t_ex_read,
        "call_s": t_ex_call,
        "assess_s": statistics.median(r[0] for r in ex),
    }
    shutil.rmtree(tmp, ignore_errors=True)


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def render(fig: dict, province: dict | None) -> str:
    from wholeproc import render as render_whole

    m = fig["machine"]
    native = (
        "the C scans of `minsheng.sheets._native`"
        if m.get("native", True)
        else "**without** the C scans (`minsheng.sheets._native` not built): the pure-Python scans"
    )
    head = f"""# Performance

Reproduce with `python bench/run.py` (writes this file; `--runs N`, `--full-baselines`, `--json FILE`;
`--quick` for a small run into build/bench/; `pip install pandas psutil` for the pandas baseline and the
memory figures; LibreOffice's `soffice` for the LibreOffice-saved copies). The files are written once into
`build/bench/` (a few minutes; LibreOffice's copies cached by the content of their source) and reused.
Every figure is the median of {fig["runs"]} runs in one run of the script, the sides compared taking
turns (each round runs each of them once, in an order rotated from round to round); the machine is
shared with other work and noisy, so the targets are judged on ratios of medians measured side by
side in the same run, not on absolute times. minsheng ran with {native}. The script first compiles
minsheng's sources to bytecode (`compileall`), as an installed minsheng has them: this machine sets
`PYTHONDONTWRITEBYTECODE`, under which each start compiled about 50 modules again (about 0.2 s).

- Date: {m["date"]}
- Machine: {m["machine"]}; {m["load"]} (other work shares the machine)
- Python: {m["python"]}; {m["versions"]}
- minsheng commit: {m["commit"]}

"""
    real = fig.get("whole")
    text = head + (render_whole(real, None, m.get("native", True)) + "\n" if real else "")
    if province is not None and "reading" in fig:
        text += render_province(fig, province)
    return text + "\n" + profile_notes()


def render_province(fig: dict, province: dict) -> str:
    r, a, s, e = fig["reading"], fig["assess"], fig["startup"], fig["example"]
    rows = r["rows"]
    cal_rate, ms_rate, tk_rate = rows / r["calamine_s"], rows / r["minsheng_s"], rows / r["toolkit_s"]
    sub = r["subset_rows"]
    ratio_cal = r["minsheng_s"] / r["calamine_s"]
    opx_ratio = r["subset_openpyxl_s"] / r["subset_minsheng_s"]
    j1, j2 = a["jobs1"], a["jobs2"]
    speedup = j1["s"] / j2["s"]
    lone = a["largest_alone"]
    mem_ratio = j2["child_peak"] / lone["child_peak"] if lone["child_peak"] else float("nan")
    startup_extra = (s["help_s"] - s["click_s"]) * 1000
    ex_ratio = e["assess_s"] / e["read_files_s"]
    ex_ratio_cal = e["assess_s"] / e["calamine_s"]
    pd_line = (
        f"| `pandas.read_excel(engine='openpyxl')` | {sub:,} | {r['subset_pandas_s']:.2f} s | "
        f"{sub / r['subset_pandas_s']:,.0f} | {r['subset_pandas_s'] / r['subset_minsheng_s']:.1f}× slower than minsheng |"
        if r["subset_pandas_s"] is not None
        else "| pandas.read_excel | – | not installed | – | – |"
    )
    rounds = ", ".join(f"{x:.2f}×" for x in r.get("round_ratios", []))
    rounds_tk = ", ".join(f"{x:.2f}×" for x in r.get("round_ratios_toolkit", []))
    speedups = ", ".join(f"{x:.2f}×" for x in a.get("round_speedups", []))
    n_xls = sum(1 for f in province["files"] if f["layout"] == "roster" and f["format"] == "xls")
    n_rost = sum(1 for f in province["files"] if f["layout"] == "roster")
    return f"""## The roster province

{province["counties"]} counties (the example province's targets, `minsheng.example`): {n_rost} submit the roster layout
read by the `minsheng-roster` plugin (汇总表, 培训花名册, 小额贷款台帐; {n_xls} as .xls, the rest .xlsx), {rows:,}
roster rows in all, the largest sheet {max(f.get("largest_sheet_rows", 0) for f in province["files"]):,} rows; {len(province["files"]) - n_rost} submit the
standard form; one never reports. Each roster has a trainee entered twice and an ID with a wrong check
character.

## Targets (issue 7)

| Target | Measured | |
|---|---|---|
| Roster reading within 1.5× of a bare python-calamine loop | {ratio_cal:.2f}× ({r["minsheng_s"]:.2f} s vs {r["calamine_s"]:.2f} s, {rows:,} rows) | {verdict(ratio_cal <= 1.5)} |
| At least 10× faster than openpyxl read-only | {opx_ratio:.1f}× ({sub:,}-row subset) | {verdict(opx_ratio >= 10)} |
| `--jobs 2` at least 1.7× faster than `--jobs 1` (two cores) | {speedup:.2f}× ({j1["s"]:.1f} s → {j2["s"]:.1f} s) | {verdict(speedup >= 1.7)} |
| A worker's peak memory bounded by its largest sheet, not the number of counties | {mem_ratio:.2f}× (largest reading process: whole province {mb(j2["child_peak"])}, largest file alone {mb(lone["child_peak"])}) | {verdict(mem_ratio <= 1.15)} |
| `minsheng --help` under 150 ms more than `python -c "import click"` | +{startup_extra:.0f} ms ({s["help_s"] * 1000:.0f} ms vs {s["click_s"] * 1000:.0f} ms) | {verdict(startup_extra < 150)} |
| Example province assessed end to end in under 3× the time to read its files | {ex_ratio:.2f}× minsheng's own read of the files ({e["assess_s"]:.2f} s vs {e["read_files_s"]:.2f} s); {ex_ratio_cal:.0f}× a bare calamine loop ({e["calamine_s"]:.2f} s) | {verdict(ex_ratio < 3)} (against minsheng's read); {verdict(ex_ratio_cal < 3)} (against bare calamine) |

## Roster reading

All {r["files"]} roster files, {rows:,} rows of 培训花名册 and 小额贷款台帐 (in this process, page cache warm):

| Reader | Time | Rows/s | Ratio to the bare calamine loop |
|---|---|---|---|
| python-calamine, bare loop over the rows (`iter_rows`) | {r["calamine_s"]:.2f} s | {cal_rate:,.0f} | 1.00× |
| `minsheng.sheets` (open_workbook, every sheet's grid, error-cell scan) | {r["toolkit_s"]:.2f} s | {tk_rate:,.0f} | {r["toolkit_s"] / r["calamine_s"]:.2f}× |
| minsheng: open, claim, read (ID checks, de-duplication, categories, sums) | {r["minsheng_s"]:.2f} s | {ms_rate:,.0f} | {ratio_cal:.2f}× |

Each round's own ratio to the calamine loop of the same round: minsheng {rounds or "–"}; `minsheng.sheets`
{rounds_tk or "–"}.

The hand-written baselines read .xlsx only (openpyxl cannot read .xls) and are slow, so they run on
{r["subset_files"]} .xlsx roster file(s), {sub:,} rows (`--full-baselines` runs them on all), beside minsheng and
calamine on the same file(s):

| Reader | Rows | Time | Rows/s | Compared with minsheng |
|---|---|---|---|---|
| python-calamine, bare loop | {sub:,} | {r["subset_calamine_s"]:.2f} s | {sub / r["subset_calamine_s"]:,.0f} | {r["subset_minsheng_s"] / r["subset_calamine_s"]:.2f}× faster than minsheng |
| minsheng | {sub:,} | {r["subset_minsheng_s"]:.2f} s | {sub / r["subset_minsheng_s"]:,.0f} | – |
| openpyxl `read_only=True` loop | {sub:,} | {r["subset_openpyxl_s"]:.2f} s | {sub / r["subset_openpyxl_s"]:,.0f} | {opx_ratio:.1f}× slower than minsheng |
{pd_line}

## `minsheng assess` on the roster province

End to end (start-up, targets, reading, checks, scoring, the assessment workbook), {len(province["files"])} files:

| | Time | Peak RSS, parent | Peak RSS, largest worker or reading child |
|---|---|---|---|
| `--jobs 1` | {j1["s"]:.1f} s | {mb(j1["parent_peak"])} | {mb(j1["child_peak"])} |
| `--jobs 2` | {j2["s"]:.1f} s | {mb(j2["parent_peak"])} | {mb(j2["child_peak"])} |
| `--jobs 2`, the largest file alone ({lone["path"]}, {lone["rows"]:,} rows) | – | {mb(lone["parent_peak"])} | {mb(lone["child_peak"])} |

The two took turns; each round's speed-up of `--jobs 2` over `--jobs 1`: {speedups or "–"}.

Peak RSS is sampled every 10 ms with psutil over the process tree (a short-lived peak may be missed).
A reading process holds one county file at a time: its peak on the whole province is the same as on the
largest file alone, so memory is bounded by the largest sheet, not by the number of counties.

## Start-up

| Command | Median of {s.get("runs", "")} runs |
|---|---|
| `python -c "import click"` | {s["click_s"] * 1000:.0f} ms |
| `python -c "import minsheng"` | {s["import_minsheng_s"] * 1000:.0f} ms |
| `minsheng --help` | {s["help_s"] * 1000:.0f} ms |

## The example province (`minsheng demo`)

{e["files"]} files (98 readable). Bare python-calamine loop over every sheet: {e["calamine_s"]:.2f} s; minsheng's read of
every file (`minsheng.pipeline.read_files`, one process): {e["read_files_s"]:.2f} s; the whole run as one call
(`minsheng.assess`, one process, no workbook): {e["call_s"]:.2f} s; `minsheng assess ... -o out.xlsx` end to end:
{e["assess_s"]:.2f} s.
"""


def profile_notes() -> str:
    """bench/profile-notes.md: the profile, the fixes and the before/after figures (written by hand)."""
    notes = ROOT / "bench" / "profile-notes.md"
    return notes.read_text("utf-8") if notes.is_file() else ""


if __name__ == "__main__":
    raise SystemExit(main())
