"""What the office reads and keeps, through the command line (#12 items 6, 9, 10, 13, 15, 16)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "jiangxi-2007"
TARGETS = EXAMPLE / "目标任务表.xlsx"
NANCHANG = EXAMPLE / "报表" / "南昌市"


def minsheng(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "minsheng", *args], capture_output=True, text=True, timeout=600, cwd=cwd
    )


@pytest.fixture(scope="module")
def whole_example(tmp_path_factory):
    out = tmp_path_factory.mktemp("example")
    r = minsheng(
        "assess", str(EXAMPLE / "报表"), "--targets", str(TARGETS), "--deadline", "2008-01-10",
        "--json", str(out / "考核结果.json"), "-j", "2",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    return r, json.loads((out / "考核结果.json").read_text(encoding="utf-8"))


def test_the_summary_lists_grades_in_band_order_and_the_vetoed_apart(whole_example):
    r, data = whole_example
    grades_line = next(line for line in r.stdout.splitlines() if line.strip().startswith("等次："))
    order = [part.split()[0] for part in grades_line.split("：", 1)[1].split("，")]
    assert order == [g for g in ("优秀", "良好", "合格", "不合格") if g in order] and len(order) >= 3
    vetoed = [c for c in data["counties"] if c["status"] == "scored" and c["veto_reasons"]]
    assert vetoed, "the example has a vetoed county"
    veto_line = next(line for line in r.stdout.splitlines() if line.strip().startswith("一票否决："))
    assert all(c["county"]["name"] in veto_line for c in vetoed)
    last_line = next(line for line in r.stdout.splitlines() if line.strip().startswith("末位："))
    clean = [c for c in data["counties"] if c["status"] == "scored" and not c["veto_reasons"]]
    lowest = min(clean, key=lambda c: float(c["total"]))
    assert lowest["county"]["name"] in last_line
    assert not any(c["county"]["name"] in last_line for c in vetoed)


def test_assess_without_an_output_says_nothing_was_saved(tmp_path):
    r = minsheng("assess", str(NANCHANG), "--targets", str(TARGETS), "--deadline", "2008-01-10", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "未保存任何文件" in r.stdout and "-o" in r.stdout
    assert list(tmp_path.iterdir()) == []


def test_assess_refuses_to_replace_its_outputs_without_force_and_force_gives_the_same_bytes(tmp_path):
    args = ["assess", str(NANCHANG), "--targets", str(TARGETS), "--deadline", "2008-01-10"]
    outputs = ["-o", "考核结果.xlsx", "--json", "考核结果.json", "--per-county", "评分表"]
    assert minsheng(*args, *outputs, cwd=tmp_path).returncode == 0
    first = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    for option, name in (("-o", "考核结果.xlsx"), ("--json", "考核结果.json"), ("--per-county", "评分表")):
        r = minsheng(*args, option, name, cwd=tmp_path)
        assert r.returncode == 2 and "[output-exists]" in r.stderr and "--force" in r.stderr, r.stderr
    again = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert again == first
    assert minsheng(*args, *outputs, "--force", cwd=tmp_path).returncode == 0
    rerun = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert rerun == first  # byte-identical


@pytest.mark.parametrize(
    "option, name, code",
    [("-o", "考核结果.json", "output-suffix"), ("--json", "考核结果.xlsx", "output-suffix"),
     ("-o", "没有的目录/考核结果.xlsx", "output-folder-missing")],
)  # fmt: skip
def test_assess_refuses_a_wrong_output_before_reading(tmp_path, option, name, code):
    r = minsheng("assess", str(NANCHANG), "--targets", str(TARGETS), option, name, cwd=tmp_path)
    assert r.returncode == 2 and f"[{code}]" in r.stderr, r.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["assess", "validate"])
def test_submissions_that_are_missing_or_hold_no_spreadsheet_are_usage_errors(tmp_path, command):
    empty = tmp_path / "报表"
    empty.mkdir()
    (empty / "说明.txt").write_text("no spreadsheets here", encoding="utf-8")
    for folder, code in ((tmp_path / "没有", "submissions-not-found"), (empty, "submissions-empty")):
        r = minsheng(command, str(folder), "--targets", str(TARGETS), cwd=tmp_path)
        assert r.returncode == 2 and f"[{code}]" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["报表", "说明.txt"]


def test_validate_groups_problems_by_county_on_stdout_and_as_json(tmp_path):
    r = minsheng(
        "validate", str(EXAMPLE / "报表"), "--targets", str(TARGETS), "--json", "v.json", "-j", "2",
        cwd=tmp_path,
    )  # fmt: skip
    assert r.returncode == 1  # without a deadline 6.2 is missing: errors
    data = json.loads((tmp_path / "v.json").read_text(encoding="utf-8"))
    codes = [g["code"] for g in data["counties"] if g["code"]]
    assert codes == sorted(codes) and len(codes) == 100
    lines = r.stdout.splitlines()
    for group in data["counties"]:
        head = next(
            i
            for i, line in enumerate(lines)
            if line.startswith(f"{group['code'] or ''} {group['name']}".strip())
        )
        for k, p in enumerate(group["problems"], start=1):
            line = lines[head + k]
            assert line.startswith("  [") and f"{p['code']}（{p['title']}）" in line
            assert all(x in line for x in (p["file"], p["sheet"], p["cell"]) if x)
    assert sum(g["errors"] for g in data["counties"]) == sum(
        1 for g in data["counties"] for p in g["problems"] if p["severity"] == "error"
    )
    assert "missing-value（" in r.stdout and r.stderr == ""


def test_a_file_named_for_one_county_holding_anothers_report_scores_for_neither(tmp_path):
    """东湖区's form saved as 西湖区's file: 西湖区 is 出错 with the reason (never a silent 缺报 or a
    score from another county's figures); 东湖区, which sent nothing of its own, stays 缺报 but is told."""
    folder = tmp_path / "报表"
    folder.mkdir()
    source = next(NANCHANG.glob("360102-*.xlsx"))
    (folder / "360103-西湖区-2007年民生工程报表.xlsx").write_bytes(source.read_bytes())
    (folder / next(NANCHANG.glob("360104-*.xlsx")).name).write_bytes(
        next(NANCHANG.glob("360104-*.xlsx")).read_bytes()
    )
    r = minsheng(
        "assess",
        str(folder),
        "--targets",
        str(TARGETS),
        "--deadline",
        "2008-01-10",
        "--json",
        "a.json",
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    status = {c["county"]["code"]: c["status"] for c in data["counties"]}
    assert (status["360102"], status["360103"], status["360104"]) == ("not-submitted", "failed", "scored")
    found = {(p["county"], p["severity"]) for p in data["problems"] if p["code"] == "county-mismatch"}
    assert found == {("360103", "error"), ("360102", "warning")}
    p = next(p for p in data["problems"] if p["code"] == "county-mismatch")
    assert "西湖区" in p["message"] and "东湖区" in p["message"] and p["cell"] and p["sheet"]
    assert p["file"].endswith("360103-西湖区-2007年民生工程报表.xlsx")


def test_a_receipt_register_decides_the_days_late(tmp_path):
    """--received FILE: the day the office received the report wins over the county's 报出日期."""
    form = next(NANCHANG.glob("360111-*.xlsx"))
    register = tmp_path / "收文登记.csv"
    register.write_text("县（市、区）代码,收到日期\n360111,2008-01-14\n", encoding="utf-8-sig")
    args = ["assess", str(form), "--targets", str(TARGETS), "--deadline", "2008-01-10", "--json"]
    assert minsheng(*args, "plain.json", cwd=tmp_path).returncode == 0
    r = minsheng(*args, "received.json", "--received", str(register), cwd=tmp_path)
    assert r.returncode == 0, r.stderr

    def late(name: str) -> dict:
        data = json.loads((tmp_path / name).read_text(encoding="utf-8"))
        county = next(c for c in data["counties"] if c["county"]["code"] == "360111")
        return next(s for s in county["indicators"] if s["code"] == "6.2")

    assert late("received.json")["actual"] == "4"  # 4 days late by the register
    assert late("received.json")["score"] == "1.00"  # 3 − 0.5 × 4
    assert late("plain.json")["score"] != late("received.json")["score"]
    bad = tmp_path / "坏登记.csv"
    bad.write_text("县（市、区）代码,收到日期\n360111,某天\n", encoding="utf-8")
    r = minsheng(*args, "bad.json", "--received", str(bad), cwd=tmp_path)
    assert r.returncode == 2 and "收文登记" in r.stderr and "Traceback" not in r.stderr


def test_a_long_run_shows_progress_for_writing_as_well_as_reading(tmp_path):
    """On a terminal, assess shows a bar while it reads the counties and while it writes their
    考核评分表 (#12 item 19); the library reports the same through ``progress(done, total)``."""
    import os
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "minsheng", "assess", str(NANCHANG), "--targets", str(TARGETS),
         "--deadline", "2008-01-10", "--per-county", "评分表"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=slave,
    )  # fmt: skip
    os.close(slave)
    seen = b""
    while True:
        try:
            block = os.read(master, 1 << 16)
        except OSError:  # the terminal closed with the process
            break
        if not block:
            break
        seen += block
    assert proc.wait(timeout=300) == 0
    os.close(master)
    text = seen.decode("utf-8", "replace")
    assert "读取报表" in text and "写出评分表" in text, text[-2000:]


def test_write_county_sheets_reports_its_progress(tmp_path):
    import datetime as dt

    import minsheng
    from minsheng.workbooks import write_county_sheets

    run = minsheng.assess(NANCHANG, TARGETS, deadline=dt.date(2008, 1, 10))
    calls: list[tuple[int, int]] = []
    paths = write_county_sheets(
        run, tmp_path / "评分表", progress=lambda done, total: calls.append((done, total))
    )
    total = len(run.assessment.counties)
    assert len(paths) == total and calls == [(i, total) for i in range(total + 1)]
