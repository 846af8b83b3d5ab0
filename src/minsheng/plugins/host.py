"""The plugin host: finds plugins, calls each one on its own, and turns every failure into a problem.

The rest of minsheng talks to plugins only through :class:`PluginHost` (and
:func:`read_county_file` in worker processes), never through ``pm.hook.*``: pluggy stops a hook
call at the first exception and ``load_setuptools_entrypoints`` lets an import error through, so
the host loads each plugin and calls each hook implementation separately and catches per plugin.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.metadata
import importlib.util
import math
import os
import reprlib
import sys
import traceback
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy
from attrs import evolve, frozen

from ..model import Problem, Provenance, Scheme, Severity, Submission, Value
from . import hookspecs
from .context import ReadContext

if TYPE_CHECKING:  # pragma: no cover - typing only
    import click

    from ..sheets import Workbook

ENTRY_POINT_GROUP = "minsheng"
STRICT_ENV = "MINSHENG_STRICT_PLUGINS"
BLOCK_ENV = "MINSHENG_BLOCK_PLUGINS"
TRACE_ENV = "MINSHENG_TRACE_PLUGINS"

#: Built-in plugins, registered by module path through the same hooks as any county plugin.
DEFAULT_PLUGINS: dict[str, str] = {"standard-form": "minsheng.plugins.standard_form"}

#: The hooks a plugin can implement, in the order of the reference docs.
HOOKS: tuple[str, ...] = (
    "minsheng_claim",
    "minsheng_read",
    "minsheng_checks",
    "minsheng_register_commands",
    "minsheng_write_sample",
)

#: Where a plugin came from (``PluginInfo.kind``).
KIND_BUILTIN = "builtin"
KIND_ENTRY_POINT = "entry-point"
KIND_PLUGINS_DIR = "plugins-dir"
KIND_REGISTERED = "registered"

_TRUE = {"1", "true", "yes", "on"}


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in _TRUE


def _env_list(name: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, "").split(",") if part.strip()]


class PluginError(Exception):
    """Raised in strict mode when a plugin returns something unusable, and by
    :meth:`PluginHost.write_sample` when a plugin cannot write a sample (its problem attached)."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(f"[{problem.code}] {problem.message}")


@frozen
class PluginInfo:
    """A loaded plugin: its name, version, the hooks it implements and where it came from.

    ``kind`` is ``builtin``, ``entry-point``, ``plugins-dir`` or ``registered`` (an object handed
    to :meth:`PluginHost.load`); ``source`` is the module path, distribution or file behind it.
    """

    name: str
    version: str
    hooks: tuple[str, ...]
    source: str
    kind: str


@frozen
class FileMatch:
    """Which plugin reads one file: every plugin's answer and the winner (``None``: no winner)."""

    path: Path
    plugin: str | None
    confidence: float | None
    claims: tuple[tuple[str, float | None], ...] = ()
    problems: tuple[Problem, ...] = ()


@frozen
class ReadResult:
    """One file read by one plugin: the submission (``None`` if it could not be read), the
    problems found on the way (each naming the file and the plugin), and the file's sha256 for
    the cover sheet. Picklable, for worker processes."""

    path: str
    submission: Submission | None
    problems: tuple[Problem, ...] = ()
    plugin: str | None = None
    plugin_version: str | None = None
    sha256: str | None = None
    confidence: float | None = None

    @property
    def ok(self) -> bool:
        """Whether a submission was read (problems may still be attached)."""
        return self.submission is not None

    @property
    def version(self) -> str | None:
        """The plugin's version (same as ``plugin_version``)."""
        return self.plugin_version

    @property
    def file(self) -> str:
        """The input path as given (same as ``path``)."""
        return self.path


@frozen
class _Outcome:
    ok: bool
    result: Any = None
    error: BaseException | None = None


