"""``minsheng plugins`` and ``minsheng new-plugin``: see what is installed, start a new plugin."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..convert import unstructure
from ..model import Severity

KIND_LABELS = {
    "builtin": "内置",
    "entry-point": "已安装",
    "plugins-dir": "插件目录",
    "registered": "代码注册",
}

plugins_dir_option = click.option(
    "--plugins-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    metavar="目录",
    help="另外加载该目录中的 .py 插件文件（未打包的县级插件）。",
)


@click.command("plugins")
@plugins_dir_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（供其他程序使用）。")
def plugins(plugins_dir: Path | None, as_json: bool) -> None:
    """列出已加载的插件：名称、版本、实现的钩子、来源，以及加载时发现的问题。

    有插件无法加载时退出码为 1。环境变量 MINSHENG_BLOCK_PLUGINS=名称1,名称2 屏蔽插件，
    MINSHENG_STRICT_PLUGINS=1 让加载错误直接报错，MINSHENG_TRACE_PLUGINS=1 跟踪每次钩子调用。
    """
    from ..config import PluginConfig
    from ..plugins import PluginHost

    host = PluginHost.from_config(PluginConfig.from_env(plugins_dir=plugins_dir))
    infos = host.plugins()
    errors = [p for p in host.problems if p.severity is Severity.ERROR]
    if as_json:
        data = {
            "plugins": [
                {
                    "name": i.name,
                    "version": i.version,
                    "hooks": list(i.hooks),
                    "kind": i.kind,
                    "source": i.source,
                }
                for i in infos
            ],
            "problems": unstructure(list(host.problems)),
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        if not infos:
            click.echo("没有加载任何插件。")
        for i in infos:
            click.echo(f"{i.name}  {i.version}  [{KIND_LABELS.get(i.kind, i.kind)}] {i.source}")
            click.echo(f"    钩子：{'、'.join(i.hooks) or '无'}")
        if host.problems:
            click.echo("", err=True)
            for p in host.problems:
                click.echo(f"[{p.code}] {p.message}", err=True)
    if errors:
        raise SystemExit(1)


@click.command("new-plugin")
@click.argument("name", metavar="名称")
@click.option(
    "-o",
    "--output",
    "parent",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    metavar="目录",
    help="在该目录下创建插件包 minsheng-名称/。",
)
@click.option(
    "--county", default="", metavar="县级代码", help="本县的 6 位行政区划代码（必填）；插件只认领本县的报表。"
)
def new_plugin(name: str, parent: Path, county: str) -> None:
    """生成一个县级插件包骨架：pyproject（含入口点、测试依赖和 ruff 设置）、插件模块、示例报表生成脚本（.xlsx 或 .xls）和测试。

    名称用小写英文字母、数字和连字符，例如县名拼音 wanan。生成后：

    \b
      minsheng new-plugin wanan --county 360828
      cd minsheng-wanan
      pip install -e ".[test]"
      python -m pytest
    """
    from ..plugins.scaffold import ScaffoldError, write_scaffold

    try:
        root = write_scaffold(name, parent, county)
    except ScaffoldError as exc:
        click.echo(f"错误：{exc}", err=True)
        raise SystemExit(2) from None
    click.echo(f"已生成插件包 {root}")
    click.echo(f'下一步：cd {root} && pip install -e ".[test]" && python -m pytest')


def plugin_command(name: str) -> click.Command | None:
    """The subcommand ``name`` added by an installed plugin (``minsheng_register_commands``).

    Built-in commands always win; a plugin that fails while adding its commands is reported on
    stderr and skipped.
    """
    from ..config import PluginConfig
    from ..plugins import PluginHost

    host = PluginHost.from_config(PluginConfig.from_env())
    group = click.Group()
    problems = host.register_commands(group)
    command = group.commands.get(name)
    if command is None:
        for p in [*host.problems, *problems]:
            if p.severity is Severity.ERROR:
                click.echo(f"[{p.code}] {p.message}", err=True)
    return command
