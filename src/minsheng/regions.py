"""Region tables: the counties of a province with their 设区市, from a CSV file.

The CSV has the columns ``county_code,county_name,city_code,city_name``. The example province's
table (Jiangxi, 100 county-level units in 11 设区市) ships with the package.
"""

from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path

from .model import County

COLUMNS = ("county_code", "county_name", "city_code", "city_name")


def parse_regions(text: str) -> tuple[County, ...]:
    """Counties from region CSV text (UTF-8, with or without a BOM)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"区划表缺少列：{'、'.join(missing)}（应有 {','.join(COLUMNS)}）")
    return tuple(
        County(
            row["county_code"].strip(),
            row["county_name"].strip(),
            row["city_code"].strip(),
            row["city_name"].strip(),
        )
        for row in reader
        if row.get("county_code", "").strip()
    )


def load_regions(path: str | Path | None = None) -> tuple[County, ...]:
    """The counties of a region CSV file, or of the bundled example province when ``path`` is None."""
    if path is None:
        text = resources.files("minsheng.data").joinpath("regions-jiangxi.csv").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8-sig")
    return parse_regions(text)
