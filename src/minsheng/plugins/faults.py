"""The problems a plugin causes: ``plugin-error`` (it raised, or returned what cannot be used),
and the toolkit's own problem when a read raised a SheetError (the file, not the plugin, is at fault).
"""

from __future__ import annotations

from attrs import evolve

from ..model import Problem, Severity
from .returns import describe_error

#: SheetError codes that say a plugin looked for something the file does not have, not that it is broken
LOOKUP_CODES = frozenset(
    {"no-such-sheet", "table-not-found", "column-not-found", "plugin-header-mismatch", "total-row-not-found"}
)


def plugin_error(plugin: str, version: str, file: str | None, what: str, reason: str) -> Problem:
    """``plugin-error``: plugin ``plugin`` (``version``) did ``what`` while handling ``file``."""
    where = f"处理文件“{file}”" if file else "运行"
    return Problem(
        "plugin-error",
        f"插件“{plugin}”（版本 {version}）{where}时{what}：{reason}。"
        f"该文件已跳过，其他文件照常处理；请把此信息转给该插件的维护人员。",
        file=file,
        plugin=plugin,
    )


def failed(plugin: str, version: str, file: str | None, exc: BaseException) -> Problem:
    """A hook that raised: ``plugin-error`` with what it raised."""
    return plugin_error(plugin, version, file, "出错", describe_error(exc))


def read_failed(plugin: str, version: str, file: str, exc: BaseException) -> Problem:
    """A read that raised: the toolkit's own problem for a SheetError (a table not found,
    a missing sheet: the file is at fault), a ``plugin-error`` for anything else."""
    from ..sheets import SheetError

    if isinstance(exc, SheetError):
        problem = exc.problem(plugin=plugin)
        return problem if problem.file else evolve(problem, file=file)
    return failed(plugin, version, file, exc)


def claim_failed(plugin: str, version: str, file: str, exc: BaseException) -> Problem:
    """A claim that raised: the file's own problem when the toolkit found the file broken (a
    sheet that cannot be read, too large, unsafe), ``plugin-error`` otherwise (a sheet or table
    the plugin assumed and should have looked for first is not the file's fault)."""
    from ..sheets import SheetError

    if isinstance(exc, SheetError) and exc.code not in LOOKUP_CODES:
        return read_failed(plugin, version, file, exc)
    return failed(plugin, version, file, exc)


def file_at_fault(problems: list[Problem]) -> bool:
    """Whether a claim found the file itself unreadable (a toolkit code, not ``plugin-error``)."""
    return any(p.code != "plugin-error" and p.severity is Severity.ERROR for p in problems)
