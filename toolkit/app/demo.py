"""``nianbao demo``: the whole job on the bundled sample, for a newcomer's first minute.

Writes the sample workbook (the real 2022 report of 锦屏街道), checks it, writes the results back
into it, builds the Word report (and the PDF when LibreOffice is installed). What it made and
where is said by ``toolkit.output.demo_lines``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import EXIT_ERRORS, EXIT_OK, EXIT_UNUSABLE
from ..fileio import make_folder
from ..sample import sample_data
from .check import Annotated, check_and_annotate
from .workbook import new_workbook

DEFAULT_FOLDER = "年报示例"


@dataclass
class DemoResult:
    """What ``run_demo`` made and where."""

    folder: Path
    workbook: Path
    reused: bool  # the workbook was already there (kept: it may hold the user's own changes)
    done: Annotated

    @property
    def exit_code(self) -> int:
        """As ``nianbao check``: 0 passed, 1 errors, 2 something could not be made."""
        if self.done.report_problem and not self.done.result.errors:
            return EXIT_UNUSABLE
        return EXIT_OK if self.done.result.passed else EXIT_ERRORS


def run_demo(folder: Path | str | None = None, *, pdf: bool | None = None) -> DemoResult:
    """Run the sample through new → check → write back → build. ``pdf`` None: when LibreOffice
    is installed."""
    from ..word.pdf import find_soffice
    data = sample_data()
    folder = Path(folder or DEFAULT_FOLDER)
    make_folder(folder, "文件夹")
    workbook = folder / f"{data['meta.unit']}{data['meta.year']}年报数据.xlsx"
    reused = workbook.exists()
    if not reused:
        new_workbook(workbook, data=data)
    if pdf is None:
        pdf = find_soffice() is not None
    # A workbook the demo has just made needs no backup; one that was already there may hold the
    # user's changes, so it gets one.
    done = check_and_annotate(workbook, pdf=pdf, backup=reused)
    return DemoResult(folder, workbook, reused, done)
