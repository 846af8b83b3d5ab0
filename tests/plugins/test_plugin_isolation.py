"""A broken plugin costs only its own files; strict mode, blocking, tracing; matching outcomes."""

from __future__ import annotations

import math
import sys
import types
from decimal import Decimal

import pluggy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from plugin_helpers import codes, minsheng_cli, reader_source

from minsheng import PluginConfig
from minsheng.plugins import PluginError, PluginHost, hookimpl

pytest_plugins = ["plugin_fixtures"]  # plugins_dir, county_file, load

RAISES_ON_IMPORT = """
from minsheng.plugins import hookimpl

raise ImportError("No module named 'xlrd_county_tools'")

@hookimpl
def minsheng_claim(path, book):
    return 1.0
"""

RAISES_ON_READ = """
from minsheng.plugins import hookimpl

@hookimpl
def minsheng_claim(path, book):
    return 0.9 if "坏表" in book.sheet_names else None

@hookimpl
def minsheng_read(path, book, context):
    total = 0
    return 100 / total
"""


def test_plugin_that_raises_on_import_costs_only_its_own_file(
    plugins_dir, county_file, load, minsheng_scheme
):
    plugins_dir.add("good", reader_source("好表"))
    plugins_dir.add("broken", RAISES_ON_IMPORT)
    host = load()
    assert [i.name for i in host.plugins()] == ["good"]
    [problem] = host.problems
    assert (problem.code, problem.plugin, problem.severity.value) == (
        "plugin-import-error",
        "broken",
        "error",
    )
    assert "ImportError" in problem.message and "xlrd_county_tools" in problem.message
    assert "broken.py" in problem.message and "第 4 行" in problem.message
    good_file = county_file("好表", county="360102", name="good.xlsx")
    broken_county_file = county_file("坏县表", county="360103", name="broken.xlsx")
    matched, problems = host.match([good_file, broken_county_file])
    assert matched == [(good_file, "good")]
    assert codes(problems) == ["no-plugin"] and problems[0].file == str(broken_county_file)
    result = host.read(good_file, "good", minsheng_scheme, 2007)
    assert result.ok and result.problems == ()


def test_plugin_that_raises_while_reading_costs_only_its_own_file(
    plugins_dir, county_file, load, minsheng_scheme
):
    plugins_dir.add("good", reader_source("好表"))
    plugins_dir.add("crashy", RAISES_ON_READ)
    host = load()
    assert host.problems == ()
    good_file = county_file("好表", name="good.xlsx")
    bad_file = county_file("坏表", county="360103", name="bad.xlsx")
    matched, problems = host.match([good_file, bad_file])
    assert problems == []
    results = [host.read(path, plugin, minsheng_scheme, 2007) for path, plugin in matched]
    assert results[0].ok and results[0].submission.county == "360102"
    bad = results[1]
    assert bad.submission is None and bad.plugin == "crashy"
    [problem] = bad.problems
    assert (problem.code, problem.plugin, problem.file) == ("plugin-error", "crashy", str(bad_file))
    assert "ZeroDivisionError" in problem.message and "crashy.py 第 11 行" in problem.message
    assert "bad.xlsx" in problem.message


def test_strict_mode_reraises_import_and_read_errors(plugins_dir, county_file, load, minsheng_scheme):
    plugins_dir.add("broken", RAISES_ON_IMPORT)
    strict = PluginConfig(plugins_dir=plugins_dir.path, strict=True, defaults=False, entry_points=False)
    with pytest.raises(ImportError, match="xlrd_county_tools"):
        PluginHost.from_config(strict)
    (plugins_dir.path / "broken.py").unlink()
    plugins_dir.add("crashy", RAISES_ON_READ)
    host = PluginHost.from_config(strict)
    assert host.strict
    with pytest.raises(ZeroDivisionError):
        host.read(county_file("坏表"), "crashy", minsheng_scheme, 2007)


def test_strict_mode_on_the_command_line(plugins_dir):
    plugins_dir.add("broken", RAISES_ON_IMPORT)
    relaxed = minsheng_cli("plugins", "--plugins-dir", str(plugins_dir.path))
    assert relaxed.returncode == 1
    assert "[plugin-import-error]" in relaxed.stderr and "Traceback" not in relaxed.stderr
    strict = minsheng_cli(
        "plugins", "--plugins-dir", str(plugins_dir.path), env={"MINSHENG_STRICT_PLUGINS": "1"}
    )
    assert strict.returncode == 1
    assert (
        "Traceback" in strict.stderr and "ImportError: No module named 'xlrd_county_tools'" in strict.stderr
    )