def _where(exc: BaseException) -> str:
    """``（位置：plugin.py 第 12 行）`` for the innermost frame of a traceback, if there is one."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    return f"（位置：{Path(last.filename).name} 第 {last.lineno} 行）"


def _describe_error(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}{_where(exc)}" if text else f"{type(exc).__name__}{_where(exc)}"


_short = reprlib.Repr()
_short.maxstring = 80
_short.maxother = 80
_short.maxlist = 5
_short.maxdict = 5


class PluginHost:
    """The loaded plugins and the only way the rest of minsheng calls them.

    Build one with :meth:`load`. Every call into a plugin is isolated: an exception or an
    unusable return value becomes a ``plugin-error`` problem for that file (or re-raises when
    ``strict``), and the run goes on.
    """

    def __init__(self, pm: pluggy.PluginManager, *, strict: bool = False, trace: bool = False):
        self._pm = pm
        self.strict = strict
        self.trace = trace
        self._infos: dict[str, PluginInfo] = {}
        self._problems: list[Problem] = []
        self.blocked: tuple[str, ...] = ()

    # ----------------------------------------------------------------------------------------
    # Loading

    @classmethod
    def load(
        cls,
        plugins_dir: str | os.PathLike[str] | None = None,
        strict: bool | None = None,
        blocked: Iterable[str] | None = None,
        *,
        trace: bool | None = None,
        plugins: Iterable[object | tuple[str, object]] = (),
        defaults: bool = True,
        entry_points: bool = True,
    ) -> PluginHost:
        """Load the built-in plugins, installed plugins (entry point group ``minsheng``), the loose
        ``.py`` files of ``plugins_dir`` and any ``plugins`` objects given (``(name, object)`` or a
        module), in that order.

        ``strict``, ``blocked`` and ``trace`` default to the environment variables
        ``MINSHENG_STRICT_PLUGINS=1``, ``MINSHENG_BLOCK_PLUGINS=name1,name2`` and
        ``MINSHENG_TRACE_PLUGINS=1``. A plugin that fails to load is skipped and reported in
        :attr:`problems` (``plugin-import-error``), or re-raised when strict.
        """
        strict = _env_flag(STRICT_ENV) if strict is None else strict
        trace = _env_flag(TRACE_ENV) if trace is None else trace
        blocked_names = _env_list(BLOCK_ENV) if blocked is None else [b for b in blocked if b]
        pm = pluggy.PluginManager(hookspecs.PROJECT)
        pm.add_hookspecs(hookspecs)
        for name in blocked_names:
            pm.set_blocked(name)
        host = cls(pm, strict=strict, trace=trace)
        host.blocked = tuple(blocked_names)
        if defaults:
            from .. import __version__

            for name, module in DEFAULT_PLUGINS.items():
                host._load_module(name, module, __version__, KIND_BUILTIN)
        if entry_points:
            host._load_entry_points()
        if plugins_dir is not None:
            host._load_dir(Path(plugins_dir))
        for item in plugins:
            if isinstance(item, tuple):
                name, obj = item
            else:
                name, obj = getattr(item, "__name__", None) or type(item).__name__, item
            version = str(getattr(obj, "__version__", "") or "0")
            host._register(name, obj, version, KIND_REGISTERED, getattr(obj, "__name__", repr(obj)))
        host._check_pending()
        return host

    def _skip_blocked(self, name: str, source: str) -> bool:
        if not self._pm.is_blocked(name):
            return False
        self._problems.append(
            Problem(
                "plugin-blocked",
                f"插件“{name}”（{source}）已按 {BLOCK_ENV} 的设置屏蔽，未加载。",
                severity=Severity.INFO,
                plugin=name,
            )
        )
        return True

    def _import_failed(self, name: str, version: str, source: str, exc: BaseException) -> None:
        if self.strict:
            raise exc
        self._problems.append(
            Problem(
                "plugin-import-error",
                f"插件“{name}”（版本 {version}，来自 {source}）无法加载：{_describe_error(exc)}。"
                f"该插件已跳过，其他插件照常工作；原本由它读取的报表会报告“没有插件认领”。"
                f"请把此信息转给该插件的维护人员；设置 {STRICT_ENV}=1 可看到完整的出错信息。",
                plugin=name,
            )
        )

    def _load_module(self, name: str, module: str, version: str, kind: str) -> None:
        if self._skip_blocked(name, module):
            return
        try:
            obj = importlib.import_module(module)
        except (Exception, SystemExit) as exc:
            self._import_failed(name, version, module, exc)
            return
        self._register(name, obj, version, kind, module)

    def _load_entry_points(self) -> None:
        seen: set[tuple[str, str]] = set()
        for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            if (ep.name, ep.value) in seen:
                continue
            seen.add((ep.name, ep.value))
            dist = ep.dist
            version = dist.version if dist is not None else "?"
            dist_name = dist.metadata["Name"] if dist is not None else "?"
            source = f"{dist_name} {version}（{ep.value}）"
            if self._skip_blocked(ep.name, source):
                continue
            try:
                obj = ep.load()
            except (Exception, SystemExit) as exc:
                self._import_failed(ep.name, version, source, exc)
                continue
            self._register(ep.name, obj, version, KIND_ENTRY_POINT, source)

    def _load_dir(self, directory: Path) -> None:
        if not directory.is_dir():
            exc = FileNotFoundError(f"插件目录“{directory}”不存在或不是目录")
            if self.strict:
                raise exc
            self._problems.append(
                Problem(
                    "plugins-dir-not-found", f"插件目录“{directory}”不存在或不是目录；未从中加载任何插件。"
                )
            )
            return
        for path in sorted(directory.glob("*.py")):
            if path.name.startswith(("_", ".")):
                continue
            name = path.stem
            if self._skip_blocked(name, str(path)):
                continue
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
                self._import_failed(name, "local", str(path), exc)
                continue
            version = str(getattr(module, "__version__", "") or "local")
            self._register(name, module, version, KIND_PLUGINS_DIR, str(path))

    def _register(self, name: str, obj: object, version: str, kind: str, source: str) -> None:
        if self._skip_blocked(name, source):
            return
        if name in self._infos:
            first = self._infos[name]
            self._problems.append(
                Problem(
                    "plugin-duplicate-name",
                    f"插件名称“{name}”重复：{source} 与先加载的 {first.source} 同名，已跳过前者。"
                    f"请给其中一个改名（插件目录里的文件名，或包的入口点名称）。",
                    plugin=name,
                )
            )
            return
        try:
            self._pm.register(obj, name=name)
        except (ValueError, pluggy.PluginValidationError) as exc:
            # pluggy may have registered part of the plugin before the error: undo that.
            if self._pm.get_plugin(name) is obj:
                self._pm.unregister(name=name)
            self._import_failed(name, version, source, exc)
            return
        hooks = tuple(sorted({c.name for c in self._pm.get_hookcallers(obj) or ()}))
        self._infos[name] = PluginInfo(name=name, version=version, hooks=hooks, source=source, kind=kind)
        marker = f"{hookspecs.PROJECT}_impl"
        unmarked = [
            attr
            for attr in dir(obj)
            if attr.startswith("minsheng_")
            and callable(getattr(obj, attr, None))
            and not hasattr(getattr(obj, attr), marker)
        ]
        for attr in unmarked:
            self._problems.append(
                Problem(
                    "plugin-unmarked-hook",
                    f"插件“{name}”中的函数 {attr} 没有 @hookimpl 标记，不会被调用；"
                    f"请在函数前加一行 @hookimpl（from minsheng.plugins import hookimpl）。",
                    severity=Severity.WARNING,
                    plugin=name,
                )
            )
        if not hooks and not unmarked:
            self._problems.append(
                Problem(
                    "plugin-no-hooks",
                    f"插件“{name}”（{source}）没有实现任何钩子，不会起作用。",
                    severity=Severity.WARNING,
                    plugin=name,
                )
            )

    def _check_pending(self) -> None:
        """Report each hook implementation whose hook does not exist (a typo in a plugin)."""
        if self.strict:
            self._pm.check_pending()
            return
        for hook_name, caller in vars(self._pm.hook).items():
            if hook_name.startswith("_") or caller.has_spec():
                continue
            for impl in caller.get_hookimpls():
                if impl.optionalhook:
                    continue
                guess = difflib.get_close_matches(hook_name, HOOKS, n=1)
                hint = f"是不是想写 {guess[0]}？" if guess else f"可用的钩子：{'、'.join(HOOKS)}。"
                self._problems.append(
                    Problem(
                        "plugin-unknown-hook",
                        f"插件“{impl.plugin_name}”实现了不存在的钩子 {hook_name}，它不会被调用。{hint}",
                        plugin=impl.plugin_name,
                    )
                )

    # ----------------------------------------------------------------------------------------
    # What is loaded

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Problems found while loading plugins (import errors, typos, blocked plugins)."""
        return tuple(self._problems)

    def plugins(self) -> list[PluginInfo]:
        """Every loaded plugin, in load order."""
        return list(self._infos.values())

    def plugin(self, name: str) -> PluginInfo:
        """The loaded plugin called ``name`` (KeyError if none)."""
        return self._infos[name]

    # ----------------------------------------------------------------------------------------
    # Calling plugins, one at a time

    def _impls(self, hook_name: str, plugin: str | None = None) -> list[pluggy.HookImpl]:
        caller = getattr(self._pm.hook, hook_name)
        order = {name: i for i, name in enumerate(self._infos)}
        impls = [
            impl
            for impl in caller.get_hookimpls()
            if not (impl.wrapper or impl.hookwrapper) and impl.plugin_name in order
        ]
        if plugin is not None:
            impls = [impl for impl in impls if impl.plugin_name == plugin]
        return sorted(impls, key=lambda impl: order[impl.plugin_name])

    def _trace(self, text: str) -> None:
        print(f"minsheng-trace: {text}", file=sys.stderr, flush=True)

    def _call(self, hook_name: str, impl: pluggy.HookImpl, kwargs: dict[str, Any]) -> _Outcome:
        args = [kwargs[name] for name in impl.argnames]
        if self.trace:
            shown = ", ".join(f"{name}={_short.repr(kwargs[name])}" for name in impl.argnames)
            self._trace(f"{hook_name} [{impl.plugin_name}] ({shown})")
        try:
            result = impl.function(*args)
        except (Exception, SystemExit) as exc:
            if self.trace:
                self._trace(f"{hook_name} [{impl.plugin_name}] raised {type(exc).__name__}: {exc}")
            if self.strict:
                raise
            return _Outcome(False, error=exc)
        if self.trace:
            self._trace(f"{hook_name} [{impl.plugin_name}] -> {_short.repr(result)}")
        return _Outcome(True, result)

    def _version(self, plugin: str) -> str:
        info = self._infos.get(plugin)
        return info.version if info else "?"

    def _plugin_error(self, plugin: str, file: str | None, what: str, reason: str) -> Problem:
        where = f"处理文件“{file}”" if file else "运行"
        problem = Problem(
            "plugin-error",
            f"插件“{plugin}”（版本 {self._version(plugin)}）{where}时{what}：{reason}。"
            f"该文件已跳过，其他文件照常处理；请把此信息转给该插件的维护人员。",
            file=file,
            plugin=plugin,
        )
        return problem

    def _failed(self, plugin: str, file: str | None, exc: BaseException) -> Problem:
        return self._plugin_error(plugin, file, "出错", _describe_error(exc))

    def _read_failed(self, plugin: str, file: str, exc: BaseException) -> Problem:
        """A read that raised: the toolkit's own problem for a SheetError (a table not found,
        a missing sheet: the file is at fault), a ``plugin-error`` for anything else."""
        from ..sheets import SheetError

        if isinstance(exc, SheetError):
            problem = exc.problem(plugin=plugin)
            return problem if problem.file else evolve(problem, file=file)
        return self._failed(plugin, file, exc)

    def _claim_failed(self, plugin: str, file: str, exc: BaseException) -> Problem:
        """A claim that raised: the file's own problem when the toolkit found the file broken (a
        sheet that cannot be read, too large, unsafe), ``plugin-error`` otherwise (a sheet or table
        the plugin assumed and should have looked for first is not the file's fault)."""
        from ..sheets import SheetError

        if isinstance(exc, SheetError) and exc.code not in _LOOKUP_CODES:
            return self._read_failed(plugin, file, exc)
        return self._failed(plugin, file, exc)

    def _unusable(self, plugin: str, file: str | None, reason: str) -> Problem:
        problem = self._plugin_error(plugin, file, "返回了无法使用的结果", reason)
        if self.strict:
            raise PluginError(problem)
        return problem

    # ----------------------------------------------------------------------------------------
    # Files

    def open(self, path: str | os.PathLike[str]) -> tuple[Workbook | None, list[Problem]]:
        """Open a county file once with :func:`minsheng.sheets.open_workbook`.

        An unreadable file gives ``(None, [problem])`` with the toolkit's code.
        """
        from ..sheets import SheetError, open_workbook

        try:
            return open_workbook(Path(path)), []
        except SheetError as exc:
            problem = exc.problem()
            return None, [problem if problem.file else evolve(problem, file=str(path))]
        except (OSError, ValueError) as exc:
            if self.strict:
                raise
            return None, [
                Problem(
                    "file-unreadable",
                    f"无法打开文件“{path}”：{_describe_error(exc)}。请确认文件存在、未被占用，并且是 Excel 或 WPS 表格文件。",
                    file=str(path),
                )
            ]

    def claim(self, path: str | os.PathLike[str], book: Workbook | None = None) -> FileMatch:
        """Ask every plugin whether it reads ``path``; the most sure one wins.

        ``book`` is the file already opened (it is opened here if not given, and then closed).
        """
        path = Path(path)
        file = str(path)
        opened_here = book is None
        if book is None:
            book, problems = self.open(path)
            if book is None:
                return FileMatch(path, None, None, (), tuple(problems))
        try:
            return self._claim(path, file, book)
        finally:
            if opened_here:
                _close(book)

    def _claim(self, path: Path, file: str, book: Workbook) -> FileMatch:
        problems: list[Problem] = []
        claims: list[tuple[str, float | None]] = []
        tried: list[str] = []
        for impl in self._impls("minsheng_claim"):
            name = impl.plugin_name
            outcome = self._call("minsheng_claim", impl, {"path": path, "book": book})
            if not outcome.ok:
                assert outcome.error is not None
                problem = self._claim_failed(name, file, outcome.error)
                if not any((p.code, p.message) == (problem.code, problem.message) for p in problems):
                    problems.append(problem)
                tried.append(f"{name}（出错）")
                claims.append((name, None))
                continue
            confidence, reason = _confidence(outcome.result)
            if reason is not None:
                problems.append(self._unusable(name, file, f"minsheng_claim {reason}"))
                tried.append(f"{name}（返回值无效）")
                claims.append((name, None))
                continue
            claims.append((name, confidence))
            tried.append(f"{name}（不认领）" if confidence is None else f"{name}（{confidence:g}）")
        sure = [(n, c) for n, c in claims if c is not None]
        if not sure and _file_at_fault(problems):  # the file's own problem says it all
            return FileMatch(path, None, None, tuple(claims), tuple(problems))
        if not sure:
            listing = "、".join(tried) if tried else "没有任何插件实现 minsheng_claim"
            hidden = _hidden_sheets(book)
            hint = f"文件中有隐藏的工作表（{'、'.join(hidden)}），数据不应放在隐藏表中；" if hidden else ""
            problems.append(
                Problem(
                    "no-plugin",
                    f"没有插件认领文件“{file}”。已尝试：{listing}。{hint}请确认这是本县的报表且格式未被改动，"
                    f"或为这种格式安装、编写插件（minsheng plugins 列出已安装的插件）。",
                    file=file,
                )
            )
            return FileMatch(path, None, None, tuple(claims), tuple(problems))
        best = max(c for _, c in sure)
        winners = [n for n, c in sure if c == best]
        if len(winners) > 1:
            names = "、".join(f"“{n}”" for n in winners)
            problems.append(
                Problem(
                    "ambiguous-plugin",
                    f"文件“{file}”被插件 {names} 以同样的把握（{best:g}）认领，无法确定由谁读取，已跳过。"
                    f"请用 {BLOCK_ENV} 屏蔽其中一个，或请插件维护人员调整 minsheng_claim。",
                    file=file,
                    plugin=",".join(winners),
                )
            )
            return FileMatch(path, None, best, tuple(claims), tuple(problems))
        return FileMatch(path, winners[0], best, tuple(claims), tuple(problems))

    def match(self, paths: Iterable[str | os.PathLike[str]]) -> tuple[list[tuple[Path, str]], list[Problem]]:
        """Give each file to exactly one plugin: ``([(path, plugin name)], problems)``.

        Files that no plugin claims, that two plugins claim equally, or that cannot be opened are
        left out of the list and explained in the problems.
        """
        matched: list[tuple[Path, str]] = []
        problems: list[Problem] = []
        for path in paths:
            m = self.claim(path)
            problems.extend(m.problems)
            if m.plugin is not None:
                matched.append((m.path, m.plugin))
        return matched, problems

    def read(
        self,
        path: str | os.PathLike[str],
        plugin_name: str,
        scheme: Scheme,
        year: int,
        *,
        book: Workbook | None = None,
        checks: bool = True,
    ) -> ReadResult:
        """Read ``path`` with the plugin ``plugin_name``; validate and stamp what it returns.

        Every value of the submission gets the file, plugin and version in its provenance where
        the plugin left them empty. With ``checks``, every plugin's :func:`minsheng_checks` runs
        on the submission and its problems are added.
        """
        path = Path(path)
        file = str(path)
        digest = _sha256(path)
        if plugin_name not in self._infos:
            return ReadResult(
                file,
                None,
                (
                    Problem(
                        "plugin-not-found",
                        f"没有加载名为“{plugin_name}”的插件，无法读取文件“{file}”。"
                        f"已加载的插件：{'、'.join(self._infos) or '无'}。",
                        file=file,
                        plugin=plugin_name,
                    ),
                ),
                plugin_name,
                sha256=digest,
            )
        version = self._version(plugin_name)
        impls = self._impls("minsheng_read", plugin_name)
        if not impls:
            problem = self._plugin_error(plugin_name, file, "无法读取", "该插件没有实现 minsheng_read")
            return ReadResult(file, None, (problem,), plugin_name, version, digest)
        opened_here = book is None
        if book is None:
            book, problems = self.open(path)
            if book is None:
                return ReadResult(file, None, tuple(problems), plugin_name, version, digest)
        context = ReadContext(scheme=scheme, year=year, plugin=plugin_name, plugin_version=version, file=file)
        try:
            outcome = self._call("minsheng_read", impls[0], {"path": path, "book": book, "context": context})
        finally:
            if opened_here:
                _close(book)
        problems = list(context.problems)
        if not outcome.ok:
            assert outcome.error is not None
            problems.append(self._read_failed(plugin_name, file, outcome.error))
            return ReadResult(file, None, tuple(problems), plugin_name, version, digest)
        reasons = _submission_problems(outcome.result)
        if reasons:
            problems.append(self._unusable(plugin_name, file, "minsheng_read " + "；".join(reasons)))
            return ReadResult(file, None, tuple(problems), plugin_name, version, digest)
        submission = _stamp(outcome.result, file, plugin_name, version)
        if checks:
            problems.extend(self.check(submission, scheme))
        return ReadResult(file, submission, tuple(problems), plugin_name, version, digest)

    def check(self, submission: Submission, scheme: Scheme) -> list[Problem]:
        """Run every plugin's :func:`minsheng_checks` on a submission; each plugin on its own."""
        file = submission.source.file
        problems: list[Problem] = []
        for impl in self._impls("minsheng_checks"):
            name = impl.plugin_name
            outcome = self._call("minsheng_checks", impl, {"submission": submission, "scheme": scheme})
            if not outcome.ok:
                assert outcome.error is not None
                problems.append(self._failed(name, file, outcome.error))
                continue
            result = outcome.result
            if result is None:
                continue
            if not isinstance(result, list | tuple) or not all(isinstance(p, Problem) for p in result):
                problems.append(
                    self._unusable(
                        name,
                        file,
                        f"minsheng_checks 应返回 minsheng.Problem 的列表，实际是 {_short.repr(result)}",
                    )
                )
                continue
            problems.extend(
                evolve(p, plugin=p.plugin or name, county=p.county or submission.county, file=p.file or file)
                for p in result
            )
        return problems

    def register_commands(self, cli: click.Group) -> list[Problem]:
        """Let every plugin add subcommands to ``cli``; a failing plugin is reported and skipped."""
        problems: list[Problem] = []
        for impl in self._impls("minsheng_register_commands"):
            outcome = self._call("minsheng_register_commands", impl, {"cli": cli})
            if not outcome.ok:
                assert outcome.error is not None
                problems.append(self._failed(impl.plugin_name, None, outcome.error))
        return problems

    # ----------------------------------------------------------------------------------------
    # Sample files

    def sample_writers(self) -> list[str]:
        """The names of the plugins that implement :func:`minsheng_write_sample`, sorted."""
        return sorted(impl.plugin_name for impl in self._impls("minsheng_write_sample"))

    def write_sample(
        self, plugin_name: str, path: str | os.PathLike[str], submission: Submission, scheme: Scheme
    ) -> Path:
        """Write ``submission`` as a file in the layout of plugin ``plugin_name``; return its path.

        For trusted generators (``minsheng demo``, examples, tests), so nothing is isolated here:
        an unknown plugin, a plugin without the hook, an exception in it or a path that was not
        written raises :class:`PluginError` naming the plugin (in strict mode the plugin's own
        exception propagates). The folder of ``path`` is created first.
        """
        path = Path(path)
        file = str(path)
        if plugin_name not in self._infos:
            raise PluginError(
                Problem(
                    "plugin-not-found",
                    f"没有加载名为“{plugin_name}”的插件，无法写示例文件“{file}”。"
                    f"已加载的插件：{'、'.join(self._infos) or '无'}。",
                    file=file,
                    plugin=plugin_name,
                )
            )
        impls = self._impls("minsheng_write_sample", plugin_name)
        if not impls:
            raise PluginError(self._sample_error(plugin_name, file, "该插件没有实现 minsheng_write_sample"))
        path.parent.mkdir(parents=True, exist_ok=True)
        outcome = self._call(
            "minsheng_write_sample", impls[0], {"path": path, "submission": submission, "scheme": scheme}
        )
        if not outcome.ok:
            assert outcome.error is not None
            raise PluginError(
                self._sample_error(plugin_name, file, _describe_error(outcome.error))
            ) from outcome.error
        result = outcome.result
        if result is None:
            raise PluginError(self._sample_error(plugin_name, file, "插件没有写出文件（返回 None）"))
        if not isinstance(result, str | os.PathLike):
            raise PluginError(
                self._sample_error(
                    plugin_name,
                    file,
                    f"minsheng_write_sample 应返回写出的路径，实际返回了 {_short.repr(result)}"
                    f"（{type(result).__name__}）",
                )
            )
        written = Path(result)
        if not written.is_file():
            raise PluginError(
                self._sample_error(plugin_name, file, f"插件返回的路径“{written}”不是已写出的文件")
            )
        return written

    def _sample_error(self, plugin: str, file: str, reason: str) -> Problem:
        return Problem(
            "plugin-error",
            f"插件“{plugin}”（版本 {self._version(plugin)}）写示例文件“{file}”时出错：{reason}。"
            f"请把此信息转给该插件的维护人员。",
            file=file,
            plugin=plugin,
        )


