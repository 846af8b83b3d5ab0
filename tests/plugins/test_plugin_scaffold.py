"""``minsheng new-plugin``: the generated package installs, is discovered, and its tests pass."""

from __future__ import annotations

import json
import site
import subprocess
import sys
from pathlib import Path

import pytest
from plugin_helpers import minsheng_cli, run

from minsheng.plugins.scaffold import ScaffoldError, scaffold_files, write_scaffold


def test_new_plugin_scaffold_installs_and_passes_its_own_tests(tmp_path):
    made = minsheng_cli("new-plugin", "wanan", "--county", "360828", "-o", str(tmp_path))
    assert made.returncode == 0, made.stderr
    root = tmp_path / "minsheng-wanan"
    assert f"已生成插件包 {root}" in made.stdout
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) == [
        "README.md",
        "pyproject.toml",
        "src/minsheng_wanan/__init__.py",
        "tests/conftest.py",
        "tests/make_sample.py",
        "tests/test_plugin.py",
    ]
    site = tmp_path / "site"
    pip = run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(root)],
        timeout=600,
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    env = {"PYTHONPATH": str(site)}

    listed = minsheng_cli("plugins", "--json", env=env)
    plugins = {p["name"]: p for p in json.loads(listed.stdout)["plugins"]}
    assert plugins["wanan"]["version"] == "0.1.0"
    assert plugins["wanan"]["kind"] == "entry-point"
    assert plugins["wanan"]["hooks"] == ["minsheng_claim", "minsheng_read", "minsheng_write_sample"]

    tests = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=root, env=env)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "7 passed" in tests.stdout

    sample = run([sys.executable, "tests/make_sample.py", str(tmp_path / "示例报表.xlsx")], cwd=root, env=env)
    assert sample.returncode == 0, sample.stderr
    assert (tmp_path / "示例报表.xlsx").stat().st_size > 0


@pytest.mark.parametrize(
    ("old", "new", "failed"),
    [
        # the reader takes the unit column for the value: both reading tests fail (.xlsx and .xls)
        (
            "VALUE_COL = 0, 2, 3",
            "VALUE_COL = 0, 2, 2",
            [
                "test_reads_every_value_with_its_cell[.xlsx]",
                "test_reads_every_value_with_its_cell[.xls]",
                "test_writes_a_sample_that_reads_back[.xlsx]",
                "test_writes_a_sample_that_reads_back[.xls]",
            ],
        ),
        # the writer writes a blank (missing) value as 0: the round trip fails
        (
            "cell = value.raw  #",
            "cell = 0  #",
            ["test_writes_a_sample_that_reads_back[.xlsx]", "test_writes_a_sample_that_reads_back[.xls]"],
        ),
        # the claim forgets the county: another county's file of the same layout is claimed
        ("or sheet.cell(COUNTY_CELL).text != COUNTY", "or not COUNTY", ["test_claims_only_this_county"]),
    ],
)
def test_generated_tests_fail_when_the_plugin_is_wrong(tmp_path, old, new, failed):
    """The scaffold's tests are not vacuous: break the reader or the writer and they fail."""
    root = write_scaffold("broken-county", tmp_path, "360828")
    plugin = root / "src" / "minsheng_broken_county" / "__init__.py"
    source = plugin.read_text(encoding="utf-8")
    assert source.count(old) == 1
    plugin.write_text(source.replace(old, new), encoding="utf-8")
    site = tmp_path / "site"
    pip = run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(root)]
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    tests = run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=root,
        env={"PYTHONPATH": str(site)},
    )
    assert tests.returncode == 1
    assert f"{len(failed)} failed, {7 - len(failed)} passed" in tests.stdout, tests.stdout
    for name in failed:
        assert f"FAILED tests/test_plugin.py::{name}" in tests.stdout


@pytest.mark.parametrize("name", ["万安", "Wanan", "1county", "wan an", "wanan-", ""])
def test_new_plugin_rejects_unusable_names(tmp_path, name):
    result = minsheng_cli("new-plugin", name, "--county", "360828", "-o", str(tmp_path))
    assert result.returncode == 2
    assert "插件名称" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_new_plugin_never_overwrites(tmp_path):
    write_scaffold("wanan", tmp_path, "360828")
    before = (tmp_path / "minsheng-wanan" / "pyproject.toml").read_text(encoding="utf-8")
    result = minsheng_cli("new-plugin", "wanan", "--county", "360828", "-o", str(tmp_path))
    assert result.returncode == 2 and "已存在" in result.stderr
    assert (tmp_path / "minsheng-wanan" / "pyproject.toml").read_text(encoding="utf-8") == before
    with pytest.raises(ScaffoldError):
        write_scaffold("wanan", tmp_path, "360828")


