"""Write the example province (:mod:`minsheng.example`) as the files a provincial office receives.

``目标任务表.xlsx`` (targets, with the 督查发现 sheet) and a 报表/ folder by 设区市 holding one file per
county: the standard form for most, and for a few counties their own layout, written by the plugin
that reads it (when that plugin is installed; otherwise the standard form). One county never
reports, one file is truncated, and one county's file is "open in Excel" (its ~$ lock file lies
beside it). Same inputs, same bytes.
"""

from __future__ import annotations

from pathlib import Path

from attrs import frozen

from .config import PluginConfig
from .example import YEAR, ExampleProvince, example_province
from .example_interim import InterimProvince
from .files import atomic_write_bytes
from .model import Scheme
from .period import Period
from .regions import load_regions

TARGETS_FILE = "目标任务表.xlsx"
SUBMISSIONS_DIR = "报表"
LOCKED = "360102"  # 东湖区: open in Excel while the office runs assess


@frozen
class DemoFiles:
    targets: Path
    submissions: Path
    layouts: dict[str, str]  # county code → plugin whose layout its file uses ("" = standard form)
    province: ExampleProvince


def write_demo(
    directory: str | Path,
    scheme: Scheme,
    *,
    plugins_dir: str | None = None,
    plugins: PluginConfig | None = None,
    seed: int = YEAR,
    year: int = YEAR,
) -> DemoFiles:
    """Write the example province into ``directory`` and say what was written; the counties with
    their own layout are written by the plugins of ``plugins`` (default: ``plugins_dir``'s).
    ``seed`` and ``year`` give another province of the same kind (last year's, say)."""
    from .plugins.reading import host_for, plugin_config
    from .workbooks import form_filename, write_form, write_targets_template

    directory = Path(directory)
    province = example_province(scheme, load_regions(), seed, year)
    targets = province.targets
    write_targets_template(scheme, directory / TARGETS_FILE, targets=targets, findings=province.findings)

    host = host_for(plugin_config(plugins, plugins_dir))
    writers = set(host.sample_writers())
    by_code = {c.code: c for c in targets.counties}
    layouts: dict[str, str] = {}
    root = directory / SUBMISSIONS_DIR
    for sub in province.submissions:
        county = by_code[sub.county]
        folder = root / county.city_name
        plugin = province.layouts.get(sub.county, "")
        if plugin and plugin in writers:
            path = host.write_sample(plugin, folder / form_filename(county, targets.year), sub, scheme)
        else:
            plugin = ""
            path = write_form(
                scheme,
                folder / form_filename(county, targets.year),
                year=targets.year,
                county=county,
                allocation=targets.allocations[county.code],
                submission=sub,
            )
        layouts[sub.county] = plugin
        if sub.county in province.broken:
            data = path.read_bytes()
            atomic_write_bytes(path, data[: len(data) // 3])
        if sub.county == LOCKED:
            # Excel's owner file: 162 bytes, the user name padded; assess must skip it
            atomic_write_bytes(
                path.with_name("~$" + path.name[2:]), b"\x08" + "王敏".encode("utf-16-le").ljust(161, b"\x00")
            )
    return DemoFiles(directory / TARGETS_FILE, root, layouts, province)


HISTORY_DIR = "历史"


@frozen
class InterimFiles:
    targets: Path
    submissions: Path
    history: Path | None
    layouts: dict[str, str]
    province: InterimProvince


def write_interim_demo(
    directory: str | Path,
    scheme: Scheme,
    period: Period,
    *,
    plugins: PluginConfig | None = None,
    history: bool = True,
) -> InterimFiles:
    """Write the mid-year province at ``period`` into ``directory``: 目标任务表.xlsx (with its
    进度计划 sheet), 报表/ by 设区市 (one county missing, one late) and, with ``history`` and a
    period after January, 历史/ holding the previous month's result (its JSON, as ``minsheng
    progress --json`` writes it) for 较上期 and 连续滞后. Same inputs, same bytes."""
    import tempfile

    from .example_interim import interim_province
    from .plugins.reading import host_for, plugin_config
    from .workbooks import write_targets_template
    from .workbooks.schedule import write_schedule_sheet

    directory = Path(directory)
    province = interim_province(scheme, load_regions(), period)
    targets = province.targets
    write_targets_template(scheme, directory / TARGETS_FILE, targets=targets)
    write_schedule_sheet(directory / TARGETS_FILE, scheme, province.schedule, targets.year)
    host = host_for(plugin_config(plugins, None))
    writers = set(host.sample_writers())
    layouts = _write_interim_forms(directory / SUBMISSIONS_DIR, scheme, province, host, writers)
    past = None
    if history and period.month > 1 and not period.quarter:
        from .progress_run import progress, progress_to_json

        before = Period(period.year, period.month - 1)
        earlier = interim_province(scheme, load_regions(), before)
        with tempfile.TemporaryDirectory() as tmp:
            _write_interim_forms(Path(tmp) / SUBMISSIONS_DIR, scheme, earlier, host, writers)
            run = progress(
                Path(tmp) / SUBMISSIONS_DIR,
                directory / TARGETS_FILE,
                period=before,
                scheme=scheme,
                assessed_on=earlier.assessed_on,
                plugins=plugins,
            )
        past = directory / HISTORY_DIR
        atomic_write_bytes(past / f"{before}.json", progress_to_json(run).encode("utf-8"))
    return InterimFiles(directory / TARGETS_FILE, directory / SUBMISSIONS_DIR, past, layouts, province)


def _write_interim_forms(
    root: Path, scheme: Scheme, province: InterimProvince, host, writers
) -> dict[str, str]:
    from .workbooks import form_filename, write_form

    targets = province.targets
    by_code = {c.code: c for c in targets.counties}
    layouts: dict[str, str] = {}
    for sub in province.submissions:
        county = by_code[sub.county]
        name = form_filename(county, targets.year, province.period)
        folder = root / county.city_name
        plugin = province.layouts.get(sub.county, "")
        if plugin and plugin in writers:
            host.write_sample(plugin, folder / name, sub, scheme)
        else:
            plugin = ""
            write_form(
                scheme,
                folder / name,
                year=targets.year,
                county=county,
                allocation=targets.allocations[county.code],
                submission=sub,
                period=province.period,
            )
        layouts[sub.county] = plugin
    return layouts
