"""pytest fixtures for county plugin authors.

Installed with minsheng as the pytest plugin ``minsheng`` (entry point group ``pytest11``), so a
plugin package's tests can use them without importing anything::

    def test_reads_sample(tmp_path, read_with_plugin):
        result = read_with_plugin(make_sample(tmp_path / "a.xlsx"), "wanan")
        assert result.problems == ()

Fixtures: ``minsheng_scheme`` (the built-in scheme), ``minsheng_host`` (the installed plugins),
``minsheng_workbook`` (write a small .xlsx from rows), ``read_with_plugin`` (match and read one
file, checking that the expected plugin won it).

Plain functions, for building sample submissions to hand to a plugin's ``write_sample`` (or to
``minsheng_host.write_sample``): :func:`example_values` (deterministic year-end actuals for every
indicator) and :func:`submission_of` (a county and a mapping of values → a ``Submission``)::

    from minsheng.testing import example_values, submission_of

    sub = submission_of(("360121", "南昌县"), example_values(seed=7), reported_on=date(2008, 1, 8))
    path = my_plugin.write_sample(tmp_path / "a.xlsx", sub, scheme, seed=7)

:func:`write_workbook` writes a small real workbook from rows, as .xlsx or .xls by the suffix
(same rows, same bytes), for a plugin's sample files and tests::

    from minsheng.testing import write_workbook

    write_workbook(tmp_path / "a.xls", {"表1": [["标题"], ["1.1", 1200]]}, merged={"表1": ["A1:D1"]})

(It needs no pytest: a plugin's ``minsheng_write_sample`` imports it from ``minsheng.samplefiles``.)

:func:`write_cfb` writes an OLE2 compound file (the container of an .xls or an encrypted .xlsx)
for tests of files that spreadsheet programs would write.

Importing this module loads only pytest; minsheng's plugin host and openpyxl load when a fixture
or function is first used.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .samplefiles import write_workbook as write_workbook

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .model import County, Scheme, Submission, Value
    from .plugins import PluginHost, ReadResult

__all__ = [
    "DEFAULT_YEAR",
    "SampleValues",
    "example_values",
    "minsheng_host",
    "minsheng_scheme",
    "minsheng_workbook",
    "read_with_plugin",
    "submission_of",
    "write_cfb",
    "write_workbook",
]

DEFAULT_YEAR = 2007

SampleValues = Mapping[str, Decimal | int | float | str | None]
"""Values by indicator code, in the scheme's units: a number, ``None`` (a blank cell), "—"
(not applicable) or other text (written as is)."""

# names and given names the reporter of a sample submission is drawn from
SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN_NAMES = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文斌辉鹏红玲金兰春梅海燕"


@pytest.fixture
def minsheng_scheme() -> Scheme:
    """The built-in scheme ``jiangxi-2007``."""
    from .scheme import load_scheme

    return load_scheme("jiangxi-2007")


@pytest.fixture
def minsheng_host() -> PluginHost:
    """A plugin host with the built-in and installed plugins (as ``minsheng assess`` loads them).

    The environment variables ``MINSHENG_STRICT_PLUGINS``, ``MINSHENG_BLOCK_PLUGINS`` and
    ``MINSHENG_TRACE_PLUGINS`` apply as on the command line (this pytest plugin is a front end,
    like the CLI: :meth:`PluginConfig.from_env`).
    """
    from .config import PluginConfig
    from .plugins import PluginHost

    return PluginHost.from_config(PluginConfig.from_env())


@pytest.fixture
def minsheng_workbook(tmp_path: Path) -> Callable[..., Path]:
    """Write a small real .xlsx workbook: ``make({"表1": [["标题"], ["1.1", 120]]}, name="x.xlsx")``.

    ``merged`` maps sheet names to ranges to merge (``{"表1": ["A1:D1"]}``). Returns the path.
    """
    counter = {"n": 0}

    def make(
        sheets: Mapping[str, Sequence[Sequence[Any]]],
        name: str | None = None,
        *,
        merged: Mapping[str, Sequence[str]] | None = None,
    ) -> Path:
        from openpyxl import Workbook

        book = Workbook()
        book.remove(book.active)
        for title, rows in sheets.items():
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(list(row))
            for ref in (merged or {}).get(title, ()):
                sheet.merge_cells(ref)
        counter["n"] += 1
        path = tmp_path / (name or f"workbook-{counter['n']}.xlsx")
        path.parent.mkdir(parents=True, exist_ok=True)
        book.save(path)
        return path

    return make


@pytest.fixture
def read_with_plugin(minsheng_scheme: Scheme) -> Callable[..., ReadResult]:
    """Read one county file as a run would: ``read(path, "wanan")`` → :class:`ReadResult`.

    With a plugin name, the test fails unless that plugin wins the file (so the claim is tested
    too); pass ``match=False`` to skip matching. ``plugins_dir`` loads loose ``.py`` plugins;
    ``year`` and ``scheme`` default to 2007 and the built-in scheme. The plugin environment
    variables apply, as for ``minsheng_host``.
    """
    from .config import PluginConfig
    from .plugins import PluginHost

    def read(
        path: str | os.PathLike[str],
        plugin: str | None = None,
        *,
        year: int = DEFAULT_YEAR,
        scheme: Scheme | None = None,
        plugins_dir: str | os.PathLike[str] | None = None,
        match: bool = True,
    ) -> ReadResult:
        host = PluginHost.from_config(PluginConfig.from_env(plugins_dir=plugins_dir))
        loaded = [info.name for info in host.plugins()]
        if plugin is not None and plugin not in loaded:
            pytest.fail(
                f"plugin {plugin!r} is not loaded (loaded: {loaded}); load problems: {list(host.problems)}"
            )
        if match or plugin is None:
            found = host.claim(path)
            if found.plugin is None:
                pytest.fail(f"no plugin won {path}: {list(found.problems)}")
            if plugin is not None and found.plugin != plugin:
                pytest.fail(f"{path} went to plugin {found.plugin!r}, not {plugin!r}; claims: {found.claims}")
            plugin = found.plugin
        assert plugin is not None
        return host.read(path, plugin, scheme or minsheng_scheme, year)

    return read


# ---------------------------------------------------------------------------------------------
# sample submissions (plain functions, not fixtures)


def _scheme(scheme: Scheme | None) -> Scheme:
    if scheme is not None:
        return scheme
    from .scheme import load_scheme

    return load_scheme("jiangxi-2007")


def _dec(v: Decimal | int | float | str) -> Decimal:
    return v if isinstance(v, Decimal) else Decimal(str(v))


def _value(v: Decimal | int | float | str | None) -> Value:
    from .model import Value
    from .sheets import parse_number

    if v is None:
        return Value.missing()
    if isinstance(v, str):
        parsed = parse_number(v)  # "—", "/", "不适用" are not applicable; other text is kept as raw
        return parsed if not parsed.is_reported else Value.of(parsed.reported_amount)
    return Value.of(_dec(v))


def example_values(scheme: Scheme | None = None, seed: int = 0) -> dict[str, Decimal]:
    """Plausible year-end actuals for every indicator of ``scheme`` (default: the built-in
    ``jiangxi-2007``), keyed by indicator code, in the scheme's units.

    Everything is drawn from ``random.Random(seed)``: the same arguments give the same values.
    人 are whole numbers, 万元 have two decimals, % lie between 30 and 100 (2.1 is 3.9, 2.3 is
    100), other veto indicators are 0 and the rest small counts (0–2); 3.2 is the sum of
    3.2.1–3.2.3.
    """
    scheme = _scheme(scheme)
    rng = random.Random(seed)
    out: dict[str, Decimal] = {}
    for ind in scheme.indicators:
        if ind.code in ("3.2", "3.2.1", "3.2.2", "3.2.3"):
            continue
        if ind.unit == "人":
            out[ind.code] = Decimal(rng.randrange(300, 12000))
        elif ind.unit == "万元":
            out[ind.code] = Decimal(rng.randrange(500, 90000)) / 100
        elif ind.unit == "%":
            out[ind.code] = Decimal(rng.randrange(3000, 10000)) / 100 if ind.code != "2.1" else Decimal("3.9")
        elif ind.rule.value == "veto":
            out[ind.code] = Decimal(0)
        else:
            out[ind.code] = Decimal(rng.choice((0, 0, 0, 1, 2)))
    out["2.3"] = Decimal(100)
    parts = {
        "3.2.1": rng.randrange(2000, 6000),
        "3.2.2": rng.randrange(800, 2500),
        "3.2.3": rng.randrange(100, 600),
    }
    for code, n in parts.items():
        out[code] = Decimal(n)
    out["3.2"] = Decimal(sum(parts.values()))
    return out


def submission_of(
    county: County | tuple[str, str],
    values: SampleValues,
    *,
    scheme: Scheme | None = None,
    seed: int = 0,
    reported_on: dt.date,
    year: int = DEFAULT_YEAR,
    month: int = 12,
    self_scores: Mapping[str, Decimal | int | float] | None = None,
    self_total: Decimal | int | float | None = None,
) -> Submission:
    """A county and its values as a :class:`~minsheng.Submission`, ready for a plugin's
    ``write_sample``.

    ``county`` is a :class:`~minsheng.County` or a ``(code, name)`` pair. Every indicator of
    ``scheme`` (default: the built-in ``jiangxi-2007``) gets a value: a number is reported as
    given, ``None`` or an absent code is missing (a blank cell), "—", "/" or "不适用" is not
    applicable, a string holding a number is that number and any other string is missing with the
    text kept as its raw value. The reporter is the county's 劳动和社会保障局 with a person and
    a phone number drawn from ``random.Random(seed)``, dated ``reported_on`` (also the
    submission date). ``self_scores`` and ``self_total`` are the county's own scores, if any.
    """
    from .model import County, Reporter, Submission

    if not isinstance(county, County):
        county = County(county[0], county[1])
    rng = random.Random(seed)
    person = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN_NAMES) for _ in range(rng.choice((1, 2))))
    phone = f"0791-{rng.randrange(5_000_000, 8_999_999)}"
    return Submission(
        county=county.code,
        year=year,
        month=month,
        values={ind.code: _value(values.get(ind.code)) for ind in _scheme(scheme).indicators},
        reporter=Reporter(f"{county.name}劳动和社会保障局", person, phone, reported_on),
        self_scores={code: _dec(s) for code, s in (self_scores or {}).items()},
        self_total=None if self_total is None else _dec(self_total),
        submitted_on=reported_on,
    )


def write_cfb(path: Path, streams: dict[str, bytes]) -> Path:
    """Write an OLE2 compound file (the container of .xls and of an encrypted .xlsx) for tests:
    version 3, 512-byte sectors, ``streams`` at the root.

    Streams under 4096 bytes go to the mini stream, as the format requires, so readers must
    follow the mini FAT; the directory is a chain of right siblings (a valid, if lopsided, tree).
    """
    import math
    import struct

    ss, mss, end, free, fatsect = 512, 64, 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    sectors: list[bytes] = []
    fat: list[int] = []

    def add_chain(data: bytes) -> int:
        n = max(1, math.ceil(len(data) / ss))
        start = len(sectors)
        for i in range(n):
            sectors.append(data[i * ss : (i + 1) * ss].ljust(ss, b"\0"))
            fat.append(start + i + 1 if i < n - 1 else end)
        return start

    mini = bytearray()
    minifat: list[int] = []
    entries: list[tuple[str, int, int, int]] = []
    for name, data in streams.items():
        if len(data) >= 4096:
            entries.append((name, 2, add_chain(data), len(data)))
        else:
            start = len(mini) // mss
            n = max(1, math.ceil(len(data) / mss))
            minifat.extend(start + i + 1 if i < n - 1 else end for i in range(n))
            mini += data.ljust(n * mss, b"\0")
            entries.append((name, 2, start, len(data)))
    root_start = add_chain(bytes(mini)) if mini else end
    minifat_start, n_minifat = end, 0
    if minifat:
        padded = minifat + [free] * (-len(minifat) % (ss // 4))
        minifat_start = add_chain(struct.pack(f"<{len(padded)}I", *padded))
        n_minifat = len(padded) * 4 // ss

    def entry(name: str, kind: int, start: int, size: int, right: int, child: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", free, right, child)
            + b"\0" * 36
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, root_start, len(mini), free, 1 if entries else free)
    for i, (name, kind, start, size) in enumerate(entries, start=1):
        directory += entry(name, kind, start, size, i + 1 if i < len(entries) else free, free)
    directory += b"\0" * (-len(directory) % ss)
    dir_start = add_chain(directory)
    k = 1
    while len(sectors) + k > k * (ss // 4):
        k += 1
    fat_sectors = list(range(len(sectors), len(sectors) + k))
    fat.extend([fatsect] * k)
    fat.extend([free] * (k * (ss // 4) - len(fat)))
    for i in range(k):
        sectors.append(struct.pack(f"<{ss // 4}I", *fat[i * (ss // 4) : (i + 1) * (ss // 4)]))
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, k, dir_start, 0, 4096, minifat_start, n_minifat, end, 0)
        + struct.pack("<109I", *(fat_sectors + [free] * (109 - k)))
    )
    path.write_bytes(header + b"".join(sectors))
    return path
