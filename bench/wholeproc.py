"""Whole-process figures (issue 15): each side is a process of its own, started and timed as a user
runs it, the two sides taking turns round by round.

- one county folder, ``minsheng assess <folder> --targets …`` against a python process that opens the
  same file with python-calamine and walks every row of every sheet, for each file of
  :mod:`realfiles` (as Excel writes it, as LibreOffice saves it, and openpyxl's inline strings);
- the fixed cost: ``minsheng assess`` on a folder with no county file (start-up, the scheme, the
  targets workbook; it stops with ``submissions-empty``) against ``python -c "import click"``;
- the example province: minsheng's read phase (``read_files`` over its 100 files in a fresh process,
  timed inside it) and the whole ``minsheng assess`` against one calamine process reading them all.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

#: the bare reader: open each file with python-calamine, walk every row of every sheet; prints
#: the rows and the time of the loop itself (without the interpreter's start and the import)
CALAMINE = """
import sys, time
t = time.perf_counter()
import python_calamine as pc
n = 0
for p in sys.argv[1:]:
    try:
        book = pc.CalamineWorkbook.from_path(p)
    except Exception:
        continue
    for name in book.sheet_names:
        for _row in book.get_sheet_by_name(name).iter_rows():
            n += 1
    book.close()
print(n, time.perf_counter() - t)
"""

#: minsheng's read phase of a folder, in a fresh process: read_files timed inside it (the guard's
#: modules imported first, as ``minsheng.pipeline`` did itself until it imported them on first use,
#: so that the figure keeps covering the same work: the warm-up and the reads, not the imports)
READ_PHASE = """
import sys, time
from pathlib import Path
from minsheng.pipeline import find_files, read_files
import minsheng.guard
files, _ = find_files([Path(sys.argv[1])])
t = time.perf_counter()
reads = read_files(files, scheme_source="jiangxi-2007", year=int(sys.argv[2]))
print(len(reads), time.perf_counter() - t)
"""


def timed(cmd: Sequence[str], env: dict | None = None) -> tuple[float, float, str]:
    """Wall time of a whole process, its CPU time (user + system, with the children it reaped, such
    as minsheng's reading workers) and its stdout. CPU time moves far less than wall time when other
    work loads the machine."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    out = proc.stdout.read() if proc.stdout else ""
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.stdout:
        proc.stdout.close()
    return wall, usage.ru_utime + usage.ru_stime, out


def rounds(
    fns: dict[str, Callable[[], tuple[float, float]]], runs: int
) -> dict[str, list[tuple[float, float]]]:
    """Each function once per round, the order rotated from round to round; (wall, CPU) per round."""
    names = list(fns)
    times: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
    for r in range(runs):
        k = r % len(names)
        for n in names[k:] + names[:k]:
            times[n].append(fns[n]())
    return times


def summary(both: dict[str, list[tuple[float, float]]], num: str, den: str) -> dict[str, object]:
    """Medians, the ratio of the medians and each round's own ratio, of wall and of CPU time."""
    times = {k: [w for w, _c in v] for k, v in both.items()}
    cpu = {k: [c for _w, c in v] for k, v in both.items()}
    return {
        "median": {k: statistics.median(v) for k, v in times.items()},
        "times": times,
        "ratio": statistics.median(times[num]) / statistics.median(times[den]),
        "round_ratios": [a / b for a, b in zip(times[num], times[den], strict=True)],
        "cpu_median": {k: statistics.median(v) for k, v in cpu.items()},
        "cpu_ratio": statistics.median(cpu[num]) / max(statistics.median(cpu[den]), 1e-9),
    }


def measure(
    minsheng: Sequence[str], real: dict, example: Path, runs: int, log=print, watch=None
) -> dict[str, object]:
    """All the whole-process figures; ``minsheng`` is the command that runs the CLI."""
    py = sys.executable
    targets = real["targets"]
    fig: dict[str, object] = {"runs": runs}

    def assess(folder: str, tg: str = targets) -> Callable[[], tuple[float, float]]:
        cmd = [*minsheng, "assess", folder, "--targets", tg, "--assessed-on", "2007-12-31"]
        return lambda: timed(cmd)[:2]

    def calamine(paths: Sequence[str]) -> Callable[[], tuple[float, float]]:
        return lambda: timed([py, "-c", CALAMINE, *paths])[:2]

    files: dict[str, object] = {}
    for label, f in real["files"].items():
        log(f"  one county, {label} ({f['rows']:,} rows): minsheng assess vs a calamine process ...")
        assess(f["folder"])(), calamine([f["path"]])()  # page cache, .pyc
        t = rounds({"minsheng": assess(f["folder"]), "calamine": calamine([f["path"]])}, runs)
        s = summary(t, "minsheng", "calamine")
        s["rows"] = f["rows"]
        s["file"] = Path(f["path"]).name
        if watch is not None:
            cmd = [*minsheng, "assess", f["folder"], "--targets", targets, "--assessed-on", "2007-12-31"]
            _s, _rc, parent, child = watch(cmd)
            s["peak_rss"] = max(parent, child)
        files[label] = s
        log(f"    {s['median']['minsheng']:.2f} s vs {s['median']['calamine']:.2f} s: {s['ratio']:.2f}×")
    fig["files"] = files

    log("  fixed cost: assess with no county file vs python -c 'import click' ...")
    t2 = rounds(
        {
            "assess_empty": assess(real["empty"]),
            "click": lambda: timed([py, "-c", "import click"])[:2],
            "help": lambda: timed([*minsheng, "--help"])[:2],
        },
        max(runs, 3) * 3,
    )
    t = {k: [w for w, _c in v] for k, v in t2.items()}
    cpu = {k: [c for _w, c in v] for k, v in t2.items()}
    fig["fixed"] = {
        "median": {k: statistics.median(v) for k, v in t.items()},
        "times": t,
        "extra": statistics.median(t["assess_empty"]) - statistics.median(t["click"]),
        "round_extras": [a - b for a, b in zip(t["assess_empty"], t["click"], strict=True)],
        "cpu_median": {k: statistics.median(v) for k, v in cpu.items()},
        "cpu_extra": statistics.median(cpu["assess_empty"]) - statistics.median(cpu["click"]),
    }
    log(f"    +{fig['fixed']['extra'] * 1000:.0f} ms")

    log("  the example province: read phase and assess vs one calamine process ...")
    ex_files = sorted(
        str(p) for p in (example / "报表").rglob("*") if p.is_file() and not p.name.startswith("~$")
    )
    ex_targets = str(example / "目标任务表.xlsx")
    cal_inner: list[float] = []

    def cal_all() -> tuple[float, float]:
        wall, cpu, out = timed([py, "-c", CALAMINE, *ex_files])
        cal_inner.append(float(out.split()[1]))
        return wall, cpu

    def read_phase() -> tuple[float, float]:
        # the read phase is timed inside the process (read_files); its CPU time is the process's
        _wall, cpu, out = timed([py, "-c", READ_PHASE, str(example / "报表"), str(real["year"])])
        return float(out.split()[1]), cpu

    read_phase(), cal_all()
    cal_inner.clear()
    t = rounds(
        {
            "read_phase": read_phase,
            "assess": assess(str(example / "报表"), ex_targets),
            "calamine": cal_all,
        },
        runs,
    )
    s = summary(t, "read_phase", "calamine")
    s["files"] = len(ex_files)
    s["calamine_loop"] = statistics.median(cal_inner)
    wall = s["times"]
    s["assess_ratio"] = statistics.median(wall["assess"]) / statistics.median(wall["calamine"])
    s["assess_round_ratios"] = [a / b for a, b in zip(wall["assess"], wall["calamine"], strict=True)]
    # CPU time: of the whole assess process (with its reading workers) against the calamine process
    s["cpu_ratio"] = s["cpu_median"]["assess"] / s["cpu_median"]["calamine"]
    fig["example"] = s
    log(
        f"    read phase {s['median']['read_phase']:.2f} s vs {s['median']['calamine']:.2f} s: {s['ratio']:.2f}×"
    )
    return fig


def _rounds(xs: Sequence[float]) -> str:
    return ", ".join(f"{x:.2f}×" for x in xs) or "–"


def render(w: dict, real: dict, native: bool) -> str:
    """The Markdown section of docs/performance.md."""
    from realfiles import LABELS

    f, fx, ex = w["files"], w["fixed"], w["example"]

    def verdict(ok: bool) -> str:
        return "**met**" if ok else "**not met**"

    x, xl = f["excel-xlsx"], f["excel-xls"]
    lx, lxl = f["lo-xlsx"], f["lo-xls"]
    lines = [
        "## Whole processes, files as real office suites write them (issue 15)",
        "",
        f"Each side is a process of its own, started as a user starts it, the two taking turns ({w['runs']} rounds,"
        " the order rotated); medians, their ratio, and each round's own ratio; beside them the CPU time"
        " (user + system, with the reaped children), which moves far less than wall time on a loaded machine."
        " minsheng is"
        f" `minsheng assess <one county folder> --targets …` (start-up, scheme, targets, the guarded read,"
        " checks, scoring; no workbook); calamine is `python -c` opening the same file with python-calamine and"
        " walking every row of every sheet. minsheng ran "
        + ("with the C scans." if native else "**without** the C scans."),
        "",
        "### Targets",
        "",
        "| Target | Measured (ratio of medians) | Each round | |",
        "|---|---|---|---|",
        f"| one .xlsx roster ({x['rows']:,} rows; the target is set for 100,000), whole process ≤ 1.3× calamine | {x['ratio']:.2f}× as Excel writes it;"
        f" {lx['ratio']:.2f}× as LibreOffice saves it (CPU time {x['cpu_ratio']:.2f}×; {lx['cpu_ratio']:.2f}×) | {_rounds(x['round_ratios'])}; {_rounds(lx['round_ratios'])} |"
        f" {verdict(x['ratio'] <= 1.3)}; {verdict(lx['ratio'] <= 1.3)} |",
        f"| one .xls roster ({xl['rows']:,} rows; the target is set for 60,000), whole process ≤ 1.5× calamine | {xl['ratio']:.2f}× as Excel writes it;"
        f" {lxl['ratio']:.2f}× as LibreOffice saves it (CPU time {xl['cpu_ratio']:.2f}×; {lxl['cpu_ratio']:.2f}×) | {_rounds(xl['round_ratios'])}; {_rounds(lxl['round_ratios'])} |"
        f" {verdict(xl['ratio'] <= 1.5)}; {verdict(lxl['ratio'] <= 1.5)} |",
        f"| Example province ({ex['files']} small files), read phase ≤ 3× one calamine process reading them |"
        f" {ex['ratio']:.2f}× ({ex['median']['read_phase']:.2f} s vs {ex['median']['calamine']:.2f} s) |"
        f" {_rounds(ex['round_ratios'])} | {verdict(ex['ratio'] <= 3)} |",
        f'| Fixed cost of an assess with no county file ≤ 120 ms over `python -c "import click"` |'
        f" +{fx['extra'] * 1000:.0f} ms ({fx['median']['assess_empty'] * 1000:.0f} ms vs"
        f" {fx['median']['click'] * 1000:.0f} ms; CPU time +{fx['cpu_extra'] * 1000:.0f} ms) | "
        + ", ".join(f"+{e * 1000:.0f}" for e in fx["round_extras"])
        + f" ms | {verdict(fx['extra'] <= 0.120)} |",
        "",
        "### One county file",
        "",
        "| File | Rows | minsheng assess | calamine process | Ratio | Each round | CPU time, ratio | Peak RSS, minsheng |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, s in f.items():
        rss = f"{s['peak_rss'] / (1 << 20):.0f} MB" if s.get("peak_rss") else "–"
        lines.append(
            f"| {Path(s['file']).suffix} {LABELS[label]} | {s['rows']:,} | {s['median']['minsheng']:.2f} s |"
            f" {s['median']['calamine']:.2f} s | {s['ratio']:.2f}× | {_rounds(s['round_ratios'])} |"
            f" {s['cpu_median']['minsheng']:.2f} s vs {s['cpu_median']['calamine']:.2f} s: {s['cpu_ratio']:.2f}× | {rss} |"
        )
    lines += [
        "",
        "### Fixed cost and start-up",
        "",
        "| Command | Median wall time | Median CPU time |",
        "|---|---|---|",
        f'| `python -c "import click"` | {fx["median"]["click"] * 1000:.0f} ms | {fx["cpu_median"]["click"] * 1000:.0f} ms |',
        f"| `minsheng --help` | {fx['median']['help'] * 1000:.0f} ms | {fx['cpu_median']['help'] * 1000:.0f} ms |",
        f"| `minsheng assess <folder with no county file> --targets …` (scheme and targets read, then"
        f" `submissions-empty`) | {fx['median']['assess_empty'] * 1000:.0f} ms | {fx['cpu_median']['assess_empty'] * 1000:.0f} ms |",
        "",
        f"The fixed cost in CPU time: +{fx['cpu_extra'] * 1000:.0f} ms over `import click`.",
        "",
        "### The example province",
        "",
        f"| {ex['files']} files | Median | Ratio to the calamine process | Each round |",
        "|---|---|---|---|",
        f"| one calamine process reading them all (its loop alone: {ex['calamine_loop']:.2f} s) |"
        f" {ex['median']['calamine']:.2f} s | 1.00× | – |",
        f"| minsheng's read phase (`read_files` in a fresh process, each file in its guarded reader) |"
        f" {ex['median']['read_phase']:.2f} s | {ex['ratio']:.2f}× | {_rounds(ex['round_ratios'])} |",
        f"| `minsheng assess` (whole process, no workbook) | {ex['median']['assess']:.2f} s |"
        f" {ex['assess_ratio']:.2f}× | {_rounds(ex['assess_round_ratios'])} |",
        "",
        f"CPU time: the whole `minsheng assess` (with its reading worker) {ex['cpu_median']['assess']:.2f} s against"
        f" the calamine process's {ex['cpu_median']['calamine']:.2f} s, {ex['cpu_ratio']:.2f}×.",
        "",
    ]
    return "\n".join(lines)
