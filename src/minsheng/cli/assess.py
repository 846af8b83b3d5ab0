"""``minsheng assess`` and ``minsheng validate``: the provincial office's year-end job."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..config import PluginConfig
from ..errors import InputError
from ..limits import Limits
from ..model import SEVERITY_ORDER, Problem, Severity
from ..run import AssessmentRun
from .common import check_output, fail_usage, force_option, refuse_existing, scheme_option

if TYPE_CHECKING:  # pragma: no cover - typing only
    from concurrent.futures import Executor

FAIL_ON = ("error", "warning", "info", "never")


def _limits(ctx: click.Context, param: click.Parameter, value: str | None) -> Limits | None:
    """``--limits``: MINSHENG_LIMITS (or the defaults) changed by the pairs given."""
    if value is None:
        return None
    try:
        return Limits.parse(value, Limits.from_env(), where="--limits")
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"日期应写成 YYYY-MM-DD，如 2008-01-10，而不是“{value}”。") from None


def _submissions(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> tuple[Path | str, ...]:
    """Folders and files as paths; URLs (``file://…``, ``s3://…``) as they are, for fsspec."""
    from ..relpaths import is_url

    return tuple(v if is_url(v) else Path(v) for v in value)


def inputs_options(f):
    """The options assess and validate share."""
    for decorator in reversed(
        [
            click.argument(
                "submissions", nargs=-1, required=True, callback=_submissions, metavar="报表目录..."
            ),
            click.option(
                "--targets",
                "targets_path",
                required=True,
                type=click.Path(path_type=Path),
                help="目标任务表（.xlsx）。",
            ),
            scheme_option,
            click.option("--year", type=int, help="考核年度（默认取目标任务表中的年度）。"),
            click.option(
                "--deadline",
                callback=_date,
                help="报送截止日期 YYYY-MM-DD；逾期天数按收文登记的收到日期，否则按报出日期计算（6.2）。",
            ),
            click.option(
                "--received",
                "received_path",
                type=click.Path(exists=True, dir_okay=False, path_type=Path),
                help="收文登记（.xlsx/.csv：县（市、区）代码、收到日期）；逾期天数以此为准。",
            ),
            click.option(
                "--plugins-dir",
                type=click.Path(file_okay=False, path_type=Path),
                help="存放县级插件 .py 文件的目录。",
            ),
            click.option(
                "--jobs",
                "-j",
                type=click.IntRange(min=1),
                default=1,
                show_default=True,
                help="并行读取的进程数。",
            ),
            click.option(
                "--scheduler",
                metavar="tcp://主机:端口",
                help="在 Dask 集群上读取：本机的报表文件由本机发给工作节点，网址由工作节点自己打开（需安装 minsheng[dask]，见 docs/cluster.md）。",
            ),
            click.option(
                "--limits",
                "limits_text",
                metavar="名称=值,…",
                callback=_limits,
                help="读取每个报表文件的限制，如 time_budget=120,memory_budget=2G；"
                "未写的取环境变量 MINSHENG_LIMITS 或默认值（见 docs/security.md）。",
            ),
            click.option(
                "--fail-on",
                type=click.Choice(FAIL_ON),
                default=None,
                help="发现该级别及以上的问题时退出码为 1（assess 默认 never，validate 默认 error）。",
            ),
        ]
    ):
        f = decorator(f)
    return f


@contextlib.contextmanager
def make_executor(jobs: int, scheduler: str | None) -> Iterator[Executor | None]:
    """No executor for one job; worker processes for several; a Dask cluster's executor for --scheduler."""
    if scheduler:
        try:
            from distributed import Client
        except ImportError:
            fail_usage("[dask-not-installed] 使用 --scheduler 需要安装 Dask：pip install 'minsheng[dask]'")
        try:
            client = Client(scheduler, timeout=10)
        except (OSError, TimeoutError) as exc:
            fail_usage(f"[scheduler-unreachable] 无法连接 Dask 调度器 {scheduler}：{exc}")
        try:
            yield client.get_executor()
        finally:
            client.close()
        return
    if jobs <= 1:
        yield None
        return
    from concurrent.futures import ProcessPoolExecutor

    from ..guard import join_parent

    with ProcessPoolExecutor(max_workers=jobs, initializer=join_parent, initargs=(os.getpid(),)) as pool:
        yield pool


class _ProgressBar:
    """``progress(done, total)`` for the run: a click progress bar on a terminal, for several files."""

    def __init__(self, label: str = "读取报表") -> None:
        self._bar: Any = None
        self._done = 0
        self._label = label

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None and done == 0 and total > 1 and sys.stderr.isatty():
            self._bar = click.progressbar(length=total, label=self._label, file=sys.stderr)
            self._bar.__enter__()
        if self._bar is not None:
            self._bar.update(done - self._done)
            self._done = done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)