def test_strict_mode_raises_on_unusable_return(plugins_dir, county_file, load):
    plugins_dir.add(
        "overconfident",
        """
        from minsheng.plugins import hookimpl

        @hookimpl
        def minsheng_claim(path, book):
            return 95
        """,
    )
    with pytest.raises(PluginError) as info:
        load(strict=True).claim(county_file("表1"))
    assert info.value.problem.code == "plugin-error"


def test_blocking_skips_a_plugin_without_importing_it(plugins_dir, county_file, load, tmp_path):
    marker = tmp_path / "imported.txt"
    plugins_dir.add(
        "noisy",
        f"""
        from pathlib import Path
        from minsheng.plugins import hookimpl
        Path({str(marker)!r}).write_text("imported")

        @hookimpl
        def minsheng_claim(path, book):
            return 1.0
        """,
    )
    plugins_dir.add("good", reader_source("表1", 0.5))
    blocking = PluginConfig.from_env(
        {"MINSHENG_BLOCK_PLUGINS": "noisy, other"},
        plugins_dir=plugins_dir.path,
        defaults=False,
        entry_points=False,
    )
    host = PluginHost.from_config(blocking)
    assert not marker.exists()
    assert host.blocked == ("noisy", "other")
    assert [i.name for i in host.plugins()] == ["good"]
    assert [(p.code, p.plugin, p.severity.value) for p in host.problems] == [
        ("plugin-blocked", "noisy", "info")
    ]
    path = county_file("表1")
    assert host.match([path]) == ([(path, "good")], [])
    # without the block, the noisy plugin is imported and wins the file
    assert load().match([path]) == ([(path, "noisy")], [])
    assert marker.exists()


def test_blocking_the_builtin_plugin():
    host = PluginHost.load(blocked=["standard-form"], entry_points=False)
    assert "standard-form" not in [i.name for i in host.plugins()]
    assert [p.code for p in host.problems] == ["plugin-blocked"]


def test_tracing_prints_every_hook_call(plugins_dir, county_file, load, minsheng_scheme, capsys):
    plugins_dir.add("good", reader_source("表1"))
    plugins_dir.add("crashy", RAISES_ON_READ)
    host = PluginHost.load(plugins_dir.path, defaults=False, entry_points=False, trace=True)
    path = county_file("表1", name="trace-me.xlsx")
    host.claim(path)
    host.read(path, "good", minsheng_scheme, 2007)
    host.read(county_file("坏表"), "crashy", minsheng_scheme, 2007)
    err = capsys.readouterr().err.splitlines()
    claims = [line for line in err if line.startswith("minsheng-trace: minsheng_claim [good]")]
    assert any("trace-me.xlsx" in line and "book=<Workbook" in line for line in claims)
    assert "minsheng-trace: minsheng_claim [good] -> 0.9" in err
    assert "minsheng-trace: minsheng_claim [crashy] -> None" in err
    assert any(line.startswith("minsheng-trace: minsheng_read [good] -> Submission(") for line in err)
    assert "minsheng-trace: minsheng_read [crashy] raised ZeroDivisionError: division by zero" in err
    PluginHost.load(plugins_dir.path, defaults=False, entry_points=False).claim(path)
    assert capsys.readouterr().err == ""


def test_ambiguous_plugins_are_both_named(plugins_dir, county_file, load):
    plugins_dir.add("east", reader_source("表1", 0.8))
    plugins_dir.add("west", reader_source("表1", 0.8))
    plugins_dir.add("weak", reader_source("表1", 0.3))
    path = county_file("表1")
    matched, problems = load().match([path])
    assert matched == []
    [problem] = problems
    assert problem.code == "ambiguous-plugin" and problem.file == str(path)
    assert "“east”" in problem.message and "“west”" in problem.message and "weak" not in problem.message
    assert problem.plugin == "east,west"