#: SheetError codes that say a plugin looked for something the file does not have, not that it is broken
_LOOKUP_CODES = frozenset({"no-such-sheet", "table-not-found", "column-not-found"})


def _file_at_fault(problems: list[Problem]) -> bool:
    """Whether a claim found the file itself unreadable (a toolkit code, not ``plugin-error``)."""
    return any(p.code != "plugin-error" and p.severity is Severity.ERROR for p in problems)


def _hidden_sheets(book: Workbook) -> list[str]:
    """The names of a workbook's hidden sheets (for the no-plugin message); none if it cannot tell."""
    try:
        return [n for n in book.sheet_names if book.visibility(n) != "visible"]
    except Exception:  # a broken workbook object must not turn a clear problem into a crash
        return []


def _sha256(path: Path) -> str | None:
    from ..files import sha256_file

    try:
        return sha256_file(path)
    except OSError:
        return None


def _close(book: object) -> None:
    close = getattr(book, "close", None)
    if callable(close):
        close()


def _confidence(value: object) -> tuple[float | None, str | None]:
    """A claim's confidence, or the reason it is unusable. ``None`` and 0 mean "not ours"."""
    if value is None:
        return None, None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return (
            None,
            f"应返回 0 到 1 之间的数或 None，实际返回了 {_short.repr(value)}（{type(value).__name__}）",
        )
    number = float(value)
    if math.isnan(number) or not 0 <= number <= 1:
        return None, f"返回的把握 {value} 不在 0 到 1 之间"
    return (number or None), None


