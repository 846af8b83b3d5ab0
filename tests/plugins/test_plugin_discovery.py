"""Discovery through real installed-distribution metadata, the built-in plugin, worker processes,
and what importing the plugin host costs."""

from __future__ import annotations

import json
import multiprocessing
import pickle
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from plugin_helpers import codes, minsheng_cli, reader_source, run

import minsheng
from minsheng.plugins import DEFAULT_PLUGINS, HOOKS, PluginHost, ReadResult, hookspecs, read_county_file

pytest_plugins = ["plugin_fixtures"]  # plugins_dir, county_file, load


def install_distribution(site: Path, dist: str, version: str, module: str, source: str, entry: str) -> None:
    """Lay out an installed distribution the way pip does (package + .dist-info with entry points)."""
    (site / module).mkdir(parents=True)
    (site / module / "__init__.py").write_text(source, encoding="utf-8")
    info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(f"[minsheng]\n{entry} = {module}\n", encoding="utf-8")
    (info / "top_level.txt").write_text(module + "\n", encoding="utf-8")


@pytest.fixture
def site(tmp_path):
    site = tmp_path / "site"
    install_distribution(
        site, "minsheng-county-east", "1.2.3", "mscounty_east_ok", reader_source("东县报表"), "east"
    )
    install_distribution(
        site,
        "minsheng-county-west",
        "0.0.1",
        "mscounty_west_broken",
        "raise RuntimeError('西县插件需要的配置文件不存在')\n",
        "west",
    )
    return site


def test_entry_points_are_loaded_and_a_broken_one_is_reported(
    site, monkeypatch, county_file, minsheng_scheme
):
    monkeypatch.syspath_prepend(str(site))
    for var in ("MINSHENG_STRICT_PLUGINS", "MINSHENG_BLOCK_PLUGINS", "MINSHENG_TRACE_PLUGINS"):
        monkeypatch.delenv(var, raising=False)
    host = PluginHost.load(defaults=False)
    infos = {i.name: i for i in host.plugins()}
    east = infos["east"]
    assert (east.version, east.kind, east.hooks) == (
        "1.2.3",
        "entry-point",
        ("minsheng_claim", "minsheng_read"),
    )
    assert "minsheng-county-east" in east.source and "mscounty_east_ok" in east.source
    assert "west" not in infos
    [problem] = [p for p in host.problems if p.plugin == "west"]
    assert problem.code == "plugin-import-error"
    assert "0.0.1" in problem.message and "西县插件需要的配置文件不存在" in problem.message
    path = county_file("东县报表")
    result = host.read(path, "east", minsheng_scheme, 2007)
    assert result.ok and result.plugin_version == "1.2.3"
    assert result.submission.values["1.1"].provenance.plugin_version == "1.2.3"


def test_minsheng_plugins_command_lists_plugins(site, plugins_dir):
    plugins_dir.add("loose", reader_source("表1"))
    env = {"PYTHONPATH": str(site)}
    text = minsheng_cli("plugins", "--plugins-dir", str(plugins_dir.path), env=env)
    assert text.returncode == 1  # the broken west plugin is an error
    out = text.stdout
    assert "east  1.2.3  [已安装] minsheng-county-east 1.2.3" in out
    assert f"loose  local  [插件目录] {plugins_dir.path / 'loose.py'}" in out
    assert f"standard-form  {minsheng.__version__}  [内置] minsheng.plugins.standard_form" in out
    assert "钩子：minsheng_claim、minsheng_read" in out
    assert "[plugin-import-error]" in text.stderr and "west" in text.stderr

    as_json = minsheng_cli("plugins", "--json", env={**env, "MINSHENG_BLOCK_PLUGINS": "west"})
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    names = {p["name"]: p for p in data["plugins"]}
    assert names["east"]["version"] == "1.2.3" and names["east"]["kind"] == "entry-point"
    assert names["standard-form"]["kind"] == "builtin"
    assert [(p["code"], p["plugin"]) for p in data["problems"]] == [("plugin-blocked", "west")]


def test_builtin_standard_form_plugin_is_registered_like_any_other(monkeypatch):
    monkeypatch.delenv("MINSHENG_BLOCK_PLUGINS", raising=False)
    host = PluginHost.load(entry_points=False)
    info = host.plugin("standard-form")
    assert DEFAULT_PLUGINS == {"standard-form": "minsheng.plugins.standard_form"}
    assert (info.kind, info.version, info.hooks) == (
        "builtin",
        minsheng.__version__,
        ("minsheng_claim", "minsheng_indicators", "minsheng_read"),
    )


def test_hooks_constant_matches_the_hookspecs():
    specs = {name for name in vars(hookspecs) if name.startswith("minsheng_")}
    assert set(HOOKS) == specs


def _files(plugins_dir, county_file):
    plugins_dir.add("good", reader_source("好表"))
    plugins_dir.add(
        "crashy",
        "from minsheng.plugins import hookimpl\n\n@hookimpl\ndef minsheng_claim(book):\n"
        "    return 1.0 if '坏表' in book.sheet_names else None\n\n"
        "@hookimpl\ndef minsheng_read(path):\n    raise ValueError('第 7 行格式不对')\n",
    )
    return [
        county_file("好表", county="360102", value=11, name="a.xlsx"),
        county_file("坏表", county="360103", name="b.xlsx"),
        county_file("别的表", county="360104", name="c.xlsx"),
        county_file("好表", county="360105", value="1.2万", name="d.xlsx"),
    ]


