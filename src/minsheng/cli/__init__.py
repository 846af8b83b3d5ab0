"""The ``minsheng`` command line. Subcommands live in their own modules and load on first use,
so that ``minsheng --help`` stays fast (openpyxl, calamine and pluggy load only when needed).

Exit codes: 0 fine; 1 problems at or above ``--fail-on``; 2 usage errors or an unreadable required
input (the targets, the scheme).
"""

from __future__ import annotations

import importlib

import click

from ._chinese import install as _speak_chinese

_speak_chinese()  # click's own messages and --help boilerplate in Chinese (see _chinese.py)

# command name → "module:attribute", relative to this package
COMMANDS: dict[str, str] = {
    "assess": ".assess:assess",
    "validate": ".validate:validate",
    "progress": ".progress:progress",
    "demo": ".demo:demo",
    "scheme": ".scheme:scheme",
    "template": ".template:template",
    "plugins": ".plugins:plugins",
    "new-plugin": ".plugins:new_plugin",
    "inspect": ".inspect:inspect_files",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported when they are first used."""

    def invoke(self, ctx: click.Context) -> object:
        from ..files import OutputError

        try:
            return super().invoke(ctx)
        except OutputError as exc:  # an output that could not be written: say so, exit 2
            click.echo(f"错误：{exc}", err=True)
            raise SystemExit(2) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            module, attr = COMMANDS[cmd_name].split(":")
            return getattr(importlib.import_module(module, __name__), attr)
        command = super().get_command(ctx, cmd_name)
        if command is None:  # a command added by a plugin (minsheng_register_commands)
            from .plugins import plugin_command

            command = plugin_command(cmd_name)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    None, "--version", "-V", prog_name="minsheng", package_name="minsheng", message="%(prog)s %(version)s"
)
def main() -> None:
    """民生工程目标管理考核：读取各县报表，按考核方案评分、定等、排名，输出考核工作簿。

    \b
    常用命令：
      minsheng demo 目录            生成示例省份（100 个县）
      minsheng assess 报表目录 --targets 目标任务表.xlsx -o 考核结果.xlsx
      minsheng validate 报表目录 --targets 目标任务表.xlsx
      minsheng plugins              列出已安装的县级插件
      minsheng inspect 文件…        查看插件从报表文件中读到了什么（调试插件）

    退出码：0 正常；1 发现达到 --fail-on 级别的问题；2 用法错误或必需的输入无法读取。
    """


def run() -> None:
    """The ``minsheng`` program: :data:`main`, and once it is done, a Ctrl-C while Python shuts
    down (joining worker threads and processes) is ignored instead of printing a traceback."""
    import signal

    try:
        main()
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
