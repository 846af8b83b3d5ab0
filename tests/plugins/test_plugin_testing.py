"""``minsheng.testing``: the fixtures county plugin authors get, used here as they would use them."""

from __future__ import annotations

import importlib.metadata
import sys
import textwrap

import pytest
from plugin_helpers import reader_source, run

from minsheng.sheets import open_workbook


def test_pytest_plugin_is_registered_by_entry_point():
    eps = [ep for ep in importlib.metadata.entry_points(group="pytest11") if ep.name == "minsheng"]
    assert [ep.value for ep in eps] == ["minsheng.testing"]


def test_minsheng_workbook_writes_a_real_workbook(minsheng_workbook):
    path = minsheng_workbook(
        {"汇总表": [["就业情况表"], ["指标", "完成数"], ["1.1", 120]], "说明": [["无"]]},
        name="sub/县表.xlsx",
        merged={"汇总表": ["A1:B1"]},
    )
    assert path.name == "县表.xlsx" and path.parent.name == "sub"
    with open_workbook(path) as book:
        assert book.sheet_names == ("汇总表", "说明")
        sheet = book.sheet("汇总表")
        assert sheet.cell("A3").text == "1.1" and sheet.cell("B3").value == 120
        assert [m.ref for m in sheet.merged] == ["A1:B1"]


def test_minsheng_scheme_and_host(minsheng_scheme, minsheng_host):
    assert minsheng_scheme.id == "jiangxi-2007"
    assert "standard-form" in [i.name for i in minsheng_host.plugins()]


def test_read_with_plugin_matches_and_reads(tmp_path, minsheng_workbook, read_with_plugin):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "mine.py").write_text(reader_source("本县表"), encoding="utf-8")
    path = minsheng_workbook({"本县表": [["县级代码", "360827"], ["1.1", "3,500"]]})
    result = read_with_plugin(path, "mine", plugins_dir=plugins)
    assert result.ok and result.submission.county == "360827"
    assert result.submission.values["1.1"].amount == 3500
    assert read_with_plugin(path, plugins_dir=plugins).plugin == "mine"


def test_read_with_plugin_fails_the_test_when_another_plugin_wins(tmp_path):
    """Run as a plugin author would: a fresh project, pytest in a subprocess, installed fixtures."""
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "mine.py").write_text(reader_source("本县表", 0.5), encoding="utf-8")
    (plugins / "greedy.py").write_text(reader_source("本县表", 0.9), encoding="utf-8")
    (tmp_path / "test_author.py").write_text(
        textwrap.dedent(
            f"""
            def test_mine(minsheng_workbook, read_with_plugin):
                path = minsheng_workbook({{"本县表": [["县级代码", "360827"], ["1.1", 5]]}})
                read_with_plugin(path, "mine", plugins_dir={str(plugins)!r})

            def test_missing_plugin(minsheng_workbook, read_with_plugin):
                read_with_plugin(minsheng_workbook({{"x": [[1]]}}), "nobody")
            """
        ),
        encoding="utf-8",
    )
    result = run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_author.py"], cwd=tmp_path
    )
    assert result.returncode == 1
    assert "2 failed" in result.stdout
    assert "went to plugin 'greedy', not 'mine'" in result.stdout
    assert "plugin 'nobody' is not loaded" in result.stdout


def test_fixtures_need_no_import_in_a_fresh_project(tmp_path):
    (tmp_path / "test_x.py").write_text(
        "def test_x(minsheng_scheme, minsheng_workbook):\n"
        "    assert minsheng_scheme.indicator('1.1').unit == '人'\n"
        "    assert minsheng_workbook({'a': [[1]]}).exists()\n",
        encoding="utf-8",
    )
    result = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_x.py"], cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


@pytest.mark.parametrize("suffix", [".xlsx", ".xls"])
def test_write_workbook_writes_xlsx_and_xls_that_read_back(tmp_path, suffix):
    import datetime as dt
    from decimal import Decimal

    from minsheng.sheets import open_workbook
    from minsheng.testing import write_workbook

    sheets = {
        "表1": [
            ["万安县报表"],
            ["县级代码", "360828"],
            ["1.1", Decimal("1.5"), dt.date(2008, 1, 8), None, "—"],
        ]
    }
    path = write_workbook(tmp_path / f"a{suffix}", sheets, merged={"表1": ["A1:C1"]})
    again = write_workbook(tmp_path / f"b{suffix}", sheets, merged={"表1": ["A1:C1"]})
    assert path.read_bytes() == again.read_bytes()  # same rows, same bytes
    with open_workbook(path) as book:
        sheet = book.sheet("表1")
        assert sheet.cell("A1").text == "万安县报表" and sheet.cell("B2").text == "360828"
        assert [c.value for c in sheet.row(2)] == ["1.1", 1.5, dt.date(2008, 1, 8), None, "—"]
        assert sheet.anchor(0, 2) == (0, 0)  # C1 is inside the merged A1:C1
    with pytest.raises(ValueError, match=r"\.xlsx 或 \.xls"):
        write_workbook(tmp_path / "a.ods", sheets)
