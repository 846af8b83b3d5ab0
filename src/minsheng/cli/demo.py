"""``minsheng demo DIR``: write the example province to a folder."""

from __future__ import annotations

from pathlib import Path

import click

from ..scheme import SchemeError, load_scheme
from .common import fail_usage, scheme_option


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), metavar="目录")
@scheme_option
@click.option(
    "--plugins-dir", type=click.Path(file_okay=False, path_type=Path), help="存放县级插件 .py 文件的目录。"
)
@click.option(
    "--period",
    "period_text",
    default=None,
    metavar="期别",
    help="生成年中的月报（如 2007-06，1—6月累计）而不是年终报表：有超序时、滞后的县，一县缺报、一县逾期，"
    "并附上月的进度结果（历史/）。",
)
def demo(directory: Path, scheme_source: str, plugins_dir: Path | None, period_text: str | None) -> None:
    """生成示例省份（江西 100 个县，2007 年）：目标任务表和各县报表。

    各县报表多为标准报表；少数县使用自己的格式（已安装对应插件时），另有缺报、逾期、文件损坏等情形，
    用来演示 minsheng assess。加 --period 2007-06 生成 1—6 月的月报，用来演示 minsheng progress。
    """
    from ..config import PluginConfig
    from ..demo import write_demo
    from ..example import DEADLINE, YEAR

    try:
        scheme = load_scheme(scheme_source)
    except SchemeError as exc:
        fail_usage(exc)
    if period_text is not None:
        from ..period import Period, PeriodError

        try:
            period = Period.parse(period_text, year=YEAR)
        except PeriodError as exc:
            fail_usage(f"--period：{exc}")
        if period.year != YEAR or period.month == 12:
            fail_usage(f"--period：示例省份只有 {YEAR} 年 1—11 月的月报（年终报表不加 --period）。")
        _interim(directory, scheme, period, PluginConfig.from_env(plugins_dir=plugins_dir))
        return
    files = write_demo(directory, scheme, plugins=PluginConfig.from_env(plugins_dir=plugins_dir))
    own = sorted({p for p in files.layouts.values() if p})
    click.echo(f"示例省份已写入 {directory}：")
    click.echo(f"  目标任务表：{files.targets}")
    click.echo(
        f"  各县报表：{files.submissions}（{len(files.layouts)} 份，其中自有格式 {sum(1 for p in files.layouts.values() if p)} 份：{'、'.join(own) or '无'}）"
    )
    click.echo("运行考核：")
    click.echo(
        f"  minsheng assess {files.submissions} --targets {files.targets} --deadline {DEADLINE.isoformat()} -o 考核结果.xlsx"
    )


def _interim(directory: Path, scheme, period, plugins) -> None:
    from ..demo import write_interim_demo

    files = write_interim_demo(directory, scheme, period, plugins=plugins)
    click.echo(f"示例省份{period.title}月报已写入 {directory}：")
    click.echo(f"  目标任务表（含进度计划）：{files.targets}")
    click.echo(f"  各县报表：{files.submissions}（{len(files.layouts)} 份）")
    history = f" --history {files.history}" if files.history else ""
    click.echo("运行进度通报：")
    click.echo(
        f"  minsheng progress {files.submissions} --targets {files.targets} --period {period}{history}"
        f" -o {period.title}进度通报.xlsx"
    )
