"""Loading and discovery: built-in plugins, installed plugins, loose ``.py`` files, given objects.

pluggy's ``load_setuptools_entrypoints`` lets an import error through and stops; here each plugin
is imported and registered on its own, and whatever goes wrong (an import error, a duplicate name,
a hook that is not marked, a misspelt hook name) becomes a problem naming the plugin, or is raised
when the :class:`~minsheng.config.PluginConfig` is strict.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.metadata
import importlib.util
import sys
from pathlib import Path

import pluggy
from attrs import frozen

from ..config import BLOCK_ENV, STRICT_ENV, PluginConfig
from ..model import Problem, Severity
from . import hookspecs
from .returns import describe_error

ENTRY_POINT_GROUP = "minsheng"

#: Built-in plugins, registered by module path through the same hooks as any county plugin.
DEFAULT_PLUGINS: dict[str, str] = {"standard-form": "minsheng.plugins.standard_form"}

#: The hooks a plugin can implement, in the order of the reference docs.
HOOKS: tuple[str, ...] = (
    "minsheng_claim",
    "minsheng_read",
    "minsheng_checks",
    "minsheng_register_commands",
    "minsheng_write_sample",
    "minsheng_indicators",
)

#: Where a plugin came from (``PluginInfo.kind``).
KIND_BUILTIN = "builtin"
KIND_ENTRY_POINT = "entry-point"
KIND_PLUGINS_DIR = "plugins-dir"
KIND_REGISTERED = "registered"


@frozen
class PluginInfo:
    """A loaded plugin: its name, version, the hooks it implements and where it came from.

    ``kind`` is ``builtin``, ``entry-point``, ``plugins-dir`` or ``registered`` (an object or
    module name given in :attr:`PluginConfig.plugins`); ``source`` is the module path,
    distribution or file behind it.
    """

    name: str
    version: str
    hooks: tuple[str, ...]
    source: str
    kind: str


@frozen
class LoadedPlugins:
    """What loading gave: the plugin manager, the plugins in load order and the problems."""

    pm: pluggy.PluginManager
    infos: dict[str, PluginInfo]
    problems: tuple[Problem, ...]


def load_plugins(config: PluginConfig) -> LoadedPlugins:
    """Load the built-in plugins, the installed ones (entry point group ``minsheng``), the loose
    ``.py`` files of ``config.plugins_dir`` and ``config.plugins``, in that order."""
    loader = _Loader(config)
    if config.defaults:
        from .. import __version__

        for name, module in DEFAULT_PLUGINS.items():
            loader.load_module(name, module, __version__, KIND_BUILTIN)
    if config.entry_points:
        loader.load_entry_points()
    if config.plugins_dir is not None:
        loader.load_dir(Path(config.plugins_dir))
    for item in config.plugins:
        loader.load_given(item)
    loader.check_pending()
    return LoadedPlugins(loader.pm, loader.infos, tuple(loader.problems))


class _Loader:
    def __init__(self, config: PluginConfig):
        self.strict = config.strict
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        for name in config.blocked:
            self.pm.set_blocked(name)
        self.infos: dict[str, PluginInfo] = {}
        self.problems: list[Problem] = []

    def skip_blocked(self, name: str, source: str) -> bool:
        if not self.pm.is_blocked(name):
            return False
        self.problems.append(
            Problem(
                "plugin-blocked",
                f"插件“{name}”（{source}）已按 {BLOCK_ENV} 的设置屏蔽，未加载。",
                severity=Severity.INFO,
                plugin=name,
            )
        )
        return True

    def import_failed(self, name: str, version: str, source: str, exc: BaseException) -> None:
        if self.strict:
            raise exc
        self.problems.append(
            Problem(
                "plugin-import-error",
                f"插件“{name}”（版本 {version}，来自 {source}）无法加载：{describe_error(exc)}。"
                f"该插件已跳过，其他插件照常工作；原本由它读取的报表会报告“没有插件认领”。"
                f"请把此信息转给该插件的维护人员；设置 {STRICT_ENV}=1 可看到完整的出错信息。",
                plugin=name,
            )
        )

    def load_module(self, name: str, module: str, version: str | None, kind: str) -> None:
        """Import ``module`` and register it; ``version=None`` takes the module's ``__version__``."""
        if self.skip_blocked(name, module):
            return
        try:
            obj = importlib.import_module(module)
        except (Exception, SystemExit) as exc:
            self.import_failed(name, version or "?", module, exc)
            return
        version = version or str(getattr(obj, "__version__", "") or "0")
        self.register(name, obj, version, kind, module)

    def load_given(self, item: object) -> None:
        """One of ``PluginConfig.plugins``: a module name, a ``(name, object)`` pair or an object."""
        if isinstance(item, str):
            self.load_module(item, item, None, KIND_REGISTERED)
            return
        if isinstance(item, tuple):
            name, obj = item
        else:
            name, obj = getattr(item, "__name__", None) or type(item).__name__, item
        version = str(getattr(obj, "__version__", "") or "0")
        self.register(name, obj, version, KIND_REGISTERED, getattr(obj, "__name__", repr(obj)))

    def load_entry_points(self) -> None:
        seen: set[tuple[str, str]] = set()
        for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            if (ep.name, ep.value) in seen:
                continue
            seen.add((ep.name, ep.value))
            dist = ep.dist
            version = dist.version if dist is not None else "?"
            dist_name = dist.metadata["Name"] if dist is not None else "?"
            source = f"{dist_name} {version}（{ep.value}）"
            if self.skip_blocked(ep.name, source):
                continue
            try:
                obj = ep.load()
            except (Exception, SystemExit) as exc:
                self.import_failed(ep.name, version, source, exc)
                continue
            self.register(ep.name, obj, version, KIND_ENTRY_POINT, source)

    def load_dir(self, directory: Path) -> None:
        if not directory.is_dir():
            if self.strict:
                raise FileNotFoundError(f"插件目录“{directory}”不存在或不是目录")
            self.problems.append(
                Problem(
                    "plugins-dir-not-found", f"插件目录“{directory}”不存在或不是目录；未从中加载任何插件。"
                )
            )
            return
        for path in sorted(directory.glob("*.py")):
            if not path.name.startswith(("_", ".")):
                self.load_file(path)

    def load_file(self, path: Path) -> None:
        name = path.stem
        if self.skip_blocked(name, str(path)):
            return
        module_name = f"minsheng_local_plugin_{name}"
        try:
            spec = importlib.util.spec_from_file_location(module_name, path)
            if spec is None or spec.loader is None:
                raise ImportError(f"无法作为 Python 模块载入：{path}")
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            try:
                spec.loader.exec_module(module)
            except BaseException:
                sys.modules.pop(module_name, None)
                raise
        except (Exception, SystemExit) as exc:
            self.import_failed(name, "local", str(path), exc)
            return
        version = str(getattr(module, "__version__", "") or "local")
        self.register(name, module, version, KIND_PLUGINS_DIR, str(path))

    def register(self, name: str, obj: object, version: str, kind: str, source: str) -> None:
        if self.skip_blocked(name, source):
            return
        if name in self.infos:
            first = self.infos[name]
            self.problems.append(
                Problem(
                    "plugin-duplicate-name",
                    f"插件名称“{name}”重复：{source} 与先加载的 {first.source} 同名，已跳过前者。"
                    f"请给其中一个改名（插件目录里的文件名，或包的入口点名称）。",
                    plugin=name,
                )
            )
            return
        try:
            self.pm.register(obj, name=name)
        except (ValueError, pluggy.PluginValidationError) as exc:
            # pluggy may have registered part of the plugin before the error: undo that.
            if self.pm.get_plugin(name) is obj:
                self.pm.unregister(name=name)
            self.import_failed(name, version, source, exc)
            return
        hooks = tuple(sorted({c.name for c in self.pm.get_hookcallers(obj) or ()}))
        self.infos[name] = PluginInfo(name=name, version=version, hooks=hooks, source=source, kind=kind)
        unmarked = _unmarked_hooks(obj)
        for attr in unmarked:
            self.problems.append(
                Problem(
                    "plugin-unmarked-hook",
                    f"插件“{name}”中的函数 {attr} 没有 @hookimpl 标记，不会被调用；"
                    f"请在函数前加一行 @hookimpl（from minsheng.plugins import hookimpl）。",
                    severity=Severity.WARNING,
                    plugin=name,
                )
            )
        if not hooks and not unmarked:
            self.problems.append(
                Problem(
                    "plugin-no-hooks",
                    f"插件“{name}”（{source}）没有实现任何钩子，不会起作用。",
                    severity=Severity.WARNING,
                    plugin=name,
                )
            )

    def check_pending(self) -> None:
        """Report each hook implementation whose hook does not exist (a typo in a plugin)."""
        if self.strict:
            self.pm.check_pending()
            return
        for hook_name, caller in vars(self.pm.hook).items():
            if hook_name.startswith("_") or caller.has_spec():
                continue
            for impl in caller.get_hookimpls():
                if impl.optionalhook:
                    continue
                guess = difflib.get_close_matches(hook_name, HOOKS, n=1)
                hint = f"是不是想写 {guess[0]}？" if guess else f"可用的钩子：{'、'.join(HOOKS)}。"
                self.problems.append(
                    Problem(
                        "plugin-unknown-hook",
                        f"插件“{impl.plugin_name}”实现了不存在的钩子 {hook_name}，它不会被调用。{hint}",
                        plugin=impl.plugin_name,
                    )
                )


def _unmarked_hooks(obj: object) -> list[str]:
    """``minsheng_*`` functions of a plugin without the ``@hookimpl`` mark (never called)."""
    marker = f"{hookspecs.PROJECT}_impl"
    return [
        attr
        for attr in dir(obj)
        if attr.startswith("minsheng_")
        and callable(getattr(obj, attr, None))
        and not hasattr(getattr(obj, attr), marker)
    ]


__all__ = [
    "DEFAULT_PLUGINS",
    "ENTRY_POINT_GROUP",
    "HOOKS",
    "KIND_BUILTIN",
    "KIND_ENTRY_POINT",
    "KIND_PLUGINS_DIR",
    "KIND_REGISTERED",
    "LoadedPlugins",
    "PluginInfo",
    "load_plugins",
]
