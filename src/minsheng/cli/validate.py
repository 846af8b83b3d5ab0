"""``minsheng validate``: check the county files as ``assess`` would, without scoring; problems by county."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..limits import Limits
from ..model import CountyStatus, Problem, Severity
from ..run import AssessmentRun
from .common import check_output, force_option

if TYPE_CHECKING:  # pragma: no cover - typing only
    pass

from .assess import _problem_line, exit_status, inputs_options, run_assessment


@click.command()
@inputs_options
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="把检查结果（各县的问题）写成 JSON（供其他程序使用）。",
)
@force_option
def validate(
    submissions: tuple[Path | str, ...],
    targets_path: Path,
    scheme_source: str,
    year: int | None,
    deadline: dt.date | None,
    received_path: Path | None,
    plugins_dir: Path | None,
    jobs: int,
    scheduler: str | None,
    limits_text: Limits | None,
    fail_on: str | None,
    json_path: Path | None,
    force: bool,
) -> None:
    """只读取和检查各县报表，不出考核结果；按县列出全部问题（文件、工作表、单元格），与 assess 的问题清单相同。

    问题按县分组输出到标准输出（可用 > 保存到文件），每组先写县代码、县名、状态和问题数。

    退出码：0 没有达到 --fail-on 级别（默认 error）的问题；1 有；2 用法错误或目标任务表无法读取。
    """
    check_output(json_path, force, (".json",))
    run = run_assessment(
        submissions,
        targets_path,
        scheme_source,
        year,
        deadline,
        plugins_dir,
        jobs,
        scheduler,
        limits=limits_text,
        received_path=received_path,
    )
    groups = county_groups(run)
    for group in groups:
        _print_group(*group)
    counts = Counter(p.severity for p in run.problems)
    click.echo(
        f"共 {len(groups)} 组。检查了 {len(run.reads)} 个文件，读出 {run.read_ok} 份报表："
        f"错误 {counts.get(Severity.ERROR, 0)}，警告 {counts.get(Severity.WARNING, 0)}，提示 {counts.get(Severity.INFO, 0)}。"
    )
    if json_path is not None:
        import json

        from ..files import atomic_write_text

        report = {"counties": [_group(*g) for g in groups]}
        atomic_write_text(json_path, json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    raise SystemExit(exit_status(run.problems, fail_on or "error"))


STATUS_LABELS = {
    CountyStatus.SCORED: "已读出",
    CountyStatus.NOT_SUBMITTED: "缺报",
    CountyStatus.FAILED: "出错",
    CountyStatus.HELD: "暂缓",
}


def county_groups(run: AssessmentRun) -> list[tuple[str | None, str, str | None, list[Problem]]]:
    """The run's problems by county, in code order, as (code, name, status, problems); then the
    problems that belong to no county."""
    by_county: dict[str | None, list[Problem]] = {}
    for p in run.problems:
        by_county.setdefault(p.county, []).append(p)
    groups: list[tuple[str | None, str, str | None, list[Problem]]] = [
        (r.county.code, r.county.name, STATUS_LABELS[r.status], by_county.pop(r.county.code, []))
        for r in sorted(run.assessment.counties, key=lambda r: r.county.code)
    ]
    rest = [p for code in sorted(by_county, key=lambda c: (c is None, c or "")) for p in by_county[code]]
    if rest:
        groups.append((None, "未能归入某县", None, rest))
    return groups


def validation_report(run: AssessmentRun) -> dict[str, Any]:
    """What ``validate`` shows, as data: one group per county (code order) with its status, counts
    and problems, then the problems that belong to no county."""
    return {"counties": [_group(*g) for g in county_groups(run)]}


def _group(code: str | None, name: str, status: str | None, problems: list[Problem]) -> dict[str, Any]:
    from ..convert import unstructure
    from ..problems import title

    counts = Counter(p.severity for p in problems)
    return {
        "code": code,
        "name": name,
        "status": status,
        "errors": counts.get(Severity.ERROR, 0),
        "warnings": counts.get(Severity.WARNING, 0),
        "infos": counts.get(Severity.INFO, 0),
        "problems": [
            {**unstructure(p), "severity": p.severity.value, "title": title(p.code)} for p in problems
        ],
    }


def _print_group(code: str | None, name: str, status: str | None, problems: list[Problem]) -> None:
    counts = Counter(p.severity for p in problems)
    head = " ".join(x for x in (code, name) if x)
    said = f"（{status}）" if status else ""
    click.echo(
        f"{head}{said}：错误 {counts.get(Severity.ERROR, 0)}，警告 {counts.get(Severity.WARNING, 0)}，"
        f"提示 {counts.get(Severity.INFO, 0)}"
    )
    for p in problems:
        click.echo("  " + _problem_line(p))
