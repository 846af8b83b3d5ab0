"""A plugin whose header texts do not match the county's form: the read gives
``plugin-header-mismatch`` naming the plugin and the header's texts (for the plugin author), not
the county's ``table-not-found``; a file of another form is still ``table-not-found``."""

from __future__ import annotations

import types

from openpyxl import Workbook

from minsheng import load_scheme
from minsheng.plugins import PluginHost

PLUGIN = """
from minsheng import Submission
from minsheng.plugins import hookimpl
from minsheng.sheets import find_table


@hookimpl
def minsheng_claim(path, book):
    return 0.9 if "汇总" in book.sheet_names else None


@hookimpl
def minsheng_read(path, book, context):
    table = find_table(book.sheet("汇总"), ["指标名称", "本年完成数"])  # the form says 本年完成
    return Submission(county="360121", year=context.year, values={})
"""


def host() -> PluginHost:
    module = types.ModuleType("wrong_header")
    exec(compile(PLUGIN, "wrong_header.py", "exec"), module.__dict__)
    return PluginHost.load(defaults=False, entry_points=False, plugins=[("wrong-header", module)])


def write(path, header):
    book = Workbook()
    sheet = book.active
    sheet.title = "汇总"
    sheet.append(["南昌县2007年完成情况"])
    sheet.append(header)
    sheet.append(["城镇新增就业人数", 1200])
    book.save(path)
    return path


def test_the_plugins_header_text_is_the_plugin_authors_problem(tmp_path):
    path = write(tmp_path / "a.xlsx", ["指标名称", "本年完成"])
    result = host().read(path, "wrong-header", load_scheme("jiangxi-2007"), 2007)
    [problem] = result.problems
    assert problem.code == "plugin-header-mismatch" and problem.plugin == "wrong-header"
    assert problem.file == str(path) and problem.sheet == "汇总" and problem.cell == "A2"
    assert problem.message.startswith("插件的表头设置与报表不符")
    assert "“指标名称、本年完成数”" in problem.message and "指标名称、本年完成" in problem.message
    assert "维护人员" in problem.message


def test_another_form_is_the_countys_problem(tmp_path):
    path = write(tmp_path / "b.xlsx", ["项目", "数量"])
    result = host().read(path, "wrong-header", load_scheme("jiangxi-2007"), 2007)
    assert [p.code for p in result.problems] == ["table-not-found"]