def test_no_plugin_lists_what_was_tried(plugins_dir, county_file, load):
    plugins_dir.add("east", reader_source("东表"))
    plugins_dir.add(
        "crashy_claim",
        "from minsheng.plugins import hookimpl\n\n@hookimpl\ndef minsheng_claim(book):\n    return book.sheet('不存在')\n",
    )
    path = county_file("表1")
    matched, problems = load().match([path])
    assert matched == []
    assert codes(problems) == ["plugin-error", "no-plugin"]
    assert problems[0].plugin == "crashy_claim" and "no-such-sheet" in problems[0].message
    assert "east（不认领）" in problems[1].message and "crashy_claim（出错）" in problems[1].message
    # and with no plugins at all
    empty = PluginHost.load(defaults=False, entry_points=False)
    [problem] = empty.match([path])[1]
    assert problem.code == "no-plugin" and "没有任何插件" in problem.message


def test_check_pending_reports_a_typo_in_a_hook_name(plugins_dir, load):
    plugins_dir.add(
        "typo",
        """
        from minsheng.plugins import hookimpl

        @hookimpl
        def minsheng_clam(path, book):
            return 1.0
        """,
    )
    host = load()
    [problem] = host.problems
    assert (problem.code, problem.plugin) == ("plugin-unknown-hook", "typo")
    assert "minsheng_clam" in problem.message and "minsheng_claim" in problem.message
    with pytest.raises(pluggy.PluginValidationError, match="unknown hook 'minsheng_clam'"):
        load(strict=True)


def test_unusable_returns_become_plugin_errors(plugins_dir, county_file, load, minsheng_scheme):
    plugins_dir.add("good", reader_source("表1", 0.5))
    for name, value in [
        ("too_sure", "1.5"),
        ("says_yes", "'yes'"),
        ("boolean", "True"),
        ("nan", "float('nan')"),
    ]:
        plugins_dir.add(
            name,
            f"from minsheng.plugins import hookimpl\n\n@hookimpl\ndef minsheng_claim(path):\n    return {value}\n",
        )
    host = load()
    path = county_file("表1")
    m = host.claim(path)
    assert m.plugin == "good"
    # plugins-dir files load in name order
    assert [(p.code, p.plugin) for p in m.problems] == [
        ("plugin-error", "boolean"),
        ("plugin-error", "nan"),
        ("plugin-error", "says_yes"),
        ("plugin-error", "too_sure"),
    ]
    assert "不在 0 到 1 之间" in m.problems[3].message


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("return {'1.1': 5}", "应返回 minsheng.Submission"),
        ("return Submission(county='360102', year=2007, values={'1.1': 5})", "应为 minsheng.Value"),
        (
            "return Submission(county='360102', year=2007, values={'1.1': Value(ValueStatus.REPORTED, 1.5)})",
            "应为 Decimal",
        ),
        ("return Submission(county='', year=2007)", "county"),
        ("return Submission(county='360102', year='2007')", "year"),
        ("return Submission(county='360102', year=2007, month=13)", "month"),
        ("return None", "NoneType"),
    ],
)
def test_unusable_submission_is_a_plugin_error(
    plugins_dir, county_file, load, minsheng_scheme, body, expected
):
    plugins_dir.add(
        "sloppy",
        f"""
        from minsheng import Submission, Value, ValueStatus
        from minsheng.plugins import hookimpl

        @hookimpl
        def minsheng_read(path):
            {body}
        """,
    )
    result = load().read(county_file("表1"), "sloppy", minsheng_scheme, 2007)
    assert result.submission is None
    [problem] = result.problems
    assert (problem.code, problem.plugin) == ("plugin-error", "sloppy")
    assert expected in problem.message


def test_hookimpl_with_unknown_argument_is_not_half_registered(plugins_dir, county_file, load):
    plugins_dir.add(
        "misspelt_arg",
        """
        from minsheng.plugins import hookimpl

        @hookimpl
        def minsheng_claim(path, book):
            return 1.0

        @hookimpl
        def minsheng_read(path, workbook, context):
            return None
        """,
    )
    plugins_dir.add("good", reader_source("表1", 0.5))
    host = load()
    assert [i.name for i in host.plugins()] == ["good"]
    [problem] = host.problems
    assert problem.code == "plugin-import-error" and "workbook" in problem.message
    path = county_file("表1")
    assert host.match([path]) == ([(path, "good")], [])


def test_unmarked_hook_and_empty_plugin_are_warned(plugins_dir, load):
    plugins_dir.add("forgot", "def minsheng_claim(path, book):\n    return 1.0\n")
    plugins_dir.add("empty", "X = 1\n")
    host = load()
    assert [(p.code, p.plugin, p.severity.value) for p in host.problems] == [
        ("plugin-no-hooks", "empty", "warning"),
        ("plugin-unmarked-hook", "forgot", "warning"),
    ]


