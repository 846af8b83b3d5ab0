"""``minsheng demo`` + ``minsheng assess`` end to end, checked against an independent calculation."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections import Counter
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from minsheng import Assessment, from_json, load_scheme
from minsheng.example import BLANK_CELL, BROKEN, DASH, DEADLINE, LATE, NOT_SUBMITTED, VETOED, example_province
from minsheng.regions import load_regions

D = Decimal


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "minsheng", *args], capture_output=True, text=True, cwd=cwd, timeout=600
    )


def assess_args(province: Path) -> list[str]:
    """`minsheng assess` on the demo province, with the example's deadline."""
    return [
        "assess",
        str(province / "报表"),
        "--targets",
        str(province / "目标任务表.xlsx"),
        "--deadline",
        DEADLINE.isoformat(),
    ]


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    root = tmp_path_factory.mktemp("province")
    r = run("demo", str(root))
    assert r.returncode == 0, r.stderr
    return root


@pytest.fixture(scope="module")
def assessed(province, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    r = run(
        *assess_args(province),
        "-o",
        str(out / "考核结果.xlsx"),
        "--json",
        str(out / "a.json"),
    )
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    return out, r, from_json((out / "a.json").read_text(encoding="utf-8"), Assessment)


# --- an independent scorer: the rules of DOMAIN.md section 3 written again, plainly -----------


def q(x: Decimal) -> Decimal:
    return x.quantize(D("0.01"), ROUND_HALF_UP)


def expected_totals(scheme, ex) -> dict[str, Decimal]:
    """Totals for the example province, from its own data, without minsheng.score."""
    late_days = {s.county: max(0, (s.submitted_on - DEADLINE).days) for s in ex.submissions}
    totals = {}
    for sub in ex.submissions:
        if sub.county in ex.broken:
            continue
        alloc = ex.targets.allocations[sub.county]
        got = weight = bonus = D(0)
        for ind in scheme.indicators:
            w, t = ind.weight, alloc.get(ind.code)
            v = sub.values.get(ind.code)
            a = v.amount if v is not None else None
            if ind.code == "6.2":
                a = D(late_days[sub.county])
            if ind.rule.value in ("info", "veto"):
                continue
            if ind.rule.value in ("ratio", "ceiling") and not t:
                continue  # 不考核
            weight += w  # a county's "—" on a fixed-threshold indicator is refused: scored as blank
            if a is None:
                continue  # missing scores 0
            if ind.rule.value == "ratio":
                r = a / t
                got += q(w * min(r, D(1)))
                if ind.bonus and r > 1:
                    steps = ((r - 1) / ind.bonus.step).to_integral_value(ROUND_FLOOR)
                    bonus += q(min(ind.bonus.cap, steps * ind.bonus.per_step))
            elif ind.rule.value == "ceiling":
                got += w if a <= t else q(w * max(D(0), 1 - (a - t) / t))
            elif ind.rule.value == "binary":
                ok = {"ge": a >= ind.threshold, "le": a <= ind.threshold, "eq": a == ind.threshold}[
                    ind.condition.value
                ]
                got += w if ok else 0
            elif ind.rule.value == "deduct":
                got += q(max(D(0), w - ind.per_unit * a))
        base = got if weight == 100 else q(100 * got / weight)
        deducted = sum(
            scheme.cross_item(f.item).points * f.count for f in ex.findings if f.county == sub.county
        )
        totals[sub.county] = max(D(0), base + min(bonus, scheme.bonus_cap) - deducted)
    return totals


def test_assess_ranks_grades_and_statuses(assessed):
    out, r, a = assessed
    scheme = load_scheme()
    ex = example_province(scheme, load_regions())
    totals = expected_totals(scheme, ex)

    # every county of the targets appears, with its status
    assert len(a.counties) == 100
    status = {c.county.code: c.status.value for c in a.counties}
    assert status[NOT_SUBMITTED] == "not-submitted"
    assert status[BROKEN] == "failed"
    assert Counter(status.values()) == {"scored": 98, "not-submitted": 1, "failed": 1}

    # totals, ranks and grades agree with the independent calculation
    got = {c.county.code: c.total for c in a.counties if c.total is not None}
    assert got == totals
    clean = sorted((t, c) for c, t in totals.items() if c != VETOED)
    ranks = {c.county.code: c.rank for c in a.counties}
    for t, c in clean:
        assert ranks[c] == 1 + sum(1 for t2, _ in clean if t2 > t)
    assert ranks[VETOED] == len(clean) + 1
    result = {c.county.code: c for c in a.counties}
    assert result[VETOED].grade == "不合格" and result[VETOED].vetoed
    excellent = [c for t, c in clean if t >= 90]
    quota = len(clean) * 3 // 10
    assert len(excellent) > quota  # the quota bites in the example
    boundary = sorted((totals[c] for c in excellent), reverse=True)[quota - 1]
    for t, c in clean:
        band = "优秀" if t >= boundary else "良好" if t >= 80 else "合格" if t >= 60 else "不合格"
        assert result[c].grade == band, c
    lowest = min(t for t, _ in clean)  # 末位: the last county ranked on its score, never the vetoed one
    assert [c.county.code for c in a.counties if c.last] == sorted(c for t, c in clean if t == lowest)

    # the story counties
    late = result[LATE]
    assert next(s for s in late.indicators if s.code == "6.2").score == 0  # ten days late: 3 − 5 → 0
    codes = {(p.code, p.county) for p in a.problems}
    assert ("late-submission", LATE) in codes
    assert ("missing-value", BLANK_CELL) in codes
    assert ("not-applicable-refused", DASH) in codes
    assert ("not-submitted", NOT_SUBMITTED) in codes
    assert any(p.county == BROKEN and p.severity.value == "error" for p in a.problems)
    assert {d.item for d in result["361124"].deductions} == {"criticized-by-province"}

    # the workbook and the summary
    assert (out / "考核结果.xlsx").stat().st_size > 10_000
    assert "已评 98" in r.stdout and "缺报 1" in r.stdout and "出错 1" in r.stdout


def test_missing_zero_against_hold(province, assessed, tmp_path):
    _, _, zero = assessed
    r = run(
        *assess_args(province),
        "--missing",
        "hold",
        "--json",
        str(tmp_path / "h.json"),
    )
    assert r.returncode == 0, r.stderr
    hold = from_json((tmp_path / "h.json").read_text(encoding="utf-8"), Assessment)
    assert zero.result(BLANK_CELL).status.value == "scored" and zero.result(BLANK_CELL).rank is not None
    held = hold.result(BLANK_CELL)
    assert held.status.value == "held" and held.rank is None and held.total is None
    assert hold.result(DASH).status.value == "held"  # its refused "—" is a blank
    assert sum(1 for c in hold.counties if c.rank is not None) == 96


def test_validate_exit_codes(province, tmp_path):
    args = ["validate", str(province / "报表"), "--targets", str(province / "目标任务表.xlsx")]
    r = run(*args)
    assert r.returncode == 1, r.stderr  # the broken file and the blank cell are errors
    assert "missing-value" in r.stdout and "Traceback" not in r.stderr
    assert run(*args, "--fail-on", "never").returncode == 0
    clean = tmp_path / "clean"
    clean.mkdir()
    good = next((province / "报表").rglob("360111-*.xlsx"))  # 青山湖区, a standard form
    (clean / good.name).write_bytes(good.read_bytes())
    r = run(
        "validate", str(clean), "--targets", str(province / "目标任务表.xlsx"), "--deadline", "2008-01-10"
    )
    assert r.returncode == 0, r.stderr
    # without a deadline, the blank 6.2 (days late) of the form is a missing value
    r = run("validate", str(clean), "--targets", str(province / "目标任务表.xlsx"))
    assert r.returncode == 1 and "6.2" in r.stdout
    r = run("validate", str(clean), "--targets", str(tmp_path / "nowhere.xlsx"))
    assert r.returncode == 2 and "targets-not-found" in r.stderr
    r = run("assess", str(clean), "--targets", str(province / "目标任务表.xlsx"), "--deadline", "2008-13-01")
    assert r.returncode == 2


def test_same_assessment_whatever_the_executor(province, assessed, tmp_path):
    _, _, one = assessed
    base = assess_args(province)
    r = run(*base, "--jobs", "2", "--json", str(tmp_path / "j2.json"))
    assert r.returncode == 0, r.stderr
    first = (assessed[0] / "a.json").read_text(encoding="utf-8")
    assert (tmp_path / "j2.json").read_text(encoding="utf-8") == first

    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        r = run(*base, "--scheduler", cluster.scheduler_address, "--json", str(tmp_path / "dask.json"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "dask.json").read_text(encoding="utf-8") == first
    assert one.result(VETOED).vetoed


def test_assess_output_is_byte_identical(province, assessed, tmp_path):
    out, _, _ = assessed
    r = run(
        *assess_args(province),
        "-o",
        str(tmp_path / "again.xlsx"),
        "--per-county",
        str(tmp_path / "评分表"),
    )
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "again.xlsx").read_bytes() == (out / "考核结果.xlsx").read_bytes()
    sheets = sorted(p.name for p in (tmp_path / "评分表").iterdir())
    assert len(sheets) == 100 and sheets[0] == "360102-东湖区-2007年度考核评分表.xlsx"


def test_demo_is_deterministic_and_the_committed_example_is_current(province):
    """`minsheng demo` writes the same bytes every time: exactly the committed examples/jiangxi-2007."""
    committed = Path(__file__).parent.parent / "examples" / "jiangxi-2007"
    a = sorted(p.relative_to(province) for p in province.rglob("*") if p.is_file())
    b = sorted(p.relative_to(committed) for p in committed.rglob("*") if p.is_file())
    assert a == b
    assert len(a) == 101  # the targets, 99 county files and one lock file
    for rel in a:
        assert (province / rel).read_bytes() == (committed / rel).read_bytes(), (
            f"{rel}: run scripts/make_example.py"
        )


def test_the_assessment_date_is_the_day_of_the_assessment_never_a_countys(assessed, province, tmp_path):
    """考核日期: --assessed-on, else SOURCE_DATE_EPOCH (reproducible builds), else today; never the
    latest county's report date (#12 item 17)."""
    _, _, a = assessed
    before, after = dt.date.today() - dt.timedelta(days=1), dt.date.today()
    assert before <= a.assessed_on <= after and a.assessed_on != DEADLINE + dt.timedelta(days=10)
    nanchang = next((province / "报表").rglob("360111-*.xlsx"))
    base = ["assess", str(nanchang), "--targets", str(province / "目标任务表.xlsx"), "--json"]
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1200528000"}  # 2008-01-17 00:00 UTC
    for extra, expected in (([], "2008-01-17"), (["--assessed-on", "2008-02-01"], "2008-02-01")):
        out = tmp_path / f"a{len(extra)}.json"
        r = subprocess.run(
            [sys.executable, "-m", "minsheng", *base, str(out), *extra],
            capture_output=True,
            text=True,
            env=env,
        )
        assert r.returncode == 0, r.stderr
        assert json.loads(out.read_text(encoding="utf-8"))["assessed_on"] == expected
