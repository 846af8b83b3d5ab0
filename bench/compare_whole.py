"""Before and after as whole processes: ``python bench/compare_whole.py --before /tmp/before/src``.

``--before`` is a ``src`` folder (``git archive <commit> src | tar -x -C /tmp/before``; copy the built
``_native*.so`` into its ``minsheng/sheets`` and ``python -m compileall`` it). Each case runs in a fresh
process with that folder first on ``PYTHONPATH`` (before) or with the installed tree (after), the two
alternating; wall and CPU time (:func:`wholeproc.timed`) of: an assess with no county file, one county with
the 100,000-row .xlsx and the 60,000-row .xls of :mod:`realfiles`, the example province assessed, and its
read phase. Prints a Markdown table of medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from province import default_cache  # noqa: E402
from realfiles import make_real  # noqa: E402
from wholeproc import READ_PHASE, timed  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cache", type=Path, default=default_cache())
    args = ap.parse_args()
    real = make_real(args.cache)
    example = args.cache / "example"
    py = sys.executable
    tg = ["--targets", real["targets"]]
    cases = {
        "`minsheng assess` on a folder with no county file (the fixed cost)": [
            py,
            "-m",
            "minsheng",
            "assess",
            real["empty"],
            *tg,
        ],
        "`minsheng assess`, one county: the .xlsx roster as Excel writes it": [
            py,
            "-m",
            "minsheng",
            "assess",
            real["files"]["excel-xlsx"]["folder"],
            *tg,
        ],
        "`minsheng assess`, one county: the .xls roster as Excel 97-2003 writes it": [
            py,
            "-m",
            "minsheng",
            "assess",
            real["files"]["excel-xls"]["folder"],
            *tg,
        ],
        "`minsheng assess` on the example province (no workbook)": [
            py,
            "-m",
            "minsheng",
            "assess",
            str(example / "报表"),
            "--targets",
            str(example / "目标任务表.xlsx"),
        ],
    }
    sides = {"before": dict(os.environ, PYTHONPATH=str(args.before.resolve())), "after": dict(os.environ)}
    res: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for i in range(args.runs):
        order = ("before", "after") if i % 2 == 0 else ("after", "before")
        for label, cmd in cases.items():
            for side in order:
                res.setdefault((label, side), []).append(timed(cmd, sides[side])[:2])
        for side in order:
            _w, cpu, out = timed([py, "-c", READ_PHASE, str(example / "报表"), "2007"], sides[side])
            res.setdefault(
                ("the example province's read phase (`read_files` in a fresh process)", side), []
            ).append((float(out.split()[1]), cpu))
        print(f"round {i + 1}/{args.runs}", file=sys.stderr)
    print(
        "| Median, alternating | Before, wall | After, wall | After / before | Before, CPU | After, CPU | After / before |"
    )
    print("|---|---|---|---|---|---|---|")
    for label in dict.fromkeys(k for k, _ in res):
        b, a = res[(label, "before")], res[(label, "after")]
        bw, aw = statistics.median(x[0] for x in b), statistics.median(x[0] for x in a)
        bc, ac = statistics.median(x[1] for x in b), statistics.median(x[1] for x in a)
        print(
            f"| {label} | {bw:.2f} s | {aw:.2f} s | {aw / bw:.2f}× | {bc:.2f} s | {ac:.2f} s | {ac / bc:.2f}× |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
