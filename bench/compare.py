"""Before and after: time this tree's minsheng against another source tree, alternating runs.

    python bench/compare.py --before /tmp/before/src [--runs 5]

``--before`` is a ``src`` folder (for instance ``git archive <commit> src | tar -x -C /tmp/before``);
each measurement runs in a fresh interpreter with that folder first on ``PYTHONPATH`` (before) or
with the installed tree (after), the two alternating so that drift on a shared machine hits both.
Prints a Markdown table of medians and ratios: the example province (``minsheng demo``) assessed
end to end, its files read as assess reads them, the whole run in one process (``minsheng.assess``),
the assessment workbook written, and four roster files of the bench province read in one process.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from province import default_cache, make_province  # noqa: E402

PHASES = r"""
import datetime as dt, sys, time, json
from pathlib import Path
import minsheng
from minsheng.pipeline import find_files, read_files
from minsheng.plugins.host import read_county_file
from minsheng.workbooks import write_assessment
example, rosters, out = Path(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
files, _ = find_files([example / "报表"])
read_files(files[:2], scheme_source="jiangxi-2007", year=2007)
t = time.perf_counter(); read_files(files, scheme_source="jiangxi-2007", year=2007)
t_read = time.perf_counter() - t
t = time.perf_counter()
if hasattr(minsheng, "assess"):  # the whole run as one call
    run = minsheng.assess(example / "报表", example / "目标任务表.xlsx", deadline=dt.date(2008, 1, 10))
    t_run = time.perf_counter() - t
    t = time.perf_counter(); write_assessment(run, out)
else:  # a tree from before minsheng.assess: its run was put together in the CLI
    from minsheng.cli.assess import run_assessment
    scheme, a, _ = run_assessment(
        [example / "报表"], example / "目标任务表.xlsx", "jiangxi-2007", None, dt.date(2008, 1, 10), None, 1, None
    )
    t_run = time.perf_counter() - t
    t = time.perf_counter(); write_assessment(a, scheme, out)
t_write = time.perf_counter() - t
t = time.perf_counter()
for p in rosters:
    assert read_county_file(p, year=2007).submission is not None
t_roster = time.perf_counter() - t
print(json.dumps({"read": t_read, "run": t_run, "write": t_write, "roster": t_roster}))
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", type=Path, required=True, help="the src folder to compare with")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cache", type=Path, default=default_cache())
    args = ap.parse_args()
    example = args.cache / "example"
    if not (example / "目标任务表.xlsx").is_file():
        subprocess.run(
            [sys.executable, "-m", "minsheng", "demo", str(example)], check=True, capture_output=True
        )
    province = make_province(args.cache)
    rosters = [e for e in province["files"] if e["layout"] == "roster"]
    picked = [e["path"] for e in rosters if e["format"] == "xls"][:2]
    picked += [e["path"] for e in rosters if e["format"] == "xlsx"][:2]
    rows = sum(e["rows"] for e in rosters if e["path"] in picked)
    out = Path(os.environ.get("TMPDIR", "/tmp")) / "minsheng-compare.xlsx"
    assess = [
        sys.executable,
        "-m",
        "minsheng",
        "assess",
        str(example / "报表"),
        "--targets",
        str(example / "目标任务表.xlsx"),
        "--deadline",
        "2008-01-10",
        "-o",
        str(out),
    ]
    results: dict[str, dict[str, list[float]]] = {
        k: {"assess": [], "read": [], "run": [], "write": [], "roster": []} for k in ("before", "after")
    }
    for i in range(args.runs):
        for which in ("before", "after") if i % 2 == 0 else ("after", "before"):
            env = dict(os.environ)
            if which == "before":
                env["PYTHONPATH"] = str(args.before.resolve()) + os.pathsep + env.get("PYTHONPATH", "")
            import time

            t = time.perf_counter()
            subprocess.run(assess, env=env, check=False, capture_output=True)
            results[which]["assess"].append(time.perf_counter() - t)
            p = subprocess.run(
                [sys.executable, "-c", PHASES, str(example), json.dumps(picked), str(out)],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            for k, v in json.loads(p.stdout.strip().splitlines()[-1]).items():
                results[which][k].append(v)
        print(f"run {i + 1}/{args.runs} done", file=sys.stderr)
    labels = {
        "assess": "example province, `minsheng assess -o` end to end",
        "read": "example province, reading its 100 files (`read_files`)",
        "run": "example province, the whole run in one process (`minsheng.assess`)",
        "write": "example province, writing the assessment workbook",
        "roster": f"4 roster files (2 .xls, 2 .xlsx), {rows:,} rows, read in one process",
    }
    print(f"| Median of {args.runs} runs, alternating | Before | After | After / before |")
    print("|---|---|---|---|")
    for k, label in labels.items():
        b, a = statistics.median(results["before"][k]), statistics.median(results["after"][k])
        print(f"| {label} | {b:.2f} s | {a:.2f} s | {a / b:.2f}× |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
