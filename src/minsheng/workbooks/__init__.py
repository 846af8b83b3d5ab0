"""Workbooks: the standard county form, the targets workbook and the year-end assessment workbook.

Everything here is filled from templates (``templates/xlsx/``, shipped in the package as
``minsheng/templates/``) by the contract in docs/templates.md. openpyxl is imported only by the
writers; the form reader (:func:`read_form`, :func:`claim_form`) needs only :mod:`minsheng.sheets`.
Names load on first use so that ``import minsheng.workbooks.form`` for reading stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "claim_form": "form",
    "read_form": "form",
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
