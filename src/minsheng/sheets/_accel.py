"""Which byte scans :mod:`minsheng.sheets` uses: the C ones of ``_native`` when that extension was
built (``setup.py`` builds it when a C compiler is at hand), else the pure-Python ones, which are
the reference and give the same results (``tests/test_native.py``), only slower.

``MINSHENG_PURE_PYTHON=1`` turns the C scans off; tests set ``scans`` to None to do the same.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

scans: ModuleType | None = None
if os.environ.get("MINSHENG_PURE_PYTHON", "") in ("", "0"):
    try:
        scans = importlib.import_module(f"{__package__}._native")
    except ImportError:  # not built: the pure-Python scans
        scans = None
