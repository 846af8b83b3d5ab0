"""Reading one county file under a time and memory budget, in a forked child process.

A county file is untrusted and a plugin may be buggy: a read that hangs, eats memory or crashes
the interpreter (a stack overflow, an allocation failure in the Rust reader) must cost only its
own county. :func:`read_county_file_guarded` forks, sets ``RLIMIT_AS``/``RLIMIT_DATA`` in the
child, runs :func:`minsheng.plugins.reading.read_county_file` there and sends its
:class:`~minsheng.plugins.reading.ReadResult` back over a pipe; the parent waits at most the time
budget, kills the child when it is up, and turns every way of failing into a ReadResult with a
problem (``time-budget``, ``memory-budget``, ``read-crashed``), never an exception.

The settings that decide the read travel as values: a :class:`~minsheng.config.PluginConfig`
and the :class:`~minsheng.limits.Limits` are arguments (pickled to a worker with the call,
inherited by the forked child), never environment variables.

It forks from wherever it runs: inline, in a ``ProcessPoolExecutor`` worker or in a Dask
worker. The plugin host, the scheme and the readers are loaded once in the forking process, so
each child starts warm (a fork costs about a millisecond; see docs/security.md). Where there is
no ``fork`` (Windows), the read runs inline with the size limits only.
"""

from __future__ import annotations

import os
import pickle
import selectors
import signal
import struct
import sys
import threading
import time
from pathlib import Path

from attrs import evolve

from .config import PluginConfig
from .limits import Limits
from .model import Problem, Scheme, Severity
from .plugins.reading import ReadResult, plugin_config, read_county_file, sha256_or_none

#: Stable codes of the problems the guard gives.
GUARD_CODES = (
    "time-budget",  # the read took longer than Limits.time_budget and was stopped
    "memory-budget",  # the read needed more memory than Limits.memory_budget and was stopped
    "read-crashed",  # the process reading the file died (a crash in a reader or a plugin)
)

_CAN_FORK = hasattr(os, "fork") and sys.platform != "win32"
_ALLOC_FAILED = b"memory allocation of"  # what Rust prints before it aborts on an allocation failure
_KEEP_STDERR = 64 << 10
_warm: set[tuple[object, ...]] = set()
#: Held while this process warms up, and from making a read's pipes until the parent has closed
#: their write ends after the fork: a child forked by another thread (a Dask worker runs several
#: reads at once) must not inherit this read's write ends, or this read waits for that child's
#: end instead of its own (a good county failed with ``time-budget`` beside a slow one).
_fork_lock = threading.Lock()


def _warm_up(scheme_source: str | os.PathLike[str] | Scheme, plugins: PluginConfig) -> None:
    """Load in this process what every child needs, so that each fork starts warm."""
    key = (
        id(scheme_source) if isinstance(scheme_source, Scheme) else os.fspath(scheme_source),
        plugins,
    )
    if key in _warm:
        return
    _load_libc()
    from .plugins import reading

    reading.host_for(plugins)
    reading.scheme_for(scheme_source)
    import python_calamine  # noqa: F401

    from . import files, sheets  # noqa: F401
    from .workbooks import form  # noqa: F401

    files.sha256_file(__file__)  # hashlib's lazily loaded parts
    try:  # one read of the bundled form template fills the readers' caches (compiled patterns, labels)
        # the bundled form by its path, not through minsheng.workbooks.template_path, whose module
        # imports openpyxl (about 0.1 s), which no reader needs
        from importlib import resources

        form_path = Path(str(resources.files("minsheng") / "templates" / "form.xlsx"))
        read_county_file(form_path, None, scheme_source=scheme_source, year=2000, plugins=plugins)
    except Exception:
        pass

    _warm.add(key)


def _status_kb(field: str) -> int | None:
    """A ``Vm…`` line of /proc/self/status in KiB (Linux), or None."""
    try:
        with open("/proc/self/status", "rb") as fh:
            for line in fh:
                if line.startswith(field.encode() + b":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _limit_memory(budget: int) -> None:
    """Let this process grow by at most ``budget`` bytes of address space and of data."""
    import resource

    for name, field in (("RLIMIT_AS", "VmSize"), ("RLIMIT_DATA", "VmData")):
        which = getattr(resource, name, None)
        if which is None:
            continue
        now = _status_kb(field)
        if now is None:
            continue
        cap = now * 1024 + budget
        try:
            _soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                cap = min(cap, hard)
            resource.setrlimit(which, (cap, hard))
        except (ValueError, OSError):
            pass


def _limit_cpu(seconds: float) -> None:
    """A CPU-time cap as a backstop: a child left behind by a parent that was killed still ends."""
    import resource

    try:
        cap = int(seconds) + 5
        _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_CPU, (cap, hard))
    except (ValueError, OSError):
        pass


