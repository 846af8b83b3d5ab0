"""A1 cell references and ranges (rows and columns are 0-based inside the toolkit)."""

from __future__ import annotations

import re

from attrs import frozen

_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


def column_letter(col: int) -> str:
    """``0`` → ``"A"``, ``26`` → ``"AA"``."""
    if col < 0:
        raise ValueError(f"negative column {col}")
    letters = ""
    n = col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """``"A"`` → ``0``, ``"AA"`` → ``26``."""
    n = 0
    for ch in letters.upper():
        if not "A" <= ch <= "Z":
            raise ValueError(f"not a column: {letters!r}")
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def cell_ref(row: int, col: int) -> str:
    """``(6, 3)`` → ``"D7"``."""
    return f"{column_letter(col)}{row + 1}"


def parse_ref(ref: str) -> tuple[int, int]:
    """``"D7"`` → ``(6, 3)``."""
    m = _REF.match(ref.strip())
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(m.group(2)) - 1, column_index(m.group(1))


@frozen
class CellRange:
    """A rectangle of cells, inclusive on both ends, such as a merged range ``C6:E6``."""

    first_row: int
    first_col: int
    last_row: int
    last_col: int

    @property
    def ref(self) -> str:
        start = cell_ref(self.first_row, self.first_col)
        end = cell_ref(self.last_row, self.last_col)
        return start if start == end else f"{start}:{end}"

    def __contains__(self, rc: object) -> bool:
        if not isinstance(rc, tuple) or len(rc) != 2:
            return False
        r, c = rc
        return self.first_row <= r <= self.last_row and self.first_col <= c <= self.last_col

    @classmethod
    def parse(cls, ref: str) -> CellRange:
        a, _, b = ref.partition(":")
        r0, c0 = parse_ref(a)
        r1, c1 = parse_ref(b) if b else (r0, c0)
        return cls(min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1))
