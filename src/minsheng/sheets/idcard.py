"""身份证号 (GB 11643-1999): the rule, written once (the C scans of ``_native`` only speed up the
same test on plain IDs in bulk).

18 characters, 17 digits and a check character (0-9 or X) by ISO 7064 MOD 11-2, with a valid
birth date (YYYYMMDD, from 1870 and not after ``as_of``). Old 15-digit IDs (issued before 1999,
birth date YYMMDD in 19xx, no check character) were still valid in 2007: they are accepted when
their birth date is valid, and converted to the 18-digit form, so the same person written both
ways is the same ID.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import TypeGuard

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
#: the check character by the 17 digits read in base 13, mod 11: the weights are 2^(17-i) mod 11
#: (i = 1..17) and 13 ≡ 2 (mod 11), so that number is half the weighted sum, mod 11
_CHECK_BASE13 = "".join(_CHECK[2 * k % 11] for k in range(11))
_DIGITS = frozenset("0123456789")
_ID_CHARS = frozenset("0123456789Xx \u3000")
#: every MMDD a birth date can have (0229 only in a leap year)
_MONTH_DAYS = frozenset(f"{d:%m%d}" for d in (dt.date(2000, 1, 1) + dt.timedelta(n) for n in range(366)))
_BAD_BIRTH = "出生日期无效"
_BAD_CHECK = "校验位不对（可能录错了某一位）"


def id_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits of an ID."""
    if len(first17) == 17 and first17.isascii() and first17.isdigit():
        # one C call instead of a weighted sum (see _CHECK_BASE13); only for ASCII digits: int()
        # would also take signs, spaces, underscores and the letters a-c
        return _CHECK_BASE13[int(first17, 13) % 11]
    return _CHECK[sum(int(ch) * w for ch, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def mask_id(text: str) -> str:
    """``360102198001011234`` → ``360102********1234``; short texts keep only their first 2 characters."""
    if len(text) >= 11:
        return text[:6] + "*" * (len(text) - 10) + text[-4:]
    return text[:2] + "*" * max(0, len(text) - 2)


def _birth_ok(y: int, m: int, d: int, as_of: dt.date) -> bool:
    try:
        born = dt.date(y, m, d)
    except ValueError:
        return False
    return dt.date(1870, 1, 1) <= born <= as_of


def _ymd(day: dt.date) -> str:
    """``YYYYMMDD``, zero-padded: such texts of valid dates sort as the dates do."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _born_ok(born: str, as_of_ymd: str) -> bool:
    """Whether 8 ASCII digits are a birth date from 1870 to ``as_of`` (``_ymd``): what
    :func:`_birth_ok` says of them, on the text (valid dates' texts sort as the dates do)."""
    if not "18700101" <= born <= as_of_ymd:
        return False
    md = born[4:]
    if md not in _MONTH_DAYS:
        return False
    if md == "0229":
        y = int(born[:4])
        return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    return True


def _check_ok(raw: str) -> bool:
    """Whether a plain ID's check character is right (see _CHECK_BASE13).

    With a digit last, the whole ID read in base 13 is 13·B + c ≡ 2·B + c (mod 11), B the first
    17 digits in base 13; 2·B is the weighted sum mod 11, and ISO 7064 MOD 11-2 wants the
    weighted sum plus the check value to be 1 (mod 11).
    """
    if raw[17] == "X":
        return _CHECK_BASE13[int(raw[:17], 13) % 11] == "X"
    return int(raw, 13) % 11 == 1


def is_plain_id(raw: object) -> TypeGuard[str]:
    """Whether a cell is the usual ID: a text of 17 ASCII digits and a digit or X, which needs no
    normalising (:func:`check_id`'s fast path; such a text is neither blank nor a footer)."""
    return (
        type(raw) is str
        and len(raw) == 18
        and raw.isascii()
        and (raw.isdigit() or (raw[17] == "X" and raw[:17].isdigit()))
    )


def _plain_id_reason(raw: str, as_of_ymd: str) -> str | None:
    """Why a plain ID (18 ASCII characters: 17 digits and a digit or X) is invalid, or None."""
    if not _born_ok(raw[6:14], as_of_ymd):
        return _BAD_BIRTH
    if not _check_ok(raw):
        return _BAD_CHECK
    return None


def check_id(raw: object, as_of: dt.date | None = None) -> tuple[str | None, str | None]:
    """(normalised 18-character ID, None) when valid, else (None, Chinese reason).

    Accepts lower-case x, spaces and full-width digits; a 15-digit ID is converted to 18.
    """
    as_of = as_of or dt.date.today()
    if is_plain_id(raw):
        # the usual cell, nothing to normalise (what the general path below gives for such a text)
        reason = _plain_id_reason(raw, _ymd(as_of))
        return (None, reason) if reason is not None else (raw, None)
    if isinstance(raw, float):
        return None, "身份证号被存成了数字，后几位已经丢失；请把该列设为“文本”格式后重新录入"
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str):
        return None, "不是身份证号"
    t = "".join((raw if raw.isascii() else unicodedata.normalize("NFKC", raw)).split()).upper()
    if len(t) == 15 and set(t) <= _DIGITS:
        if not _birth_ok(1900 + int(t[6:8]), int(t[8:10]), int(t[10:12]), as_of):
            return None, _BAD_BIRTH
        body = t[:6] + "19" + t[6:]
        return body + id_check_char(body), None
    if len(t) != 18:
        return None, f"位数不对（{len(t)} 位，应为 18 位）"
    body, check = t[:17], t[17]
    if not (body.isascii() and body.isdigit()) or not (check in _DIGITS or check == "X"):
        return None, "含有数字和末位 X 以外的字符"
    if not _birth_ok(int(body[6:10]), int(body[10:12]), int(body[12:14]), as_of):
        return None, _BAD_BIRTH
    if id_check_char(body) != check:
        return None, _BAD_CHECK
    return t, None