def received_and_date(
    received_path: Path | None, assessed_on: dt.date | None
) -> tuple[dict[str, dt.date] | None, dt.date]:
    """The receipt register (--received) and the 考核日期 (--assessed-on, else SOURCE_DATE_EPOCH,
    else today) as assess, validate and progress take them; a register that cannot be read exits 2."""
    from ..clock import assessment_date
    from ..sheets import SheetError

    received = None
    if received_path is not None:
        from ..workbooks import read_received

        try:
            received = read_received(received_path)
        except (ValueError, OSError, SheetError) as exc:
            fail_usage(f"[targets-unreadable] 无法读取收文登记“{received_path}”：{exc}")
    try:
        assessed_on = assessment_date(assessed_on, os.environ)
    except ValueError as exc:
        fail_usage(str(exc))
    return received, assessed_on


def run_assessment(
    submissions: Sequence[Path | str],
    targets_path: Path,
    scheme_source: str,
    year: int | None,
    deadline: dt.date | None,
    plugins_dir: Path | None,
    jobs: int,
    scheduler: str | None,
    missing: str = "zero",
    assessed_on: dt.date | None = None,
    limits: Limits | None = None,
    received_path: Path | None = None,
    history: Path | None = None,
) -> AssessmentRun:
    """:func:`minsheng.assess` with the options of assess and validate; bad input exits 2."""
    from ..run import assess

    received, assessed_on = received_and_date(received_path, assessed_on)

    bar = _ProgressBar()
    try:
        with make_executor(jobs, scheduler) as executor:
            return assess(
                submissions,
                targets_path,
                scheme=scheme_source,
                year=year,
                deadline=deadline,
                missing=missing,
                assessed_on=assessed_on,
                received=received,
                plugins=PluginConfig.from_env(plugins_dir=plugins_dir),  # (--plugins-dir, MINSHENG_*_PLUGINS)
                limits=limits or Limits.from_env(),
                executor=executor,
                progress=bar,
                history=history,
            )
    except InputError as exc:
        _print_problems(exc.problems)
        fail_usage(str(exc))
    finally:
        bar.close()


def _problem_line(p: Problem) -> str:
    """``[错误] missing-value（应报未报的数值）  file，sheet，cell  message``."""
    from ..problems import SEVERITY_LABELS, title

    where = "，".join(x for x in (p.file, p.sheet, p.cell) if x)
    return f"[{SEVERITY_LABELS[p.severity]}] {p.code}（{title(p.code)}）  {where}  {p.message}"


def _print_problems(problems: Sequence[Problem], limit: int | None = None) -> None:
    shown = problems if limit is None else problems[:limit]
    for p in shown:
        click.echo(_problem_line(p), err=True)
    if limit is not None and len(problems) > limit:
        click.echo(f"……另有 {len(problems) - limit} 条问题，见考核工作簿“问题清单”或 --json 输出。", err=True)


def exit_status(problems: Sequence[Problem], fail_on: str) -> int:
    if fail_on == "never":
        return 0
    floor = SEVERITY_ORDER[Severity(fail_on)]
    return 1 if any(SEVERITY_ORDER[p.severity] >= floor for p in problems) else 0


