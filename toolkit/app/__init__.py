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

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type checkers and readers; at run time each name loads its module on first use
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

# Where each public name lives. ``nianbao check`` must not pay for importing collect, audit, the
# importers and Word (about 130 ms on the sample, more than the check itself): ``from toolkit.app
# import check_files`` loads ``toolkit.app.check`` and what it needs, nothing else (PEP 562).
_HOME = {
    "CollectSummary": "..collect", "collect": "..collect",
    "roster_template": ("..collect.roster", "write_template"),
    "read_report": "..source",
    "AuditSummary": ".audit", "audit": ".audit",
    "BuildResult": ".build", "build_beside": ".build", "build_report": ".build",
    "Annotated": ".check", "CheckRun": ".check", "FileCheck": ".check", "check_and_annotate": ".check",
    "check_book": ".check", "check_file": ".check", "check_files": ".check",
    "DemoResult": ".demo", "run_demo": ".demo",
    "ImportOutcome": ".importing", "import_report": ".importing", "new_from": ".importing",
    "read_any": ".importing",
    "BuildRun": ".publish", "Built": ".publish", "build_reports": ".publish",
    "export_data": ".workbook", "new_workbook": ".workbook",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attr = home if isinstance(home, tuple) else (home, name)
    value = getattr(import_module(module, __name__), attr)
    globals()[name] = value  # later look-ups skip __getattr__
    return value
# One trap of laziness: ``audit`` is also the name of a module here, and importing the module
# ``toolkit.app.audit`` first binds that name to the module. Import the function from its module.


__all__ = [
    "Annotated", "AuditSummary", "BuildResult", "BuildRun", "Built", "CheckRun", "CollectSummary", "DemoResult",
    "FileCheck", "ImportOutcome",
    "audit", "build_beside", "build_report", "build_reports", "check_and_annotate", "check_book", "check_file",
    "check_files", "collect", "export_data", "import_report", "new_from", "new_workbook", "read_any", "read_report",
    "roster_template", "run_demo",
]
