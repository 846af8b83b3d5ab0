"""Does ``minsheng.assess`` cost grow linearly with the number of counties? ``python bench/scale.py``

Builds countries like the example province (the same generator, ``minsheng.example``) of 100 and
2,850 counties (the size of China's county level), every county a standard form written by
``write_form``, and times the whole library call (find, read each file under the guard, check, score)
and the writing of the workbook, locally with two worker processes and on a local Dask cluster of two
worker processes. It reports the time per county at each size and the ratio of the two: 1.0 is linear.
The files are written once into build/scale/ and reused.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def counties(n: int):  # type: ignore[no-untyped-def]
    """``n`` county-level units in cities of 30, with 6-digit codes and Chinese names."""
    from minsheng import County

    out = []
    for i in range(n):
        city = i // 30
        out.append(
            County(
                code=f"{110000 + city * 100 + i % 30 + 1:06d}",
                name=f"第{i + 1}县",
                city_code=f"{110000 + city * 100:06d}",
                city_name=f"第{city + 1}市",
            )
        )
    return out


def write_country(folder: Path, n: int) -> tuple[Path, Path]:
    import minsheng
    from minsheng.example import example_province
    from minsheng.workbooks import form_filename, write_form, write_targets_template

    targets_path, submissions = folder / "目标任务表.xlsx", folder / "报表"
    if targets_path.exists() and len(list(submissions.rglob("*.xlsx"))) >= n - 1:
        return targets_path, submissions
    scheme = minsheng.load_scheme("jiangxi-2007")
    province = example_province(scheme, counties(n))
    write_targets_template(scheme, targets_path, targets=province.targets, findings=())
    by_code = {c.code: c for c in province.targets.counties}
    for sub in province.submissions:
        c = by_code[sub.county]
        write_form(
            scheme,
            submissions / c.city_name / form_filename(c, province.targets.year),
            year=province.targets.year,
            county=c,
            allocation=province.targets.allocations[c.code],
            submission=sub,
        )
    return targets_path, submissions


def timed(n: int, folder: Path, executor, out: Path) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    import minsheng
    from minsheng.workbooks import write_assessment

    targets, submissions = write_country(folder, n)
    started = time.perf_counter()
    run = minsheng.assess(submissions, targets, deadline=dt.date(2008, 1, 10), executor=executor)
    assessed = time.perf_counter() - started
    write_assessment(run, out)
    return assessed, time.perf_counter() - started, len(run.assessment.counties)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,2850")
    parser.add_argument(
        "--runs", type=int, default=3, help="runs of the smallest size (the largest runs once)"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    cache = ROOT / "build" / "scale"
    for n in sizes:
        t = time.perf_counter()
        write_country(cache / str(n), n)
        print(f"country of {n}: files ready in {time.perf_counter() - t:.0f} s", flush=True)

    import distributed

    results: dict[str, dict[int, list[tuple[float, float, int]]]] = {"processes": {}, "dask": {}}
    with ProcessPoolExecutor(max_workers=2) as pool:
        for n in sizes:
            runs = args.runs if n == min(sizes) else 1
            results["processes"][n] = [
                timed(n, cache / str(n), pool, cache / f"out-{n}.xlsx") for _ in range(runs)
            ]
            print("processes", n, results["processes"][n], flush=True)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        executor = client.get_executor()
        for n in sizes:
            runs = args.runs if n == min(sizes) else 1
            results["dask"][n] = [
                timed(n, cache / str(n), executor, cache / f"out-dask-{n}.xlsx") for _ in range(runs)
            ]
            print("dask", n, results["dask"][n], flush=True)

    print(f"\ncores {os.cpu_count()}, python {sys.version.split()[0]}")
    print("| executor | counties | assess (median) | per county | assess + workbook | per county |")
    print("|---|---:|---:|---:|---:|---:|")
    per: dict[str, dict[int, float]] = {}
    for name, by_size in results.items():
        for n, rows in by_size.items():
            a = statistics.median(r[0] for r in rows)
            w = statistics.median(r[1] for r in rows)
            per.setdefault(name, {})[n] = a / rows[0][2]
            print(
                f"| {name} | {rows[0][2]:,} | {a:.1f} s | {1000 * a / rows[0][2]:.1f} ms | {w:.1f} s "
                f"| {1000 * w / rows[0][2]:.1f} ms |"
            )
    small, large = min(sizes), max(sizes)
    for name, p in per.items():
        print(f"{name}: per-county cost at {large:,} ÷ at {small}: {p[large] / p[small]:.2f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
