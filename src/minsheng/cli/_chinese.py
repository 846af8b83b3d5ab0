"""click's own words in Chinese: usage lines, ``--help`` boilerplate and its error messages.

click marks every message it prints with gettext (``_("Missing option")``), and looks the
translation up when it prints. Those lookups depend on the machine's locale and on installed
catalogues; an office's machine should not decide whether a clerk reads English. So the CLI hands
click a fixed Chinese catalogue: :func:`install` points the ``_``/``ngettext`` of each click module
at :func:`gettext`/:func:`ngettext` below and gives the built-in parameter types Chinese names
(they show as metavars: ``--year 整数``). Installed once, when ``minsheng.cli`` is imported; a
message missing from the catalogue shows as click wrote it, and a test lists every message of the
installed click that has no translation here.
"""

from __future__ import annotations

import importlib

import click

#: click's messages (as written in click 8.1–8.3), with their Chinese.
MESSAGES: dict[str, str] = {
    # help pages
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "位置参数",
    "Show this message and exit.": "显示此帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "deprecated": "已弃用",
    "Confirm the action without prompting.": "不询问，直接确认。",
    "Do you want to continue?": "是否继续？",
    # errors
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行“{command} {option}”查看帮助。",
    "Aborted!": "已中断。",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有命令“{name}”。",
    "No such option {name!r}.": "没有选项“{name}”。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "Invalid value: {message}": "取值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "Could not open file {filename!r}: {message}": "无法打开文件“{filename}”：{message}",
    "unknown error": "未知错误",
    "Value must be an iterable.": "取值必须是一组值。",
    "Argument {name!r} takes {nargs} values.": "参数“{name}”需要 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项“{name}”不带取值。",
    "Invalid start character for option ({option})": "选项的起始字符无效（{option}）",
    "Error: invalid input": "错误：输入无效",
    "Error: The two entered values do not match.": "错误：两次输入的值不一致。",
    "Repeat for confirmation": "请再输入一次以确认",
    "Press any key to continue...": "按任意键继续……",
    # parameter types
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name}“{filename}”不存在。",
    "{name} {filename!r} is a file.": "{name}“{filename}”是文件，不是目录。",
    "{name} {filename!r} is a directory.": "{name}“{filename}”是目录，不是文件。",
    "{name} {filename!r} is not readable.": "{name}“{filename}”无法读取（没有权限）。",
    "{name} {filename!r} is not writable.": "{name}“{filename}”无法写入（没有权限）。",
    "{name} {filename!r} is not executable.": "{name}“{filename}”不可执行。",
    "{value!r} is not a valid {number_type}.": "“{value}”不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在 {range} 范围内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "“{value}”不是有效的是/否值，可用：{states}",
    "{value!r} is not a valid UUID.": "“{value}”不是有效的 UUID。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "Choice({choices})": "可选（{choices}）",
}

#: click's messages with a singular and a plural form; Chinese has one form.
PLURALS: dict[tuple[str, str], str] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): (
        "多余的参数（{args}）"
    ),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): (
        "需要 {nargs} 个值，给出了 {len} 个。"
    ),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): (
        "（是否要用：{possibilities}？）"
    ),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): (
        "选项“{name}”需要 {nargs} 个取值。"
    ),
    (
        "{len_type} values are required, but {len_value} was given.",
        "{len_type} values are required, but {len_value} were given.",
    ): "需要 {len_type} 个值，给出了 {len_value} 个。",
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."): (
        "“{value}”不符合格式 {formats}。"
    ),
    (
        "{value!r} is not {choice}.",
        "{value!r} is not one of {choices}.",
    ): "“{value}”不是可选值 {choices} 之一。",
}

#: the names the built-in parameter types show as metavars (upper-cased by click: no effect here)
TYPE_NAMES = {
    "STRING": "文本",
    "INT": "整数",
    "FLOAT": "数字",
    "BOOL": "是/否",
    "UUID": "UUID",
}
RANGE_NAMES = {"IntRange": "整数范围", "FloatRange": "数字范围"}

#: usage-line pieces click writes as fixed text
METAVARS = {"[OPTIONS]": "[选项]", "COMMAND [ARGS]...": "命令 [参数]..."}

CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "click.utils",
    "click._termui_impl",
    "click.shell_completion",
)


def gettext(message: str) -> str:
    translated = MESSAGES.get(message)
    return message if translated is None else translated


def ngettext(singular: str, plural: str, n: int) -> str:
    translated = PLURALS.get((singular, plural))
    if translated is None:
        return singular if n == 1 else plural
    return translated


_installed = False


def install() -> None:
    """Make click speak Chinese in this process (idempotent)."""
    global _installed
    if _installed:
        return
    for name in CLICK_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
    import click
    from click import types

    for attr, chinese in TYPE_NAMES.items():
        getattr(types, attr).name = chinese
    for cls, chinese in RANGE_NAMES.items():
        getattr(types, cls).name = chinese
    _translate_usage(click.Command)
    _translate_usage(click.Group)
    _end_in_chinese(click.MissingParameter)
    _installed = True


def _translate_usage(command_class: type[click.Command]) -> None:
    collect = command_class.collect_usage_pieces

    def collect_usage_pieces(self, ctx):
        return [METAVARS.get(piece, piece) for piece in collect(self, ctx)]

    command_class.collect_usage_pieces = collect_usage_pieces  # type: ignore[method-assign]


def _end_in_chinese(exception_class: type[click.ClickException]) -> None:
    """``缺少选项 '--targets'.`` → ``缺少选项 '--targets'。`` (click ends the sentence itself)."""
    format_message = exception_class.format_message

    def chinese_format_message(self):
        text = format_message(self)
        return text[:-1] + "。" if text.endswith(".") else text

    exception_class.format_message = chinese_format_message  # type: ignore[method-assign]
