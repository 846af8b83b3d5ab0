"""The day of the assessment (考核日期): what the cover, the document times and the JSON carry.

It is the day the office assesses, never a county's report date: an explicit date when one is
given (``--assessed-on``, ``score(assessed_on=)``), else ``SOURCE_DATE_EPOCH`` when a reproducible
build sets it (https://reproducible-builds.org/specs/source-date-epoch/), else today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"


def assessment_date(explicit: dt.date | None = None, env: Mapping[str, str] | None = None) -> dt.date:
    """The 考核日期: ``explicit``, else the UTC day of ``env["SOURCE_DATE_EPOCH"]``, else today.

    Only the CLI passes ``os.environ``; a library caller passes its own mapping or none. A
    ``SOURCE_DATE_EPOCH`` that is not a whole number of seconds raises ``ValueError`` (in Chinese).
    """
    if explicit is not None:
        return explicit
    epoch = (env or {}).get(SOURCE_DATE_EPOCH, "").strip()
    if epoch:
        try:
            seconds = int(epoch)
        except ValueError:
            raise ValueError(
                f"环境变量 {SOURCE_DATE_EPOCH} 应为自 1970-01-01 起的整秒数，如 1199923200，而不是“{epoch}”。"
            ) from None
        return dt.datetime.fromtimestamp(seconds, dt.UTC).date()
    return dt.date.today()
