"""A small, bounded reader of OLE2 compound files (the container of .xls and of encrypted OOXML).

Only what the toolkit needs: the directory (stream names) and one stream's bytes. County files
are untrusted, so every chain is bounded by the file's own sector count and a cycle stops the
read instead of looping.
"""

from __future__ import annotations

import struct

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FREE, _END_OF_CHAIN, _FAT_SECT, _DIFAT_SECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC
_SPECIAL = {_FREE, _END_OF_CHAIN, _FAT_SECT, _DIFAT_SECT}


class OleFormatError(ValueError):
    """The bytes are not a well-formed compound file."""


class OleFile:
    """Directory and streams of a compound file held in memory as ``bytes``."""

    def __init__(self, data: bytes) -> None:
        if len(data) < 512 or data[:8] != OLE_MAGIC:
            raise OleFormatError("not an OLE2 compound file")
        self.data = data
        shift = struct.unpack_from("<H", data, 0x1E)[0]
        mini_shift = struct.unpack_from("<H", data, 0x20)[0]
        if shift not in (9, 12) or mini_shift != 6:
            raise OleFormatError("unsupported sector size")
        self.sector_size = 1 << shift
        self.mini_size = 1 << mini_shift
        n_sectors = max(0, -(-(len(data) - self.sector_size) // self.sector_size))
        self.n_sectors = n_sectors
        (n_fat, first_dir, _, cutoff, first_minifat, n_minifat, first_difat, n_difat) = struct.unpack_from(
            "<IIIIIIII", data, 0x2C
        )
        self.cutoff = cutoff
        # FAT sector numbers: 109 in the header, the rest in the DIFAT chain
        fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C) if s not in _SPECIAL]
        sect, seen = first_difat, 0
        per = self.sector_size // 4 - 1
        while sect not in _SPECIAL and seen < min(n_difat, n_sectors):
            entries = struct.unpack_from(f"<{per + 1}I", self._sector(sect))
            fat_sectors.extend(s for s in entries[:per] if s not in _SPECIAL)
            sect = entries[per]
            seen += 1
        fat: list[int] = []
        for s in fat_sectors[: max(n_fat, 0) or len(fat_sectors)]:
            fat.extend(struct.unpack(f"<{self.sector_size // 4}I", self._sector(s)))
        self.fat = fat
        self.minifat: list[int] = []
        if n_minifat:
            raw = self._chain_bytes(first_minifat, self.fat, self.sector_size, self._sector)
            self.minifat = list(struct.unpack(f"<{len(raw) // 4}I", raw[: len(raw) // 4 * 4]))
        dir_bytes = self._chain_bytes(first_dir, self.fat, self.sector_size, self._sector)
        self.entries: dict[str, tuple[int, int, int]] = {}  # name -> (type, start, size)
        self._root: tuple[int, int] | None = None
        for off in range(0, len(dir_bytes) - 127, 128):
            name_len = struct.unpack_from("<H", dir_bytes, off + 0x40)[0]
            kind = dir_bytes[off + 0x42]
            if kind == 0 or not (2 <= name_len <= 64):
                continue
            name = dir_bytes[off : off + name_len - 2].decode("utf-16-le", "replace")
            start, size = struct.unpack_from("<IQ", dir_bytes, off + 0x74)
            if self.sector_size == 512:
                size &= 0xFFFFFFFF
            if kind == 5:
                self._root = (start, size)
            elif kind == 2:
                self.entries.setdefault(name, (kind, start, size))
        self._mini_stream: bytes | None = None

    def _sector(self, n: int) -> bytes:
        if n >= self.n_sectors:
            raise OleFormatError("sector out of range")
        off = (n + 1) * self.sector_size
        return self.data[off : off + self.sector_size].ljust(self.sector_size, b"\0")

    def _chain_bytes(self, start: int, table: list[int], size: int, read, limit: int | None = None) -> bytes:
        out = bytearray()
        sect, steps = start, 0
        while sect not in _SPECIAL:
            if sect >= len(table) or steps > len(table):
                raise OleFormatError("broken sector chain")
            out += read(sect)
            steps += 1
            if limit is not None and len(out) >= limit:
                break
            sect = table[sect]
        return bytes(out if limit is None else out[:limit])

    def _fat_chain(self, start: int, size: int) -> bytes:
        """``_chain_bytes(start, self.fat, self.sector_size, self._sector, size)``, the same bytes and
        the same errors, with each run of consecutive sectors found by comparing slices of the FAT
        and taken as one slice of the file (an .xls roster's Workbook stream is thousands of
        sectors, nearly always in one run)."""
        table, ss, n_table, n_sectors = self.fat, self.sector_size, len(self.fat), self.n_sectors
        # the walk stops once it holds ``size`` bytes: after ``need`` sectors
        need = max(1, -(-size // ss))
        runs: list[tuple[int, int]] = []  # (first sector, count)
        sect, steps = start, 0
        while sect not in _SPECIAL:
            if sect >= n_table or steps > n_table:
                raise OleFormatError("broken sector chain")
            if sect >= n_sectors:
                raise OleFormatError("sector out of range")
            # how far the chain runs on from sect to sect + 1, ...: only as far as each sector the
            # walk would take passes its checks (within the table and the file, at most n_table
            # steps before it) and the walk would not yet have stopped; the loop checks the rest
            most = min(need - steps, n_table - sect, n_sectors - sect, n_table - steps + 1)
            k, chunk = 1, 64
            while k < most:
                m = min(chunk, most - k)
                last = sect + k - 1
                seg = table[last : last + m]
                if seg == list(range(last + 1, last + m + 1)):
                    k += m
                    chunk *= 2
                    continue
                j = 0
                while seg[j] == last + 1 + j:
                    j += 1
                k += j
                break
            runs.append((sect, k))
            steps += k
            if steps >= need:
                break
            sect = table[sect + k - 1]
        data = self.data
        pieces: list[bytes] = []
        left = size
        for first, count in runs:
            # the first ``size`` bytes of the sectors: the last run taken only as far as they go
            off, length = (first + 1) * ss, min(count * ss, left)
            # a file cut short ends within the last run: padding the run's end pads each sector
            pieces.append(data[off : off + length].ljust(length, b"\0"))
            left -= length
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    def _mini(self, n: int) -> bytes:
        if self._mini_stream is None:
            if self._root is None:
                raise OleFormatError("no root entry")
            start, size = self._root
            self._mini_stream = self._fat_chain(start, size)
        off = n * self.mini_size
        return self._mini_stream[off : off + self.mini_size]

    def names(self) -> list[str]:
        return list(self.entries)

    def has(self, name: str) -> bool:
        return name in self.entries

    def read(self, name: str) -> bytes:
        """The bytes of the stream ``name`` (KeyError if absent)."""
        _, start, size = self.entries[name]
        if size < self.cutoff:
            return self._chain_bytes(start, self.minifat, self.mini_size, self._mini, size)
        return self._fat_chain(start, size)
