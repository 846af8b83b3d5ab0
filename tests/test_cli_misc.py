"""The small commands: help, version, scheme show and export."""

from click.testing import CliRunner

import minsheng
from minsheng.cli import main


def test_help_and_version():
    r = CliRunner().invoke(main, ["-h"])
    assert r.exit_code == 0
    for command in ("assess", "validate", "demo", "template", "plugins", "new-plugin", "scheme"):
        assert command in r.output
    assert "退出码" in r.output
    r = CliRunner().invoke(main, ["--version"])
    assert r.exit_code == 0 and minsheng.__version__ in r.output


def test_scheme_show():
    r = CliRunner().invoke(main, ["scheme", "show"])
    assert r.exit_code == 0
    assert "扩面征缴（20 分）" in r.output and "5.1" in r.output and "优秀 ≥ 90" in r.output


def test_scheme_show_aliases_lists_every_name_a_plugin_may_match():
    r = CliRunner().invoke(main, ["scheme", "show", "--aliases"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    scheme = minsheng.load_scheme("jiangxi-2007")
    for ind in scheme.indicators:
        assert any(line.startswith(ind.code + " ") and f"名称：{ind.name}  →" in line for line in lines), (
            ind.code
        )
        for alias in ind.aliases:
            assert any(line.startswith(ind.code + " ") and f"别名：{alias}  →" in line for line in lines), (
                alias
            )
    assert "4.1     名称：“4050”人员再就业人数  →  4050人员再就业人数" in lines
    assert "扩面征缴" not in r.output  # only the names, not the whole scheme


def test_scheme_export_round_trips(tmp_path):
    out = tmp_path / "本省方案.toml"
    r = CliRunner().invoke(main, ["scheme", "export", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert minsheng.load_scheme(out) == minsheng.load_scheme("jiangxi-2007")
    edited = tmp_path / "改.toml"
    edited.write_text(
        out.read_text(encoding="utf-8").replace("bonus_cap = 5", "bonus_cap = 3"), encoding="utf-8"
    )
    r = CliRunner().invoke(main, ["scheme", "show", "--scheme", str(edited)])
    assert r.exit_code == 0 and "加分上限 3" in r.output
    assert "上下 5 个百分点以内为按序时" in r.output
    edited.write_text(out.read_text(encoding="utf-8").replace("band = 5 ", "band = 8 "), encoding="utf-8")
    r = CliRunner().invoke(main, ["scheme", "show", "--scheme", str(edited)])
    assert r.exit_code == 0 and "上下 8 个百分点以内为按序时" in r.output


def test_a_broken_scheme_is_a_usage_error(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(minsheng.builtin_scheme_text().replace("total = 100", "total = 90"), encoding="utf-8")
    r = CliRunner().invoke(main, ["scheme", "show", "--scheme", str(bad)])
    assert r.exit_code == 2
    assert "weight-mismatch" in r.output and "Traceback" not in r.output
