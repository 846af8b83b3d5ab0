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
def demo(directory: Path, scheme_source: str, plugins_dir: Path | None) -> None:
    """生成示例省份（江西 100 个县，2007 年）：目标任务表和各县报表。

    各县报表多为标准报表；少数县使用自己的格式（已安装对应插件时），另有缺报、逾期、文件损坏等情形，
    用来演示 minsheng assess。
    """
    from ..config import PluginConfig
    from ..demo import write_demo
    from ..example import DEADLINE

    try:
        scheme = load_scheme(scheme_source)
    except SchemeError as exc:
        fail_usage(exc)
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
