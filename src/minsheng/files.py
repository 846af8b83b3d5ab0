"""File helpers shared by every writer: atomic writes and content hashes."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import socket
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half of one.

    The bytes go to a temporary file in the same folder, are flushed to disk, and then replace
    the target in one rename; an interrupted run leaves the previous file untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tag = _writer_tag()
    _remove_orphans(path, tag)
    with _sigterm_interrupts():
        fd, tmp = tempfile.mkstemp(
            prefix=f".{path.name}.{tag}-{os.getpid()}.", suffix=".tmp", dir=path.parent
        )
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _writer_tag() -> str:
    """This machine's name as it goes into a temporary file's name (letters, digits, '-' and '_')."""
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


def _may_take_sigterm() -> bool:
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"):
        return False
    try:
        return signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    except ValueError:
        return False


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """While a file is written, SIGTERM raises KeyboardInterrupt (as Ctrl-C does), so that the
    temporary file is removed before the process ends; only in the main thread, and only where
    SIGTERM has its default action (a handler someone installed is left alone)."""
    if not _may_take_sigterm():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def sha256_file(path: str | os.PathLike[str]) -> str:
    """The hex sha256 of a file's bytes, read in blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
