"""Sample county files for the three example plugins in plugins/, made by code, not by hand.

Run from the repository root::

    python scripts/make_plugin_samples.py OUT_DIR     # three sample files for 南昌县 (360121)

The writers live in the plugins themselves (``write_sample(path, submission, scheme)``, their
``minsheng_write_sample`` hook, which ``minsheng demo`` uses). This script keeps the older calling
convention: a county and its values (actuals in the scheme's units, keyed by indicator code;
``None`` writes a blank cell, "—" is not applicable, another string is written as is), every
indicator of the scheme given a row. The values and the submission come from
:func:`minsheng.testing.example_values` and :func:`minsheng.testing.submission_of`, which the
plugins' tests use directly with each plugin's ``write_sample``:

- :func:`make_xls_summary`  → .xls (Excel 97-2003) summary table (plugin ``minsheng-xls-summary``);
- :func:`make_monthly_xlsx` → .xlsx with one sheet per indicator group, months 1–12 as
  cumulative columns and a 自评分 column (plugin ``minsheng-monthly-xlsx``);
- :func:`make_roster`       → .xlsx with a 培训花名册 and a 小额贷款台帐 that add up to 3.1, 3.2
  (3.2.1–3.2.3) and 5.1, plus a small 汇总表 for the rest (plugin ``minsheng-roster``).

Everything random is drawn from ``random.Random(seed)``: same arguments, same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import minsheng_monthly_xlsx
import minsheng_roster
import minsheng_xls_summary
from minsheng_roster import TRAINING_CATEGORIES, make_id

from minsheng import County, Scheme, load_scheme
from minsheng.testing import SampleValues, example_values, submission_of

Values = SampleValues

ROSTER_CODES = minsheng_roster.FROM_ROSTERS
SAMPLE_COUNTY = County("360121", "南昌县", "3601", "南昌市")

__all__ = [
    "SAMPLE_COUNTY",
    "TRAINING_CATEGORIES",
    "example_values",
    "make_id",
    "make_monthly_xlsx",
    "make_roster",
    "make_xls_summary",
    "submission_of",
]


def _county(county: County | tuple[str, str]) -> County:
    return county if isinstance(county, County) else County(county[0], county[1])


def _scheme(scheme: Scheme | None) -> Scheme:
    return scheme or load_scheme("jiangxi-2007")


def _dec(v: Decimal | int | float | str) -> Decimal:
    return v if isinstance(v, Decimal) else Decimal(str(v))


# ---------------------------------------------------------------------------------------------
# the three layouts, written by their plugins


def make_xls_summary(
    path: str | Path,
    county: County | tuple[str, str],
    values: Values,
    *,
    targets: Values | None = None,
    scheme: Scheme | None = None,
    seed: int = 0,
    reported_on: dt.date = dt.date(2008, 1, 8),
) -> Path:
    """A county's year-end summary as an Excel 97-2003 workbook (see
    :func:`minsheng_xls_summary.write_sample`)."""
    scheme = _scheme(scheme)
    county = _county(county)
    sub = submission_of(county, values, scheme=scheme, seed=seed, reported_on=reported_on)
    return minsheng_xls_summary.write_sample(
        path, sub, scheme, targets=targets, county_name=county.name, seed=seed
    )


def make_monthly_xlsx(
    path: str | Path,
    county: County | tuple[str, str],
    values: Values,
    *,
    self_scores: Mapping[str, Decimal | int | float] | None = None,
    self_total: Decimal | int | float | None = None,
    targets: Values | None = None,
    months: int = 12,
    errors: Mapping[str, str] | None = None,
    scheme: Scheme | None = None,
    seed: int = 0,
    reported_on: dt.date = dt.date(2008, 1, 6),
) -> Path:
    """A county's monthly progress workbook (.xlsx) up to month ``months`` (see
    :func:`minsheng_monthly_xlsx.write_sample`)."""
    scheme = _scheme(scheme)
    county = _county(county)
    sub = submission_of(
        county,
        values,
        scheme=scheme,
        seed=seed,
        reported_on=reported_on,
        month=months,
        self_scores=self_scores,
        self_total=self_total,
    )
    return minsheng_monthly_xlsx.write_sample(
        path, sub, scheme, targets=targets, errors=errors, county_name=county.name, seed=seed
    )


def make_roster(
    path: str | Path,
    county: County | tuple[str, str],
    values: Values,
    *,
    noise: bool = True,
    scheme: Scheme | None = None,
    seed: int = 0,
    reported_on: dt.date = dt.date(2008, 1, 10),
) -> Path:
    """A roster county's workbook (.xlsx); with ``noise`` (the default here), rows the plugin must
    not count are added (see :func:`minsheng_roster.write_sample`)."""
    scheme = _scheme(scheme)
    county = _county(county)
    parts = [values.get(c) for c in ("3.2.1", "3.2.2", "3.2.3")]
    if any(p is not None and not isinstance(p, str) for p in parts):  # the roster counts 3.2 as their sum
        values = dict(
            values, **{"3.2": sum(_dec(p) for p in parts if p is not None and not isinstance(p, str))}
        )
    sub = submission_of(county, values, scheme=scheme, seed=seed, reported_on=reported_on)
    return minsheng_roster.write_sample(path, sub, scheme, noise=noise, county_name=county.name, seed=seed)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("out", type=Path, help="folder for the three sample files")
    parser.add_argument("--seed", type=int, default=2007)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    values = example_values(seed=args.seed)
    scores = {code: Decimal(1) for code in values}
    c = SAMPLE_COUNTY
    print(make_xls_summary(args.out / f"{c.code}{c.name}-汇总表.xls", c, values, seed=args.seed))
    print(
        make_monthly_xlsx(
            args.out / f"{c.code}{c.name}-逐月进度.xlsx", c, values, self_scores=scores, seed=args.seed
        )
    )
    print(make_roster(args.out / f"{c.code}{c.name}-花名册.xlsx", c, values, seed=args.seed))


if __name__ == "__main__":
    main()
