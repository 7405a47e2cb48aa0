"""The application layer: every workflow of nianbao, as library functions that return data.

The command line (``toolkit.cli``), the desktop launcher (``toolkit.gui``), the Excel button
(``toolkit.excel.button``) and the demo only translate their arguments into these calls and
present what comes back; none of them orchestrates. The verbs are those of ``nianbao``:

- ``new_workbook``, ``export_data``          (``workbook``: the data-entry workbook and its data)
- ``check_file``, ``check_files``            (``check``: read → check → write the results back)
- ``check_and_annotate``, ``check_book``     (``check``: the one-click doors: check, write back, build)
- ``build_report``                           (``build``: the Word report of one file, and its PDF)
- ``build_reports``                          (``publish``: many reports, with web pages and PDFs)
- ``collect``, ``roster_template``           (``toolkit.collect``: a district's batch, its 单位名单)
- ``audit``                                  (``audit``: published reports of any kind, in bulk)
- ``run_demo``                               (``demo``: the whole job on the bundled sample)
- ``import_report``, ``new_from``            (``importing``: published reports → report data)

Errors come as ``toolkit.errors`` exceptions (codes, exit codes, Chinese messages); findings as
``CheckResult``. Data flows one way: source (``toolkit.source``) → report data → findings → outputs.
"""

from __future__ import annotations

from ..collect import CollectSummary, collect
from ..collect.roster import write_template as roster_template
from ..source import read_report
from .audit import AuditSummary, audit
from .build import BuildResult, build_beside, build_report
from .check import Annotated, CheckRun, FileCheck, check_and_annotate, check_book, check_file, check_files
from .demo import DemoResult, run_demo
from .importing import ImportOutcome, import_report, new_from, read_any
from .publish import BuildRun, Built, build_reports
from .workbook import export_data, new_workbook

__all__ = [
    "Annotated", "AuditSummary", "BuildResult", "BuildRun", "Built", "CheckRun", "CollectSummary", "DemoResult",
    "FileCheck", "ImportOutcome",
    "audit", "build_beside", "build_report", "build_reports", "check_and_annotate", "check_book", "check_file",
    "check_files", "collect", "export_data", "import_report", "new_from", "new_workbook", "read_any", "read_report",
    "roster_template", "run_demo",
]
