"""Nothing the office made is replaced without --force, an output that cannot be written is one
Chinese sentence and exit 2 (the old file intact), and outputs follow the user's umask (#12, 6–8)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from minsheng.files import OutputError, atomic_write_bytes, check_output

EXAMPLE_TARGETS = Path(__file__).resolve().parent.parent / "examples" / "jiangxi-2007" / "目标任务表.xlsx"


def minsheng(*args: str, cwd: Path, umask: int | None = None) -> subprocess.CompletedProcess[str]:
    def set_umask() -> None:
        if umask is not None:
            os.umask(umask)

    return subprocess.run(
        [sys.executable, "-m", "minsheng", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=set_umask,
    )


WRITERS = {
    "scheme export": (["scheme", "export", "-o", "方案.toml"], "方案.toml"),
    "template targets": (["template", "targets", "-o", "目标任务表.xlsx"], "目标任务表.xlsx"),
    "template form": (["template", "form", "-o", "报表.xlsx"], "报表.xlsx"),
}


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_writer_refuses_to_replace_a_file_without_force(tmp_path, writer):
    args, name = WRITERS[writer]
    mine = tmp_path / name
    mine.write_bytes(b"the office's own work")
    r = minsheng(*args, cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert "已存在" in r.stderr and "--force" in r.stderr and name in r.stderr
    assert "Traceback" not in r.stderr
    assert mine.read_bytes() == b"the office's own work"
    r = minsheng(*args, "--force", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert mine.read_bytes() != b"the office's own work"


def test_template_forms_refuses_to_replace_filled_forms(tmp_path):
    args = ["template", "forms", "--targets", str(EXAMPLE_TARGETS), "-o", "报表"]
    assert minsheng(*args, cwd=tmp_path).returncode == 0
    filled = sorted((tmp_path / "报表").iterdir())[5]
    filled.write_bytes(b"filled in by hand")
    r = minsheng(*args, cwd=tmp_path)
    assert r.returncode == 2 and "--force" in r.stderr and "已有" in r.stderr, r.stderr
    assert filled.read_bytes() == b"filled in by hand"
    assert minsheng(*args, "--force", cwd=tmp_path).returncode == 0
    assert filled.read_bytes() != b"filled in by hand"


@pytest.mark.parametrize(
    "name, code",
    [
        ("没有的文件夹/方案.toml", "output-folder-missing"),
        ("方案.txt", "output-suffix"),
        ("/proc/方案.toml", "output-not-writable"),
    ],
)
def test_an_output_that_cannot_be_written_is_one_chinese_sentence(tmp_path, name, code):
    r = minsheng("scheme", "export", "-o", name, cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("错误：") and f"[{code}]" in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    for english in ("No such", "Permission", "Errno", "denied", "Error", "directory"):
        assert english not in r.stderr, r.stderr


@pytest.mark.parametrize("lock", ["~$目标任务表.xlsx", "~$任务表.xlsx", ".~lock.目标任务表.xlsx#"])
def test_an_output_open_in_a_spreadsheet_program_is_left_alone(tmp_path, lock):
    out = tmp_path / "目标任务表.xlsx"
    out.write_bytes(b"open in Excel")
    (tmp_path / lock).write_bytes(b"")
    r = minsheng("template", "targets", "-o", out.name, "--force", cwd=tmp_path)
    assert r.returncode == 2 and "[output-locked]" in r.stderr and "关闭" in r.stderr, r.stderr
    assert out.read_bytes() == b"open in Excel"


def test_a_write_that_fails_raises_output_error_and_leaves_the_old_file(tmp_path):
    with pytest.raises(OutputError) as caught:
        atomic_write_bytes("/proc/self/考核结果.xlsx", b"x")
    assert caught.value.code == "output-not-writable" and "无法写入" in caught.value.message
    with pytest.raises(OutputError) as caught:
        check_output(tmp_path, force=True, suffixes=())
    assert caught.value.code == "output-not-writable"


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_outputs_follow_the_users_umask(tmp_path, umask):
    r = minsheng("template", "targets", "-o", "目标任务表.xlsx", cwd=tmp_path, umask=umask)
    assert r.returncode == 0, r.stderr
    mode = stat.S_IMODE((tmp_path / "目标任务表.xlsx").stat().st_mode)
    assert mode == 0o666 & ~umask, oct(mode)
