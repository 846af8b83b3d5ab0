"""Workbooks: the standard county form, the targets workbook and the year-end assessment workbook.

Everything here is filled from templates (``templates/xlsx/``, shipped in the package as
``minsheng/templates/``) by the contract in docs/templates.md. openpyxl is imported only by the
writers. The readers live beside what they read (the form's in :mod:`minsheng.plugins.standard_form`,
the targets workbook's in :mod:`minsheng.targets`); ``read_form``, ``claim_form`` and ``read_targets``
are offered here too. Names load on first use, so importing this package loads nothing heavy.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "claim_form": ".plugins.standard_form",  # the reader lives with the built-in plugin
    "read_form": ".plugins.standard_form",
    "write_form": "form",
    "write_forms": "form",
    "form_filename": "form",
    "read_targets": ".targets",  # minsheng.targets: the reader lives beside the targets model
    "read_regions": ".targets",
    "read_received": "received",
    "write_targets_template": "targets",
    "write_assessment": "_run",
    "write_county_sheets": "_run",
    "write_progress": "progress",
    "mask_ids": "_cells",
    "save_workbook": "_output",
    "TemplateError": "_template",
    "template_path": "_template",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
