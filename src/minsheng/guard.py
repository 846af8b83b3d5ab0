"""Reading one county file under a time and memory budget, in a forked reading worker.

A county file is untrusted and a plugin may be buggy: a read that hangs, eats memory or crashes
the interpreter (a stack overflow, an allocation failure in the Rust reader) must cost only its
own county. :func:`read_county_file_guarded` hands the file to a reading worker, a child forked
from this process and kept for the next files; for each file the worker sets its
``RLIMIT_AS``/``RLIMIT_DATA`` afresh (the budget above what it holds when the file starts) and
its ``RLIMIT_CPU`` (the CPU time it has used plus the budget), runs
:func:`minsheng.plugins.reading.read_county_file` and sends the
:class:`~minsheng.plugins.reading.ReadResult` back over a pipe. The parent waits at most the time
budget and kills the worker when it is up; a worker that ran out of time or memory, crashed or
raised is never used again, nor one that a file left 32 MB larger (so that a reading process stays
bounded by the largest file): the next file gets a new one. Every way of failing becomes a
ReadResult with a problem (``time-budget``, ``memory-budget``, ``read-crashed``), never an
exception. A worker is used by the thread that forked it only (Linux ends a child with the thread
that forked it) and only by this process (a process forked from this one forgets its workers).

The settings that decide the read travel as values: a :class:`~minsheng.config.PluginConfig`
and the :class:`~minsheng.limits.Limits` are arguments (pickled to a worker with the call,
and to the reading worker with each file), never environment variables.

It forks from wherever it runs: inline, in a ``ProcessPoolExecutor`` worker or in a Dask
worker. The plugin host, the scheme and the readers are loaded once in the forking process, so
each worker starts warm (a fork per file cost about 10 ms a file, the copy-on-write of the pages a
new child touches; a kept worker costs a pipe round trip; see docs/security.md). Where there is
no ``fork`` (Windows), the read runs inline with the size limits only.
"""

from __future__ import annotations

import atexit
import os
import pickle
import selectors
import signal
import struct
import sys
import threading
import time
from pathlib import Path
from typing import Any

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
        used = resource.getrusage(resource.RUSAGE_SELF)
        cap = int(used.ru_utime + used.ru_stime + seconds) + 5
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


def _read_exact(fd: int, n: int) -> bytes | None:
    """``n`` bytes from ``fd``, or None at end of file."""
    buf = bytearray()
    while len(buf) < n:
        block = os.read(fd, n - len(buf))
        if not block:
            return None
        buf += block
    return bytes(buf)


def _serve(req_fd: int, out_fd: int, err_fd: int, parent: int) -> None:
    """A reading worker (a forked child): for each request on ``req_fd``, limit itself afresh, read
    the file and send the pickled outcome; leave with ``_exit`` at the end of the requests, or after
    an outcome other than a result (out of memory, an exception), so that a worker in doubt is never
    used again. A crash, a kill or an exhausted limit ends it; the parent then starts another."""
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
        os.close(err_fd)
        start_kb = _status_kb("VmRSS")
        while True:
            head = _read_exact(req_fd, 8)
            if head is None:
                break
            body = _read_exact(req_fd, struct.unpack("<Q", head)[0])
            if body is None:
                break
            path, scheme_source, year, plugins, limits, month = pickle.loads(body)
            _limit_cpu(limits.time_budget)
            _limit_memory(limits.memory_budget)
            try:
                outcome: tuple[Any, ...] = (
                    "ok",
                    read_county_file(
                        path,
                        None,
                        scheme_source=scheme_source,
                        year=year,
                        plugins=plugins,
                        limits=limits,
                        month=month,
                    ),
                )
            except MemoryError:
                outcome = ("memory", None)
            except BaseException as exc:  # strict mode re-raises; anything else is reported
                outcome = ("error", (type(exc).__name__, str(exc)[:2000], exc if _picklable(exc) else None))
            # a read that left this worker much larger (a big file: the allocator keeps what it
            # freed) is its last, so that the next file starts from a fresh fork and the memory of
            # a reading process stays bounded by the largest file, not by the sum of the files
            now_kb = _status_kb("VmRSS")
            keep = start_kb is not None and now_kb is not None and now_kb - start_kb < _RECYCLE_KB
            outcome = (*outcome, keep)
            try:
                data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
            except MemoryError:
                outcome = ("memory", None, False)
                data = pickle.dumps(outcome)
            except Exception as exc:
                outcome = ("error", (type(exc).__name__, f"结果无法传回：{exc}"[:2000], None), False)
                data = pickle.dumps(outcome)
            try:
                sys.stderr.flush()  # a plugin's output reaches the parent before the result
            except (OSError, ValueError, AttributeError):
                pass
            _write_all(out_fd, struct.pack("<Q", len(data)) + data)
            if outcome[0] != "ok" or not keep:
                break
    except BaseException:
        code = 70
    finally:
        os._exit(code)


