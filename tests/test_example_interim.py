"""The mid-year example (examples/jiangxi-2007-06): `minsheng demo --period 2007-06` writes exactly the
committed files, and `minsheng progress` on it ranks every county that reported, with each indicator's
status equal to an independent computation from the JSON and the targets workbook."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from minsheng import load_scheme

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "jiangxi-2007-06"
SCHEME = load_scheme("jiangxi-2007")
BAND, RED = Decimal(5), Decimal(30)  # the scheme's [progress] band and red, in points


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(dt.datetime(2007, 7, 10, tzinfo=dt.UTC).timestamp()))}
    return subprocess.run(
        [sys.executable, "-m", "minsheng", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=900,
    )


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("progress")
    r = cli(
        "progress",
        str(EXAMPLE / "报表"),
        "--targets",
        str(EXAMPLE / "目标任务表.xlsx"),
        "--period",
        "2007-06",
        "--history",
        str(EXAMPLE / "历史"),
        "-o",
        "通报.xlsx",
        "--json",
        "通报.json",
        cwd=out,
    )
    assert r.returncode == 0, r.stderr
    return json.loads((out / "通报.json").read_text(encoding="utf-8")), load_workbook(out / "通报.xlsx")


def _plans() -> dict[str, Decimal]:
    """The 进度计划 sheet read with openpyxl: indicator → the share due by the end of June (二季度)."""
    ws = load_workbook(EXAMPLE / "目标任务表.xlsx")["进度计划"]
    header = [c.value for c in ws[2]]
    col = header.index("二季度")
    return {row[0]: Decimal(row[col]) / 100 for row in ws.iter_rows(min_row=3, values_only=True) if row[0]}


def _expected(code: str, target: str | None, actual: str | None, share: Decimal) -> str | None:
    """序时进度 worked out by hand from the figures, by the scheme's own terms for each rule."""
    ind = SCHEME.indicator(code)
    if actual is None:
        return None
    a = Decimal(actual)
    if ind.rule.value in ("ratio", "steps"):
        gap = (a / Decimal(target) - share) * 100
        if a >= Decimal(target):
            return "已完成"
        if gap >= BAND:
            return "超序时"
        if gap <= -RED:
            return "严重滞后"
        return "滞后" if gap < -BAND else "按序时"
    if ind.rule.value == "ceiling":  # 失业率: not above the annual ceiling
        t = Decimal(target)
        return "按序时" if a <= t else ("严重滞后" if (a - t) / t * 100 >= RED else "滞后")
    if ind.rule.value == "deduct":  # nothing deducted / points lost / every point lost
        lost = ind.per_unit * a
        return "按序时" if lost == 0 else ("严重滞后" if lost >= ind.weight else "滞后")
    if ind.rule.value == "veto":
        return "严重滞后" if a > 0 else "按序时"
    if ind.rule.value == "binary":
        threshold = ind.threshold if ind.threshold is not None else Decimal(target)
        ok = {"ge": a >= threshold, "le": a <= threshold, "eq": a == threshold}[ind.condition.value]
        return "按序时" if ok else "滞后"
    return None


def test_every_county_that_reported_is_ranked_and_each_status_is_the_independent_one(result):
    data, _ = result
    assert (data["kind"], data["period"], data["previous_period"]) == ("progress", "2007-06", "2007-05")
    states = {c["county"]["name"]: c["state"] for c in data["counties"]}
    assert len(states) == 100 and states["石城县"] == "缺报" and states["德安县"] == "逾期"
    assert all(c["rank"] is not None for c in data["counties"] if c["state"] != "缺报")
    ranks = [c["rank"] for c in data["counties"] if c["rank"] is not None]
    assert ranks == sorted(ranks) and ranks[0] == 1 and len(ranks) == 99
    plans = _plans()
    assert plans == {"3.1": Decimal("0.45"), "5.1": Decimal("0.40")}
    seen: dict[str, int] = {}
    for c in data["counties"]:
        for i in c["indicators"]:
            share = plans.get(i["code"], Decimal(6) / 12)
            want = _expected(i["code"], i["target"], i["actual"], share)
            assert i["status"] == want, (c["county"]["name"], i)
            seen[want] = seen.get(want, 0) + 1
        assert c["behind"] == [i["code"] for i in c["indicators"] if i["status"] in ("滞后", "严重滞后")]
    # the example's stories: some ahead, some behind, one far behind
    assert seen["超序时"] > 50 and seen["滞后"] > 100 and seen["严重滞后"] >= 22
    far = next(c for c in data["counties"] if c["county"]["name"] == "永新县")
    assert sum(1 for i in far["indicators"] if i["status"] == "严重滞后") >= 20
    assert any(c["rank_change"] not in (None, 0) for c in data["counties"])
    assert any(k >= 2 for c in data["counties"] for k in c["streaks"].values())


def test_the_workbook_shows_the_jsons_figures(result):
    data, wb = result
    rank = wb["综合排名"]
    rows = [[c.value for c in r] for r in rank.iter_rows(min_row=5, max_row=104)]
    got = [(r[0], r[1], None if r[4] is None else Decimal(str(r[4])), r[7]) for r in rows]
    want = [
        (c["rank"], c["county"]["code"], None if c["score"] is None else Decimal(c["score"]), c["state"])
        for c in data["counties"]
    ]
    assert got == want
    statuses = {}
    code = None
    for row in wb["分项进度"].iter_rows(min_row=3, values_only=True):
        if row[0] and isinstance(row[0], str) and row[1] is None:
            code = row[0].split("\u3000")[0]
        elif row[1]:
            statuses[(row[1], code)] = row[9] or None
    for c in data["counties"]:
        for i in c["indicators"]:
            assert statuses[(c["county"]["code"], i["code"])] == i["status"], (c["county"]["code"], i["code"])


def test_a_vetoed_county_is_ranked_after_the_others_and_the_sheet_says_why(result):
    """鄱阳县 has a veto (弄虚作假 in the targets' 督查发现): its score is high, but as at the year end
    it is ranked after every county not vetoed, and 备注 says so (never an unexplained last place)."""
    data, wb = result
    ranked = [c for c in data["counties"] if c["rank"] is not None]
    vetoed = [c for c in ranked if c["vetoed"]]
    assert [c["county"]["name"] for c in vetoed] == ["鄱阳县"]
    assert vetoed[0]["rank"] == max(c["rank"] for c in ranked)
    assert Decimal(vetoed[0]["score"]) > min(Decimal(c["score"]) for c in ranked if not c["vetoed"])
    remarks = {r[1]: r[11] for r in wb["综合排名"].iter_rows(min_row=5, max_row=104, values_only=True)}
    assert remarks[vetoed[0]["county"]["code"]].startswith("一票否决")
    assert all(
        not (remarks[c["county"]["code"]] or "").startswith("一票否决") for c in ranked if not c["vetoed"]
    )


def test_demo_writes_the_committed_example(tmp_path):
    r = cli("demo", "--period", "2007-06", str(tmp_path / "m"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    a = sorted(p.relative_to(tmp_path / "m") for p in (tmp_path / "m").rglob("*") if p.is_file())
    b = sorted(p.relative_to(EXAMPLE) for p in EXAMPLE.rglob("*") if p.is_file())
    assert a == b and len(a) == 101  # the targets, 99 county files, the May result
    for rel in a:
        assert (tmp_path / "m" / rel).read_bytes() == (EXAMPLE / rel).read_bytes(), (
            f"{rel}: run scripts/make_example.py"
        )