def test_unreadable_file_keeps_the_toolkit_code(plugins_dir, county_file, load, tmp_path):
    plugins_dir.add("good", reader_source("表1"))
    fake = tmp_path / "报表.xlsx"
    fake.write_text("这不是表格", encoding="utf-8")
    missing = tmp_path / "不存在.xlsx"
    ok = county_file("表1")
    matched, problems = load().match([fake, missing, ok])
    assert matched == [(ok, "good")]
    assert [(p.code, p.file) for p in problems] == [
        ("not-a-spreadsheet", str(fake)),
        ("unreadable-file", str(missing)),
    ]


def test_sheet_error_while_reading_keeps_its_code(plugins_dir, county_file, load, minsheng_scheme):
    plugins_dir.add(
        "wrong_sheet",
        """
        from minsheng.plugins import hookimpl

        @hookimpl
        def minsheng_read(path, book, context):
            return book.sheet("汇总表")
        """,
    )
    path = county_file("表1")
    result = load().read(path, "wrong_sheet", minsheng_scheme, 2007)
    [problem] = result.problems
    assert (problem.code, problem.plugin, problem.file, problem.sheet) == (
        "no-such-sheet",
        "wrong_sheet",
        str(path),
        "汇总表",
    )


def test_reading_with_an_unknown_plugin(load, county_file, minsheng_scheme):
    result = load().read(county_file("表1"), "nobody", minsheng_scheme, 2007)
    assert result.submission is None and codes(result.problems) == ["plugin-not-found"]


def test_a_plugin_calling_sys_exit_does_not_stop_the_run(plugins_dir, county_file, load, minsheng_scheme):
    plugins_dir.add(
        "quitter",
        "import sys\nfrom minsheng.plugins import hookimpl\n\n@hookimpl\ndef minsheng_read(path):\n    sys.exit(3)\n",
    )
    result = load().read(county_file("表1"), "quitter", minsheng_scheme, 2007)
    assert codes(result.problems) == ["plugin-error"] and "SystemExit" in result.problems[0].message
    assert sys.modules.get("minsheng_local_plugin_quitter") is not None


def test_two_plugins_with_one_name(plugins_dir, county_file, load, minsheng_scheme):
    plugins_dir.add("wanan", reader_source("表1"))
    clash = ("wanan", types.ModuleType("another_wanan"))
    host = load(plugins=[clash])
    assert [i.kind for i in host.plugins()] == ["plugins-dir"]
    [problem] = host.problems
    assert (problem.code, problem.plugin) == ("plugin-duplicate-name", "wanan")
    assert "wanan.py" in problem.message
    assert host.read(county_file("表1"), "wanan", minsheng_scheme, 2007).ok


class _Answer:
    """A plugin object whose claim returns whatever the test sets."""

    answer: object = None

    @hookimpl
    def minsheng_claim(self, path):
        return self.answer


@settings(max_examples=150, deadline=None)
@given(
    answer=st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-5, max_value=5),
        st.floats(allow_nan=True, allow_infinity=True),
        st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-2, max_value=2),
        st.text(max_size=5),
        st.lists(st.integers(), max_size=2),
    )
)
def test_any_claim_answer_is_either_used_or_reported(tmp_path_factory, answer):
    plugin = _Answer()
    plugin.answer = answer
    host = PluginHost.load(
        strict=False, blocked=(), defaults=False, entry_points=False, plugins=[("any", plugin)]
    )
    path = tmp_path_factory.getbasetemp() / "claim-fuzz.xlsx"
    if not path.exists():
        from openpyxl import Workbook

        Workbook().save(path)
    m = host.claim(path)
    usable = (
        not isinstance(answer, bool)
        and isinstance(answer, int | float | Decimal)
        and not math.isnan(answer)
        and 0 <= answer <= 1
    )
    if usable and answer:
        assert (m.plugin, m.confidence, m.problems) == ("any", float(answer), ())
    elif usable or answer is None:
        assert m.plugin is None and codes(m.problems) == ["no-plugin"]
    else:
        assert m.plugin is None and codes(m.problems) == ["plugin-error", "no-plugin"]
        assert m.problems[0].plugin == "any"
