"""One test per hook (``test_hook_<name>``), each through real plugin files and real workbooks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import click
import pytest
from click.testing import CliRunner
from plugin_helpers import codes, reader_source

from minsheng import Problem, Reporter, Severity, Submission, Value, ValueStatus
from minsheng.plugins import PluginError

pytest_plugins = ["plugin_fixtures"]  # plugins_dir, county_file, load


def test_hook_minsheng_claim(plugins_dir, county_file, load):
    plugins_dir.add("sure", reader_source("就业报表", 0.9))
    plugins_dir.add("unsure", reader_source("就业报表", 0.4))
    # a plugin may accept fewer arguments than the spec: this one takes only the path
    plugins_dir.add(
        "by_name",
        """
        from minsheng.plugins import hookimpl

        @hookimpl
        def minsheng_claim(path):
            return 1 if path.name.startswith("wanan") else None
        """,
    )
    host = load()
    ours = county_file("就业报表", name="a.xlsx")
    wanan = county_file("其他", name="wanan-2007.xlsx")
    nobody = county_file("其他", name="b.xlsx")
    matched, problems = host.match([ours, wanan, nobody])
    assert matched == [(ours, "sure"), (wanan, "by_name")]
    assert codes(problems) == ["no-plugin"]
    assert problems[0].file == str(nobody)
    m = host.claim(ours)
    assert dict(m.claims) == {"sure": 0.9, "unsure": 0.4, "by_name": None}
    assert (m.plugin, m.confidence) == ("sure", 0.9)


def test_hook_minsheng_read(plugins_dir, county_file, load, minsheng_scheme):
    plugins_dir.add(
        "reader",
        """
        from decimal import Decimal
        from minsheng import Provenance, Severity, Submission, Value
        from minsheng.plugins import hookimpl

        @hookimpl
        def minsheng_claim(book):
            return 0.8

        @hookimpl
        def minsheng_read(path, book, context):
            sheet = book.sheet("表1")
            context.problem("reader:odd-cell", "示例问题", sheet="表1", cell="C9", severity=Severity.WARNING)
            return Submission(
                county=sheet.cell("B1").text,
                year=context.year,
                values={
                    "1.1": Value.of(Decimal(sheet.cell("B2").value), context.provenance("表1", "B2")),
                    "1.2": Value.of(5),  # no provenance at all: the host fills file, plugin, version
                    "1.3": Value.missing(Provenance(sheet="表1", cell="B4")),
                },
            )
        """,
    )
    path = county_file("表1", county="360103", value=77)
    host = load()
    result = host.read(path, "reader", minsheng_scheme, 2007)
    assert result.ok and result.plugin == "reader" and result.plugin_version == "local"
    sub = result.submission
    assert (sub.county, sub.year) == ("360103", 2007)
    assert sub.values["1.1"].amount == Decimal(77)
    p11 = sub.values["1.1"].provenance
    assert (p11.file, p11.sheet, p11.cell, p11.plugin, p11.plugin_version) == (
        str(path),
        "表1",
        "B2",
        "reader",
        "local",
    )
    p12 = sub.values["1.2"].provenance
    assert (p12.file, p12.plugin, p12.plugin_version, p12.cell) == (str(path), "reader", "local", None)
    p13 = sub.values["1.3"]
    assert p13.status is ValueStatus.MISSING
    assert (p13.provenance.file, p13.provenance.cell, p13.provenance.plugin) == (str(path), "B4", "reader")
    assert sub.source.file == str(path) and sub.source.plugin == "reader"
    assert [(p.code, p.file, p.cell, p.plugin) for p in result.problems] == [
        ("reader:odd-cell", str(path), "C9", "reader")
    ]
    assert result.sha256 and len(result.sha256) == 64


def test_a_plugin_problem_code_outside_the_catalogue_and_any_namespace_is_a_plugin_error(
    plugins_dir, county_file, load, minsheng_scheme
):
    plugins_dir.add(
        "sloppy",
        """
        from minsheng import Submission
        from minsheng.plugins import hookimpl

        @hookimpl
        def minsheng_claim(book):
            return 0.8

        @hookimpl
        def minsheng_read(path, book, context):
            context.problem("bad-total", "合计不对", sheet="表1", cell="B9")
            return Submission(county="360102", year=context.year, values={})
        """,
    )
    path = county_file("表1")
    result = load().read(path, "sloppy", minsheng_scheme, 2007)
    assert result.submission is None
    [problem] = result.problems
    assert (problem.code, problem.plugin, problem.file) == ("plugin-error", "sloppy", str(path))
    assert "“bad-total”" in problem.message and "插件名:代码" in problem.message


def test_hook_minsheng_checks(plugins_dir, county_file, load, minsheng_scheme):
    plugins_dir.add("reader", reader_source("表1"))
    plugins_dir.add(
        "province_rules",
        """
        from minsheng import Problem, Severity
        from minsheng.plugins import hookimpl

        @hookimpl
        def minsheng_checks(submission, scheme):
            v = submission.values.get("1.1")
            if v is not None and v.is_reported and v.amount > 1000:
                return [Problem("province_rules:too-many", f"1.1 报了 {v.amount}，超过 1000", severity=Severity.WARNING,
                                indicator="1.1", cell=v.provenance.cell)]
            return []
        """,
    )
    plugins_dir.add(
        "broken_rules",
        """
        from minsheng.plugins import hookimpl

        @hookimpl
        def minsheng_checks(submission):
            raise KeyError("3.2")
        """,
    )
    path = county_file("表1", value=1500)
    result = load().read(path, "reader", minsheng_scheme, 2007)
    assert result.ok
    by_code = {p.code: p for p in result.problems}
    assert set(by_code) == {"province_rules:too-many", "plugin-error"}
    too_many = by_code["province_rules:too-many"]
    assert (too_many.plugin, too_many.county, too_many.file, too_many.cell) == (
        "province_rules",
        "360102",
        str(path),
        "B2",
    )
    assert by_code["plugin-error"].plugin == "broken_rules"
    assert "KeyError" in by_code["plugin-error"].message
    # checks=False leaves them out
    assert load().read(path, "reader", minsheng_scheme, 2007, checks=False).problems == ()


def test_hook_minsheng_register_commands(plugins_dir, load):
    plugins_dir.add(
        "hello",
        """
        import click
        from minsheng.plugins import hookimpl

        @hookimpl
        def minsheng_register_commands(cli):
            @cli.command()
            @click.argument("county")
            def hello(county):
                "问候一个县。"
                click.echo(f"你好，{county}")
        """,
    )
    plugins_dir.add(
        "clumsy",
        """
        from minsheng.plugins import hookimpl

        @hookimpl
        def minsheng_register_commands(cli):
            raise RuntimeError("忘了导入 click")
        """,
    )

    @click.group()
    def cli() -> None:
        pass

    problems = load().register_commands(cli)
    assert [(p.code, p.plugin) for p in problems] == [("plugin-error", "clumsy")]
    assert "忘了导入 click" in problems[0].message
    result = CliRunner().invoke(cli, ["hello", "万安县"])
    assert result.exit_code == 0, result.output
    assert result.output == "你好，万安县\n"


#: A plugin whose layout is one sheet 样表: B1 the county, then code | value rows from row 2.
WRITER = """
import datetime as dt
from minsheng import Submission
from minsheng.plugins import hookimpl
from minsheng.sheets import cell_ref, parse_number
from minsheng.workbooks import save_workbook
from openpyxl import Workbook

