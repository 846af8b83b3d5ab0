"""Region tables: the counties of a province with their 设区市, from a CSV file.

The CSV has the columns ``county_code,county_name,city_code,city_name``, or their Chinese headers
as an office types them (县代码 / 县（市、区）/ 设区市代码 / 设区市, and close variants). Excel and
WPS save CSV in the system code page on a Chinese Windows (GBK, GB18030) or as UTF-8 with a BOM;
all of them are read. The example province's table (Jiangxi, 100 county-level units in 11 设区市)
ships with the package.
"""

from __future__ import annotations

import csv
import io
import re
from importlib import resources
from pathlib import Path

from .model import County

COLUMNS = ("county_code", "county_name", "city_code", "city_name")
REQUIRED = ("county_code", "county_name")

#: Chinese headers (brackets, spaces and 名称 normalised away) → column
_CHINESE = {
    "县代码": "county_code",
    "县区代码": "county_code",
    "县市区代码": "county_code",
    "区县代码": "county_code",
    "县级代码": "county_code",
    "行政区划代码": "county_code",
    "区划代码": "county_code",
    "代码": "county_code",
    "县": "county_name",
    "县区": "county_name",
    "县市区": "county_name",
    "区县": "county_name",
    "县名": "county_name",
    "县级": "county_name",
    "设区市代码": "city_code",
    "市代码": "city_code",
    "地市代码": "city_code",
    "设区市": "city_name",
    "市": "city_name",
    "地市": "city_name",
    "市名": "city_name",
}
ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK and GB2312


def decode(data: bytes) -> str:
    """CSV bytes as text: UTF-8 (with or without a BOM), else GB18030/GBK as Chinese Excel saves it."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError("区划表既不是 UTF-8 也不是 GBK/GB18030 编码；请在 Excel 中另存为“CSV UTF-8”。")


def column_of(header: str) -> str | None:
    """The column a header names: an English name as is, or a Chinese header and its close variants."""
    text = header.strip().lstrip("\ufeff").strip()
    if text.lower() in COLUMNS:
        return text.lower()
    key = re.sub(r"[\s\u3000()（）、,，/]|名称", "", text)
    return _CHINESE.get(key)


def parse_regions(text: str) -> tuple[County, ...]:
    """Counties from region CSV text (a BOM is dropped); English or Chinese headers."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header = rows[0] if rows else []
    where: dict[str, int] = {}
    for i, name in enumerate(header):
        col = column_of(name)
        if col is not None and col not in where:
            where[col] = i
    missing = [c for c in REQUIRED if c not in where]
    if missing:
        raise ValueError(
            f"区划表缺少列：{'、'.join(missing)}（表头应为 {','.join(COLUMNS)}，"
            "或 县代码,县（市、区）,设区市代码,设区市）"
        )

    def get(row: list[str], col: str) -> str:
        i = where.get(col)
        return row[i].strip() if i is not None and i < len(row) else ""

    return tuple(
        County(get(r, "county_code"), get(r, "county_name"), get(r, "city_code"), get(r, "city_name"))
        for r in rows[1:]
        if get(r, "county_code")
    )


def read_regions_file(path: str | Path) -> tuple[County, ...]:
    """The counties of a region CSV file, whatever its encoding (UTF-8, UTF-8 with BOM, GBK, GB18030)."""
    return parse_regions(decode(Path(path).read_bytes()))


def load_regions(path: str | Path | None = None) -> tuple[County, ...]:
    """The counties of a region CSV file, or of the bundled example province when ``path`` is None."""
    if path is None:
        text = resources.files("minsheng.data").joinpath("regions-jiangxi.csv").read_text(encoding="utf-8")
        return parse_regions(text)
    return read_regions_file(path)
