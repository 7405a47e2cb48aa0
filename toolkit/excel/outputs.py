"""What both one-click doors (the Excel button and the desktop launcher) make after a check,
through the same library functions as the command line: the results written into the workbook
file, and the Word report next to it.

Kept in one place so the button and the launcher cannot drift apart; neither imports xlwings.
"""

from __future__ import annotations

from pathlib import Path

from ..rules import CheckResult

def report_path(result: CheckResult, source: Path | str) -> Path:
    """The Word report's file: beside the workbook, named as ``nianbao build`` names it
    (``{机关}{年度}年政府信息公开工作年度报告.docx``). A workbook whose folder cannot be seen (opened
    from a web address) gets it in the home folder."""
    from ..word import default_output
    source = Path(source)
    # A relative path (`nianbao gui 样例.xlsx`) is in the current folder; only a source whose folder
    # is not there (a web address) sends the report home.
    source = source.absolute() if source.parent.is_dir() else Path.home() / source.name
    return default_output(source, result.report.values, draft=False)


def build_word(result: CheckResult, source: Path | str) -> Path:
    """Build the Word report of a checked report beside ``source`` with the pieces of
    ``nianbao build`` (its naming, its refusal to overwrite an open or edited report, its
    renderer). Raises UnusableFile (in Chinese) when it cannot be written."""
    from ..fileio import atomic_write
    from ..word.build import guard_output, render_report
    out = report_path(result, source)
    guard_output(out, force=False)
    atomic_write(out, render_report(result.report, None, result))
    return out


def write_back_file(path: Path, result: CheckResult):
    """Write the findings into the workbook file (marks, notes, the results sheet) with
    ``toolkit.writeback.write_back``, as ``nianbao check`` does. Returns its WriteOutcome (which
    says in Chinese why nothing was written: the file is open, read-only, ...)."""
    from ..writeback import write_back
    return write_back(Path(path), result)