def _submission_problems(result: object) -> list[str]:
    """Why ``result`` is not a usable Submission (empty when it is)."""
    if not isinstance(result, Submission):
        return [f"应返回 minsheng.Submission，实际返回了 {_short.repr(result)}（{type(result).__name__}）"]
    reasons: list[str] = []
    if not isinstance(result.county, str) or not result.county.strip():
        reasons.append(f"county（县级单位代码）应为非空字符串，实际是 {result.county!r}")
    if isinstance(result.year, bool) or not isinstance(result.year, int):
        reasons.append(f"year 应为整数，实际是 {result.year!r}")
    if isinstance(result.month, bool) or not isinstance(result.month, int) or not 1 <= result.month <= 12:
        reasons.append(f"month 应为 1 到 12 的整数，实际是 {result.month!r}")
    if not isinstance(result.values, dict):
        reasons.append(f"values 应为字典，实际是 {type(result.values).__name__}")
    else:
        bad: list[str] = []
        for key, value in result.values.items():
            if not isinstance(key, str):
                bad.append(f"键 {key!r} 不是字符串")
            elif not isinstance(value, Value):
                bad.append(
                    f"values[{key!r}] 是 {type(value).__name__}，应为 minsheng.Value（可用 Value.of(...)）"
                )
            elif value.amount is not None and not isinstance(value.amount, Decimal):
                bad.append(f"values[{key!r}] 的数值是 {type(value.amount).__name__}，应为 Decimal")
            elif not isinstance(value.provenance, Provenance):
                bad.append(f"values[{key!r}] 的来源不是 minsheng.Provenance")
        if bad:
            more = f" 等 {len(bad)} 处" if len(bad) > 3 else ""
            reasons.append("；".join(bad[:3]) + more)
    if not isinstance(result.self_scores, dict) or not all(
        isinstance(k, str) and isinstance(v, Decimal) for k, v in result.self_scores.items()
    ):
        reasons.append("self_scores 应为 指标代码 → Decimal 的字典")
    if result.self_total is not None and not isinstance(result.self_total, Decimal):
        reasons.append(f"self_total 应为 Decimal 或 None，实际是 {type(result.self_total).__name__}")
    if not isinstance(result.source, Provenance):
        reasons.append("source 应为 minsheng.Provenance")
    return reasons


