"""``minsheng progress``: a month's or quarter's progress report (序时进度通报)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import click

from ..config import PluginConfig
from ..errors import InputError
from ..limits import Limits
from ..model import Severity
from .assess import (
    _date,
    _limits,
    _print_problems,
    _ProgressBar,
    _submissions,
    exit_status,
    make_executor,
    received_and_date,
)
from .common import check_output, fail_usage, force_option, scheme_option


@click.command()
@click.argument("submissions", nargs=-1, required=True, callback=_submissions, metavar="报表目录...")
@click.option(
    "--targets",
    "targets_path",
    required=True,
    type=click.Path(path_type=Path),
    help="目标任务表（.xlsx）；可含“进度计划”工作表。",
)
@click.option(
    "--period",
    "period_text",
    required=True,
    metavar="期别",
    help="报告期：月报 2007-06（1—6月累计），季报 2007Q2。",
)
@scheme_option
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="进度通报工作簿（.xlsx）。"
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="把本期结果写成 JSON（下期用 --history 读取）。",
)
@click.option(
    "--notice",
    "notice_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="另写一份通报（Word .docx）草稿：概况、前三名、滞后和连续滞后的县、报送情况，附件为综合排名和滞后清单。",
)
@click.option(
    "--notice-template",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="省里在 Word 中修改过的通报模板（.docx）；默认用内置模板。",
)
@click.option(
    "--history",
    "history_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="存放以前各期 JSON 结果的目录（或文件，可多次给出）：用于较上期、连续滞后和进度趋势。",
)
@click.option(
    "--deadline", callback=_date, help="本期报送截止日期 YYYY-MM-DD（默认为次月的方案规定日，如 7 月 5 日）。"
)
@click.option(
    "--received",
    "received_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="本期收文登记（.xlsx/.csv：县（市、区）代码、收到日期）；逾期天数以此为准。",
)
@click.option(
    "--plugins-dir", type=click.Path(file_okay=False, path_type=Path), help="存放县级插件 .py 文件的目录。"
)
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True, help="并行读取的进程数。"
)
@click.option("--scheduler", metavar="tcp://主机:端口", help="在 Dask 集群上读取（需安装 minsheng[dask]）。")
@click.option(
    "--limits",
    "limits_text",
    metavar="名称=值,…",
    callback=_limits,
    help="读取每个报表文件的限制（见 docs/security.md）。",
)
@click.option(
    "--missing",
    type=click.Choice(["zero", "hold"]),
    default="zero",
    show_default=True,
    help="应报未报的数值：zero 按 0 分计；hold 暂缓该县。",
)
@click.option(
    "--assessed-on",
    callback=_date,
    help="通报日期 YYYY-MM-DD（默认取环境变量 SOURCE_DATE_EPOCH，否则当天）。",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info", "never"]),
    default="never",
    show_default=True,
    help="发现该级别及以上的问题时退出码为 1。",
)
@force_option
def progress(
    submissions: tuple[Path | str, ...],
    targets_path: Path,
    period_text: str,
    scheme_source: str,
    output: Path | None,
    json_path: Path | None,
    notice_path: Path | None,
    notice_template: Path | None,
    history_paths: tuple[Path, ...],
    deadline: dt.date | None,
    received_path: Path | None,
    plugins_dir: Path | None,
    jobs: int,
    scheduler: str | None,
    limits_text: Limits | None,
    missing: str,
    assessed_on: dt.date | None,
    fail_on: str,
    force: bool,
) -> None:
    """读取各县本期（1 月至本期末累计）报表，按序时进度排名、找出滞后，输出进度通报工作簿。

    每个县按考核方案的计分规则，以截至本期末应完成的目标（全年目标 × 序时进度 N/12，或目标任务表
    “进度计划”工作表规定的进度）计算综合进度得分并排名；每个指标按完成率与序时进度之差判断
    已完成、超序时、按序时、滞后、严重滞后。报告期与本期不符的报表不予采用。
    """
    from ..files import atomic_write_text
    from ..period import Period, PeriodError
    from ..progress_run import progress as run_progress
    from ..progress_run import progress_to_json

    check_output(output, force)
    check_output(json_path, force, (".json",))
    check_output(notice_path, force, (".docx",))
    try:
        period = Period.parse(period_text)
    except PeriodError as exc:
        fail_usage(f"[bad-argument] --period：{exc}")
    received, assessed_on = received_and_date(received_path, assessed_on)
    bar = _ProgressBar()
    try:
        with make_executor(jobs, scheduler) as executor:
            run = run_progress(
                submissions,
                targets_path,
                period=period,
                scheme=scheme_source,
                history=list(history_paths) or None,
                deadline=deadline,
                received=received,
                missing=missing,
                assessed_on=assessed_on,
                plugins=PluginConfig.from_env(plugins_dir=plugins_dir),
                limits=limits_text or Limits.from_env(),
                executor=executor,
                on_file=bar,
            )
    except InputError as exc:
        _print_problems(exc.problems)
        fail_usage(str(exc))
    finally:
        bar.close()
    if output is not None:
        from ..workbooks import write_progress

        write_progress(run, output)
    if json_path is not None:
        atomic_write_text(json_path, progress_to_json(run))
    if notice_path is not None:
        from ..notice import NoticeError, write_notice

        try:
            write_notice(run, notice_path, template=notice_template)
        except NoticeError as exc:
            fail_usage(str(exc))
    _summary(run, output, json_path, notice_path)
    raise SystemExit(exit_status(run.problems, fail_on))


def _summary(run, output: Path | None, json_path: Path | None, notice_path: Path | None) -> None:
    states = Counter(c.state for c in run.counties)
    click.echo(
        f"{run.scheme.name}  {run.period.title}（{run.period.label}）进度：{len(run.counties)} 个县（市、区）"
    )
    click.echo("  " + "，".join(f"{s} {states.get(s, 0)}" for s in ("已报", "逾期", "缺报", "出错", "暂缓")))
    top = [c for c in run.counties if c.rank is not None and c.rank <= 3]
    if top:
        click.echo("  前三名：" + "、".join(f"第{c.rank}名{c.county.name}（{c.score}）" for c in top))
    behind = sorted((c for c in run.counties if c.behind), key=lambda c: (-len(c.behind), c.county.code))
    if behind:
        click.echo(
            f"  有滞后指标的县 {len(behind)} 个，最多的："
            + "、".join(f"{c.county.name}（{len(c.behind)} 项）" for c in behind[:3])
        )
    streaks = run.streaks()
    if streaks:
        n = run.scheme.progress.consecutive
        click.echo(
            f"  连续 {n} 期及以上滞后："
            + "、".join(f"{c.county.name} {code}（{k} 期）" for c, code, k in streaks[:5])
        )
    sev = Counter(p.severity for p in run.problems)
    click.echo(
        f"  问题：错误 {sev.get(Severity.ERROR, 0)}，警告 {sev.get(Severity.WARNING, 0)}，提示 {sev.get(Severity.INFO, 0)}"
    )
    outputs = (("进度通报工作簿", output), ("JSON", json_path), ("通报草稿", notice_path))
    written = [(label, p) for label, p in outputs if p is not None]
    for label, p in written:
        click.echo(f"  {label}：{p}")
    if not written:
        click.echo("  未保存任何文件：要保存，请加 -o 进度通报.xlsx（及 --json 本期结果.json）。")