class _Worker:
    """The parent's side of a reading worker: its pid, the request pipe's write end, the result's
    and stderr's read ends, and the thread that forked it (Linux kills a child when the thread that
    forked it ends: a worker is used only by its own thread)."""

    __slots__ = ("err", "out", "pid", "req", "thread")

    def __init__(self, pid: int, req: int, out: int, err: int) -> None:
        self.pid, self.req, self.out, self.err = pid, req, out, err
        self.thread = threading.current_thread()

    def close(self) -> None:
        """Close the parent's ends of the pipes (once: a descriptor number may be reused after)."""
        for fd in (self.req, self.out, self.err):
            if fd < 0:
                continue
            _worker_fds.discard(fd)
            try:
                os.close(fd)
            except OSError:
                pass
        self.req = self.out = self.err = -1


#: a worker whose resident memory grew by this much over its start leaves after the file (KiB)
_RECYCLE_KB = 32 << 10
#: idle workers of this process, and every descriptor the parent holds for a worker (a new worker
#: closes them: it must not keep another worker's pipes open)
_idle: list[_Worker] = []
_worker_fds: set[int] = set()


def _take_worker() -> _Worker | None:
    """An idle worker forked by this thread, under ``_fork_lock``; workers of ended threads are gone."""
    me = threading.current_thread()
    found = None
    for w in list(_idle):
        if w.thread is me and found is None:
            _idle.remove(w)
            found = w
        elif not w.thread.is_alive():
            _idle.remove(w)
            _retire(w)
    return found


def _retire(w: _Worker, *, kill: bool = True) -> int | None:
    """End a worker and reap it: its exit status, or None."""
    w.close()
    if kill:
        try:
            os.kill(w.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return _reap(w.pid)


def _spawn_worker() -> _Worker:
    """Fork a reading worker from this (warm) process, under ``_fork_lock``. Raises OSError."""
    req_r, req_w = os.pipe()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    parent = os.getpid()
    for stream in (sys.stdout, sys.stderr):  # or a child that flushes would write it again
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    try:
        pid = os.fork()
    except OSError:
        for fd in (req_r, req_w, out_r, out_w, err_r, err_w):
            os.close(fd)
        raise
    if pid == 0:  # pragma: no cover - runs in the child, which leaves with os._exit
        for fd in (req_w, out_r, err_r):  # (the other workers' pipes: _forget_workers)
            try:
                os.close(fd)
            except OSError:
                pass
        _serve(req_r, out_w, err_w, parent)
    for fd in (req_r, out_w, err_w):
        os.close(fd)
    os.set_blocking(err_r, False)
    _worker_fds.update((req_w, out_r, err_r))
    return _Worker(pid, req_w, out_r, err_r)


def _forget_workers() -> None:
    """In any child forked from this process (a pool's worker process, a reading worker): the
    workers belong to this process, not to the child; the child closes its copies of their pipes."""
    _idle.clear()
    for fd in _worker_fds:
        try:
            os.close(fd)
        except OSError:
            pass
    _worker_fds.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_workers)


