"""``minsheng inspect FILE…``: what each plugin made of each file, run as a real subprocess on
every file of the example province in one call."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROVINCE = ROOT / "examples" / "jiangxi-2007" / "报表"
FILES = sorted(str(p.relative_to(ROOT)) for p in PROVINCE.rglob("*") if p.is_file())


def inspect(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from minsheng.cli import main; main()", "inspect", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )


def test_inspect_every_file_of_the_example_province_as_json():
    assert len(FILES) == 100
    done = inspect("--json", *FILES)
    assert done.returncode == 1, done.stderr  # the province has a damaged file and a lock file
    data = json.loads(done.stdout)
    assert data["load_problems"] == []
    reports = data["files"]
    assert [r["file"] for r in reports] == FILES
    unread = {
        Path(r["file"]).name: [p["code"] for p in r["problems"]] for r in reports if r["plugin"] is None
    }
    assert unread == {
        "~$0102-东湖区-2007年民生工程报表.xlsx": ["not-a-spreadsheet"],
        "361030-广昌县-2007年民生工程报表.xlsx": ["unreadable-file"],
    }
    plugins = {"standard-form", "roster", "monthly-xlsx", "xls-summary"}
    for r in (r for r in reports if r["plugin"] is not None):
        assert {c["plugin"] for c in r["claims"]} >= plugins, r["file"]
        winners = [c for c in r["claims"] if c["plugin"] == r["plugin"]]
        assert winners and winners[0]["confidence"] == r["confidence"] > 0
        assert r["county"] == Path(r["file"]).name[:6]  # the county in the file name
        assert r["values"], r["file"]
        for v in r["values"]:
            assert v["sheet"] and v["cell"], (r["file"], v)
    assert {r["plugin"] for r in reports} == {*plugins, None}  # every layout of the province
    # the values are the ones the run scores: 东湖区 1.1 from the standard form's E8
    [donghu] = [r for r in reports if "360102" in r["file"]]
    [v11] = [v for v in donghu["values"] if v["key"] == "1.1"]
    assert (v11["status"], v11["sheet"], v11["cell"]) == ("reported", "报表", "E8")
    assert v11["amount"] == "2395"


def test_inspect_text_names_claims_values_cells_and_problems(tmp_path):
    bad = tmp_path / "360102-东湖区-乱码.xlsx"
    bad.write_bytes(b"not a workbook at all")
    done = inspect(FILES[0], FILES[-1], str(bad))
    assert done.returncode == 1  # a file was not read
    out = done.stdout
    assert out.count("文件：") == 3
    assert "认领：standard-form（" in out and "（不认领）" in out
    assert "读取：插件“" in out and "读到的数值（" in out and "单元格 " in out
    tail = out[out.index(f"文件：{bad}") :]
    assert "读取：没有插件读取该文件" in tail and "[错误]" in tail
    assert "Traceback" not in done.stderr