def _stamp_provenance(p: Provenance, file: str, plugin: str, version: str) -> Provenance:
    if p.file and p.plugin and p.plugin_version:
        return p
    return evolve(
        p, file=p.file or file, plugin=p.plugin or plugin, plugin_version=p.plugin_version or version
    )


def _stamp(submission: Submission, file: str, plugin: str, version: str) -> Submission:
    """Fill file, plugin and version into every provenance the plugin left them empty in."""
    values = {
        key: value
        if value.provenance.file and value.provenance.plugin and value.provenance.plugin_version
        else evolve(value, provenance=_stamp_provenance(value.provenance, file, plugin, version))
        for key, value in submission.values.items()
    }
    return evolve(
        submission, values=values, source=_stamp_provenance(submission.source, file, plugin, version)
    )


# --------------------------------------------------------------------------------------------
# Worker processes

_HOSTS: dict[tuple[object, ...], PluginHost] = {}
_SCHEMES: dict[str, Scheme] = {}


def _host_for(plugins_dir: str | os.PathLike[str] | None) -> PluginHost:
    key = (
        str(Path(plugins_dir).resolve()) if plugins_dir is not None else None,
        os.environ.get(STRICT_ENV, ""),
        os.environ.get(BLOCK_ENV, ""),
        os.environ.get(TRACE_ENV, ""),
    )
    host = _HOSTS.get(key)
    if host is None:
        host = _HOSTS[key] = PluginHost.load(plugins_dir)
    return host


