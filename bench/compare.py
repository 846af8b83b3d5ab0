"""Before and after: time this tree's minsheng against another source tree, alternating runs.

    python bench/compare.py --before /tmp/before/src [--runs 5]

``--before`` is a ``src`` folder (for instance ``git archive <commit> src | tar -x -C /tmp/before``);
each measurement runs in a fresh interpreter with that folder first on ``PYTHONPATH`` (before) or
with the installed tree (after), the two alternating so that drift on a shared machine hits both.
Prints a Markdown table of medians and ratios: the example province (``minsheng demo``) assessed
end to end, its files read as assess reads them, the assessment workbook written, and four roster
files of the bench province read in one process.
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
import sys, time, json
from pathlib import Path
from minsheng.scheme import load_scheme
from minsheng.pipeline import find_files, read_files, assess_reads
from minsheng.workbooks import read_targets, write_assessment
from minsheng.plugins.host import read_county_file
example, rosters, out = Path(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
scheme = load_scheme("jiangxi-2007")
targets, findings, _ = read_targets(example / "目标任务表.xlsx", scheme)
files, _ = find_files([example / "报表"])
read_files(files[:2], scheme_source="jiangxi-2007", year=2007)
t = time.perf_counter(); reads = read_files(files, scheme_source="jiangxi-2007", year=2007)
t_read = time.perf_counter() - t
import datetime as dt
a = assess_reads(scheme, targets, reads, findings=findings, deadline=dt.date(2008, 1, 10))
t = time.perf_counter(); write_assessment(a, scheme, out); t_write = time.perf_counter() - t
t = time.perf_counter()
for p in rosters:
    assert read_county_file(p, year=2007).submission is not None
t_roster = time.perf_counter() - t
print(json.dumps({"read": t_read, "write": t_write, "roster": t_roster}))
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
        k: {"assess": [], "read": [], "write": [], "roster": []} for k in ("before", "after")
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