@atexit.register
def _close_workers() -> None:
    """At exit: idle workers see the end of their requests and leave; they are reaped (a second at
    most, then killed), so that none outlives this process."""
    workers = list(_idle)
    _idle.clear()
    for w in workers:
        w.close()
    deadline = time.monotonic() + 1.0
    for w in workers:
        while True:
            try:
                done, _status = os.waitpid(w.pid, os.WNOHANG)
            except ChildProcessError:
                break
            if done:
                break
            if time.monotonic() > deadline:
                _retire(w)
                break
            time.sleep(0.001)


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
    month: int | None = None,
) -> ReadResult:
    """:func:`~minsheng.plugins.reading.read_county_file` in a forked child under ``limits``
    (``month``: a progress report's last month, None at the year end).

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
            path, None, scheme_source=scheme_source, year=year, plugins=plugins, limits=limits, month=month
        )
    request = pickle.dumps(
        (path, scheme_source, year, plugins, limits, month), protocol=pickle.HIGHEST_PROTOCOL
    )
    with _fork_lock:
        _warm_up(scheme_source, plugins)
        worker = _take_worker()
        started = time.monotonic()
        if worker is None:
            try:
                worker = _spawn_worker()
            except OSError as exc:
                return _failed(path, "read-crashed", f"无法启动读取进程（{exc}）；请稍后重试。")
    try:
        try:
            _write_all(worker.req, struct.pack("<Q", len(request)) + request)
        except OSError:  # a worker that died while idle: the read goes to a new one
            _retire(worker)
            with _fork_lock:
                try:
                    worker = _spawn_worker()
                except OSError as exc:
                    return _failed(path, "read-crashed", f"无法启动读取进程（{exc}）；请稍后重试。")
            _write_all(worker.req, struct.pack("<Q", len(request)) + request)
        payload, stderr, timed_out, complete = _collect(worker.out, worker.err, started + limits.time_budget)
    except BaseException:  # Ctrl-C or SIGTERM while waiting: take the worker down too
        _retire(worker)
        raise
    sent = _decode(payload) if complete else None
    outcome, keep = (sent[:2], sent[2]) if sent is not None else (None, False)
    if outcome is not None and outcome[0] == "ok" and keep:
        status = None
        with _fork_lock:
            _idle.append(worker)
    else:  # out of time, dead, in doubt or grown large: not used again (it leaves by itself)
        status = _retire(worker, kill=timed_out or outcome is None)
    result = None if timed_out else _outcome(path, outcome, stderr, status, limits, plugins.strict)
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


def _decode(payload: bytes) -> tuple[str, object, bool] | None:
    (size,) = struct.unpack_from("<Q", payload)
    try:
        return pickle.loads(payload[8 : 8 + size])
    except Exception:
        return None


def _collect(out_r: int, err_r: int, deadline: float) -> tuple[bytes, bytes, bool, bool]:
    """Read one framed result and the worker's stderr until the result is whole, the result pipe
    ends (the worker died) or the deadline passes: (result bytes, stderr, timed out, whole)."""
    out = bytearray()
    err = bytearray()

    def whole() -> bool:
        return len(out) >= 8 and len(out) >= 8 + struct.unpack_from("<Q", out)[0]

    def drain_err() -> bool:
        """Take what the worker's stderr holds now; True at its end (the worker is gone)."""
        while True:
            try:
                block = os.read(err_r, 1 << 16)
            except (BlockingIOError, InterruptedError):
                return False
            if not block:
                return True
            err.extend(block)
            if len(err) > 2 * _KEEP_STDERR:
                del err[:-_KEEP_STDERR]

    with selectors.DefaultSelector() as selector:  # (select.select fails on descriptors past 1024)
        selector.register(out_r, selectors.EVENT_READ)
        selector.register(err_r, selectors.EVENT_READ)
        while not whole():
            left = deadline - time.monotonic()
            if left <= 0:
                drain_err()
                return bytes(out), bytes(err), True, False
            for key, _ in selector.select(left):
                if key.fd == out_r:
                    block = os.read(out_r, 1 << 16)
                    if not block:  # the worker is gone
                        drain_err()
                        return bytes(out), bytes(err), False, False
                    out += block
                elif drain_err():  # at its end the pipe stays readable: stop watching it
                    selector.unregister(err_r)
    drain_err()
    return bytes(out), bytes(err), False, True


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
    path: str,
    outcome: tuple[Any, ...] | None,
    stderr: bytes,
    status: int | None,
    limits: Limits,
    strict: bool,
) -> ReadResult:
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
