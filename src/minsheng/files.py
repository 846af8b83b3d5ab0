"""File helpers shared by every writer: atomic writes and content hashes."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: Stable codes of :class:`OutputError`.
OUTPUT_CODES = (
    "output-exists",  # the file is there already and --force was not given
    "output-suffix",  # the name does not end in the format written (.xlsx, .json …)
    "output-folder-missing",  # the folder the file goes into does not exist
    "output-locked",  # the file is open in Excel/WPS/LibreOffice (its lock file is beside it)
    "output-not-writable",  # the folder or file cannot be written (permissions, read-only, a folder)
)


class OutputError(Exception):
    """An output that cannot or may not be written: a stable ``code`` and a Chinese ``message``
    that says what to do. Raised before any work when checked up front (:func:`check_output`),
    or by the write itself; the previous file is always left as it was."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


def lock_files(path: Path) -> list[Path]:
    """The lock files Excel, WPS and LibreOffice keep beside a workbook they have open."""
    name = path.name
    candidates = {f"~${name}", f"~${name[2:]}", f"~${name[1:]}", f".~lock.{name}#"}
    return sorted(path.parent / c for c in candidates if (path.parent / c).exists())


def check_output(
    path: str | os.PathLike[str], *, force: bool = False, suffixes: tuple[str, ...] = (".xlsx",)
) -> Path:
    """Refuse, before any work is done, an output that would replace the user's file without
    ``force``, has the wrong extension, goes into a missing or read-only folder, or is open in a
    spreadsheet program. Returns the path; raises :class:`OutputError`."""
    path = Path(path)
    if suffixes and path.suffix.lower() not in suffixes:
        wanted = "、".join(suffixes)
        raise OutputError(
            "output-suffix",
            f"输出文件“{path}”的扩展名应为 {wanted}：请改为“{path.stem}{suffixes[0]}”之类的名称。",
        )
    folder = path.parent
    if not folder.is_dir():
        raise OutputError(
            "output-folder-missing",
            f"要保存“{path.name}”的文件夹“{folder}”不存在：请先建立该文件夹，或换一个位置。",
        )
    if path.is_dir():
        raise OutputError("output-not-writable", f"“{path}”是一个文件夹，不能作为输出文件：请换一个文件名。")
    locks = lock_files(path)
    if locks:
        raise OutputError(
            "output-locked",
            f"“{path}”正在 Excel/WPS 中打开（旁边有锁定文件“{locks[0].name}”）：请先关闭该文件再重试，或换一个文件名。",
        )
    if path.exists() and not force:
        raise OutputError(
            "output-exists", f"“{path}”已存在，未覆盖。要替换它，请加 --force；或换一个文件名。"
        )
    if not os.access(folder, os.W_OK):
        raise OutputError("output-not-writable", f"没有写入文件夹“{folder}”的权限：请换一个位置保存。")
    return path


_REASONS = {
    errno.ENOENT: "路径不存在",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "只读的磁盘或文件夹",
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额",
    errno.EISDIR: "这是一个文件夹",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EBUSY: "文件正被占用",
}


def _unwritable(path: Path, exc: OSError) -> OutputError:
    if isinstance(exc, FileNotFoundError) and not path.parent.is_dir():
        return OutputError(
            "output-folder-missing",
            f"要保存“{path.name}”的文件夹“{path.parent}”不存在：请先建立该文件夹，或换一个位置。",
        )
    if isinstance(exc, PermissionError) and path.exists():
        return OutputError(
            "output-locked",
            f"无法替换“{path}”：它可能正在 Excel/WPS 中打开，或没有写入权限。请关闭该文件后重试，原文件未改动。",
        )
    reason = _REASONS.get(exc.errno or 0, "系统拒绝写入")
    return OutputError(
        "output-not-writable", f"无法写入“{path}”（{reason}）：请换一个位置保存，原文件未改动。"
    )


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half of one.

    The bytes go to a temporary file in the same folder, are flushed to disk, and then replace
    the target in one rename; an interrupted run leaves the previous file untouched and no
    temporary file behind. The new file gets the user's umask, as any program's output does.

    Ctrl-C and SIGTERM are held back from just before the temporary file exists until it is gone
    (renamed or removed): a signal that comes meanwhile stops the write at its next step, the
    temporary file is removed, and KeyboardInterrupt is raised then. So there is no moment at which
    an interruption leaves the temporary file, and its removal cannot be cut short by a second one.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _unwritable(path, exc) from exc
    tag = _writer_tag()
    _remove_orphans(path, tag)
    with _signals_held() as interrupted:
        tmp = _temporary_name(path, tag)
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            with os.fdopen(fd, "wb") as fh:
                _stop_if(interrupted)
                fh.write(data)
                fh.flush()
                _stop_if(interrupted)
                os.fsync(fh.fileno())
            _stop_if(interrupted)
            os.replace(tmp, path)
        except BaseException as exc:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            if isinstance(exc, OSError):
                raise _unwritable(path, exc) from exc
            raise