SHEET = "样表"


@hookimpl
def minsheng_claim(book):
    return 0.9 if SHEET in book.sheet_names else None


@hookimpl
def minsheng_read(path, book, context):
    sheet = book.sheet(SHEET)
    values = {}
    for row in range(1, sheet.n_rows):
        code = sheet.cell(row, 0).text
        values[code] = parse_number(sheet.cell(row, 1), provenance=context.provenance(SHEET, cell_ref(row, 1)))
    return Submission(county=sheet.cell("B1").text, year=context.year, values=values)


@hookimpl
def minsheng_write_sample(path, submission, scheme):
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(["县级代码", submission.county])
    for ind in scheme.indicators:
        v = submission.values.get(ind.code)
        if v is not None:
            cell = float(v.amount) if v.is_reported else ("—" if v.status.value == "not-applicable" else None)
            sheet.append([ind.code, cell])
    save_workbook(book, path, dt.datetime(submission.year + 1, 1, 1))
    return path
"""


def test_hook_minsheng_write_sample(plugins_dir, load, minsheng_scheme, tmp_path):
    plugins_dir.add("writer", WRITER)
    plugins_dir.add("reader", reader_source("表1"))  # reads, cannot write
    plugins_dir.add(
        "crashing",
        """
        from minsheng.plugins import hookimpl

        @hookimpl
        def minsheng_write_sample(path, submission):
            raise RuntimeError("模板缺失")
        """,
    )
    plugins_dir.add(
        "idle",
        """
        from minsheng.plugins import hookimpl

        @hookimpl
        def minsheng_write_sample(path):
            return None
        """,
    )
    plugins_dir.add(
        "liar",
        """
        from minsheng.plugins import hookimpl

        @hookimpl
        def minsheng_write_sample(path):
            return path.with_name("不存在.xlsx")
        """,
    )
    host = load()
    assert host.problems == ()
    assert host.sample_writers() == ["crashing", "idle", "liar", "writer"]
    sub = Submission(
        county="360828",
        year=2007,
        values={
            "1.1": Value.of(3500),
            "5.1": Value.of(Decimal("812.35")),
            "4.2": Value.not_applicable(),
            "7.3": Value.missing(),
        },
        reporter=Reporter("万安县劳动和社会保障局", "王敏", "0796-5612345", dt.date(2008, 1, 9)),
    )
    target = tmp_path / "新建" / "万安.xlsx"  # the folder is made by the host
    written = host.write_sample("writer", target, sub, minsheng_scheme)
    assert written == target
    result = host.read(written, "writer", minsheng_scheme, 2007)
    assert result.ok and result.problems == ()
    back = result.submission
    assert back.county == "360828" and set(back.values) == set(sub.values)
    for code, value in sub.values.items():
        got = back.values[code]
        assert (got.status, got.amount) == (value.status, value.amount), code
        assert (got.provenance.file, got.provenance.plugin) == (str(written), "writer")
    assert back.values["5.1"].provenance.cell == "B4"  # rows in scheme order: 1.1, 4.2, 5.1
    again = host.write_sample("writer", tmp_path / "again.xlsx", sub, minsheng_scheme)
    assert again.read_bytes() == written.read_bytes()

    failures = {
        "crashing": "RuntimeError: 模板缺失",
        "idle": "返回 None",
        "liar": "不是已写出的文件",
        "reader": "没有实现 minsheng_write_sample",
    }
    for name, reason in failures.items():
        with pytest.raises(PluginError) as caught:
            host.write_sample(name, tmp_path / f"{name}.xlsx", sub, minsheng_scheme)
        problem = caught.value.problem
        assert (problem.code, problem.plugin, problem.file) == (
            "plugin-error",
            name,
            str(tmp_path / f"{name}.xlsx"),
        )
        assert f"插件“{name}”" in problem.message and reason in problem.message, problem.message
    assert caught.value.__cause__ is None  # the last one, "reader", raised nothing of its own
    with pytest.raises(PluginError) as caught:
        host.write_sample("crashing", tmp_path / "c.xlsx", sub, minsheng_scheme)
    assert isinstance(caught.value.__cause__, RuntimeError)
    with pytest.raises(PluginError) as caught:
        host.write_sample("nobody", tmp_path / "n.xlsx", sub, minsheng_scheme)
    assert (caught.value.problem.code, caught.value.problem.plugin) == ("plugin-not-found", "nobody")
    # strict mode lets the plugin's own exception through, as for the other hooks
    with pytest.raises(RuntimeError, match="模板缺失"):
        load(strict=True).write_sample("crashing", tmp_path / "s.xlsx", sub, minsheng_scheme)


def test_checks_must_return_problems(plugins_dir, county_file, load, minsheng_scheme):
    plugins_dir.add("reader", reader_source("表1"))
    plugins_dir.add(
        "sloppy",
        """
        from minsheng.plugins import hookimpl

        @hookimpl
        def minsheng_checks(submission):
            return ["1.1 太大了"]
        """,
    )
    result = load().read(county_file("表1"), "reader", minsheng_scheme, 2007)
    assert result.ok
    [problem] = result.problems
    assert (problem.code, problem.plugin, problem.severity) == ("plugin-error", "sloppy", Severity.ERROR)
    assert "minsheng_checks" in problem.message and isinstance(problem, Problem)
