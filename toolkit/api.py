"""The former home of the library functions, kept as a thin re-export for one round.

The workflows now live in ``toolkit.app`` (and reading a source in ``toolkit.source``); use those.
This module stays while branches written against it are rebased, and because the benchmark
scripts in ``scripts/`` run the same code against older commits, which have only ``toolkit.api``.
"""

from __future__ import annotations

from .app.check import check_file
from .app.workbook import export_data, new_workbook
from .errors import UnusableFile
from .previous import mismatch as previous_mismatch
from .source import read_report

__all__ = ["UnusableFile", "check_file", "export_data", "new_workbook", "previous_mismatch", "read_report"]