def test_read_county_file_in_worker_processes(plugins_dir, county_file, monkeypatch):
    for var in ("MINSHENG_STRICT_PLUGINS", "MINSHENG_BLOCK_PLUGINS", "MINSHENG_TRACE_PLUGINS"):
        monkeypatch.delenv(var, raising=False)
    paths = _files(plugins_dir, county_file)
    context = multiprocessing.get_context("spawn")  # nothing inherited: each worker builds its own host
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        futures = [
            pool.submit(
                read_county_file,
                str(p),
                None,
                scheme_source="jiangxi-2007",
                year=2007,
                plugins_dir=plugins_dir.path,
            )
            for p in paths
        ]
        results = [f.result() for f in futures]
        # and with the plugin chosen beforehand (match in the parent, read in the workers)
        chosen = pool.submit(
            read_county_file,
            str(paths[0]),
            "good",
            scheme_source="jiangxi-2007",
            year=2007,
            plugins_dir=plugins_dir.path,
        ).result()
    a, b, c, d = results
    assert a.ok and a.submission.county == "360102" and a.submission.values["1.1"].amount == 11
    assert a.plugin == "good" and a.plugin_version == "local" and a.confidence == 0.9 and len(a.sha256) == 64
    assert b.submission is None and codes(b.problems) == ["plugin-error"] and b.problems[0].plugin == "crashy"
    assert "第 7 行格式不对" in b.problems[0].message
    assert c.submission is None and codes(c.problems) == ["no-plugin"] and c.sha256 is not None
    assert d.submission.values["1.1"].amount == 12000
    assert chosen.ok and chosen.submission == a.submission
    assert pickle.loads(pickle.dumps(a)) == a


def test_read_county_file_in_process_caches_the_host(plugins_dir, county_file, minsheng_scheme):
    """One host per PluginConfig value in a process: an equal value reuses it, another loads anew."""
    from minsheng import PluginConfig
    from minsheng.plugins import reading

    paths = _files(plugins_dir, county_file)
    config = PluginConfig(plugins_dir=plugins_dir.path)
    first = read_county_file(paths[0], "good", scheme_source="jiangxi-2007", year=2007, plugins=config)
    cached = dict(reading._HOSTS)
    assert reading.host_for(PluginConfig(plugins_dir=str(plugins_dir.path))) is cached[config]
    second = read_county_file(
        paths[3], scheme_source=minsheng_scheme, year=2007, plugins_dir=plugins_dir.path
    )
    assert dict(reading._HOSTS) == cached
    assert first.ok and second.ok and isinstance(second, ReadResult)
    strict = PluginConfig(plugins_dir=plugins_dir.path, strict=True)
    assert reading.host_for(strict) is not cached[config] and reading.host_for(strict).strict
    assert hash(strict) != hash(config) and pickle.loads(pickle.dumps(strict)) == strict


def test_importing_minsheng_loads_no_plugin_machinery():
    code = (
        "import sys, minsheng; "
        "print(sorted(m for m in ('pluggy', 'click', 'openpyxl', 'minsheng.plugins') if m in sys.modules))"
    )
    result = run([sys.executable, "-c", code])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_importing_the_host_and_the_pytest_plugin_stays_light():
    code = (
        "import sys, minsheng.plugins, minsheng.testing; "
        "print(sorted(m for m in ('openpyxl', 'python_calamine', 'click', 'minsheng.sheets') if m in sys.modules))"
    )
    result = run([sys.executable, "-c", code])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_standard_form_is_read_by_the_builtin_plugin(tmp_path, minsheng_scheme, monkeypatch):
    from openpyxl import load_workbook

    from minsheng import County, ValueStatus
    from minsheng.workbooks.form import write_form

    monkeypatch.delenv("MINSHENG_BLOCK_PLUGINS", raising=False)
    path = write_form(minsheng_scheme, tmp_path / "form.xlsx", year=2007, county=County("360102", "东湖区"))
    book = load_workbook(path)
    sheet = book["报表"]
    assert sheet["A8"].value == "1.1" and sheet["E8"].value is None  # 1.1's 累计完成, left blank
    sheet["E8"] = 1200
    book.save(path)

    host = PluginHost.load(entry_points=False)
    matched, problems = host.match([path])
    assert (matched, problems) == ([(path, "standard-form")], [])
    result = host.read(path, "standard-form", minsheng_scheme, 2007)
    assert result.ok and result.submission.county == "360102"
    v11 = result.submission.values["1.1"]
    assert v11.amount == 1200
    assert (v11.provenance.sheet, v11.provenance.cell, v11.provenance.plugin) == (
        "报表",
        "E8",
        "standard-form",
    )
    assert v11.provenance.plugin_version == minsheng.__version__
    assert result.submission.values["1.2"].status is ValueStatus.MISSING  # blank is never 0


def test_plugin_commands_reach_the_minsheng_command_line(tmp_path):
    site = tmp_path / "site"
    install_distribution(
        site,
        "minsheng-county-cmd",
        "2.0",
        "mscounty_cmd",
        "import click\nfrom minsheng.plugins import hookimpl\n\n"
        "@hookimpl\ndef minsheng_register_commands(cli):\n"
        "    @cli.command('wanan-check')\n    @click.argument('path')\n"
        "    def wanan_check(path):\n        click.echo(f'检查 {path}')\n",
        "cmd",
    )
    env = {"PYTHONPATH": str(site)}
    ok = minsheng_cli("wanan-check", "报表.xlsx", env=env)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout == "检查 报表.xlsx\n"
    unknown = minsheng_cli("no-such-command", env=env)
    assert unknown.returncode == 2 and "没有命令" in unknown.stderr
    # a built-in command is never taken over, and blocking the plugin removes its command
    assert minsheng_cli("plugins", "--json", env=env).returncode == 0
    blocked = minsheng_cli("wanan-check", "x", env={**env, "MINSHENG_BLOCK_PLUGINS": "cmd"})
    assert blocked.returncode == 2
