"""The example province looks back at 2006 (``assess --history examples/历年结果``): 同比 and 单项先进
in the JSON and the workbook, checked against a computation from the two results' JSON alone."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from minsheng.example import DEADLINE

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "jiangxi-2007"
HISTORY = ROOT / "examples" / "历年结果"
D = Decimal


def assess(out: Path, *extra: str, said: list[str] | None = None) -> dict:
    args = [
        "assess",
        str(EXAMPLE / "报表"),
        "--targets",
        str(EXAMPLE / "目标任务表.xlsx"),
        "--deadline",
        DEADLINE.isoformat(),
        "--assessed-on",
        "2008-01-31",
        "-o",
        str(out / "考核结果.xlsx"),
        "--json",
        str(out / "a.json"),
        *extra,
    ]
    r = subprocess.run([sys.executable, "-m", "minsheng", *args], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    if said is not None:
        said.append(r.stdout)
    return json.loads((out / "a.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def looked_back(tmp_path_factory):
    out = tmp_path_factory.mktemp("lookback")
    said: list[str] = []
    data = assess(out, "--history", str(HISTORY), said=said)
    assert "同比：与 2006 年度考核结果（历年结果/2006年度考核结果.json）比较" in said[0]
    assert "单项先进：扩大就业" in said[0]
    return out, data


def test_comparison_equals_last_years_json(looked_back):
    _, data = looked_back
    before = json.loads((HISTORY / "2006年度考核结果.json").read_text(encoding="utf-8"))
    assert before["year"] == 2006 and before["scheme_id"] == data["scheme_id"]
    past = {c["county"]["code"]: c for c in before["counties"]}
    back = data["lookback"]
    assert back["previous_year"] == 2006 and back["previous_file"] == "历年结果/2006年度考核结果.json"
    rows = {c["county"]["code"]: c for c in back["counties"]}
    assert len(rows) == 100
    moved = 0
    for c in data["counties"]:
        p, row = past[c["county"]["code"]], rows[c["county"]["code"]]
        assert (row["previous_total"], row["previous_rank"]) == (p["total"], p["rank"])
        if c["rank"] is not None and p["rank"] is not None:
            assert row["rank_change"] == p["rank"] - c["rank"]
            assert D(row["total_change"]) == D(c["total"]) - D(p["total"])
            moved += row["rank_change"] != 0
        else:
            assert row["rank_change"] is None
    assert moved > 50  # another year: most counties moved
    assert not any(p["code"].startswith("history") for p in data["problems"])


def expected_leaders(data: dict) -> dict[str, set[str]]:
    """单项先进 from the JSON: the best group score (rescaled where indicators are not assessed),
    then the best group completion (ratios weighted by weight, 4 places), among the counties
    scored, not vetoed and graded 合格 or better; counties equal on both share."""
    best: dict[str, set[str]] = {}
    top: dict[str, tuple[Decimal, Decimal]] = {}
    for c in data["counties"]:
        if c["status"] != "scored" or c["vetoed"] or c["grade"] not in ("优秀", "良好", "合格"):
            continue
        for g in c["groups"]:
            weight, applicable, score = D(g["weight"]), D(g["applicable_weight"]), D(g["score"])
            if applicable == 0:
                continue
            if applicable != weight:
                score = (score * weight / applicable).quantize(D("0.01"), ROUND_HALF_UP)
            rated = [
                i
                for i in c["indicators"]
                if i["group"] == g["code"] and i["ratio"] is not None and D(i["weight"]) > 0
            ]
            done = (
                sum(D(i["weight"]) * D(i["ratio"]) for i in rated) / sum(D(i["weight"]) for i in rated)
                if rated
                else D(0)
            )
            key = (score, done.quantize(D("0.0001"), ROUND_HALF_UP))
            if g["code"] not in top or key > top[g["code"]]:
                top[g["code"]], best[g["code"]] = key, {c["county"]["code"]}
            elif key == top[g["code"]]:
                best[g["code"]].add(c["county"]["code"])
    return best


def test_group_leaders_equal_an_independent_computation(looked_back):
    out, data = looked_back
    expected = expected_leaders(data)
    got = {g["group"]: {x["county"]["code"] for x in g["leaders"]} for g in data["lookback"]["group_leaders"]}
    assert got == expected
    vetoed = next(c["county"]["code"] for c in data["counties"] if c["vetoed"])
    assert all(vetoed not in codes for codes in got.values())

    wb = load_workbook(out / "考核结果.xlsx")
    names = {c["county"]["code"]: c["county"]["name"] for c in data["counties"]}
    sheet = wb["单项先进"]
    for row in sheet.iter_rows(min_row=4, max_row=3 + len(got), values_only=True):
        code = row[1].split()[0]
        assert row[4] == len(expected[code])
        shown = row[5].split("（完成率")[0]  # the names, then the completion they share
        assert set(shown.split("、")) == {names[c] for c in expected[code]}


def test_the_ranking_sheet_shows_last_year(looked_back):
    out, data = looked_back
    ws = load_workbook(out / "考核结果.xlsx")["综合排名"]
    header = [c.value for c in ws[4]]
    at = {h: i for i, h in enumerate(header)}
    assert header[at["总分"] : at["总分"] + 4] == ["总分", "上年总分", "上年排名", "升降"]
    rows = {c["county"]["code"]: c for c in data["lookback"]["counties"]}
    for row in ws.iter_rows(min_row=5, max_row=104, values_only=True):
        r = rows[row[at["代码"]]]
        assert row[at["上年排名"]] == r["previous_rank"]
        prev = r["previous_total"]
        assert (None if prev is None else D(prev)) == (
            None if row[at["上年总分"]] is None else D(str(row[at["上年总分"]]))
        )
        change = r["rank_change"]
        assert row[at["升降"]] == (
            "—"
            if change is None
            else "持平"
            if change == 0
            else f"上升{change}位"
            if change > 0
            else f"下降{-change}位"
        )


def test_without_history_nothing_changes(looked_back, tmp_path):
    _, data = looked_back
    plain = assess(tmp_path)
    assert "lookback" not in plain
    assert {k: v for k, v in data.items() if k != "lookback"} == plain
    assert "单项先进" not in load_workbook(tmp_path / "考核结果.xlsx").sheetnames


def test_the_committed_2006_result_is_what_the_script_makes():
    spec = importlib.util.spec_from_file_location(
        "make_history_example", ROOT / "scripts" / "make_history_example.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (HISTORY / module.NAME).read_text(encoding="utf-8") == module.last_year_json(), (
        "run scripts/make_history_example.py"
    )


def test_a_missing_history_folder_exits_2_before_reading(tmp_path):
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "minsheng",
            "assess",
            str(EXAMPLE / "报表"),
            "--targets",
            str(EXAMPLE / "目标任务表.xlsx"),
            "--history",
            str(tmp_path / "没有这个目录"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2 and "[history-not-found]" in r.stderr and "Traceback" not in r.stderr


def test_the_interim_scheme_deducts_for_progress_reports_ranked_last(tmp_path):
    """The example scheme with [interim] on the example province, with two monthly 通报 in which
    东湖区 ranked last: 0.2 + 0.3 off its total; last year's jiangxi-2007 result is another scheme."""
    before = json.loads((HISTORY / "2006年度考核结果.json").read_text(encoding="utf-8"))
    codes = [c["county"] for c in before["counties"]]
    history = tmp_path / "历年"
    history.mkdir()
    (history / "2006.json").write_bytes((HISTORY / "2006年度考核结果.json").read_bytes())
    for month in ("2007-01", "2007-02"):
        ranked = [c for c in codes if c["code"] != "360102"] + [c for c in codes if c["code"] == "360102"]
        report = {
            "kind": "progress",
            "scheme_id": "jiangxi-2007-interim",
            "year": 2007,
            "period": month,
            "counties": [
                {"county": c, "rank": i, "score": str(100 - i), "behind": []} for i, c in enumerate(ranked, 1)
            ],
        }
        (history / f"{month}.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    scheme = ROOT / "examples" / "jiangxi-2007-平时考核.toml"
    data = assess(out, "--scheme", str(scheme), "--history", str(history))
    dong = next(c for c in data["counties"] if c["county"]["code"] == "360102")
    assert dong["total"] == "100.50" and dong["deductions"][-1] == {
        "item": "interim-last",
        "name": "序时进度通报末位",
        "count": 2,
        "points": "0.50",
    }
    assert data["lookback"]["interim"]["periods"] == ["2007-01", "2007-02"]
    assert data["lookback"]["previous_file"] is None
    skipped = [p for p in data["problems"] if p["code"] == "history-skipped"]
    assert [p["file"] for p in skipped] == ["历年/2006.json"]
    ranks = {c["county"]["code"]: c["rank"] for c in data["counties"]}
    assert ranks["360102"] > 1  # 101 tied first before; 100.50 now behind the other 101s
    sheet = load_workbook(out / "考核结果.xlsx")["单项先进"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r[1] == "东湖区"]
    assert rows == [(1, "东湖区", "南昌市", 2, 0.5, "2007-01、2007-02")]