@click.command()
@inputs_options
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="考核结果工作簿（.xlsx）。"
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="把考核结果写成 JSON（供其他程序使用）。",
)
@click.option(
    "--per-county",
    type=click.Path(file_okay=False, path_type=Path),
    help="为每个县输出一份考核评分表到该目录。",
)
@click.option(
    "--missing",
    type=click.Choice(["zero", "hold"]),
    default="zero",
    show_default=True,
    help="应报未报的数值：zero 按 0 分计；hold 暂缓评定该县。",
)
@click.option(
    "--assessed-on",
    callback=_date,
    help="考核日期 YYYY-MM-DD（默认取环境变量 SOURCE_DATE_EPOCH，否则当天）。",
)
@click.option(
    "--history",
    type=click.Path(path_type=Path),
    metavar="历年结果目录",
    help="存放往年考核结果和本年序时进度通报（各次 --json 输出）的目录：与上年同一方案的结果同比，"
    "评出单项先进；方案设有平时考核规则的，按各期通报计分。",
)
@force_option
def assess(
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
    output: Path | None,
    json_path: Path | None,
    per_county: Path | None,
    missing: str,
    assessed_on: dt.date | None,
    history: Path | None,
    force: bool,
) -> None:
    """读取各县报表，检查、评分、定等、排名，输出考核结果工作簿。

    报表目录为报表文件或目录（递归查找，跳过 ~$ 开头的锁文件），也可以是网址（file://、s3:// 等，需安装 minsheng[dask]）。目标任务表中的每个县都会出现在结果中：
    已评、缺报（未报送）、出错（文件无法读取）或暂缓（--missing hold 时有缺报数值）。
    """
    from ..files import atomic_write_text

    check_output(output, force)
    check_output(json_path, force, (".json",))
    _check_county_folder(per_county, force)
    run = run_assessment(
        submissions,
        targets_path,
        scheme_source,
        year,
        deadline,
        plugins_dir,
        jobs,
        scheduler,
        missing,
        assessed_on,
        limits_text,
        received_path,
        history,
    )
    if output is not None:
        from ..workbooks import write_assessment

        write_assessment(run, output)
    if per_county is not None:
        from ..workbooks import write_county_sheets

        bar = _ProgressBar("写出评分表")
        try:
            write_county_sheets(run, per_county, progress=bar)
        finally:
            bar.close()
    if json_path is not None:
        from ..run import run_to_json

        atomic_write_text(json_path, run_to_json(run))
    _summary(run, output, json_path, per_county)
    raise SystemExit(exit_status(run.problems, fail_on or "never"))


def _check_county_folder(folder: Path | None, force: bool) -> None:
    """``--per-county``: refuse to replace 考核评分表 already in the folder without --force."""
    existing = sorted(p.name for p in folder.glob("*.xlsx")) if folder is not None and folder.is_dir() else []
    refuse_existing(folder, existing, force, "工作簿")


def _summary(
    run: AssessmentRun, output: Path | None, json_path: Path | None, per_county: Path | None
) -> None:
    from ..model import CountyStatus  # (the results' classes load once there are results)

    a = run.assessment
    status = Counter(r.status for r in a.counties)
    grades = Counter(r.grade for r in a.counties if r.grade)
    severities = Counter(p.severity for p in a.problems)
    click.echo(f"{a.scheme_name}  {a.year} 年度考核：{len(a.counties)} 个县（市、区）")
    click.echo(
        "  "
        + "，".join(
            f"{label} {status.get(s, 0)}"
            for s, label in (
                (CountyStatus.SCORED, "已评"),
                (CountyStatus.NOT_SUBMITTED, "缺报"),
                (CountyStatus.FAILED, "出错"),
                (CountyStatus.HELD, "暂缓"),
            )
        )
    )
    bands = [band.name for band in sorted(run.scheme.grades, key=lambda band: -band.minimum)]
    click.echo("  等次：" + "，".join(f"{g} {grades[g]}" for g in bands if grades.get(g)))
    for label, counties in (
        ("先进", [r for r in a.counties if r.advanced]),
        ("末位", [r for r in a.counties if r.last]),
        ("一票否决", [r for r in a.counties if r.vetoed]),
    ):
        if counties:
            click.echo(f"  {label}：" + "、".join(f"{r.county.name}（{r.total}）" for r in counties))
    back = run.lookback
    if back is not None:
        if back.previous_file is not None:
            click.echo(f"  同比：与 {back.previous_year} 年度考核结果（{back.previous_file}）比较")
        else:
            click.echo(f"  同比：没有同一方案 {back.previous_year} 年度的考核结果，未作同比")
        click.echo("  单项先进：" + "；".join(f"{g.name} {len(g.leaders)} 个" for g in back.group_leaders))
        if back.interim:
            click.echo("  平时考核扣分：" + "、".join(f"{d.county.name}（{d.points}）" for d in back.interim))
    click.echo(
        f"  问题：错误 {severities.get(Severity.ERROR, 0)}，警告 {severities.get(Severity.WARNING, 0)}，提示 {severities.get(Severity.INFO, 0)}"
    )
    written = [
        (label, path)
        for label, path in (("考核结果工作簿", output), ("JSON", json_path), ("各县考核评分表", per_county))
        if path is not None
    ]
    for label, path in written:
        click.echo(f"  {label}：{path}")
    if not written:
        click.echo(
            "  未保存任何文件：结果只显示在这里。要保存，请加 -o 考核结果.xlsx（及 --json、--per-county）。"
        )