def test_new_plugin_needs_a_county_code(tmp_path):
    for args in ([], ["--county", "3608"], ["--county", "万安县"]):
        result = minsheng_cli("new-plugin", "wanan", *args, "-o", str(tmp_path))
        assert result.returncode == 2 and "--county" in result.stderr, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_scaffold_names():
    files = scaffold_files("wan-an", "360828")
    assert "src/minsheng_wan_an/__init__.py" in files
    assert 'name = "minsheng-wan-an"' in files["pyproject.toml"]
    assert '[project.entry-points.minsheng]\nwan-an = "minsheng_wan_an"' in files["pyproject.toml"]


def test_the_generated_code_passes_ruff_at_its_defaults(tmp_path):
    """A county IT person who runs ruff on the new package finds nothing to fix (ruff's own defaults,
    no configuration of ours)."""
    write_scaffold("wanan", tmp_path, "360828")
    root = tmp_path / "minsheng-wanan"
    for args in (["check", "--isolated", "."], ["format", "--isolated", "--check", "."]):
        done = run([sys.executable, "-m", "ruff", *args], cwd=root, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr


def test_the_generated_code_passes_ruff_with_its_own_settings(tmp_path):
    """The package's pyproject selects more rules (isort, bugbear, RUF) and lets Chinese
    punctuation through; without that setting the same code fails (so the setting is needed)."""
    root = write_scaffold("wanan", tmp_path, "360828")
    for args in (["check", "."], ["format", "--check", "."]):
        done = run([sys.executable, "-m", "ruff", *args], cwd=root, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    assert "allowed-confusables" in text
    pyproject.write_text(
        "\n".join(line for line in text.splitlines() if "allowed-confusables" not in line), encoding="utf-8"
    )
    done = run([sys.executable, "-m", "ruff", "check", "."], cwd=root, timeout=120)
    assert done.returncode == 1 and "RUF001" in done.stdout


def _fresh_venv(where: Path) -> Path:
    """A new venv that sees what this one has installed (minsheng, pytest, xlwt, setuptools):
    ``--system-site-packages`` reaches only the base interpreter's packages when this is a venv
    itself, so a .pth adds this environment's site-packages (their .pth files included)."""
    try:
        made = subprocess.run(
            [sys.executable, "-m", "venv", "--system-site-packages", str(where)],
            capture_output=True,
            text=True,
            timeout=300,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"cannot create a venv here: {exc}")
    python = where / "bin" / "python"
    if made.returncode != 0 or not python.exists():
        pytest.skip(f"cannot create a venv here: {made.stderr}")
    target = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    inherited = [p for p in site.getsitepackages() if Path(p).is_dir()]
    lines = "".join(f"import site; site.addsitedir({p!r})\n" for p in inherited)
    (Path(target.stdout.strip()) / "_minsheng_outer.pth").write_text(lines, encoding="utf-8")
    return python


def test_two_scaffolds_install_side_by_side_and_both_test_suites_pass(tmp_path):
    """Two counties' fresh scaffolds in one environment: neither claims the other's files
    (no ambiguous-plugin), and each package's own tests pass with what it declares."""
    roots = []
    for name, county in (("wanan", "360828"), ("taihe", "360826")):
        made = minsheng_cli("new-plugin", name, "--county", county, "-o", str(tmp_path))
        assert made.returncode == 0, made.stderr
        roots.append(tmp_path / f"minsheng-{name}")
    declared = (roots[0] / "pyproject.toml").read_text(encoding="utf-8")
    assert 'test = ["pytest>=8", "xlwt>=1.3", "ruff"]' in declared
    python = _fresh_venv(tmp_path / "venv")
    install = [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation"]
    for root in roots:
        done = run([*install, "-e", str(root)], timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
    listed = run([str(python), "-m", "minsheng", "plugins", "--json"])
    assert listed.returncode == 0, listed.stderr
    names = {p["name"] for p in json.loads(listed.stdout)["plugins"]}
    assert {"wanan", "taihe"} <= names
    for root in roots:
        tests = run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=root, timeout=600)
        assert tests.returncode == 0, tests.stdout + tests.stderr
        assert "7 passed" in tests.stdout
        assert "ambiguous-plugin" not in tests.stdout
