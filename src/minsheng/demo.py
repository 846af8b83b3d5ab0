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
from .files import atomic_write_bytes
from .model import Scheme
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
