"""Sample files: a plugin writes a submission in its own layout (``minsheng_write_sample``).

For trusted generators (``minsheng demo``, the examples, tests): nothing is isolated, every
failure raises :class:`~minsheng.plugins.returns.PluginError` naming the plugin.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Problem, Scheme, Submission
from .returns import PluginError, describe_error, short

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .host import PluginHost


def write_sample(host: PluginHost, plugin: str, path: Path, submission: Submission, scheme: Scheme) -> Path:
    """See :meth:`PluginHost.write_sample`."""
    file = str(path)
    loaded = [info.name for info in host.plugins()]
    if plugin not in loaded:
        raise PluginError(
            Problem(
                "plugin-not-found",
                f"没有加载名为“{plugin}”的插件，无法写示例文件“{file}”。已加载的插件：{'、'.join(loaded) or '无'}。",
                file=file,
                plugin=plugin,
            )
        )
    impls = host._impls("minsheng_write_sample", plugin)
    if not impls:
        raise PluginError(_error(host, plugin, file, "该插件没有实现 minsheng_write_sample"))
    path.parent.mkdir(parents=True, exist_ok=True)
    outcome = host._call(
        "minsheng_write_sample", impls[0], {"path": path, "submission": submission, "scheme": scheme}
    )
    if not outcome.ok:
        assert outcome.error is not None
        raise PluginError(_error(host, plugin, file, describe_error(outcome.error))) from outcome.error
    return _written(host, plugin, file, outcome.result)


def _written(host: PluginHost, plugin: str, file: str, result: object) -> Path:
    """The path a sample writer returned, if it names a file that was written."""
    if result is None:
        raise PluginError(_error(host, plugin, file, "插件没有写出文件（返回 None）"))
    if not isinstance(result, str | os.PathLike):
        reason = f"minsheng_write_sample 应返回写出的路径，实际返回了 {short.repr(result)}（{type(result).__name__}）"
        raise PluginError(_error(host, plugin, file, reason))
    written = Path(result)
    if not written.is_file():
        raise PluginError(_error(host, plugin, file, f"插件返回的路径“{written}”不是已写出的文件"))
    return written


def _error(host: PluginHost, plugin: str, file: str, reason: str) -> Problem:
    return Problem(
        "plugin-error",
        f"插件“{plugin}”（版本 {host._version(plugin)}）写示例文件“{file}”时出错：{reason}。"
        f"请把此信息转给该插件的维护人员。",
        file=file,
        plugin=plugin,
    )


__all__ = ["write_sample"]
