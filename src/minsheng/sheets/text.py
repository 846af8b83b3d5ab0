"""Text normalisation for matching labels written by hand: full-width, spaces, punctuation, numbering."""

from __future__ import annotations

import re
import unicodedata

from .amounts import UNITS

_PUNCT = re.compile(r"[\s\"'“”‘’「」『』《》〈〉<>、，,。.:：;；!！?？·•…\-—－_~～()（）\[\]【】{}|/\\]+")
_NUMBERING = re.compile(
    r"^(?:[(（]?[一二三四五六七八九十百]+[)）、.．]|[(（][0-9]+[)）]|[0-9]+(?:\.[0-9]+)*(?:[、.．)）]|\s+)(?=\D)|[①-⑳])\s*"
)
_UNIT_NAMES = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
UNIT_IN_TEXT = re.compile(rf"[(（]\s*(?:计量)?(?:单位\s*[:：]\s*)?({_UNIT_NAMES})\s*[)）]")
UNIT_LINE = re.compile(rf"(?:计量)?单位\s*[:：]\s*({_UNIT_NAMES})(?![\w])")
_QIZHONG = re.compile(r"^\s*其中\s*[:：]?\s*")


def squash(text: str) -> str:
    """NFKC, no whitespace at all (full-width spaces included)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def label_key(text: str) -> str:
    """The matching key of a label: numbering, 其中, units in brackets and punctuation removed.

    ``"（三）其中：“阳光工程”（万人）"`` → ``"阳光工程"``.
    """
    t = unicodedata.normalize("NFKC", text).strip()
    t = _QIZHONG.sub("", t)
    t = _NUMBERING.sub("", t)
    t = _QIZHONG.sub("", t)
    t = UNIT_IN_TEXT.sub("", t)
    return _PUNCT.sub("", t)


def unit_of(text: str) -> str | None:
    """The unit a header or label states: ``"完成数（万人）"`` → ``"万人"``; ``"单位：万元"`` → ``"万元"``."""
    t = unicodedata.normalize("NFKC", text)
    m = UNIT_IN_TEXT.search(t) or UNIT_LINE.search(t)
    return m.group(1) if m else None


def strip_unit(text: str) -> str:
    return UNIT_IN_TEXT.sub("", unicodedata.normalize("NFKC", text)).strip()


def starts_with_qizhong(text: str) -> bool:
    return bool(_QIZHONG.match(unicodedata.normalize("NFKC", text)))
