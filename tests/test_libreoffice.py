"""The example province round-tripped through LibreOffice (#17): every file re-saved as .xlsx,
.xls and .ods (``soffice --headless --convert-to``) reads by the same plugin to the same values,
and every county scores exactly as from the original.

Runs where LibreOffice is installed (skipped with the reason where not). By default it takes
every file read by a county plugin and a standard form of two 设区市; with
``MINSHENG_HEAVY_TESTS=1`` the whole province (about 4 minutes of LibreOffice).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from minsheng import load_scheme
from minsheng.pipeline import assess_reads
from minsheng.plugins import PluginHost
from minsheng.plugins.host import ReadResult
from minsheng.targets import read_targets

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "jiangxi-2007"
SCHEME = load_scheme("jiangxi-2007")
HEAVY = os.environ.get("MINSHENG_HEAVY_TESTS", "").strip() in {"1", "true", "yes"}
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
FORMATS = ("xlsx", "xls", "ods")

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return PluginHost.load()


def _originals(host: PluginHost) -> dict[Path, str]:
    """File → the plugin that reads it: every county plugin's file, and standard forms of two cities."""
    chosen: dict[Path, str] = {}
    forms_per_city: dict[str, int] = {}
    for path in sorted((EXAMPLE / "报表").rglob("*")):
        if not path.is_file() or path.name.startswith("~$"):
            continue
        match = host.claim(path)
        if match.plugin is None:
            continue  # the example's truncated file: nothing to round-trip
        if match.plugin == "standard-form" and not HEAVY:
            city = path.parent.name
            if forms_per_city.setdefault(city, 0) >= 1 or len(forms_per_city) > 2:
                continue
            forms_per_city[city] += 1
        chosen[path] = match.plugin
    return chosen


def _convert_all(files: list[Path], base: Path) -> dict[str, dict[str, Path]]:
    """Each file re-saved by LibreOffice in each format (three soffice at once, each with its own
    profile): format → stem → converted file."""
    runs = {
        fmt: subprocess.Popen(
            [
                str(SOFFICE),
                f"-env:UserInstallation={(base / f'profile-{fmt}').as_uri()}",
                "--headless",
                "--convert-to",
                fmt,
                "--outdir",
                str(base / fmt),
                *map(str, files),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for fmt in FORMATS
    }
    for run in runs.values():
        assert run.wait(timeout=900) == 0
    return {fmt: {p.stem: p for p in (base / fmt).iterdir()} for fmt in FORMATS}


@pytest.fixture(scope="module")
def round_trip(host: PluginHost, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    """(file → plugin, {format: stem → converted file}, {(format or "", stem): read}), read once."""
    base = tmp_path_factory.mktemp("libreoffice")
    originals = _originals(host)
    converted = _convert_all(list(originals), base)
    reads = {("", p.stem): _read(host, p, plugin) for p, plugin in originals.items()}
    for fmt in FORMATS:
        for p, plugin in originals.items():
            if p.stem in converted[fmt]:
                reads[(fmt, p.stem)] = _read(host, converted[fmt][p.stem], plugin)
    yield originals, converted, reads


def _read(host: PluginHost, path: Path, plugin: str) -> ReadResult:
    return host.read(path, plugin, SCHEME, 2007, checks=False)


def _summary(read: ReadResult) -> tuple:
    sub = read.submission
    assert sub is not None, read.problems
    values = {k: (v.status, v.amount) for k, v in sub.values.items()}
    return sub.county, values, sub.self_scores, sub.submitted_on, sub.reporter.date


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_file_reads_the_same_after_libreoffice(host: PluginHost, round_trip: tuple, fmt: str) -> None:
    originals, converted, reads = round_trip
    for path, plugin in originals.items():
        again = converted[fmt].get(path.stem)
        assert again is not None, f"LibreOffice did not convert {path.name} to {fmt}"
        assert host.claim(again).plugin == plugin, (path.name, fmt)
        assert _summary(reads[(fmt, path.stem)]) == _summary(reads[("", path.stem)]), (path.name, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_county_scores_as_the_original(host: PluginHost, round_trip: tuple, fmt: str) -> None:
    originals, _, reads = round_trip
    targets, _, _ = read_targets(EXAMPLE / "目标任务表.xlsx", SCHEME)
    before = [reads[("", path.stem)] for path in originals]
    after = [reads[(fmt, path.stem)] for path in originals]

    def scores(reads: list[ReadResult]) -> dict[str, tuple]:
        result = assess_reads(SCHEME, targets, reads)
        codes = {r.submission.county for r in reads if r.submission is not None}
        return {
            c.county.code: (c.status, c.total, c.grade, tuple((i.code, i.score) for i in c.indicators))
            for c in result.counties
            if c.county.code in codes
        }

    expected = scores(before)
    assert len(expected) == len(originals)
    assert scores(after) == expected