def _temporary_name(path: Path, tag: str) -> str:
    """A fresh name beside ``path``, ``.name.host-pid.random.tmp``, that says whose it is (see
    :func:`_remove_orphans`)."""
    import secrets  # (hashlib, secrets and socket load where used: about 7 ms at start-up)

    return os.path.join(path.parent, f".{path.name}.{tag}-{os.getpid()}.{secrets.token_hex(6)}.tmp")


def _stop_if(interrupted: list[int]) -> None:
    if interrupted:
        raise KeyboardInterrupt


@contextlib.contextmanager
def _signals_held() -> Iterator[list[int]]:
    """Hold SIGINT and SIGTERM back while the block runs; yields the list of those that came.

    Afterwards the previous handlers are back, and a signal that came is acted on as they would
    have: Ctrl-C (and SIGTERM where it had its default action, which would end the process
    without any clean-up) as KeyboardInterrupt, a handler someone installed is called, an ignored
    signal stays ignored. Python runs signal handlers in the main thread only: elsewhere the block
    runs as it is (a signal never interrupts another thread).
    """
    came: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield came
        return
    numbers = [getattr(signal, name) for name in ("SIGINT", "SIGTERM") if hasattr(signal, name)]
    previous: dict[int, Any] = {}  # what signal.signal gave back: a handler, SIG_DFL or SIG_IGN
    with contextlib.ExitStack() as restore:  # each handler goes back even if putting back another fails
        for number in numbers:
            previous[number] = signal.signal(number, lambda signum, frame: came.append(signum))
            restore.callback(signal.signal, number, previous[number])
        yield came
    for number in dict.fromkeys(came):
        _act_on(number, previous.get(number))


def _act_on(number: int, handler: object) -> None:
    if handler is signal.SIG_IGN:
        return
    if callable(handler) and handler is not signal.default_int_handler:
        handler(number, None)
        return
    raise KeyboardInterrupt


def _writer_tag() -> str:
    """This machine's name as it goes into a temporary file's name (letters, digits, '-' and '_')."""
    import socket

    return re.sub(r"[^A-Za-z0-9_-]", "_", socket.gethostname())[:40] or "host"


def _remove_orphans(path: Path, tag: str) -> None:
    """Remove the temporary files that writes of ``path`` on this machine left behind when their
    process was killed outright (SIGKILL, a power cut): each names its writer's process, and only
    those whose process is gone are removed. Files of another machine sharing the folder are left."""
    pattern = re.compile(rf"^\.{re.escape(path.name)}\.{re.escape(tag)}-(\d+)\.[A-Za-z0-9_]+\.tmp$")
    try:
        names = os.listdir(path.parent)
    except OSError:
        return
    for name in names:
        m = pattern.match(name)
        if m is None or _process_alive(int(m.group(1))):
            continue
        with contextlib.suppress(OSError):
            (path.parent / name).unlink()


def _process_alive(pid: int) -> bool:
    if pid == os.getpid() or sys.platform == "win32":  # (os.kill would end the process there)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True  # another user's process, or cannot tell: leave its file
    return True


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def sha256_file(path: str | os.PathLike[str]) -> str:
    """The hex sha256 of a file's bytes, read in blocks."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
