"""Large zip parts inflated by ISA-L (python-isal, the optional ``speed`` extra: about twice as fast as
zlib) for the limits pass of :mod:`._prescan`: the same blocks as ``zipfile`` gives; the caller reads
again through ``zipfile`` whatever this path does not finish cleanly."""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Generator
from typing import Any

_BLOCK = 1 << 20  # the block the limits pass reads, and the ISA-L path gives
#: a part at least this large is inflated by ISA-L when python-isal is installed
FAST_INFLATE_MIN = 1 << 20
#: python-isal's zlib module, looked for on first use; None without it
_isal_zlib: Any = ...


def isal_zlib() -> Any:
    """python-isal's zlib module, or None when it is not installed."""
    global _isal_zlib
    if _isal_zlib is ...:
        try:
            from isal import isal_zlib as module

            _isal_zlib = module
        except ImportError:  # pragma: no cover - without the extra
            _isal_zlib = None
    return _isal_zlib


def isal_blocks(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Generator[bytes, None, None] | None:
    """The part's bytes as ``zf.open(info).read(_BLOCK)`` gives them, block after block and then
    ``b""``, inflated by ISA-L; None when the part is not for this path (zipfile's own opening of
    it refuses it, or the archive is not a file on disk). Raises ``zipfile.BadZipFile`` where the
    stream is damaged or its CRC does not match, after the blocks before."""
    path = zf.filename
    if not isinstance(path, str) or info.flag_bits & 0x61:  # encrypted, patched, strong encryption
        return None
    try:  # zipfile's checks of the local header (signature, name, flags), as a read would make them
        with zf.open(info):
            pass
    except Exception:
        return None
    return _inflate(path, info)


def _inflate(path: str, info: zipfile.ZipInfo) -> Generator[bytes, None, None]:
    lib = isal_zlib()
    with open(path, "rb") as fh:
        fh.seek(info.header_offset)
        header = fh.read(30)
        if len(header) != 30 or header[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile("bad local header")
        name_len, extra_len = struct.unpack_from("<HH", header, 26)
        fh.seek(info.header_offset + 30 + name_len + extra_len)
        inflater = lib.decompressobj(-15)
        crc = 0
        left = info.file_size  # zipfile gives no more than the declared size
        packed = info.compress_size
        pending: list[bytes] = []
        size = 0
        while left > 0 and not inflater.eof:
            room = _BLOCK - size  # asked for no more than fills the block: most blocks come whole
            if inflater.unconsumed_tail:
                data = inflater.decompress(inflater.unconsumed_tail, room)
            elif packed > 0:
                raw = fh.read(min(packed, 1 << 18))
                if not raw:
                    raise zipfile.BadZipFile("part cut short")
                packed -= len(raw)
                data = inflater.decompress(raw, room)
            else:
                data = inflater.flush()
                if not data:
                    raise zipfile.BadZipFile("deflate stream cut short")
            data = data[:left]
            left -= len(data)
            crc = lib.crc32(data, crc)
            pending.append(data)
            size += len(data)
            while size >= _BLOCK:
                joined = pending[0] if len(pending) == 1 else b"".join(pending)
                yield joined if len(joined) == _BLOCK else joined[:_BLOCK]
                rest = joined[_BLOCK:]
                pending, size = ([rest] if rest else []), len(rest)
        if crc != info.CRC:
            raise zipfile.BadZipFile("bad CRC-32")
        if size:
            yield b"".join(pending)
        yield b""
