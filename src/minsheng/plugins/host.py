"""The plugin host: the loaded plugins, and the only way the rest of minsheng calls them.

pluggy stops a hook call at the first exception, so the host calls each hook implementation on
its own (:meth:`PluginHost._call`, with pluggy's argument rule: a plugin may accept fewer
arguments than the spec) and turns every failure into a problem for that file, or re-raises in
strict mode. Loading lives in :mod:`.loading`, the checks of what plugins return in
:mod:`.returns`, reading one county file in :mod:`.reading`; their public names are re-exported
here, so ``from minsheng.plugins.host import ReadResult, read_county_file`` keeps working.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy
from attrs import evolve, frozen

from ..config import BLOCK_ENV, STRICT_ENV, TRACE_ENV, PluginConfig
from ..limits import Limits
from ..model import Problem, Scheme, Submission
from . import returns
from .context import ReadContext
from .faults import claim_failed, failed, file_at_fault, plugin_error, read_failed
from .loading import (
    DEFAULT_PLUGINS,
    ENTRY_POINT_GROUP,
    HOOKS,
    KIND_BUILTIN,
    KIND_ENTRY_POINT,
    KIND_PLUGINS_DIR,
    KIND_REGISTERED,
    PluginInfo,
    load_plugins,
)
from .reading import ReadResult, close, read_county_file, sha256_or_none
from .returns import PluginError, describe_error, short, stamp, submission_problems

if TYPE_CHECKING:  # pragma: no cover - typing only
    import click

    from ..sheets import Workbook


@frozen
class FileMatch:
    """Which plugin reads one file: every plugin's answer and the winner (``None``: no winner)."""

    path: Path
    plugin: str | None
    confidence: float | None
    claims: tuple[tuple[str, float | None], ...] = ()
    problems: tuple[Problem, ...] = ()


@frozen
class _Outcome:
    ok: bool
    result: Any = None
    error: BaseException | None = None