_libc: object = None


def _load_libc() -> None:
    """libc through ctypes, loaded once in the forking process (for prctl in the children)."""
    global _libc
    if _libc is None and sys.platform.startswith("linux"):
        try:
            import ctypes

            _libc = ctypes.CDLL(None, use_errno=True)
        except OSError:
            _libc = False


def _die_with_parent() -> None:
    """Ask Linux to kill this child when the process that forked it dies (best effort)."""
    try:
        if _libc:
            _libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # type: ignore[attr-defined]  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def join_parent(parent: int) -> None:
    """``initializer`` of a pool of worker processes started by ``parent``: each worker dies with
    it (Linux), so a run stopped by SIGTERM or SIGKILL leaves no worker behind waiting for work."""
    _load_libc()
    _die_with_parent()
    if os.getppid() != parent:  # the parent was gone before the worker could ask
        os._exit(1)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _child(
    out_fd: int,
    err_fd: int,
    path: str,
    scheme_source: str | os.PathLike[str] | Scheme,
    year: int,
    plugins: PluginConfig,
    limits: Limits,
    parent: int,
) -> None:
    """The forked child: limit itself, read, send the pickled outcome, and leave with ``_exit``."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        import faulthandler

        faulthandler.disable()  # a crash is reported as read-crashed, not as a stack dump
        _die_with_parent()
        if os.getppid() != parent:
            os._exit(1)
        os.dup2(err_fd, 2)
        _limit_cpu(limits.time_budget)
        _limit_memory(limits.memory_budget)
        try:
            outcome: tuple[str, object] = (
                "ok",
                read_county_file(
                    path, None, scheme_source=scheme_source, year=year, plugins=plugins, limits=limits
                ),
            )
        except MemoryError:
            outcome = ("memory", None)
        except BaseException as exc:  # strict mode re-raises; anything else is reported
            outcome = ("error", (type(exc).__name__, str(exc)[:2000], exc if _picklable(exc) else None))
        try:
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps(("memory", None))
        except Exception as exc:
            data = pickle.dumps(("error", (type(exc).__name__, f"结果无法传回：{exc}"[:2000], None)))
        _write_all(out_fd, struct.pack("<Q", len(data)) + data)
    except BaseException:
        code = 70
    finally:
        os._exit(code)


def _picklable(exc: BaseException) -> bool:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return False
    return True


def read_county_file_guarded(
    path: str | os.PathLike[str],
    *,
    scheme_source: str | os.PathLike[str] | Scheme = "jiangxi-2007",
    year: int,
    plugins: PluginConfig | None = None,
    limits: Limits | None = None,
    plugins_dir: str | os.PathLike[str] | None = None,
) -> ReadResult:
    """:func:`~minsheng.plugins.reading.read_county_file` in a forked child under ``limits``.

    ``plugins`` (default: ``PluginConfig(plugins_dir=plugins_dir)``) and ``limits`` (default:
    ``Limits()``) decide the read. Returns the child's result, or a result without a submission
    and with a ``time-budget``, ``memory-budget`` or ``read-crashed`` problem when the child ran
    out of time or memory or died. Never raises for anything the file or a plugin does (with
    ``plugins.strict``, a plugin's exception is raised again here). Picklable: hand it to any
    executor.
    """
    plugins = plugin_config(plugins, plugins_dir)
    limits = limits or Limits()
    path = os.fspath(path)
    if not _CAN_FORK:
        return read_county_file(
            path, None, scheme_source=scheme_source, year=year, plugins=plugins, limits=limits
        )
    with _fork_lock:
        _warm_up(scheme_source, plugins)
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        parent = os.getpid()
        for stream in (sys.stdout, sys.stderr):  # or a child that flushes would write it again
            try:
                stream.flush()
            except (OSError, ValueError, AttributeError):
                pass
        started = time.monotonic()
        try:
            pid = os.fork()
        except OSError as exc:
            for fd in (out_r, out_w, err_r, err_w):
                os.close(fd)
            return _failed(path, "read-crashed", f"无法启动读取进程（{exc}）；请稍后重试。")
        if pid == 0:  # pragma: no cover - runs in the child, which leaves with os._exit
            os.close(out_r)
            os.close(err_r)
            _child(out_w, err_w, path, scheme_source, year, plugins, limits, parent)
        os.close(out_w)
        os.close(err_w)
    try:
        payload, stderr, timed_out = _collect(out_r, err_r, started + limits.time_budget)
    except BaseException:  # Ctrl-C or SIGTERM while waiting: take the child down too
        _kill(pid)
        raise
    finally:
        os.close(out_r)
        os.close(err_r)
    if timed_out:
        _kill(pid)
    status = _reap(pid)
    result = None if timed_out else _outcome(path, payload, stderr, status, limits, plugins.strict)
    if (result is not None and payload) or plugins.trace:
        _forward(stderr)  # a plugin's own output (a trace); a dying child's last words are not for users
    if timed_out:
        return _failed(
            path,
            "time-budget",
            f"读取“{Path(path).name}”超过了每个文件 {limits.time_budget:g} 秒的时限，已停止；该县按出错处理。"
            "文件可能过大或结构异常，也可能是读取它的插件出了问题（卡住）：请检查文件，或把此信息转给插件的维护人员。",
        )
    assert result is not None
    return result


def _collect(out_r: int, err_r: int, deadline: float) -> tuple[bytes, bytes, bool]:
    """Read the child's result and stderr until both close or the deadline passes."""
    out = bytearray()
    err = bytearray()
    with selectors.DefaultSelector() as selector:  # (select.select fails on descriptors past 1024)
        selector.register(out_r, selectors.EVENT_READ)
        selector.register(err_r, selectors.EVENT_READ)
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                return bytes(out), bytes(err), True
            for key, _ in selector.select(left):
                fd = key.fd
                block = os.read(fd, 1 << 16)
                if not block:
                    selector.unregister(fd)
                elif fd == out_r:
                    out += block
                else:
                    err += block
                    if len(err) > 2 * _KEEP_STDERR:
                        del err[:-_KEEP_STDERR]
    return bytes(out), bytes(err), False


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _reap(pid: int) -> int | None:
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return None
    return status


def _forward(stderr: bytes) -> None:
    """Pass on what the child wrote to stderr (a plugin's trace), minus the allocator's last words."""
    lines = [line for line in stderr.splitlines(keepends=True) if _ALLOC_FAILED not in line]
    if not lines:
        return
    try:
        sys.stderr.flush()
        os.write(2, b"".join(lines))
    except OSError:
        pass


def _failed(path: str, code: str, message: str) -> ReadResult:
    return ReadResult(
        path=path,
        submission=None,
        problems=(Problem(code, message, Severity.ERROR, file=path),),
        sha256=sha256_or_none(path),
    )


def _memory_message(path: str, limits: Limits) -> str:
    return (
        f"读取“{Path(path).name}”需要的内存超过了每个文件 {limits.memory_budget >> 20} MB 的上限，已停止；该县按出错处理。"
        "文件可能过大或结构异常（如大量空行、超大范围），也可能是读取它的插件出了问题：请在 Excel/WPS 中删除多余内容后另存，"
        "或把此信息转给插件的维护人员。"
    )


def _outcome(
    path: str, payload: bytes, stderr: bytes, status: int | None, limits: Limits, strict: bool
) -> ReadResult:
    outcome = None
    if len(payload) >= 8:
        (size,) = struct.unpack_from("<Q", payload)
        if len(payload) == 8 + size:
            try:
                outcome = pickle.loads(payload[8:])
            except Exception:
                outcome = None
    if outcome is None:
        if _ALLOC_FAILED in stderr:
            return _failed(path, "memory-budget", _memory_message(path, limits))
        how = "未知原因"
        if status is not None and os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            try:
                how = f"信号 {signal.Signals(sig).name}"
            except ValueError:
                how = f"信号 {sig}"
        elif status is not None and os.WIFEXITED(status):
            how = f"退出码 {os.WEXITSTATUS(status)}"
        return _failed(
            path,
            "read-crashed",
            f"读取“{Path(path).name}”的进程异常终止（{how}），没有读出结果；该县按出错处理。"
            "可能是文件结构异常导致读取程序崩溃，或是读取它的插件出了问题：请在 Excel/WPS 中另存后重新报送，"
            "或把此信息转给插件的维护人员。",
        )
    kind, value = outcome
    if kind == "memory":
        return _failed(path, "memory-budget", _memory_message(path, limits))
    if kind == "error":
        name, text, exc = value
        if strict:  # stop, as inline
            if exc is not None:
                raise exc
            raise RuntimeError(f"{name}: {text}（读取“{path}”时）")
        return _failed(
            path,
            "read-crashed",
            f"读取“{Path(path).name}”时出现意外错误（{name}：{text}）；该县按出错处理，请把此信息转给维护人员。",
        )
    result: ReadResult = value
    return _mark_memory(result, limits)


def _mark_memory(result: ReadResult, limits: Limits) -> ReadResult:
    """A plugin whose MemoryError the host caught as a plugin error: say it was the budget."""
    if result.submission is not None:
        return result
    problems = tuple(
        evolve(p, code="memory-budget", message=_memory_message(result.path, limits) + f"（{p.message}）")
        if p.code == "plugin-error" and "MemoryError" in p.message
        else p
        for p in result.problems
    )
    return evolve(result, problems=problems) if problems != result.problems else result


__all__ = ["GUARD_CODES", "join_parent", "read_county_file_guarded"]