def _scheme_for(source: str | os.PathLike[str] | Scheme) -> Scheme:
    if isinstance(source, Scheme):
        return source
    key = os.fspath(source)
    if key not in _SCHEMES:
        from ..scheme import load_scheme

        _SCHEMES[key] = load_scheme(source if isinstance(source, str) else Path(source))
    return _SCHEMES[key]


def read_county_file(
    path: str | os.PathLike[str],
    plugin_name: str | None = None,
    *,
    scheme_source: str | os.PathLike[str] | Scheme = "jiangxi-2007",
    year: int,
    plugins_dir: str | os.PathLike[str] | None = None,
) -> ReadResult:
    """Read one county file in this process: the function to hand to an executor.

    Builds the plugin host once per process (and per ``plugins_dir`` and plugin environment
    variables) and the scheme once per source. With ``plugin_name=None`` the file is matched
    here too, so it is opened only once. The host's own load problems (a plugin that failed to
    import) are not repeated in each result: report :attr:`PluginHost.problems` once.
    Arguments and result are picklable, so it runs under ``ProcessPoolExecutor`` or a Dask
    ``Client.get_executor()``.
    """
    host = _host_for(plugins_dir)
    scheme = _scheme_for(scheme_source)
    path = Path(path)
    if plugin_name is not None:
        return host.read(path, plugin_name, scheme, year)
    book, problems = host.open(path)
    if book is None:
        return ReadResult(str(path), None, tuple(problems), sha256=_sha256(path))
    try:
        m = host.claim(path, book)
        if m.plugin is None:
            return ReadResult(str(path), None, m.problems, sha256=_sha256(path), confidence=m.confidence)
        result = host.read(path, m.plugin, scheme, year, book=book)
    finally:
        _close(book)
    return evolve(result, problems=m.problems + result.problems, confidence=m.confidence)


__all__: Sequence[str] = (
    "BLOCK_ENV",
    "DEFAULT_PLUGINS",
    "ENTRY_POINT_GROUP",
    "HOOKS",
    "STRICT_ENV",
    "TRACE_ENV",
    "FileMatch",
    "PluginError",
    "PluginHost",
    "PluginInfo",
    "ReadResult",
    "read_county_file",
)