class PluginHost:
    """The loaded plugins and the only way the rest of minsheng calls them.

    Build one with :meth:`from_config` (or :meth:`load`). Every call into a plugin is isolated:
    an exception or an unusable return value becomes a ``plugin-error`` problem for that file
    (or re-raises when ``strict``), and the run goes on.
    """

    def __init__(self, pm: pluggy.PluginManager, *, strict: bool = False, trace: bool = False):
        self._pm = pm
        self.strict = strict
        self.trace = trace
        self._infos: dict[str, PluginInfo] = {}
        self._problems: list[Problem] = []
        self.blocked: tuple[str, ...] = ()
        self.config = PluginConfig(strict=strict, trace=trace)

    @classmethod
    def from_config(cls, config: PluginConfig) -> PluginHost:
        """Load the plugins ``config`` names (see :func:`minsheng.plugins.loading.load_plugins`).

        A plugin that fails to load is skipped and reported in :attr:`problems`
        (``plugin-import-error``), or re-raised when ``config.strict``.
        """
        loaded = load_plugins(config)
        host = cls(loaded.pm, strict=config.strict, trace=config.trace)
        host._infos = dict(loaded.infos)
        host._problems = list(loaded.problems)
        host.blocked = config.blocked
        host.config = config
        return host

    @classmethod
    def load(
        cls,
        plugins_dir: str | os.PathLike[str] | None = None,
        strict: bool = False,
        blocked: Iterable[str] = (),
        *,
        trace: bool = False,
        plugins: Iterable[object | tuple[str, object]] = (),
        defaults: bool = True,
        entry_points: bool = True,
    ) -> PluginHost:
        """:meth:`from_config` with the PluginConfig's fields as arguments.

        The environment is not read here: the command line turns ``MINSHENG_STRICT_PLUGINS``,
        ``MINSHENG_BLOCK_PLUGINS`` and ``MINSHENG_TRACE_PLUGINS`` into a PluginConfig
        (:meth:`PluginConfig.from_env`).
        """
        config = PluginConfig(
            plugins_dir=plugins_dir,
            plugins=tuple(plugins),
            strict=bool(strict),
            blocked=tuple(blocked or ()),
            trace=bool(trace),
            defaults=defaults,
            entry_points=entry_points,
        )
        return cls.from_config(config)

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
            shown = ", ".join(f"{name}={short.repr(kwargs[name])}" for name in impl.argnames)
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
            self._trace(f"{hook_name} [{impl.plugin_name}] -> {short.repr(result)}")
        return _Outcome(True, result)

    def _version(self, plugin: str) -> str:
        info = self._infos.get(plugin)
        return info.version if info else "?"

    def _unusable(self, plugin: str, file: str | None, reason: str) -> Problem:
        problem = plugin_error(plugin, self._version(plugin), file, "返回了无法使用的结果", reason)
        if self.strict:
            raise PluginError(problem)
        return problem

    # ----------------------------------------------------------------------------------------
    # Files

    def open(
        self, path: str | os.PathLike[str], *, limits: Limits | None = None
    ) -> tuple[Workbook | None, list[Problem]]:
        """Open a county file once with :func:`minsheng.sheets.open_workbook` under ``limits``
        (default: ``Limits()``).

        An unreadable file gives ``(None, [problem])`` with the toolkit's code.
        """
        from ..sheets import SheetError, open_workbook

        try:
            return open_workbook(Path(path), limits=limits or Limits()), []
        except SheetError as exc:
            problem = exc.problem()
            return None, [problem if problem.file else evolve(problem, file=str(path))]
        except (OSError, ValueError) as exc:
            if self.strict:
                raise
            return None, [
                Problem(
                    "file-unreadable",
                    f"无法打开文件“{path}”：{describe_error(exc)}。请确认文件存在、未被占用，并且是 Excel 或 WPS 表格文件。",
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
                close(book)

    def _claim(self, path: Path, file: str, book: Workbook) -> FileMatch:
        problems: list[Problem] = []
        claims: list[tuple[str, float | None]] = []
        tried: list[str] = []
        for impl in self._impls("minsheng_claim"):
            name = impl.plugin_name
            outcome = self._call("minsheng_claim", impl, {"path": path, "book": book})
            if not outcome.ok:
                assert outcome.error is not None
                problem = claim_failed(name, self._version(name), file, outcome.error)
                if not any((p.code, p.message) == (problem.code, problem.message) for p in problems):
                    problems.append(problem)
                tried.append(f"{name}（出错）")
                claims.append((name, None))
                continue
            level, reason = returns.confidence(outcome.result)
            if reason is not None:
                problems.append(self._unusable(name, file, f"minsheng_claim {reason}"))
                tried.append(f"{name}（返回值无效）")
                claims.append((name, None))
                continue
            claims.append((name, level))
            tried.append(f"{name}（不认领）" if level is None else f"{name}（{level:g}）")
        sure = [(n, c) for n, c in claims if c is not None]
        if not sure and file_at_fault(problems):  # the file's own problem says it all
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
        sha256: str | None = None,
        limits: Limits | None = None,
        month: int | None = None,
    ) -> ReadResult:
        """Read ``path`` with the plugin ``plugin_name``; validate and stamp what it returns.

        Every value of the submission gets the file, plugin and version in its provenance where
        the plugin left them empty. With ``checks``, every plugin's :func:`minsheng_checks` runs
        on the submission and its problems are added. ``book`` is the file already opened (else
        it is opened here under ``limits``); ``sha256`` its hash, when the caller has it.
        """
        path = Path(path)
        file = str(path)
        digest = sha256 or sha256_or_none(path)
        if plugin_name not in self._infos:
            problem = Problem(
                "plugin-not-found",
                f"没有加载名为“{plugin_name}”的插件，无法读取文件“{file}”。"
                f"已加载的插件：{'、'.join(self._infos) or '无'}。",
                file=file,
                plugin=plugin_name,
            )
            return ReadResult(file, None, (problem,), plugin_name, sha256=digest)
        version = self._version(plugin_name)
        impls = self._impls("minsheng_read", plugin_name)
        if not impls:
            problem = plugin_error(
                plugin_name, self._version(plugin_name), file, "无法读取", "该插件没有实现 minsheng_read"
            )
            return ReadResult(file, None, (problem,), plugin_name, version, digest)
        opened_here = book is None
        if book is None:
            book, problems = self.open(path, limits=limits)
            if book is None:
                return ReadResult(file, None, tuple(problems), plugin_name, version, digest)
        context = ReadContext(
            scheme=scheme, year=year, plugin=plugin_name, plugin_version=version, file=file, month=month
        )
        declared: tuple[str, ...] | None = None
        title = ""
        try:
            outcome = self._call("minsheng_read", impls[0], {"path": path, "book": book, "context": context})
            submission, problems = self._submission(
                outcome, plugin_name, file, version, list(context.problems)
            )
            if submission is not None:
                declared, failure = self._indicators(plugin_name, path, book, scheme)
                if failure is not None:
                    submission, problems = None, [*problems, failure]
                else:
                    from ..sheets.reporter import report_title

                    title = report_title(book, submission.source.sheet)
        finally:
            if opened_here:
                close(book)
        if submission is not None and checks:
            problems.extend(self.check(submission, scheme))
        return ReadResult(
            file, submission, tuple(problems), plugin_name, version, digest, indicators=declared, title=title
        )

    def _indicators(
        self, plugin: str, path: Path, book: Workbook, scheme: Scheme
    ) -> tuple[tuple[str, ...] | None, Problem | None]:
        """The indicators ``plugin`` says its layout carries (``None``: all), or why not known."""
        impls = self._impls("minsheng_indicators", plugin)
        if not impls:
            return None, None
        file = str(path)
        outcome = self._call("minsheng_indicators", impls[0], {"path": path, "book": book, "scheme": scheme})
        if not outcome.ok:
            assert outcome.error is not None
            return None, failed(plugin, self._version(plugin), file, outcome.error)
        codes, reason = returns.indicator_codes(outcome.result, scheme)
        if reason is not None:
            return None, self._unusable(plugin, file, reason)
        return codes, None

    def _submission(
        self, outcome: _Outcome, plugin: str, file: str, version: str, problems: list[Problem]
    ) -> tuple[Submission | None, list[Problem]]:
        """What a read returned, checked and stamped, or ``None`` with the reason added."""
        if not outcome.ok:
            assert outcome.error is not None
            return None, [*problems, read_failed(plugin, self._version(plugin), file, outcome.error)]
        reasons = submission_problems(outcome.result)
        if reasons:
            return None, [*problems, self._unusable(plugin, file, "minsheng_read " + "；".join(reasons))]
        return stamp(outcome.result, file, plugin, version), problems

    def check(self, submission: Submission, scheme: Scheme) -> list[Problem]:
        """Run every plugin's :func:`minsheng_checks` on a submission; each plugin on its own."""
        file = submission.source.file
        problems: list[Problem] = []
        for impl in self._impls("minsheng_checks"):
            name = impl.plugin_name
            outcome = self._call("minsheng_checks", impl, {"submission": submission, "scheme": scheme})
            if not outcome.ok:
                assert outcome.error is not None
                problems.append(failed(name, self._version(name), file, outcome.error))
                continue
            result = outcome.result
            if result is None:
                continue
            if not isinstance(result, list | tuple) or not all(isinstance(p, Problem) for p in result):
                problems.append(
                    self._unusable(
                        name,
                        file,
                        f"minsheng_checks 应返回 minsheng.Problem 的列表，实际是 {short.repr(result)}",
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
                problems.append(
                    failed(impl.plugin_name, self._version(impl.plugin_name), None, outcome.error)
                )
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
        from .samples import write_sample

        return write_sample(self, plugin_name, Path(path), submission, scheme)


def _hidden_sheets(book: Workbook) -> list[str]:
    """The names of a workbook's hidden sheets (for the no-plugin message); none if it cannot tell."""
    try:
        return [n for n in book.sheet_names if book.visibility(n) != "visible"]
    except Exception:  # a broken workbook object must not turn a clear problem into a crash
        return []


__all__: Sequence[str] = (
    "BLOCK_ENV",
    "DEFAULT_PLUGINS",
    "ENTRY_POINT_GROUP",
    "HOOKS",
    "KIND_BUILTIN",
    "KIND_ENTRY_POINT",
    "KIND_PLUGINS_DIR",
    "KIND_REGISTERED",
    "STRICT_ENV",
    "TRACE_ENV",
    "FileMatch",
    "PluginError",
    "PluginHost",
    "PluginInfo",
    "ReadResult",
    "read_county_file",
)
